"""Contacts and cases through the API and the pages: the same services behind both, tenant isolation,
problem+json errors, 409 on stale versions, bad input kept, pinned query counts."""

import pytest

from civicdesk.cases import services
from civicdesk.cases.models import Case
from civicdesk.contacts.models import Contact, Outcome
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Team

PROBLEM = "application/problem+json"


@pytest.fixture
def contact_token(nordhordland):
    _token, secret = organisation_services.api_token_create(
        actor=SYSTEM, name="telephony", permissions=["read", "contacts:write", "cases:write"], center=nordhordland
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def byggesak(gulen):
    return Team.objects.get(municipality=gulen, name="Byggesak")


@pytest.fixture
def case(agent, gulen, byggesak):
    return services.case_open(actor=agent, municipality=gulen, title="Garasje", team=byggesak)


def test_api_logs_a_contact_with_topics_and_caller(client, contact_token):
    response = client.post(
        "/api/contacts",
        {
            "municipality": "gulen",
            "channel": "phone",
            "topics": ["building-permits"],
            "summary": "Garasje",
            "caller": {"phone": "+47 912 34 567", "national_id": "03016610045"},
            "external_id": "call-1",
        },
        content_type="application/json",
        headers=contact_token,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["topics"] == ["building-permits"]
    assert body["person"]["national_id"] == "030166-*****"  # masked


def test_api_contact_with_a_wrong_phone_number_is_422_naming_the_field(client, contact_token):
    response = client.post(
        "/api/contacts",
        {"municipality": "gulen", "channel": "phone", "caller": {"phone": "123"}},
        content_type="application/json",
        headers=contact_token,
    )
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "phone"


def test_api_token_without_contacts_permission_cannot_log(client, center_token):
    _token, secret = center_token
    response = client.post(
        "/api/contacts",
        {"municipality": "gulen", "channel": "phone"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403


def test_api_contact_for_another_centres_municipality_is_404(client, contact_token):
    response = client.post(
        "/api/contacts",
        {"municipality": "orebro", "channel": "phone"},
        content_type="application/json",
        headers=contact_token,
    )
    assert response.status_code == 404


def test_api_forwards_an_open_contact_into_a_case(client, contact_token, byggesak):
    made = client.post(
        "/api/contacts",
        {"municipality": "gulen", "channel": "phone", "outcome": "open", "summary": "Nabovarsel"},
        content_type="application/json",
        headers=contact_token,
    ).json()
    response = client.post(
        f"/api/contacts/{made['id']}/forward",
        {"team_id": byggesak.pk},
        content_type="application/json",
        headers=contact_token,
    )
    assert response.status_code == 201, response.content
    assert response.json()["description"] == "Nabovarsel"
    assert Contact.objects.get(pk=made["id"]).outcome == Outcome.FORWARDED


def test_api_stale_version_gets_409_with_the_changes(client_for, agent, caseworker, case):
    first = client_for(agent).patch(
        f"/api/cases/{case.number}", {"version": case.version, "title": "Garasje 2"}, content_type="application/json"
    )
    assert first.status_code == 200
    second = client_for(caseworker).patch(
        f"/api/cases/{case.number}", {"version": case.version, "title": "Noe annet"}, content_type="application/json"
    )
    assert second.status_code == 409 and second["Content-Type"] == PROBLEM
    assert second.json()["changes"]["changes"][0]["what"] == "edited"
    assert Case.objects.get(pk=case.pk).title == "Garasje 2"


def test_api_case_workflow_and_attachment(client_for, caseworker, case):
    client = client_for(caseworker)
    assert (
        client.post(
            f"/api/cases/{case.number}/assign", {"assignee_id": caseworker.pk}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/cases/{case.number}/status", {"status": "waiting_unit"}, content_type="application/json"
        ).json()["status"]
        == "waiting_unit"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kart.png", b"\x89PNG\r\n\x1a\nxxxx", content_type="image/png")
    attached = client.post(f"/api/cases/{case.number}/attachments", {"file": upload})
    assert attached.status_code == 201 and attached.json()["filename"] == "kart.png"
    mine = client.get("/api/cases?mine=true").json()["results"]
    assert [c["number"] for c in mine] == [case.number]


def test_api_cases_of_another_municipality_are_404_and_not_listed(client_for, case):
    from civicdesk.organisations.models import User

    osteroy = client_for(User.objects.get(username="osteroy.caseworker"))
    assert osteroy.get(f"/api/cases/{case.number}").status_code == 404
    assert case.number not in [c["number"] for c in osteroy.get("/api/cases").json()["results"]]


def test_api_case_list_uses_a_fixed_number_of_queries(
    client_for, agent, gulen, byggesak, django_assert_max_num_queries
):
    for n in range(30):
        services.case_open(actor=agent, municipality=gulen, title=f"Sak {n}", team=byggesak)
    client = client_for(agent)
    client.get("/api/me")
    with django_assert_max_num_queries(8):
        response = client.get("/api/cases?page_size=100&status=open")
    assert len(response.json()["results"]) >= 30


def test_page_logs_a_resolved_contact(client_for, agent, gulen):
    response = client_for(agent).post(
        "/contacts/new/",
        {
            "municipality": gulen.pk,
            "channel": "phone",
            "caller_kind": "citizen",
            "language": "nb",
            "summary": "Åpningstider",
            "outcome": "resolved",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.filter(summary="Åpningstider", outcome="resolved", handled_by=agent).exists()


def test_page_with_a_wrong_identity_number_keeps_everything_typed(client_for, agent, gulen):
    response = client_for(agent).post(
        "/contacts/new/",
        {
            "municipality": gulen.pk,
            "channel": "phone",
            "caller_kind": "citizen",
            "language": "nb",
            "summary": "Byggesak for naust",
            "caller_name": "Kari",
            "caller_national_id": "12345678901",
            "outcome": "resolved",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Byggesak for naust" in body and 'value="Kari"' in body and 'value="12345678901"' in body
    assert "fødselsnummer" in body


def test_page_forwards_to_a_team(client_for, agent, gulen, byggesak):
    response = client_for(agent).post(
        "/contacts/new/",
        {
            "municipality": gulen.pk,
            "channel": "phone",
            "caller_kind": "citizen",
            "language": "nb",
            "summary": "Ring meg om byggesaken",
            "forward_team": byggesak.pk,
            "callback": "on",
            "outcome": "forwarded",
        },
        follow=True,
    )
    assert response.status_code == 200
    case = Case.objects.get(description="Ring meg om byggesaken")
    assert case.team == byggesak and case.kind == "callback"
    assert case.number in response.content.decode()


def test_page_previous_contacts_appear_as_the_number_is_typed(client_for, agent, gulen):
    from civicdesk.contacts import services as contact_services
    from civicdesk.contacts.services import CallerDetails

    contact_services.contact_log(
        actor=agent, municipality=gulen, channel="phone", summary="Første gang", caller=CallerDetails(phone="91234567")
    )
    response = client_for(agent).get(
        "/contacts/new/previous/?caller_phone=912+34+567&municipality=" + str(gulen.pk), headers={"HX-Request": "true"}
    )
    assert "Første gang" in response.content.decode()


def test_page_case_detail_and_reply_without_email_keeps_the_text(client_for, caseworker, case):
    client = client_for(caseworker)
    assert client.get(f"/cases/{case.number}/").status_code == 200
    response = client.post(f"/cases/{case.number}/replies/", {"reply-version": case.version, "reply-text": "Hei Kari"})
    assert response.status_code == 422
    assert "Hei Kari" in response.content.decode()


def test_page_stale_status_change_shows_the_conflict(client_for, caseworker, agent, case):
    services.case_update(actor=agent, case=case, title="Endret", expected_version=case.version)
    response = client_for(caseworker).post(f"/cases/{case.number}/status/", {"status": "open", "version": case.version})
    assert response.status_code == 409
    assert "Someone else changed this case" in response.content.decode()


def test_page_case_list_uses_a_fixed_number_of_queries(
    client_for, agent, gulen, byggesak, django_assert_max_num_queries
):
    for n in range(30):
        services.case_open(actor=agent, municipality=gulen, title=f"Sak {n}", team=byggesak)
    client = client_for(agent)
    with django_assert_max_num_queries(25):
        response = client.get("/cases/?view=all&sort=-created&status=open")
    assert response.status_code == 200 and "Sak 29" in response.content.decode()


def test_page_contact_log_offers_every_topic_to_tick(client_for, agent):
    body = client_for(agent).get("/contacts/new/").content.decode()
    assert body.count('name="topics"') >= 40
    assert "Quays and boathouses" in body  # Gulen's own topic, for an agent of its centre
