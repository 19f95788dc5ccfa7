"""The phone system asks where a call goes (POST /api/telephony/route): through the number's menu to a queue,
to the agent with the skill and the caller's language who waited longest, to the agent a repeat caller had
last, or into the queue at its place; closed steps answer with their closed message."""

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM
from civicdesk.routing import services as routing
from civicdesk.routing.models import Agent
from civicdesk.telephony import services
from civicdesk.telephony.models import IVRNode


@pytest.fixture
def phones(phone_world):
    """A client for the phone system's token."""
    return Client(**phone_world.headers)


def ask(client, **question):
    response = client.post("/api/telephony/route", data=json.dumps(question), content_type="application/json")
    return response.status_code, response.json()


def available(phone_world, *codes):
    """The agents become available in this order (the first has been idle longest)."""
    for code in codes:
        routing.agent_state_set(actor=SYSTEM, agent=phone_world.agents[code], state="available", at=timezone.now())


def closed_today(municipality):
    """The municipality opens only tomorrow's weekday, so it is closed whenever the test runs."""
    tomorrow = timezone.now().astimezone(ZoneInfo(municipality.time_zone)).weekday() + 1
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[tomorrow % 7]
    organisation_services.opening_hours_set(actor=SYSTEM, municipality=municipality, spec=f"{day} 08:00-09:00")


def test_a_building_call_goes_to_the_building_agent_idle_longest(phone_world, phones):
    available(phone_world, "1002", "1001", "1003")

    status, answer = ask(phones, call_id="c1", dialed_number="+4757786000", caller_number="+4790000001", ivr_choice="1")

    assert status == 200
    assert answer["agent"] == "1002" and answer["queue"] == "building" and answer["language"] == "nb"
    assert (answer["closed"], answer["repeat_caller"], answer["position"]) == (False, False, None)
    assert "Menu Gulen kommune: 1 → queue building." in answer["reasons"]
    assert Agent.objects.get(code="1002").reserved_for == "c1"


def test_key_9_routes_in_english_to_the_agent_who_speaks_it(phone_world, phones):
    available(phone_world, "1003", "1001")  # 1003 has switchboard at level 5 and waited longer, but no English

    status, answer = ask(phones, call_id="c2", dialed_number="4757786000", ivr_choice="9")

    assert status == 200
    assert (answer["agent"], answer["queue"], answer["language"]) == ("1001", "switchboard", "en")


def test_a_polish_caller_to_social_reaches_the_agent_who_speaks_polish(phone_world, phones):
    available(phone_world, "1002", "1003")  # 1002 has social at level 4 and waited longer, but no Polish

    status, answer = ask(phones, call_id="c3", dialed_number="+4757786000", ivr_choice="2", language="pl")

    assert status == 200
    assert (answer["agent"], answer["language"]) == ("1003", "pl")


def test_a_number_without_a_menu_goes_straight_to_its_queue(phone_world, phones):
    available(phone_world, "1003")

    status, answer = ask(phones, call_id="c4", dialed_number="+47 56 19 21 00")

    assert (status, answer["agent"], answer["queue"]) == (200, "1003", "switchboard")
    assert "Number +4756192100 goes straight to queue switchboard." in answer["reasons"]


def test_a_caller_calling_again_within_half_an_hour_gets_the_agent_who_answered_before(phone_world, phones):
    now = timezone.now()
    first = [
        ("e1", "call.offered", now - timedelta(minutes=20), {"queue": "social", "ivr_choice": "2"}),
        ("e2", "call.answered", now - timedelta(minutes=19), {"queue": "social", "agent": "1002"}),
        ("e3", "call.ended", now - timedelta(minutes=15), {"agent": "1002"}),
    ]
    services.call_events_record(
        actor=phone_world.token,
        center=phone_world.center,
        events=[
            services.CallEventIn(
                event_id=event_id,
                type=kind,
                call_id="earlier",
                at=at,
                dialed_number="+4757786000",
                caller_number="+4790000001",
                **fields,
            )
            for event_id, kind, at, fields in first
        ],
    )
    available(phone_world, "1003", "1002")  # 1003 waited longer; 1002 answered this caller before

    status, answer = ask(phones, call_id="again", dialed_number="+4757786000", caller_number="90000001", ivr_choice="2")

    assert status == 200
    assert answer["repeat_caller"] is True and answer["agent"] == "1002"
    assert "Repeat caller: called within 30 minutes, answered by 1002." in answer["reasons"]

    status, stranger = ask(
        phones, call_id="new", dialed_number="+4757786000", caller_number="+4790000002", ivr_choice="2"
    )
    assert stranger["repeat_caller"] is False and stranger["agent"] == "1003"


def test_without_a_free_agent_the_caller_hears_their_place_in_the_queue(phone_world, phones):
    now = timezone.now()
    services.call_events_record(
        actor=phone_world.token,
        center=phone_world.center,
        events=[
            services.CallEventIn(
                event_id=f"offer-{call_id}",
                type="call.offered",
                call_id=call_id,
                at=now - timedelta(seconds=seconds),
                dialed_number="+4757786000",
                caller_number=caller,
                queue="schools",
                ivr_choice="3",
            )
            for call_id, seconds, caller in (("w1", 120, "+4790000011"), ("w2", 60, "+4790000012"))
        ],
    )

    status, answer = ask(phones, call_id="w3", dialed_number="+4757786000", ivr_choice="3")
    assert status == 200
    assert (answer["agent"], answer["queue"], answer["position"]) == (None, "schools", 3)
    assert answer["offer_callback"] is True  # nobody with the schools skill is on the phones

    status, again = ask(phones, call_id="w2", dialed_number="+4757786000", queue="schools")
    assert (again["queue"], again["position"]) == ("schools", 2)  # only w1 is ahead of w2 waiting already
    assert "Queue schools named by the phone system." in again["reasons"]


def test_when_the_municipality_is_closed_the_caller_hears_the_closed_message_and_nothing_is_routed(
    phone_world, phones, gulen
):
    closed_today(gulen)
    services.menu_step_update(
        actor=SYSTEM,
        step=phone_world.menu,
        follows_opening_hours=True,
        closed_announcements={"nb": "Gulen kommune er stengd.", "en": "Gulen is closed."},
    )
    available(phone_world, "1001")

    status, answer = ask(phones, call_id="late", dialed_number="+4757786000", ivr_choice="1", language="en")

    assert status == 200
    assert answer["closed"] is True and answer["agent"] is None and answer["queue"] is None
    assert answer["announcement"] == "Gulen is closed."
    assert Agent.objects.get(code="1001").reserved_for == ""


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ({"dialed_number": "+4799999999", "ivr_choice": "1"}, "dialed_number"),
        ({"dialed_number": "+4757786000", "ivr_choice": "7"}, "ivr_choice"),
        ({"dialed_number": "+4757786000", "ivr_choice": ""}, "ivr_choice"),
        ({"dialed_number": "+4757786000", "queue": "parking"}, "queue"),
        ({"dialed_number": "+4757786000", "ivr_choice": "1", "language": "xx"}, "language"),
        ({"dialed_number": "+4757786000", "ivr_choice": "1", "call_id": ""}, "call_id"),
    ],
)
def test_an_unknown_number_queue_key_or_language_is_refused_naming_the_field(phone_world, phones, question, field):
    status, problem = ask(phones, **{"call_id": "bad", **question})

    assert status == 422
    assert problem["errors"][0]["field"] == field


def test_a_token_without_telephony_write_may_not_route(phone_world, nordhordland):
    _token, secret = organisation_services.api_token_create(
        actor=SYSTEM, name="wallboard", permissions=["read", "routing:write"], center=nordhordland
    )
    status, problem = ask(
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), call_id="c", dialed_number="+4757786000", ivr_choice="1"
    )

    assert status == 403
    assert problem["detail"] == "Only the phone system of a centre serving Gulen routes its calls."


def test_a_municipality_admin_may_not_route_calls(phone_world, client_for, municipality_admin):
    status, _problem = ask(client_for(municipality_admin), call_id="c", dialed_number="+4757786000", ivr_choice="1")

    assert status == 403


def test_a_step_leading_to_a_closed_branch_only_closes_that_branch(phone_world, phones, gulen):
    closed_today(gulen)
    schools = IVRNode.objects.get(parent=phone_world.menu, digit="3")
    services.menu_step_update(
        actor=SYSTEM, step=schools, follows_opening_hours=True, closed_announcements={"nb": "Skulekontoret er stengt."}
    )
    available(phone_world, "1001")

    _status, closed = ask(phones, call_id="s", dialed_number="+4757786000", ivr_choice="3")
    _status, open_ = ask(phones, call_id="b", dialed_number="+4757786000", ivr_choice="1")

    assert (closed["closed"], closed["announcement"]) == (True, "Skulekontoret er stengt.")
    assert (open_["closed"], open_["agent"]) == (False, "1001")


def test_the_phone_systems_token_needs_only_telephony_write_to_route(phone_world):
    _token, secret = organisation_services.api_token_create(
        actor=SYSTEM, name="pbx", permissions=["read", "telephony:write"], center=phone_world.center
    )
    available(phone_world, "1001")

    status, answer = ask(
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}"),
        call_id="only-telephony",
        dialed_number="+4757786000",
        caller_number="+4791234567",
        ivr_choice="1",
    )

    assert (status, answer["agent"]) == (200, "1001")
