"""A unit's and a person's page: what each reader may do from there (download the card, report a change,
see its history, confirm it), and the prefilled change report."""

import pytest

from civicdesk.directory.models import Employee, Unit


@pytest.fixture
def byggesak_unit(gulen):
    return Unit.objects.get(municipality=gulen, name="Byggesak Gulen")


def test_the_admin_confirms_a_unit_from_its_page_and_returns_there(client_for, municipality_admin, byggesak_unit):
    client = client_for(municipality_admin)
    page = client.get(f"/directory/units/{byggesak_unit.pk}/").content.decode()
    assert f"/directory/units/{byggesak_unit.pk}/vcard/" in page
    assert f"/directory/changes/history/units/{byggesak_unit.pk}/" in page
    assert "Confirm it is right" in page
    Unit.objects.filter(pk=byggesak_unit.pk).update(confirmed_at=None)
    response = client.post(
        f"/directory/stale/units/{byggesak_unit.pk}/confirm/?m=gulen", {"next": f"/directory/units/{byggesak_unit.pk}/"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/directory/units/{byggesak_unit.pk}/"
    byggesak_unit.refresh_from_db()
    assert byggesak_unit.confirmed_at is not None


def test_confirming_never_sends_the_admin_to_another_site(client_for, municipality_admin, byggesak_unit):
    response = client_for(municipality_admin).post(
        f"/directory/stale/units/{byggesak_unit.pk}/confirm/?m=gulen", {"next": "https://evil.example/"}
    )
    assert response["Location"].startswith("/directory/stale/")


def test_staff_report_a_change_to_the_person_they_are_looking_at(client_for, agent, caseworker, gulen):
    person = Employee.objects.get(municipality=gulen, user=caseworker)
    client = client_for(agent)
    page = client.get(f"/directory/people/{person.pk}/").content.decode()
    link = f"/directory/changes/new/?m=gulen&amp;employee={person.pk}&amp;kind=employee_change"
    assert link in page
    assert "Confirm it is right" not in page  # agents report; the municipality's admins confirm
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{person.pk}" selected>' in form


def test_citizens_get_the_card_but_no_staff_actions(client_for, citizen, byggesak_unit):
    page = client_for(citizen).get(f"/directory/units/{byggesak_unit.pk}/").content.decode()
    assert "/vcard/" in page
    assert "Report a change" not in page and "History of changes" not in page
    assert "Cases forwarded here go to" not in page
