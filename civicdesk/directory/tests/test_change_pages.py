"""The pages for keeping the directory current, as their users see them: a caseworker reports a change,
the admin approves or rejects it, anyone on staff reads an entry's history, and the stale-entries
dashboard lists what needs confirming with a button to confirm it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.directory import services
from civicdesk.directory.models import ChangeRequest, Employee, Unit


@pytest.fixture
def byggesak(gulen):
    return Unit.objects.get(municipality=gulen, name="Byggesak Gulen")


@pytest.fixture
def person(byggesak):
    return Employee.objects.get(unit=byggesak)


def _report(caseworker, gulen, byggesak, **proposed):
    return services.change_request_submit(
        actor=caseworker, municipality=gulen, kind="unit_change", unit=byggesak, proposed=proposed
    )


def test_caseworker_reports_a_new_number_through_the_form(client_for, caseworker, byggesak):
    client = client_for(caseworker)
    page = client.get(reverse("directory:change_request_submit") + "?m=gulen")
    assert page.status_code == 200
    assert "Report a change to the directory" in page.content.decode()
    response = client.post(
        reverse("directory:change_request_submit"),
        {"m": "gulen", "kind": "phone", "unit": byggesak.pk, "phone": "57 78 21 99", "purpose": "queue", "note": "New"},
    )
    assert response.status_code == 302
    request = ChangeRequest.objects.get(unit=byggesak, kind="phone")
    assert request.proposed == {"number": "+4757782199", "purpose": "queue"}
    listed = client.get(response["Location"]).content.decode()
    assert "Thank you. Citizen service will look at the change." in listed
    assert "+4757782199" in listed
    assert ">Approve<" not in listed  # a caseworker reports, the admin decides


def test_bad_number_and_email_are_shown_beside_their_fields_keeping_what_was_typed(client_for, caseworker, byggesak):
    response = client_for(caseworker).post(
        reverse("directory:change_request_submit"),
        {
            "m": "gulen",
            "kind": "employee_new",
            "unit": byggesak.pk,
            "name": "Ola Nordmann",
            "email": "ola@",
            "phone": "12",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "This is not an e-mail address. Write it as name@example.com." in page
    assert "This phone number does not exist. Check the digits and the country code." in page
    assert 'value="Ola Nordmann"' in page and 'value="ola@"' in page
    assert 'id="id_email_error"' in page
    assert not ChangeRequest.objects.filter(kind="employee_new").exists()


def test_admin_approves_from_the_review_list(client_for, caseworker, municipality_admin, gulen, byggesak):
    request = _report(caseworker, gulen, byggesak, visiting_address="Rådhuset, Eivindvik")
    client = client_for(municipality_admin)
    page = client.get(reverse("directory:change_request_list") + "?m=gulen&status=pending").content.decode()
    assert "Rådhuset, Eivindvik" in page and "Reported by gulen.caseworker" in page
    response = client.post(reverse("directory:change_request_approve", args=[request.pk]))
    assert response.status_code == 302
    byggesak.refresh_from_db()
    assert byggesak.visiting_address == "Rådhuset, Eivindvik"
    history = client.get(reverse("directory:unit_versions", args=[byggesak.pk])).content.decode()
    assert "History of Byggesak Gulen" in history
    assert "gulen.admin" in history and f"from change request {request.pk}" in history
    assert "Visiting address: (empty) → Rådhuset, Eivindvik" in history


def test_rejecting_asks_for_a_reason(client_for, caseworker, municipality_admin, gulen, byggesak):
    request = _report(caseworker, gulen, byggesak, name="Byggesak og plan")
    client = client_for(municipality_admin)
    url = reverse("directory:change_request_reject", args=[request.pk])
    empty = client.post(url, {f"reject-{request.pk}-reason": ""})
    assert empty.status_code == 422
    assert "Say why the change is rejected" in empty.content.decode()
    assert client.post(url, {f"reject-{request.pk}-reason": "Not decided yet"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_reason) == ("rejected", "Not decided yet")
    byggesak.refresh_from_db()
    assert byggesak.name == "Byggesak Gulen"
    shown = client.get(reverse("directory:change_request_list") + "?m=gulen").content.decode()
    assert "Reason: Not decided yet" in shown


def test_caseworker_cannot_approve_and_outsider_does_not_find_it(client_for, caseworker, outsider, gulen, byggesak):
    request = _report(caseworker, gulen, byggesak, name="Byggesak og plan")
    assert client_for(outsider).post(reverse("directory:change_request_approve", args=[request.pk])).status_code == 404
    response = client_for(caseworker).post(reverse("directory:change_request_approve", args=[request.pk]))
    assert (
        "Only the municipality&#x27;s admins decide change requests."
        in client_for(caseworker).get(response["Location"]).content.decode()
    )
    request.refresh_from_db()
    assert request.status == "pending"


def test_stale_dashboard_lists_old_entries_and_confirming_clears_them(
    client_for, municipality_admin, gulen, byggesak, person, django_assert_max_num_queries
):
    Unit.objects.filter(pk=byggesak.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    Employee.objects.filter(pk=person.pk).update(confirmed_at=timezone.now() - timedelta(days=1))
    client = client_for(municipality_admin)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("directory:stale_entries") + "?m=gulen").content.decode()
    assert "Entries to confirm" in page and "Byggesak Gulen" in page
    assert person.name not in page
    response = client.post(reverse("directory:unit_confirm", args=[byggesak.pk]))
    assert response.status_code == 302
    after = client.get(response["Location"]).content.decode()
    assert "Byggesak Gulen is confirmed as current." in after
    assert f'href="/directory/units/{byggesak.pk}/"' not in after


def test_admin_sets_how_often_entries_are_confirmed(client_for, municipality_admin, caseworker, gulen, byggesak):
    Unit.objects.filter(pk=byggesak.pk).update(confirmed_at=timezone.now() - timedelta(days=40))
    client = client_for(municipality_admin)
    refused = client.post(reverse("directory:directory_policy_set"), {"m": "gulen", "confirm_every_days": "0"})
    assert refused.status_code == 422
    assert "Give a number of days, at least 1." in refused.content.decode()
    saved = client.post(reverse("directory:directory_policy_set"), {"m": "gulen", "confirm_every_days": "30"})
    assert saved.status_code == 302
    page = client.get(saved["Location"]).content.decode()
    assert "not confirmed for 30 days or more" in page and "Byggesak Gulen" in page
    caseworker_page = client_for(caseworker).get(reverse("directory:stale_entries")).content.decode()
    assert "How often entries are confirmed" not in caseworker_page


def test_review_list_reads_in_a_fixed_number_of_queries(
    client_for, caseworker, municipality_admin, gulen, byggesak, django_assert_max_num_queries
):
    for name in ("A", "B", "C", "D"):
        _report(caseworker, gulen, byggesak, name=name)
    client = client_for(municipality_admin)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("directory:change_request_list") + "?m=gulen")
    assert page.content.decode().count(">Approve<") == 4
