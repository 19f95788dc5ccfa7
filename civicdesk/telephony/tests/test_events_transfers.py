"""Transfers: to another queue (a new visit there), to an agent (the talk passes on), out of the centre, and a
call moved to another queue while it waited."""

from datetime import UTC, datetime, timedelta

import pytest

from civicdesk.lib.errors import Invalid
from civicdesk.telephony import services
from civicdesk.telephony.models import Call, QueueVisit
from civicdesk.telephony.services import CallEventIn

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def ev(name, kind, s, call_id="c1", **fields):
    return CallEventIn(f"{call_id}:{name}", kind, call_id, T0 + timedelta(seconds=s), **fields)


def record(phone_world, system, *events):
    return services.call_events_record(actor=system, center=phone_world.center, events=list(events))


def visits(call_id="c1"):
    return [
        (v.queue.key, v.outcome, v.agent.code if v.agent else None, v.wait_s, v.talk_s, v.transferred)
        for v in QueueVisit.objects.filter(call__call_id=call_id).order_by("seq").select_related("queue", "agent")
    ]


def test_a_transfer_to_a_queue_is_a_new_visit_there_and_the_first_one_is_transferred(phone_world, system):
    record(
        phone_world,
        system,
        ev("offered", "call.offered", 0, queue="switchboard", dialed_number="+4756192100"),
        ev("answered", "call.answered", 10, agent="1001"),
        ev("transferred", "call.transferred", 70, target="building"),
        ev("answered2", "call.answered", 100, queue="building", agent="1002"),
        ev("ended", "call.ended", 400),
    )
    assert visits() == [
        ("switchboard", "answered", "1001", 10.0, 60.0, True),
        ("building", "answered", "1002", 30.0, 300.0, False),
    ]
    call = Call.objects.get(call_id="c1")
    assert (call.transfers, call.queue.key, call.agent.code, call.answered_at) == (
        1,
        "building",
        "1002",
        T0 + timedelta(seconds=10),
    )
    assert QueueVisit.objects.get(call=call, seq=1).entered_at == T0 + timedelta(seconds=70)  # its own interval


def test_a_transfer_to_an_agent_passes_the_talk_on_in_the_same_visit(phone_world, system):
    record(
        phone_world,
        system,
        ev("offered", "call.offered", 0, queue="building"),
        ev("answered", "call.answered", 5, agent="1001"),
        ev("transferred", "call.transferred", 65, target="1004"),
        ev("ended", "call.ended", 365),
    )
    assert visits() == [("building", "answered", "1001", 5.0, 60.0, True)]
    call = Call.objects.get(call_id="c1")
    assert (call.agent.code, call.transfers, call.status, call.ended_at) == (
        "1004",
        1,
        "ended",
        T0 + timedelta(seconds=365),
    )


def test_a_transfer_out_of_the_centre_ends_the_call_here(phone_world, system):
    record(
        phone_world,
        system,
        ev("offered", "call.offered", 0, queue="social"),
        ev("answered", "call.answered", 8, agent="1003"),
        ev("transferred", "call.transferred", 128, target="+4755000000", data={"external": True}),
    )
    assert visits() == [("social", "answered", "1003", 8.0, 120.0, True)]
    call = Call.objects.get(call_id="c1")
    assert (call.status, call.ended_at, call.transfers) == ("ended", T0 + timedelta(seconds=128), 1)


def test_a_transfer_to_an_unknown_target_is_refused_unless_it_is_said_to_leave_the_centre(phone_world, system):
    with pytest.raises(Invalid) as refused:
        record(phone_world, system, ev("transferred", "call.transferred", 0, target="+4755000000"))
    assert refused.value.field == "0.target"
    with pytest.raises(Invalid) as missing:
        record(phone_world, system, ev("transferred", "call.transferred", 0))
    assert missing.value.field == "0.target"


def test_a_waiting_call_offered_to_another_queue_overflows_there(phone_world, system):
    record(
        phone_world,
        system,
        ev("offered", "call.offered", 0, queue="schools"),
        ev("offered2", "call.offered", 300, queue="switchboard"),
        ev("answered", "call.answered", 320, agent="1003"),
        ev("ended", "call.ended", 500),
    )
    assert visits() == [
        ("schools", "timeout", None, 300.0, None, True),
        ("switchboard", "answered", "1003", 20.0, 180.0, False),
    ]


def test_a_timeout_reported_with_the_overflow_at_the_same_second_keeps_its_own_outcome(phone_world, system):
    record(
        phone_world,
        system,
        ev("offered", "call.offered", 0, queue="schools"),
        ev("offered2", "call.offered", 300, queue="switchboard"),
        ev("exit", "call.exited", 300, queue="schools", data={"reason": "timeout"}),
        ev("abandoned", "call.abandoned", 330, queue="switchboard"),
    )
    assert visits() == [
        ("schools", "timeout", None, 300.0, None, False),
        ("switchboard", "abandoned", None, 30.0, None, False),
    ]
    assert Call.objects.get(call_id="c1").transfers == 0  # it timed out there and entered the next queue anew


def test_a_transfer_and_the_offer_it_led_to_at_the_same_second_are_one_move(phone_world, system):
    """Asterisk writes BLINDTRANSFER and the next ENTERQUEUE in the same second."""
    record(
        phone_world,
        system,
        ev("offered", "call.offered", 0, queue="switchboard"),
        ev("answered", "call.answered", 3, agent="1001"),
        ev("transferred", "call.transferred", 40, target="social"),
        ev("offered2", "call.offered", 40, queue="social"),
        ev("abandoned", "call.abandoned", 100, queue="social"),
    )
    assert visits() == [
        ("switchboard", "answered", "1001", 3.0, 37.0, True),
        ("social", "abandoned", None, 60.0, None, False),
    ]
    assert Call.objects.get(call_id="c1").transfers == 1


def test_a_transfer_out_and_the_offer_to_a_queue_at_the_same_second_are_one_move(phone_world, system):
    """A blind transfer to a dialplan extension that puts the caller in another queue."""
    record(
        phone_world,
        system,
        ev("offered", "call.offered", 0, queue="switchboard"),
        ev("answered", "call.answered", 3, agent="1001"),
        ev("transferred", "call.transferred", 40, target="7002@from-internal", data={"external": True}),
        ev("offered2", "call.offered", 40, queue="social"),
        ev("answered2", "call.answered", 55, queue="social", agent="1003"),
        ev("ended", "call.ended", 255),
    )
    assert visits() == [
        ("switchboard", "answered", "1001", 3.0, 37.0, True),
        ("social", "answered", "1003", 15.0, 200.0, False),
    ]
    call = Call.objects.get(call_id="c1")
    assert (call.status, call.transfers, call.agent.code) == ("ended", 1, "1003")


def test_a_call_transferred_out_and_offered_to_a_queue_later_is_waiting_there_again(phone_world, system):
    record(
        phone_world,
        system,
        ev("offered", "call.offered", 0, queue="switchboard"),
        ev("answered", "call.answered", 3, agent="1001"),
        ev("transferred", "call.transferred", 40, target="7002@from-internal", data={"external": True}),
        ev("offered2", "call.offered", 42, queue="social"),
    )
    call = Call.objects.get(call_id="c1")
    assert (call.status, call.ended_at, call.queue.key, call.transfers) == ("waiting", None, "social", 1)
