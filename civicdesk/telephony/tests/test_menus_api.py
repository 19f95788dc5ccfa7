"""Numbers and menus through the API: what a municipality admin's tools and the centre's integrations see."""

import json

import pytest
from django.test import Client

from civicdesk.organisations.models import User
from civicdesk.telephony.models import IVRNode, PhoneNumber


def send(client, method, path, body=None):
    if method in ("get", "delete"):
        response = getattr(client, method)(path)
    else:
        response = getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json")
    return response.status_code, (response.json() if response.content else None)


@pytest.fixture
def admin(phone_world, client_for, municipality_admin):
    return client_for(municipality_admin)


def test_the_centres_token_lists_the_numbers_it_answers(phone_world, django_assert_max_num_queries):
    token = Client(**phone_world.headers)
    token.get("/api/telephony/numbers")  # the token's first use is remembered

    with django_assert_max_num_queries(4):
        numbers = token.get("/api/telephony/numbers").json()

    assert numbers == [
        {
            "id": phone_world.numbers["osteroy"].pk,
            "number": "+4756192100",
            "label": "Osterøy kommune",
            "municipality": "osteroy",
            "menu": None,
            "queue": "switchboard",
            "is_active": True,
        },
        {
            "id": phone_world.numbers["gulen"].pk,
            "number": "+4757786000",
            "label": "Gulen kommune",
            "municipality": "gulen",
            "menu": phone_world.menu.pk,
            "queue": None,
            "is_active": True,
        },
    ]
    assert [n["number"] for n in token.get("/api/telephony/numbers?municipality=gulen").json()] == ["+4757786000"]


def test_admin_adds_changes_and_removes_a_number(phone_world, admin):
    status, number = send(
        admin, "post", "/api/telephony/numbers", {"municipality": "gulen", "number": "57 78 20 00", "queue": "schools"}
    )
    assert status == 201
    assert (number["number"], number["queue"], number["menu"]) == ("+4757782000", "schools", None)

    path = f"/api/telephony/numbers/{number['id']}"
    status, changed = send(admin, "patch", path, {"queue": None, "menu": phone_world.menu.pk, "label": "Skule"})
    assert status == 200
    assert (changed["queue"], changed["menu"], changed["label"]) == (None, phone_world.menu.pk, "Skule")

    status, _ = send(admin, "delete", path)
    assert status == 204
    assert not PhoneNumber.objects.filter(pk=number["id"]).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"number": "57786000"}, "number"),
        ({"number": "12"}, "number"),
        ({"number": "57782000", "queue": "parking"}, "queue"),
        ({"number": "57782000", "menu": 999999}, "menu"),
        ({"number": "57782000", "municipality": "nowhere"}, "municipality"),
    ],
)
def test_a_number_that_breaks_a_rule_is_refused_naming_the_field(phone_world, admin, body, field):
    status, problem = send(admin, "post", "/api/telephony/numbers", {"municipality": "gulen", **body})

    assert status == 422
    assert problem["errors"][0]["field"] == field


def test_admin_builds_a_menu_and_reads_its_tree(phone_world, admin):
    status, menu = send(
        admin,
        "post",
        "/api/telephony/menus",
        {"municipality": "gulen", "label": "Kveld", "announcements": {"nb": "God kveld."}},
    )
    assert status == 201 and menu["depth"] == 0 and menu["steps"] == []

    status, social = send(admin, "post", f"/api/telephony/menus/{menu['id']}/steps", {"digit": "2", "label": "Sosial"})
    assert status == 201 and social["depth"] == 1
    status, _nav = send(
        admin,
        "post",
        f"/api/telephony/menus/{social['id']}/steps",
        {"digit": "1", "label": "NAV", "queue": "social", "sets_language": "nb"},
    )
    assert status == 201

    status, tree = send(admin, "get", f"/api/telephony/menus/{menu['id']}")
    assert status == 200
    assert tree["announcements"] == {"nb": "God kveld."}
    assert tree["steps"][0]["label"] == "Sosial"
    assert tree["steps"][0]["steps"][0] | {"id": 0} == {
        "id": 0,
        "digit": "1",
        "label": "NAV",
        "queue": "social",
        "sets_language": "nb",
        "announcements": {},
        "closed_announcements": {},
        "follows_opening_hours": False,
        "position": 0,
        "depth": 2,
        "steps": [],
    }
    menus = admin.get("/api/telephony/menus?municipality=gulen").json()
    assert [m["label"] for m in menus] == ["Gulen kommune", "Kveld"]


def test_admin_changes_a_step_and_writes_its_announcements_per_language(phone_world, admin):
    english = IVRNode.objects.get(parent=phone_world.menu, digit="9")

    status, step = send(
        admin, "patch", f"/api/telephony/steps/{english.pk}", {"digit": "8", "follows_opening_hours": True}
    )
    assert status == 200 and (step["digit"], step["follows_opening_hours"]) == ("8", True)

    status, step = send(
        admin, "put", f"/api/telephony/steps/{english.pk}/announcements/en", {"text": "Connecting you."}
    )
    assert status == 200 and step["announcements"] == {"en": "Connecting you."}
    status, step = send(
        admin, "put", f"/api/telephony/steps/{english.pk}/closed-announcements/en", {"text": "We are closed."}
    )
    assert status == 200 and step["closed_announcements"] == {"en": "We are closed."}

    status, problem = send(admin, "put", f"/api/telephony/steps/{english.pk}/announcements/xx", {"text": "?"})
    assert status == 422 and problem["errors"][0]["field"] == "language"


def test_a_key_given_twice_or_a_step_too_deep_is_refused_naming_the_field(phone_world, admin):
    status, problem = send(
        admin, "post", f"/api/telephony/menus/{phone_world.menu.pk}/steps", {"digit": "1", "label": "x"}
    )
    assert status == 422 and problem["errors"][0]["field"] == "digit"

    building = IVRNode.objects.get(parent=phone_world.menu, digit="1")
    status, problem = send(admin, "post", f"/api/telephony/menus/{building.pk}/steps", {"digit": "1", "label": "x"})
    assert status == 422 and problem["errors"][0]["field"] == "parent"


def test_admin_removes_a_step_but_not_a_menu_a_number_starts_at(phone_world, admin):
    english = IVRNode.objects.get(parent=phone_world.menu, digit="9")

    assert send(admin, "delete", f"/api/telephony/steps/{english.pk}")[0] == 204
    assert send(admin, "delete", f"/api/telephony/steps/{phone_world.menu.pk}")[0] == 409


def test_admin_of_another_municipality_finds_nothing_to_edit(phone_world, client_for):
    other = client_for(User.objects.get(username="orebro.admin"))
    number, menu = phone_world.numbers["gulen"], phone_world.menu

    assert other.get("/api/telephony/numbers").json() == []
    assert send(other, "patch", f"/api/telephony/numbers/{number.pk}", {"label": "x"})[0] == 404
    assert send(other, "delete", f"/api/telephony/numbers/{number.pk}")[0] == 404
    assert send(other, "get", f"/api/telephony/menus/{menu.pk}")[0] == 404
    assert send(other, "patch", f"/api/telephony/steps/{menu.pk}", {"label": "x"})[0] == 404
    assert send(other, "put", f"/api/telephony/steps/{menu.pk}/announcements/nb", {"text": "x"})[0] == 404
    status, problem = send(other, "post", "/api/telephony/numbers", {"municipality": "gulen", "number": "57782000"})
    assert status == 422 and problem["errors"][0]["field"] == "municipality"


def test_the_centres_token_reads_menus_but_does_not_change_them(phone_world):
    token = Client(**phone_world.headers)

    assert token.get(f"/api/telephony/menus/{phone_world.menu.pk}").status_code == 200
    assert send(token, "patch", f"/api/telephony/steps/{phone_world.menu.pk}", {"label": "x"})[0] == 403
