"""Numbers and IVR menus as pages: Gulen's admin adds, changes and removes numbers, builds a menu step by step
and writes what callers hear in each language; the staff of the centre serving Gulen read; a caseworker, another
municipality's admin and another centre's agent find nothing."""

import re

import pytest
from django.urls import reverse

from civicdesk.organisations.models import User
from civicdesk.telephony import services
from civicdesk.telephony.models import IVRNode, PhoneNumber

LIST = reverse("telephony:number_list")
ADD = reverse("telephony:number_add")


def _user(username):
    return User.objects.get(username=username)


@pytest.fixture
def admin(phone_world, client_for, municipality_admin):
    return client_for(municipality_admin)


def _menu(menu) -> str:
    return reverse("telephony:menu_detail", args=[menu.pk])


def _step(name, step) -> str:
    return reverse(f"telephony:menu_step_{name}", args=[step.pk])


def _texts(step) -> str:
    return reverse("telephony:menu_announcements", args=[step.pk])


def test_the_admin_sees_the_municipalitys_numbers_and_menus(phone_world, admin, django_assert_max_num_queries):
    admin.get(LIST)  # the session and the actor's reach are remembered
    with django_assert_max_num_queries(12):
        page = admin.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "+4757786000" in html and "+4756192100" not in html  # Osterøy's number is not Gulen's
    assert f'href="{_menu(phone_world.menu)}"' in html and "Gulen kommune" in html
    assert f'href="{ADD}?m=gulen"' in html and "<caption>" in html and 'scope="row"' in html


def test_the_number_list_reads_each_number_in_one_query_whatever_their_number(
    phone_world, admin, gulen, django_assert_max_num_queries, system
):

    admin.get(LIST)
    with django_assert_max_num_queries(12) as few:
        admin.get(LIST)
    for n in range(5):
        services.phone_number_add(
            actor=system, municipality=gulen, number=f"5778210{n}", queue=phone_world.queues["schools"]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = admin.get(LIST).content.decode()
    assert html.count("Skule og barnehage") >= 5


def test_the_admin_finds_phone_numbers_in_the_navigation(phone_world, admin):
    assert f'href="{LIST}"' in admin.get(reverse("organisations:municipality_admin")).content.decode()


def test_a_supervisor_of_the_serving_centre_reads_but_does_not_change(phone_world, client_for, supervisor):
    client = client_for(supervisor)
    page = client.get(LIST + "?m=gulen")
    assert page.status_code == 200
    html = page.content.decode()
    assert "+4757786000" in html and ADD not in html
    menu = client.get(_menu(phone_world.menu)).content.decode()
    assert "Byggesak" in menu and "Welcome to Gulen municipality." in menu
    assert _step("edit", phone_world.menu) not in menu
    number = phone_world.numbers["gulen"]
    assert client.get(ADD + "?m=gulen").status_code == 403
    assert client.get(reverse("telephony:number_edit", args=[number.pk])).status_code == 403
    assert client.post(reverse("telephony:number_remove", args=[number.pk])).status_code == 403
    assert client.get(_texts(phone_world.menu)).status_code == 403
    assert PhoneNumber.objects.filter(pk=number.pk).exists()


@pytest.mark.parametrize("username", ["gulen.caseworker", "orebro.admin", "holbaek.agent"])
def test_others_find_nothing_of_gulens_numbers_and_menus(phone_world, client_for, username):
    client = client_for(_user(username))
    number, menu = phone_world.numbers["gulen"], phone_world.menu
    building = menu.children.get(digit="1")
    assert client.get(LIST + "?m=gulen").status_code == 404
    assert client.get(ADD + "?m=gulen").status_code == 404
    assert client.get(reverse("telephony:number_edit", args=[number.pk])).status_code == 404
    assert client.post(reverse("telephony:number_remove", args=[number.pk])).status_code == 404
    assert client.get(_menu(menu)).status_code == 404
    assert client.post(_step("add", menu), {"digit": "5", "label": "Kultur"}).status_code == 404
    assert client.post(_step("remove", building)).status_code == 404
    assert client.post(_texts(building), {"announcement_nb": "Hei"}).status_code == 404
    assert PhoneNumber.objects.filter(pk=number.pk).exists() and IVRNode.objects.filter(pk=building.pk).exists()


def test_a_caseworker_has_no_numbers_page_at_all(phone_world, client_for, caseworker):
    assert client_for(caseworker).get(LIST).status_code == 404


def test_another_municipalitys_admin_keeps_their_own_numbers(phone_world, client_for):
    page = client_for(_user("orebro.admin")).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Örebro" in html and "+4757786000" not in html and "No numbers yet." in html


def test_the_admin_adds_changes_and_removes_a_number(phone_world, admin):
    response = admin.post(ADD + "?m=gulen", {"number": "57 78 20 00", "label": "Skule", "queue": "schools"})
    assert response.status_code == 302 and response.url == LIST + "?m=gulen"
    number = PhoneNumber.objects.get(number="+4757782000")
    assert (number.label, number.queue, number.menu) == ("Skule", phone_world.queues["schools"], None)
    assert "The number +4757782000 is added." in admin.get(response.url).content.decode()

    edit = reverse("telephony:number_edit", args=[number.pk])
    page = admin.get(edit).content.decode()
    assert 'value="+4757782000"' in page and re.search(r'value="schools"[^>]*selected', page)
    response = admin.post(
        edit, {"number": "+4757782000", "label": "Skule og barnehage", "menu": phone_world.menu.pk, "queue": ""}
    )
    assert response.status_code == 302
    number.refresh_from_db()
    assert (number.label, number.menu, number.queue, number.is_active) == (
        "Skule og barnehage",
        phone_world.menu,
        None,
        False,  # the box "In use" was not ticked
    )

    response = admin.post(reverse("telephony:number_remove", args=[number.pk]))
    assert response.status_code == 302 and not PhoneNumber.objects.filter(pk=number.pk).exists()


def test_a_number_in_use_is_said_beside_the_number_and_what_was_typed_stays(phone_world, admin):
    response = admin.post(ADD + "?m=gulen", {"number": "57786000", "label": "Hovudnummer", "queue": "social"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_number_error"' in html and "+4757786000 is in use already" in html
    assert 'value="57786000"' in html and 'value="Hovudnummer"' in html
    assert re.search(r'value="social"[^>]*selected', html)
    assert PhoneNumber.objects.filter(municipality__slug="gulen").count() == 1


def test_a_menu_and_a_queue_together_are_said_beside_the_queue(phone_world, admin):
    data = {"number": "57782000", "label": "Begge", "menu": phone_world.menu.pk, "queue": "social"}
    response = admin.post(ADD + "?m=gulen", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_queue_error"' in html and "a menu or straight to a queue, not both" in html
    assert 'value="Begge"' in html


def test_the_admin_builds_a_menu_step_by_step(phone_world, admin, gulen):
    response = admin.post(reverse("telephony:menu_create") + "?m=gulen", {"label": "Kveldsmeny"})
    menu = IVRNode.objects.get(label="Kveldsmeny")
    assert response.status_code == 302 and response.url == _menu(menu)
    assert menu.municipality == gulen and menu.parent is None and not menu.follows_opening_hours

    response = admin.post(_step("add", menu), {"digit": "1", "label": "Byggesak", "position": ""})
    assert response.status_code == 302 and response.url == _menu(menu)
    building = menu.children.get(digit="1")
    assert building.queue is None
    admin.post(_step("add", building), {"digit": "2", "label": "Oppmåling", "queue": "building"})
    surveying = building.children.get(digit="2")
    assert surveying.queue == phone_world.queues["building"]

    response = admin.post(
        _step("edit", building),
        {"digit": "3", "label": "Plan og bygg", "sets_language": "en", "follows_opening_hours": "on"},
    )
    assert response.status_code == 302
    building.refresh_from_db()
    assert (building.digit, building.label, building.sets_language, building.follows_opening_hours) == (
        "3",
        "Plan og bygg",
        "en",
        True,
    )

    tree = admin.get(_menu(menu)).content.decode()
    assert "Key 3" in tree and "Plan og bygg" in tree and "Puts the caller through to Byggesak" in tree
    assert tree.index("Key 3: Plan og bygg") < tree.index("Key 2: Oppmåling")  # nested under it

    response = admin.post(_step("remove", building))
    assert response.status_code == 302 and response.url == _menu(menu)
    assert not IVRNode.objects.filter(pk__in=[building.pk, surveying.pk]).exists()
    assert "Plan og bygg is removed (2 steps)." in admin.get(response.url).content.decode()

    response = admin.post(_step("remove", menu))
    assert response.status_code == 302 and response.url == LIST + "?m=gulen"
    assert not IVRNode.objects.filter(pk=menu.pk).exists()


def test_a_menu_a_number_starts_at_stays_and_the_reason_is_said(phone_world, admin):
    response = admin.post(_step("remove", phone_world.menu), follow=True)
    assert "give the number another menu or a queue first" in response.content.decode()
    assert IVRNode.objects.filter(pk=phone_world.menu.pk).exists()


def test_removing_a_step_with_htmx_swaps_the_tree_only(phone_world, admin):
    schools = phone_world.menu.children.get(digit="3")
    response = admin.post(_step("remove", schools), follow=True, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and '<div id="menu-tree">' in html and "<html" not in html
    assert "Skule og barnehage is removed (1 steps)." in html and "Helse og sosial" in html
    assert not IVRNode.objects.filter(pk=schools.pk).exists()


def test_a_key_that_is_no_key_is_said_beside_the_key_and_what_was_typed_stays(phone_world, admin):
    response = admin.post(_step("add", phone_world.menu), {"digit": "x", "label": "Kultur", "queue": "schools"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_digit_error"' in html and "A key is one of 0–9, * or #." in html
    assert 'value="x"' in html and 'value="Kultur"' in html and re.search(r'value="schools"[^>]*selected', html)

    response = admin.post(_step("add", phone_world.menu), {"digit": "1", "label": "Kultur"})
    assert response.status_code == 422
    assert 'id="id_digit_error"' in response.content.decode()
    assert not IVRNode.objects.filter(label="Kultur").exists()


def test_a_step_with_a_queue_offers_no_keys_under_it(phone_world, admin):
    building = phone_world.menu.children.get(digit="1")
    response = admin.post(_step("add", building), {"digit": "1", "label": "Oppmåling"})
    assert response.status_code == 422
    assert "leads to a queue; it cannot offer keys too" in response.content.decode()


def test_the_admin_writes_and_translates_what_callers_hear(phone_world, admin):
    menu = phone_world.menu
    page = admin.get(_texts(menu)).content.decode()
    for code in ("da", "sv", "nb", "en"):
        assert f'name="announcement_{code}"' in page and f'name="closed_{code}"' in page
    assert 'name="announcement_pl"' not in page and "Welcome to Gulen municipality." in page

    # Adding Polish keeps what was typed and saves nothing yet.
    response = admin.post(
        _texts(menu),
        {"announcement_nb": "Velkomen til Gulen kommune.", "announcement_en": "", "add": "pl", "add_language": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'name="announcement_pl"' in html and 'lang="pl"' in html
    assert "Velkomen til Gulen kommune." in html
    menu.refresh_from_db()
    assert menu.announcements["nb"] == "Velkommen til Gulen kommune."

    response = admin.post(
        _texts(menu),
        {
            "announcement_nb": "Velkomen til Gulen kommune.",
            "announcement_en": "",
            "announcement_pl": "Witamy w gminie Gulen.",
            "closed_nb": "Kommunen er stengd no.",
        },
    )
    assert response.status_code == 302 and response.url == _menu(menu)
    menu.refresh_from_db()
    assert menu.announcements == {"nb": "Velkomen til Gulen kommune.", "pl": "Witamy w gminie Gulen."}
    assert menu.closed_announcements == {"nb": "Kommunen er stengd no."}
    tree = admin.get(_menu(menu)).content.decode()
    assert "Witamy w gminie Gulen." in tree and "Polish" in tree


def test_a_text_too_long_is_said_beside_it_and_nothing_is_saved(phone_world, admin):
    menu = phone_world.menu
    response = admin.post(
        _texts(menu),
        {"announcement_nb": "Velkomen til Gulen kommune.", "announcement_sv": "x" * 1001, "closed_en": "Closed."},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_announcement_sv_error"' in html and "at most 1000 characters; this one has 1001" in html
    assert "Velkomen til Gulen kommune." in html and "Closed." in html
    menu.refresh_from_db()
    assert menu.announcements["nb"] == "Velkommen til Gulen kommune." and menu.closed_announcements == {}
