"""Keeping the directory current: a department reports a change, the municipality admin approves it (which
makes the change and leaves a version saying who, when and why) or rejects it with a reason; entries not
confirmed for the municipality's period are listed as stale until someone confirms them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.directory import selectors, services
from civicdesk.directory.models import ChangeRequest, Employee, PhoneNumber, Responsibility, Unit
from civicdesk.lib.errors import Conflict, Forbidden, Invalid, NotFound
from civicdesk.organisations.access import SYSTEM

Kind = ChangeRequest.Kind


@pytest.fixture
def byggesak(gulen):
    return Unit.objects.get(municipality=gulen, name="Byggesak Gulen")


@pytest.fixture
def plan(gulen):
    return Unit.objects.get(municipality=gulen, name="Plan Gulen")


@pytest.fixture
def person(byggesak):
    """Gulen's named building caseworker, listed in Byggesak Gulen."""
    return Employee.objects.get(unit=byggesak)


def _submit(actor, municipality, kind, **kwargs):
    return services.change_request_submit(actor=actor, municipality=municipality, kind=kind, **kwargs)


def test_caseworker_reports_a_move_and_the_admin_approves_it(caseworker, municipality_admin, gulen, person, plan):
    before = person.version
    request = _submit(
        caseworker,
        gulen,
        Kind.EMPLOYEE_CHANGE,
        employee=person,
        proposed={"title": "Planleggar", "unit_id": plan.pk, "email": "Kari@Gulen.Kommune.example"},
        note="Moved to planning from 1 March.",
    )
    assert request.status == ChangeRequest.Status.PENDING
    assert request.proposed["email"] == "Kari@gulen.kommune.example"
    person.refresh_from_db()
    assert person.unit.name == "Byggesak Gulen"  # nothing changes before the admin decides

    services.change_request_approve(actor=municipality_admin, change_request=request)

    person.refresh_from_db()
    assert (person.title, person.unit, person.email) == ("Planleggar", plan, "Kari@gulen.kommune.example")
    assert person.version == before + 1
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPROVED
    assert request.decided_by == municipality_admin and request.decided_at is not None
    latest = selectors.entry_versions(actor=municipality_admin, entry=person).first()
    assert latest.version == person.version
    assert latest.changed_by_label == "gulen.admin"
    assert latest.change_request == request
    assert latest.changes["title"] == ["Byggesakshandsamar", "Planleggar"]
    assert latest.snapshot["unit"] == "Plan Gulen"


def test_rejecting_leaves_the_entry_unchanged_and_keeps_the_reason(caseworker, municipality_admin, gulen, byggesak):
    version = byggesak.version
    request = _submit(caseworker, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={"name": "Byggesak og plan"})
    services.change_request_reject(
        actor=municipality_admin, change_request=request, reason="The merger is not decided yet."
    )
    byggesak.refresh_from_db()
    assert (byggesak.name, byggesak.version) == ("Byggesak Gulen", version)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.REJECTED
    assert request.decision_reason == "The merger is not decided yet."


def test_rejecting_needs_a_reason(caseworker, municipality_admin, gulen, byggesak):
    request = _submit(caseworker, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={"name": "Byggesak og plan"})
    with pytest.raises(Invalid) as error:
        services.change_request_reject(actor=municipality_admin, change_request=request, reason="  ")
    assert error.value.field == "reason"


def test_caseworker_can_report_but_not_approve(caseworker, gulen, byggesak):
    request = _submit(caseworker, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={"name": "Byggesak og plan"})
    with pytest.raises(Forbidden):
        services.change_request_approve(actor=caseworker, change_request=request)
    with pytest.raises(Forbidden):
        services.change_request_reject(actor=caseworker, change_request=request, reason="No")


def test_outsider_neither_reports_nor_sees_nor_decides(outsider, caseworker, gulen, byggesak):
    with pytest.raises(NotFound):
        _submit(outsider, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={"name": "X"})
    request = _submit(caseworker, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={"name": "Byggesak og plan"})
    with pytest.raises(NotFound):
        services.change_request_approve(actor=outsider, change_request=request)
    assert not selectors.change_request_list(actor=outsider).filter(pk=request.pk).exists()


def test_a_request_is_decided_once(caseworker, municipality_admin, gulen, byggesak):
    request = _submit(caseworker, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={"name": "Byggesak og plan"})
    services.change_request_approve(actor=municipality_admin, change_request=request)
    with pytest.raises(Conflict):
        services.change_request_reject(actor=municipality_admin, change_request=request, reason="Too late")


def test_invalid_number_and_email_are_refused_each_with_a_clear_message(caseworker, gulen, byggesak):
    with pytest.raises(Invalid) as error:
        _submit(
            caseworker,
            gulen,
            Kind.EMPLOYEE_NEW,
            unit=byggesak,
            proposed={"name": "Ola Nordmann", "email": "ola(at)gulen", "phone": "12"},
        )
    assert error.value.detail["email"] == ["This is not an e-mail address. Write it as name@example.com."]
    assert error.value.detail["phone"][0].startswith("This phone number does not exist")
    assert not ChangeRequest.objects.filter(municipality=gulen, kind=Kind.EMPLOYEE_NEW).exists()


def test_a_change_without_new_values_is_refused(caseworker, gulen, byggesak):
    with pytest.raises(Invalid) as error:
        _submit(caseworker, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={})
    assert error.value.message == "Say what changed: give at least one new value."


def test_new_hire_with_a_direct_line_is_added_on_approval(caseworker, municipality_admin, gulen, byggesak):
    request = _submit(
        caseworker,
        gulen,
        Kind.EMPLOYEE_NEW,
        unit=byggesak,
        proposed={"name": "Ola Nordmann", "title": "Byggesakshandsamar", "phone": "57 78 20 11"},
    )
    services.change_request_approve(actor=municipality_admin, change_request=request)
    ola = Employee.objects.get(municipality=gulen, name="Ola Nordmann")
    assert ola.unit == byggesak
    assert [p.number for p in ola.phones.all()] == ["+4757782011"]
    assert [v.action for v in selectors.entry_versions(actor=municipality_admin, entry=ola)] == [
        "phone.add",
        "create",
    ]
    assert ola.version == 2


def test_a_changed_number_replaces_the_old_one(caseworker, municipality_admin, gulen, byggesak):
    old = byggesak.phones.get()
    request = _submit(caseworker, gulen, Kind.PHONE, unit=byggesak, proposed={"number": "57782199", "replaces": old.pk})
    services.change_request_approve(actor=municipality_admin, change_request=request)
    assert [p.number for p in byggesak.phones.all()] == ["+4757782199"]


def test_a_person_who_left_is_removed_and_their_topics_stay_with_the_unit(
    caseworker, municipality_admin, gulen, person
):
    person_id = person.pk
    request = _submit(caseworker, gulen, Kind.EMPLOYEE_REMOVE, employee=person, note="Left in May")
    services.change_request_approve(actor=municipality_admin, change_request=request)
    assert not Employee.objects.filter(pk=person_id).exists()
    assert Responsibility.objects.filter(unit__name="Byggesak Gulen", employee=None, note="Named caseworker").exists()
    assert str(ChangeRequest.objects.get(pk=request.pk)).endswith(person.name)


def test_every_change_leaves_a_version(municipality_admin, gulen):
    unit = services.unit_create(actor=municipality_admin, municipality=gulen, name="Eigedom Gulen")
    services.unit_hours_set(actor=municipality_admin, unit=unit, channel="phone", hours="mon-fri 08:00-15:00")
    phone = services.phone_add(actor=municipality_admin, unit=unit, number="57782500")
    services.unit_update(actor=municipality_admin, unit=unit, description="Kommunale bygg")
    services.phone_remove(actor=municipality_admin, phone=PhoneNumber.objects.get(pk=phone.pk))
    versions = list(selectors.entry_versions(actor=municipality_admin, entry=unit))
    assert [(v.version, v.action) for v in versions] == [
        (5, "phone.remove"),
        (4, "update"),
        (3, "phone.add"),
        (2, "hours"),
        (1, "create"),
    ]
    assert versions[2].snapshot["phones"][0]["number"] == "+4757782500"
    assert versions[1].snapshot["hours"] == {"phone": "mon-fri 08:00-15:00"}


def test_stale_entries_are_listed_oldest_first_until_confirmed(municipality_admin, caseworker, gulen, byggesak):
    unit = services.unit_create(actor=municipality_admin, municipality=gulen, name="Eigedom Gulen")
    fresh = services.unit_create(actor=municipality_admin, municipality=gulen, name="Kultur Gulen")
    Unit.objects.filter(pk=unit.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    Unit.objects.filter(pk=byggesak.pk).update(confirmed_at=timezone.now() - timedelta(days=500))
    Unit.objects.filter(pk=fresh.pk).update(confirmed_at=timezone.now() - timedelta(days=1))

    stale = selectors.stale_entries(actor=municipality_admin, municipality=gulen)
    names = [s.entry.name for s in stale]
    assert names[:2] == ["Byggesak Gulen", "Eigedom Gulen"]
    assert "Kultur Gulen" not in names

    # A caseworker listed in Byggesak confirms their own unit; the admin confirms the other.
    services.entry_confirm(actor=caseworker, entry=Unit.objects.get(pk=byggesak.pk))
    services.entry_confirm(actor=municipality_admin, entry=Unit.objects.get(pk=unit.pk))
    assert {"Byggesak Gulen", "Eigedom Gulen"}.isdisjoint(
        s.entry.name for s in selectors.stale_entries(actor=municipality_admin, municipality=gulen)
    )
    assert selectors.entry_versions(actor=municipality_admin, entry=unit).first().action == "confirm"


def test_a_caseworker_cannot_confirm_a_unit_they_do_not_work_in(caseworker, plan):
    with pytest.raises(Forbidden):
        services.entry_confirm(actor=caseworker, entry=plan)


def test_the_confirm_period_is_the_municipality_s_own(municipality_admin, gulen):
    unit = services.unit_create(actor=municipality_admin, municipality=gulen, name="Eigedom Gulen")
    Unit.objects.filter(pk=unit.pk).update(confirmed_at=timezone.now() - timedelta(days=40))
    assert unit.pk not in [s.entry.pk for s in selectors.stale_entries(actor=SYSTEM, municipality=gulen)]
    services.directory_policy_set(actor=municipality_admin, municipality=gulen, confirm_every_days=30)
    assert unit.pk in [s.entry.pk for s in selectors.stale_entries(actor=SYSTEM, municipality=gulen)]


def test_pending_requests_come_first(caseworker, municipality_admin, gulen, byggesak):
    first = _submit(caseworker, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={"description": "A"})
    second = _submit(caseworker, gulen, Kind.UNIT_CHANGE, unit=byggesak, proposed={"description": "B"})
    services.change_request_approve(actor=municipality_admin, change_request=second)
    listed = list(selectors.change_request_list(actor=municipality_admin, municipality=gulen))
    assert listed.index(first) < listed.index(second)
    pending = selectors.change_request_list(actor=municipality_admin, status=ChangeRequest.Status.PENDING)
    assert second not in pending


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_api_round_trip_report_approve_history_and_stale(
    client_for, caseworker, municipality_admin, person, django_assert_max_num_queries
):
    reported = _post(
        client_for(caseworker),
        "/api/directory/change-requests",
        {
            "municipality": "gulen",
            "kind": "employee_change",
            "employee_id": person.pk,
            "proposed": {"title": "Seniorrådgjevar"},
            "note": "Promoted",
        },
    )
    assert reported.status_code == 201, reported.content
    request_id = reported.json()["id"]
    assert reported.json()["submitted_by"] == "gulen.caseworker"
    assert _post(client_for(caseworker), f"/api/directory/change-requests/{request_id}/approve", {}).status_code == 403

    admin = client_for(municipality_admin)
    with django_assert_max_num_queries(12):
        listed = admin.get("/api/directory/change-requests?municipality=gulen&status=pending").json()
    assert [r["id"] for r in listed] == [request_id]
    approved = _post(admin, f"/api/directory/change-requests/{request_id}/approve", {})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["decided_by"] == "gulen.admin"
    again = _post(admin, f"/api/directory/change-requests/{request_id}/reject", {"reason": "No"})
    assert again.status_code == 409

    versions = admin.get(f"/api/directory/employees/{person.pk}/versions").json()
    assert versions[0]["changes"]["title"] == ["Byggesakshandsamar", "Seniorrådgjevar"]
    assert versions[0]["change_request_id"] == request_id

    Unit.objects.filter(name="Byggesak Gulen").update(confirmed_at=timezone.now() - timedelta(days=400))
    stale = admin.get("/api/directory/stale?municipality=gulen").json()
    assert stale[0]["name"] == "Byggesak Gulen"
    assert _post(admin, f"/api/directory/units/{stale[0]['id']}/confirm", {}).status_code == 200
    assert "Byggesak Gulen" not in [s["name"] for s in admin.get("/api/directory/stale?municipality=gulen").json()]


def test_api_refuses_a_bad_email_naming_the_field(client_for, caseworker, byggesak):
    response = _post(
        client_for(caseworker),
        "/api/directory/change-requests",
        {"municipality": "gulen", "kind": "unit_change", "unit_id": byggesak.pk, "proposed": {"email": "byggesak@"}},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "email",
        "message": "This is not an e-mail address. Write it as name@example.com.",
    }


def test_api_outsider_sees_no_request_and_the_admin_patches_a_unit(
    client_for, caseworker, outsider, municipality_admin, byggesak
):
    reported = _post(
        client_for(caseworker),
        "/api/directory/change-requests",
        {"municipality": "gulen", "kind": "unit_change", "unit_id": byggesak.pk, "proposed": {"name": "Byggesak"}},
    ).json()
    assert client_for(outsider).get(f"/api/directory/change-requests/{reported['id']}").status_code == 404
    patched = client_for(municipality_admin).patch(
        f"/api/directory/units/{byggesak.pk}", {"visiting_address": "Eivindvik"}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["visiting_address"] == "Eivindvik"
    assert (
        client_for(caseworker)
        .patch(f"/api/directory/units/{byggesak.pk}", {"name": "X"}, content_type="application/json")
        .status_code
        == 403
    )


def test_api_removes_a_number_and_sets_the_confirm_period(client_for, municipality_admin, caseworker, byggesak):
    admin = client_for(municipality_admin)
    phone = byggesak.phones.get()
    version = byggesak.version
    assert client_for(caseworker).delete(f"/api/directory/phones/{phone.pk}").status_code == 403
    assert client_for(municipality_admin).delete(f"/api/directory/phones/{phone.pk}").status_code == 204
    byggesak.refresh_from_db()
    assert (list(byggesak.phones.all()), byggesak.version) == ([], version + 1)
    period = admin.put(
        "/api/directory/confirm-period",
        {"municipality": "gulen", "confirm_every_days": 180},
        content_type="application/json",
    )
    assert period.json() == {"municipality": "gulen", "confirm_every_days": 180}
