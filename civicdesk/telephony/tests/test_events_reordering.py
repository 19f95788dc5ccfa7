"""Events may come late and in any order: every order of a call's events, one at a time or together, ends in
the same call and the same queue visits as the events sent in order."""

import itertools
import random
from datetime import UTC, datetime, timedelta

from civicdesk.telephony import services
from civicdesk.telephony.models import Call, QueueVisit
from civicdesk.telephony.services import CallEventIn

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def answered_call(prefix):
    """Offered, answered, held, ended, and a second hold reported for the same talk."""
    c = f"{prefix}-call"

    def ev(kind, s, name=None, **fields):
        return CallEventIn(f"{c}:{name or kind}", kind, c, T0 + timedelta(seconds=s), **fields)

    return [
        ev(
            "call.offered", 0, queue="building", dialed_number="+4757786000", caller_number="+4791234567", language="nb"
        ),
        ev("call.answered", 35, agent="1001"),
        ev("call.hold", 100, "hold1", data={"hold_s": 20}),
        ev("call.hold", 150, "hold2", data={"hold_s": 10}),
        ev("call.ended", 400, data={"wrap_s": 45}),
    ]


def transferred_call(prefix):
    """Offered to building, answered, transferred to social, answered there, ended: two visits."""
    c = f"{prefix}-call"

    def ev(kind, s, name=None, **fields):
        return CallEventIn(f"{c}:{name or kind}", kind, c, T0 + timedelta(seconds=s), **fields)

    return [
        ev("call.offered", 0, queue="building", dialed_number="+4757786000", ivr_choice="1"),
        ev("call.answered", 20, agent="1001"),
        ev("call.transferred", 120, target="social"),
        ev("call.answered", 150, "answered2", queue="social", agent="1003"),
        ev("call.ended", 450),
        ev("call.abandoned", 460, queue="building"),  # a stray report about the first queue: changes nothing
    ]


def record(phone_world, system, events):
    services.call_events_record(actor=system, center=phone_world.center, events=events)


def result(prefix):
    """The call and its visits, without what differs between copies (ids, the moment the row was written)."""
    call = Call.objects.get(call_id=f"{prefix}-call")
    fields = [
        "municipality_id",
        "number_id",
        "dialed_number",
        "caller_number",
        "language",
        "ivr_choice",
        "queue_id",
        "agent_id",
        "status",
        "started_at",
        "answered_at",
        "ended_at",
        "is_repeat",
        "callback_requested",
        "transfers",
    ]
    visits = [
        {k: v for k, v in visit.items() if k not in ("id", "call_id")}
        for visit in QueueVisit.objects.filter(call=call).order_by("seq").values()
    ]
    return {name: getattr(call, name) for name in fields}, visits


def test_every_order_of_an_answered_calls_events_gives_the_same_call(phone_world, system):
    record(phone_world, system, answered_call("ordered"))
    expected = result("ordered")
    assert expected[1][0]["talk_s"] == 335.0 and expected[1][0]["hold_s"] == 30.0  # 400 − 35 − 30
    for number, order in enumerate(itertools.permutations(range(5))):
        prefix = f"p{number}"
        events = answered_call(prefix)
        for index in order:
            record(phone_world, system, [events[index]])
        assert result(prefix) == expected, order


def test_orders_of_a_transferred_calls_events_give_the_same_two_visits(phone_world, system):
    record(phone_world, system, transferred_call("ordered"))
    expected = result("ordered")
    assert [(v["queue_id"], v["outcome"], v["transferred"]) for v in expected[1]] == [
        (phone_world.queues["building"].pk, "answered", True),
        (phone_world.queues["social"].pk, "answered", False),
    ]
    orders = [list(reversed(range(6)))] + [random.Random(n).sample(range(6), 6) for n in range(40)]
    for number, order in enumerate(orders):
        prefix = f"t{number}"
        events = transferred_call(prefix)
        for index in order:
            record(phone_world, system, [events[index]])
        assert result(prefix) == expected, order


def test_a_shuffled_batch_and_a_batch_in_two_halves_backwards_match_the_ordered_stream(phone_world, system):
    record(phone_world, system, answered_call("ordered"))
    shuffled = answered_call("shuffled")
    random.Random(3).shuffle(shuffled)
    record(phone_world, system, shuffled)
    backwards = list(reversed(answered_call("halves")))
    record(phone_world, system, backwards[:2])
    record(phone_world, system, backwards[2:])
    assert result("shuffled") == result("ordered") == result("halves")


def test_a_late_event_updates_a_call_that_had_ended(phone_world, system):
    events = answered_call("late")
    record(phone_world, system, [events[0], events[1], events[4]])  # the holds come an hour later
    assert result("late")[1][0]["talk_s"] == 365.0
    record(phone_world, system, events[2:4])
    assert result("late")[1][0]["talk_s"] == 335.0


def test_events_at_the_same_second_apply_in_the_fixed_type_order(phone_world, system):
    """An Asterisk log has whole seconds: entering, being answered and hanging up can share one."""
    c = "same-call"
    events = [
        CallEventIn(f"{c}:ended", "call.ended", c, T0),
        CallEventIn(f"{c}:answered", "call.answered", c, T0, agent="1002"),
        CallEventIn(f"{c}:offered", "call.offered", c, T0, queue="social"),
    ]
    record(phone_world, system, events)
    visit = QueueVisit.objects.get(call__call_id=c)
    assert (visit.outcome, visit.wait_s, visit.talk_s) == ("answered", 0.0, 0.0)
