"""The directory through the API: an admin describes a unit, its hours, number and responsibility; an
agent asks who handles a topic and gets the unit, its number, whether it is open and why."""

import csv
import io

import pytest

from civicdesk.directory.demo import TOPIC_TEAMS
from civicdesk.organisations.models import Topic


@pytest.fixture
def topic_key():
    return (
        Topic.objects.filter(municipality=None, parent__isnull=False)
        .exclude(key__in=TOPIC_TEAMS)
        .order_by("pk")
        .first()
        .key
    )


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_an_admin_describes_a_unit_and_an_agent_is_referred_to_it(client_for, municipality_admin, agent, topic_key):
    admin = client_for(municipality_admin)
    created = _post(admin, "/api/directory/units", {"municipality": "gulen", "name": "Eigedom Gulen"})
    assert created.status_code == 201, created.content
    unit_id = created.json()["id"]
    hours = admin.put(
        f"/api/directory/units/{unit_id}/hours/phone",
        {"hours": "mon-sun 00:00-23:59"},
        content_type="application/json",
    )
    assert hours.json()["hours"] == {"phone": "mon-sun 00:00-23:59"}
    phone = _post(admin, "/api/directory/phones", {"unit_id": unit_id, "number": "57 78 20 00", "purpose": "queue"})
    assert phone.json()["number"] == "+4757782000"
    responsibility = _post(admin, "/api/directory/responsibilities", {"topic": topic_key, "unit_id": unit_id})
    assert responsibility.status_code == 201, responsibility.content

    referral = client_for(agent).get(f"/api/directory/referral?municipality=gulen&topic={topic_key}").json()
    assert referral["chosen"]["unit"]["name"] == "Eigedom Gulen"
    assert referral["chosen"]["phone"] == "+4757782000"
    assert referral["chosen"]["open_now"] is True
    assert "Eigedom Gulen" in referral["reasons"][-1]


def test_agents_look_the_directory_up_but_do_not_change_it(client_for, agent):
    response = _post(client_for(agent), "/api/directory/units", {"municipality": "gulen", "name": "Eigedom Gulen"})
    assert response.status_code == 403


def test_another_centre_does_not_see_the_unit(client_for, municipality_admin, outsider):
    unit_id = _post(
        client_for(municipality_admin), "/api/directory/units", {"municipality": "gulen", "name": "Eigedom Gulen"}
    ).json()["id"]
    assert client_for(outsider).get(f"/api/directory/units/{unit_id}").status_code == 404


def test_a_wrong_number_is_422_naming_the_field(client_for, municipality_admin):
    admin = client_for(municipality_admin)
    unit_id = _post(admin, "/api/directory/units", {"municipality": "gulen", "name": "Eigedom Gulen"}).json()["id"]
    response = _post(admin, "/api/directory/phones", {"unit_id": unit_id, "number": "12"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "number"


def test_units_and_employees_export_as_csv_with_numbers_and_hours(client_for, agent):
    agent_client = client_for(agent)
    units = agent_client.get("/api/directory/units.csv?municipality=gulen")
    assert units["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(units.content.decode())))
    byggesak = next(row for row in rows if row["name"] == "Byggesak Gulen")
    assert byggesak["phones"] == "queue:+4757782100"
    assert byggesak["phone_hours"] == "mon-fri 09:00-15:00"
    assert byggesak["desk_hours"] == "mon-thu 10:00-14:00"
    assert {row["municipality"] for row in rows} == {"gulen"}
    employees = list(csv.DictReader(io.StringIO(agent_client.get("/api/directory/employees.csv").content.decode())))
    caseworker = next(row for row in employees if row["unit"] == "Byggesak Gulen")
    assert caseworker["phones"] == "direct:+4757782010"


def test_another_centre_exports_none_of_it(client_for, outsider):
    rows = list(csv.DictReader(io.StringIO(client_for(outsider).get("/api/directory/units.csv").content.decode())))
    assert {row["municipality"] for row in rows} <= {"orebro"}
