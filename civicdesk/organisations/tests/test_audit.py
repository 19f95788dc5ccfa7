"""The audit log: every write and every read of personal data, with who, when, what, which action, from where;
nobody can change or delete it; platform admins search it."""

import pytest
from django.db import DatabaseError, connection, transaction

from civicdesk.organisations import selectors, services
from civicdesk.organisations.models import AuditEvent


def test_a_write_is_recorded_with_who_what_and_from_where(client_for, municipality_admin, gulen):
    client_for(municipality_admin).post(
        "/municipality/departments/?m=gulen", {"department-name": "Kultur"}, REMOTE_ADDR="192.0.2.10"
    )
    event = AuditEvent.objects.filter(action="department.create").latest("at")
    assert (event.actor_label, event.address, event.municipality_id) == ("gulen.admin", "192.0.2.10", gulen.pk)
    assert event.object_label == "Kultur"


def test_reading_a_persons_contact_details_is_recorded(client_for, supervisor, caseworker):
    response = client_for(supervisor).get(f"/api/staff/{caseworker.pk}")
    assert response.json()["email"] == "gulen.caseworker@demo.civicdesk.test"
    event = AuditEvent.objects.filter(action="user.read", object_id=str(caseworker.pk)).get()
    assert event.actor_label == "nh.supervisor"
    assert "email" in event.details["fields"]


def test_audit_events_cannot_be_changed_or_deleted_through_the_model(gulen, system):
    from civicdesk.organisations import audit

    event = audit.record(actor=system, action="test.probe", obj=gulen)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE organisations_auditevent SET action = 'x'", "DELETE FROM organisations_auditevent"]
)
def test_audit_events_cannot_be_changed_or_deleted_even_in_sql(db, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_only_platform_admins_search_the_audit_log(platform_admin, municipality_admin, supervisor):
    assert selectors.audit_search(actor=platform_admin).exists()
    assert not selectors.audit_search(actor=municipality_admin).exists()
    assert not selectors.audit_search(actor=supervisor).exists()


def test_audit_search_filters_by_action_and_who(platform_admin, municipality_admin, gulen):
    services.department_create(actor=municipality_admin, municipality=gulen, name="Kultur")
    found = selectors.audit_search(actor=platform_admin, action="department.", actor_label="gulen.admin")
    assert [e.object_label for e in found] == ["Kultur"]


def test_audit_page_for_platform_admin_and_403_for_others(client_for, platform_admin, municipality_admin):
    page = client_for(platform_admin).get("/platform/audit/?action=role.grant")
    assert page.status_code == 200 and "role.grant" in page.content.decode()
    assert client_for(municipality_admin).get("/platform/audit/").status_code == 403


def test_audit_api_is_403_problem_json_for_others(client_for, supervisor):
    response = client_for(supervisor).get("/api/audit-events")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"


def test_no_page_or_endpoint_can_edit_the_audit_log(client_for, platform_admin):
    client = client_for(platform_admin)
    event = AuditEvent.objects.first()
    assert client.post(f"/django-admin/organisations/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/django-admin/organisations/auditevent/{event.pk}/change/", {"action": "x"}).status_code == 403
    schema = client.get("/api/openapi.json").json()
    audit_operations = {m for p, ops in schema["paths"].items() if "audit" in p for m in ops}
    assert audit_operations == {"get"}


def test_signing_in_is_recorded_with_the_address(client, db):
    client.post("/login/", {"username": "nh.agent", "password": "civicdesk-demo"}, REMOTE_ADDR="198.51.100.7")
    event = AuditEvent.objects.filter(action="user.sign_in").latest("at")
    assert (event.actor_label, event.address) == ("nh.agent", "198.51.100.7")


def test_opening_a_person_in_django_admin_is_a_recorded_read(client_for, platform_admin, caseworker):
    client_for(platform_admin).get(f"/django-admin/organisations/user/{caseworker.pk}/change/")
    assert AuditEvent.objects.filter(action="user.read", object_id=str(caseworker.pk), actor_label="admin").exists()
