"""The contact log's forward step and the directory: who handles the ticked topic (open now or not), entries
found as the agent types, forwarding or referring to one, and pointing an internal caller to the entry."""

import pytest
from django.core import mail

from civicdesk.cases.models import Case
from civicdesk.contacts.models import Contact
from civicdesk.directory import services as directory_services
from civicdesk.directory.demo import TOPIC_TEAMS
from civicdesk.directory.models import Channel, Unit
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Topic


@pytest.fixture
def byggesak_unit(gulen):
    return Unit.objects.get(municipality=gulen, name="Byggesak Gulen")


@pytest.fixture
def rescue_unit(municipality_admin, gulen):
    """A unit that takes no cases in civicdesk: callers are referred to its number."""
    unit = directory_services.unit_create(actor=municipality_admin, municipality=gulen, name="Brannvesen Gulen")
    directory_services.phone_add(actor=municipality_admin, unit=unit, number="57 78 30 00")
    directory_services.unit_hours_set(
        actor=municipality_admin, unit=unit, channel=Channel.PHONE, hours="mon-sun 00:00-23:59"
    )
    return unit


def _log(client, gulen, **fields):
    data = {"municipality": gulen.pk, "channel": "phone", "caller_kind": "citizen", "language": "nb", **fields}
    return client.post("/contacts/new/", data)


def test_ticking_a_topic_shows_who_handles_it_and_whether_they_are_open(client_for, agent, gulen):
    topic = Topic.objects.get(municipality=None, key=next(iter(TOPIC_TEAMS)))
    response = client_for(agent).get(
        "/contacts/new/forward/suggestions/",
        {"municipality": gulen.pk, "topics": [topic.pk], "language": "nb"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert f"Who handles {topic.name}" in html
    assert 'name="forward_to"' in html
    assert "Open now" in html or "Closed" in html
    assert "+47 57 78" in html


def test_without_a_topic_the_agent_is_told_to_tick_one(client_for, agent, gulen):
    html = client_for(agent).get("/contacts/new/forward/suggestions/", {"municipality": gulen.pk}).content.decode()
    assert "Tick a topic to see who handles it" in html


def test_half_a_word_finds_the_unit_to_forward_to(client_for, agent, gulen, byggesak_unit):
    response = client_for(agent).get(
        "/contacts/new/forward/search/",
        {"municipality": gulen.pk, "forward_q": "bygges"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Byggesak Gulen" in html
    assert f'value="unit:{byggesak_unit.pk}"' in html


def test_forwarding_to_a_directory_unit_opens_the_case_in_its_team(client_for, agent, gulen, byggesak_unit):
    response = _log(
        client_for(agent),
        gulen,
        summary="Spør om byggesøknad for garasje",
        forward_to=f"unit:{byggesak_unit.pk}",
        outcome="forwarded",
    )
    assert response.status_code == 302
    case = Case.objects.get(description="Spør om byggesøknad for garasje")
    assert case.team == byggesak_unit.team


def test_forwarding_to_a_named_person_assigns_the_case_to_them(client_for, agent, gulen, caseworker):
    from civicdesk.directory.models import Employee

    person = Employee.objects.get(municipality=gulen, user=caseworker)
    response = _log(
        client_for(agent), gulen, summary="Nabovarsel", forward_to=f"employee:{person.pk}", outcome="forwarded"
    )
    assert response.status_code == 302
    case = Case.objects.get(description="Nabovarsel")
    assert case.assignee == caseworker


def test_a_unit_taking_no_cases_is_refused_for_forwarding_keeping_the_form(client_for, agent, gulen, rescue_unit):
    response = _log(
        client_for(agent), gulen, summary="Bålbrenning", forward_to=f"unit:{rescue_unit.pk}", outcome="forwarded"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "takes no cases here" in html
    assert "Bålbrenning" in html


def test_referring_to_a_directory_unit_records_its_name_and_number(client_for, agent, gulen, rescue_unit):
    response = _log(
        client_for(agent), gulen, summary="Bålbrenning", forward_to=f"unit:{rescue_unit.pk}", outcome="referred"
    )
    assert response.status_code == 302
    contact = Contact.objects.get(summary="Bålbrenning")
    assert contact.outcome == "referred"
    assert contact.referred_to == "Brannvesen Gulen, +47 57 78 30 00"


def test_an_internal_caller_gets_the_entry_and_its_link_by_email(
    client_for, agent, gulen, byggesak_unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _log(
            client_for(agent),
            gulen,
            caller_kind="employee",
            summary="Tilsett spør etter nummeret til byggesak",
            caller_email="ola.tilsett@gulen.kommune.no",
            forward_to=f"unit:{byggesak_unit.pk}",
            send_directory_link="on",
            outcome="referred",
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ola.tilsett@gulen.kommune.no"]
    assert "Byggesak Gulen" in message.subject
    assert f"/directory/units/{byggesak_unit.pk}/" in message.body
    assert "+47 57 78 21 00" in message.body


def test_sending_the_link_needs_the_callers_email(client_for, agent, gulen, byggesak_unit):
    response = _log(
        client_for(agent),
        gulen,
        caller_kind="employee",
        summary="Nummer til byggesak",
        forward_to=f"unit:{byggesak_unit.pk}",
        send_directory_link="on",
        outcome="referred",
    )
    assert response.status_code == 422
    assert "Give the caller&#x27;s e-mail address" in response.content.decode()
    assert not mail.outbox


def test_an_entry_of_another_centre_cannot_be_forwarded_to(client_for, agent, gulen, orebro):
    unit = directory_services.unit_create(actor=SYSTEM, municipality=orebro, name="Bygglov Örebro")
    response = _log(client_for(agent), gulen, summary="Fel kommun", forward_to=f"unit:{unit.pk}", outcome="forwarded")
    assert response.status_code == 422
    assert not Case.objects.filter(description="Fel kommun").exists()
