"""The duty rota as a page: Nordhordland's supervisor sees a week of agents by day in the centre's local time
(the night summer time starts too), adds shifts (one over midnight), removes one and copies the week to the
next, with and without HTMX; the centre's agents read; others find nothing."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse

from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import User
from civicdesk.routing import services
from civicdesk.routing.models import DutyShift

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
CENTER = "?center=nordhordland"
ROTA = reverse("routing:rota_week")
ADD = reverse("routing:shift_add")
COPY = reverse("routing:rota_copy_week")
WEEK = "2030-03-25"  # Monday; summer time starts on Sunday 31 March 2030 at 02:00


def _at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=OSLO)


@pytest.fixture
def week(phone_world):
    """Ola (1001) on the phones Friday 08–12 (winter time) and Sunday 10–14 (summer time); Nils (1004) at
    the desk on Tuesday."""
    agents = phone_world.agents
    return {
        "friday": services.shift_add(
            actor=SYSTEM, agent=agents["1001"], starts_at=_at("2030-03-29", "08:00"), ends_at=_at("2030-03-29", "12:00")
        ),
        "sunday": services.shift_add(
            actor=SYSTEM, agent=agents["1001"], starts_at=_at("2030-03-31", "10:00"), ends_at=_at("2030-03-31", "14:00")
        ),
        "desk": services.shift_add(
            actor=SYSTEM,
            agent=agents["1004"],
            duty="desk",
            starts_at=_at("2030-03-26", "09:00"),
            ends_at=_at("2030-03-26", "15:30"),
        ),
    }


def _cells(html: str, name: str) -> list[str]:
    """The seven day cells of an agent's row."""
    row = re.search(rf"{name} <span[^>]*>\(\d+\)</span></th>(.*?)</tr>", html, re.S).group(1)
    return re.findall(r"<td>(.*?)</td>", row, re.S)


def _form(phone_world, **fields) -> dict:
    return {
        "center": "nordhordland",
        "week": WEEK,
        "agent": phone_world.agents["1002"].pk,
        "day": "2030-03-27",
        "starts": "08:00",
        "ends": "16:00",
        "duty": "phone",
        **fields,
    }


def test_the_supervisor_sees_the_week_by_agent_and_day_in_local_time(
    phone_world, week, client_for, supervisor, django_assert_max_num_queries
):
    client = client_for(supervisor)
    client.get(ROTA + CENTER + f"&week={WEEK}")
    with django_assert_max_num_queries(14):
        page = client.get(ROTA + CENTER + "&week=2030-03-27")  # any day of the week shows the week
    assert page.status_code == 200
    html = page.content.decode()
    assert "Week 13: 25 Mar – 31 Mar 2030" in html
    ola = _cells(html, "Ola Haugland")
    assert "Phone 08:00–12:00" in ola[4] and "Phone 10:00–14:00" in ola[6]  # 07:00 and 08:00 UTC
    assert "Front desk 09:00–15:30" in _cells(html, "Nils Aurdal")[1]
    assert "No shift" in ola[0]
    assert "week=2030-03-18" in html and "week=2030-04-01" in html
    assert 'id="id_agent"' in html and "Copy this week to next week" in html


def test_the_rota_reads_the_same_queries_for_more_shifts(
    phone_world, week, client_for, supervisor, django_assert_max_num_queries
):
    client = client_for(supervisor)
    path = ROTA + CENTER + f"&week={WEEK}"
    client.get(path)
    with django_assert_max_num_queries(14) as few:
        client.get(path)
    for code in ("1000", "1002", "1003"):
        for day in ("2030-03-25", "2030-03-26", "2030-03-27"):
            services.shift_add(
                actor=SYSTEM, agent=phone_world.agents[code], starts_at=_at(day, "08:00"), ends_at=_at(day, "11:00")
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).content.decode().count("Phone 08:00–11:00") == 9


def test_supervisors_add_a_shift_in_local_time(phone_world, client_for, supervisor):
    client = client_for(supervisor)
    response = client.post(ADD, _form(phone_world, note="Kveld"))
    assert response.status_code == 302 and response.url == ROTA + CENTER + f"&week={WEEK}"
    shift = DutyShift.objects.get(agent=phone_world.agents["1002"], note="Kveld")
    assert (shift.starts_at, shift.ends_at, shift.duty) == (
        _at("2030-03-27", "08:00"),
        _at("2030-03-27", "16:00"),
        "phone",
    )
    html = client.get(response.url).content.decode()
    assert "Phone 08:00–16:00" in _cells(html, "Ingrid Brekke")[2] and "The shift is added." in html


def test_a_shift_that_ends_at_or_before_it_starts_ends_the_next_day(phone_world, client_for, supervisor):
    client_for(supervisor).post(ADD, _form(phone_world, day="2030-03-30", starts="22:00", ends="06:00"))
    shift = DutyShift.objects.get(agent=phone_world.agents["1002"], starts_at__year=2030)
    assert (shift.starts_at, shift.ends_at) == (_at("2030-03-30", "22:00"), _at("2030-03-31", "06:00"))
    assert shift.ends_at - shift.starts_at == dt.timedelta(hours=7)  # the clocks went forward in the night


def test_with_htmx_the_week_is_swapped_in_with_the_new_shift(phone_world, client_for, supervisor):
    response = client_for(supervisor).post(ADD, _form(phone_world), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="rota"') and "<html" not in html
    assert "Phone 08:00–16:00" in _cells(html, "Ingrid Brekke")[2] and "The shift is added." in html


def test_a_bad_time_is_said_beside_it_and_what_was_typed_stays(phone_world, client_for, supervisor):
    response = client_for(supervisor).post(ADD, _form(phone_world, starts="8 o'clock", note="Tidleg"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_starts_error"' in html and 'value="8 o&#x27;clock"' in html and 'value="Tidleg"' in html
    assert 'value="2030-03-27"' in html and re.search(rf'value="{phone_world.agents["1002"].pk}"[^>]*selected', html)
    assert "Week 13" in html and not DutyShift.objects.filter(note="Tidleg").exists()

    response = client_for(supervisor).post(ADD, _form(phone_world, starts="8 o'clock"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="id_starts_error"' in response.content.decode()


def test_the_supervisor_removes_a_shift(phone_world, week, client_for, supervisor):
    client = client_for(supervisor)
    remove = reverse("routing:shift_remove", args=[week["friday"].pk])
    response = client.post(remove, {"center": "nordhordland", "week": WEEK})
    assert response.status_code == 302 and response.url == ROTA + CENTER + f"&week={WEEK}"
    assert not DutyShift.objects.filter(pk=week["friday"].pk).exists()
    assert "Phone" not in _cells(client.get(response.url).content.decode(), "Ola Haugland")[4]

    remove = reverse("routing:shift_remove", args=[week["sunday"].pk])
    response = client.post(remove, {"center": "nordhordland", "week": WEEK}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "The shift is removed." in response.content.decode()
    assert not DutyShift.objects.filter(pk=week["sunday"].pk).exists()


def test_the_supervisor_copies_the_week_to_the_next(phone_world, week, client_for, supervisor):
    client = client_for(supervisor)
    response = client.post(COPY, {"center": "nordhordland", "week": WEEK})
    assert response.status_code == 302
    assert "3 shifts copied to next week." in client.get(response.url).content.decode()
    html = client.get(ROTA + CENTER + "&week=2030-04-01").content.decode()
    ola = _cells(html, "Ola Haugland")
    assert "Phone 08:00–12:00" in ola[4] and "Phone 10:00–14:00" in ola[6]  # local times kept over summer time
    assert "Front desk 09:00–15:30" in _cells(html, "Nils Aurdal")[1]


def test_an_agent_of_the_centre_reads_the_rota_but_does_not_change_it(phone_world, week, client_for, agent):
    client = client_for(agent)
    page = client.get(ROTA + CENTER + f"&week={WEEK}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Phone 08:00–12:00" in _cells(html, "Ola Haugland")[4]
    assert 'id="id_agent"' not in html and "Copy this week" not in html and "shifts/" not in html
    assert client.post(ADD, _form(phone_world)).status_code == 403
    remove = reverse("routing:shift_remove", args=[week["friday"].pk])
    assert client.post(remove, {"center": "nordhordland", "week": WEEK}).status_code == 403
    assert client.post(COPY, {"center": "nordhordland", "week": WEEK}).status_code == 403
    assert DutyShift.objects.filter(pk=week["friday"].pk).exists()
    assert not DutyShift.objects.filter(agent=phone_world.agents["1002"], starts_at__year=2030).exists()


@pytest.mark.parametrize("username", ["gulen.caseworker", "gulen.admin", "holbaek.agent"])
def test_others_find_nothing_of_the_centres_rota(phone_world, week, client_for, username):
    client = client_for(User.objects.get(username=username))
    assert client.get(ROTA + CENTER).status_code == 404
    assert client.post(ADD, _form(phone_world)).status_code == 404
    remove = reverse("routing:shift_remove", args=[week["friday"].pk])
    assert client.post(remove, {"center": "nordhordland", "week": WEEK}).status_code == 404
    assert client.post(COPY, {"center": "nordhordland", "week": WEEK}).status_code == 404
    assert DutyShift.objects.filter(pk=week["friday"].pk).exists()
