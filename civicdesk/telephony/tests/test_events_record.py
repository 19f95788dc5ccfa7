"""Recording call events: each call and its queue visits as the events describe them (wait, talk, hold,
wrap-up, how the caller left), where it was dialled, batches of many calls, callers calling again."""

from datetime import UTC, datetime, timedelta

from civicdesk.routing import services as routing_services
from civicdesk.telephony import services
from civicdesk.telephony.models import Call, CallEvent, QueueVisit
from civicdesk.telephony.services import CallEventIn

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
GULEN = "+4757786000"


def ev(event_id, kind, call_id="c1", s=0.0, **fields):
    return CallEventIn(event_id=event_id, type=kind, call_id=call_id, at=T0 + timedelta(seconds=s), **fields)


def offered(call_id="c1", s=0.0, queue="building", **fields):
    fields.setdefault("dialed_number", GULEN)
    fields.setdefault("caller_number", "+4791234567")
    return ev(f"{call_id}:offered", "call.offered", call_id, s, queue=queue, **fields)


def record(phone_world, system, events):
    return services.call_events_record(actor=system, center=phone_world.center, events=events)


def visit_of(call_id):
    return QueueVisit.objects.get(call__call_id=call_id)


def test_an_answered_call_is_one_visit_with_its_wait_talk_and_wrap_up(phone_world, system):
    result = record(
        phone_world,
        system,
        [
            offered(ivr_choice="1", language="nb"),
            ev("c1:answered", "call.answered", s=42, agent="1001"),
            ev("c1:ended", "call.ended", s=342),
        ],
    )
    assert (result.new, result.duplicates) == (3, 0)
    assert [call.call_id for call in result.calls] == ["c1"]
    call = Call.objects.get(call_id="c1")
    assert (call.status, call.municipality.slug, call.number, call.queue.key, call.agent.code) == (
        "ended",
        "gulen",
        phone_world.numbers["gulen"],
        "building",
        "1001",
    )
    assert (call.dialed_number, call.caller_number, call.ivr_choice, call.language) == (GULEN, "+4791234567", "1", "nb")
    assert (call.started_at, call.answered_at, call.ended_at) == (
        T0,
        T0 + timedelta(seconds=42),
        T0 + timedelta(seconds=342),
    )
    visit = visit_of("c1")
    assert (visit.seq, visit.outcome, visit.agent.code, visit.municipality.slug) == (0, "answered", "1001", "gulen")
    assert (visit.entered_at, visit.answered_at, visit.left_at, visit.ended_at) == (
        T0,
        T0 + timedelta(seconds=42),
        T0 + timedelta(seconds=42),
        T0 + timedelta(seconds=342),
    )
    # wait = answered − entered; talk = ended − answered − hold; wrap-up: the agent's wrap-up time (60 s)
    assert (visit.wait_s, visit.talk_s, visit.hold_s, visit.wrap_s) == (42.0, 300.0, 0.0, 60.0)
    assert CallEvent.objects.filter(call_id="c1").count() == 3


def test_a_call_still_waiting_is_a_waiting_visit_without_a_wait_yet(phone_world, system):
    record(phone_world, system, [offered()])
    call = Call.objects.get(call_id="c1")
    assert (call.status, call.answered_at, call.ended_at) == ("waiting", None, None)
    assert (visit_of("c1").outcome, visit_of("c1").wait_s) == ("waiting", None)


def test_a_caller_who_hangs_up_in_the_queue_abandons_it(phone_world, system):
    record(phone_world, system, [offered(), ev("c1:abandoned", "call.abandoned", s=75.5, queue="building")])
    visit = visit_of("c1")
    assert (visit.outcome, visit.left_at, visit.wait_s, visit.talk_s) == (
        "abandoned",
        T0 + timedelta(seconds=75.5),
        75.5,
        None,
    )
    call = Call.objects.get(call_id="c1")
    assert (call.status, call.ended_at, call.agent) == ("ended", T0 + timedelta(seconds=75.5), None)


def test_a_call_that_ends_while_waiting_is_abandoned_unless_a_reason_is_given(phone_world, system):
    record(phone_world, system, [offered("c1"), ev("c1:ended", "call.ended", "c1", 30)])
    record(phone_world, system, [offered("c2"), ev("c2:ended", "call.ended", "c2", 30, data={"reason": "no_agents"})])
    assert (visit_of("c1").outcome, visit_of("c2").outcome) == ("abandoned", "no_agents")


def test_exits_are_kept_apart_from_abandoned_calls_with_their_reason(phone_world, system):
    record(
        phone_world,
        system,
        [
            offered("t"),
            ev("t:exit", "call.exited", "t", 600, data={"reason": "timeout"}),
            offered("k"),
            ev("k:exit", "call.exited", "k", 90, data={"reason": "exit_key", "callback": True}),
            offered("n"),
            ev("n:exit", "call.exited", "n", 1, data={"reason": "no_agents"}),
        ],
    )
    assert [
        (v.call.call_id, v.outcome, v.wait_s, v.callback) for v in QueueVisit.objects.order_by("call__call_id")
    ] == [
        ("k", "exit_key", 90.0, True),
        ("n", "no_agents", 1.0, False),
        ("t", "timeout", 600.0, False),
    ]
    assert list(Call.objects.order_by("call_id").values_list("call_id", "status", "callback_requested")) == [
        ("k", "ended", True),
        ("n", "ended", False),
        ("t", "ended", False),
    ]


def test_a_callback_request_marks_the_call_and_its_visit(phone_world, system):
    record(phone_world, system, [offered(), ev("c1:cb", "call.callback_requested", s=200)])
    assert Call.objects.get(call_id="c1").callback_requested and visit_of("c1").callback


def test_hold_is_counted_apart_from_talk_and_a_given_wrap_up_replaces_the_agents(phone_world, system):
    record(
        phone_world,
        system,
        [
            offered(),
            ev("c1:answered", "call.answered", s=10, agent="1002"),
            ev("c1:hold1", "call.hold", s=100, data={"hold_s": 30}),
            ev("c1:hold2", "call.hold", s=200, data={"hold_s": 15.5}),
            ev("c1:ended", "call.ended", s=310, data={"wrap_s": 0}),
        ],
    )
    visit = visit_of("c1")
    assert (visit.wait_s, visit.talk_s, visit.hold_s, visit.wrap_s) == (10.0, 254.5, 45.5, 0.0)


def test_a_number_not_of_the_centre_takes_the_municipality_of_the_queue(phone_world, system, osteroy):
    own = routing_services.queue_create(
        actor=system,
        center=phone_world.center,
        key="osteroy-tax",
        name="Skatt Osterøy",
        skill=phone_world.skills["switchboard"],
        municipality=osteroy,
    )
    record(phone_world, system, [offered("c1", queue=own.key, dialed_number="+4799999999")])
    record(phone_world, system, [offered("c2", queue="building", dialed_number="+4799999999")])
    first, second = Call.objects.get(call_id="c1"), Call.objects.get(call_id="c2")
    assert (first.municipality, first.number, first.dialed_number) == (osteroy, None, "+4799999999")
    assert second.municipality is None  # a queue shared by the centre's municipalities says nothing


def test_a_number_sent_without_its_plus_is_still_the_municipalitys(phone_world, system):
    record(phone_world, system, [offered(dialed_number="4757786000")])
    assert Call.objects.get(call_id="c1").municipality.slug == "gulen"


def test_a_batch_of_mixed_calls_gives_each_its_own_record(phone_world, system):
    events = []
    for n in range(20):
        call = f"m{n}"
        events.append(offered(call, s=n * 10, queue=["building", "social", "schools", "switchboard"][n % 4]))
        if n % 5 == 0:
            events.append(ev(f"{call}:abandoned", "call.abandoned", call, n * 10 + 30))
        elif n % 5 == 1:
            events.append(ev(f"{call}:exit", "call.exited", call, n * 10 + 300, data={"reason": "timeout"}))
        elif n % 5 == 2:
            pass  # still waiting
        else:
            events.append(ev(f"{call}:answered", "call.answered", call, n * 10 + 20, agent="1003"))
            events.append(ev(f"{call}:ended", "call.ended", call, n * 10 + 200))
    events.append(ev("1001:available", "agent.state", "", 5, agent="1001", data={"state": "available"}))
    result = record(phone_world, system, events)
    assert (result.new, result.duplicates, len(result.calls)) == (len(events), 0, 20)
    outcomes = {}
    for outcome in QueueVisit.objects.values_list("outcome", flat=True):
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes == {"abandoned": 4, "timeout": 4, "waiting": 4, "answered": 8}
    assert Call.objects.filter(status="ended").count() == 16
    assert QueueVisit.objects.filter(queue__key="social").count() == 5
    assert CallEvent.objects.filter(type="agent.state", call_id="").count() == 1


def test_a_caller_calling_again_within_half_an_hour_is_recognised(phone_world, system):
    caller = {"caller_number": "+4790000001"}
    record(phone_world, system, [offered("first", s=0, **caller)])
    record(phone_world, system, [offered("again", s=29 * 60, **caller)])
    record(phone_world, system, [offered("later", s=29 * 60 + 31 * 60, **caller)])
    record(phone_world, system, [offered("other", s=60, caller_number="+4790000002")])
    repeats = dict(Call.objects.values_list("call_id", "is_repeat"))
    assert repeats == {"first": False, "again": True, "later": False, "other": False}


def test_a_late_reported_earlier_call_makes_the_later_one_a_repeat(phone_world, system):
    caller = {"caller_number": "+4790000001"}
    record(phone_world, system, [offered("later", s=20 * 60, **caller)])
    assert not Call.objects.get(call_id="later").is_repeat
    record(phone_world, system, [offered("earlier", s=0, **caller)])
    assert Call.objects.get(call_id="later").is_repeat and not Call.objects.get(call_id="earlier").is_repeat


def test_hidden_numbers_are_never_repeats(phone_world, system):
    record(
        phone_world, system, [offered("a", caller_number="anonymous"), offered("b", s=60, caller_number="anonymous")]
    )
    assert not Call.objects.filter(is_repeat=True).exists()


def test_a_caller_calling_twice_within_one_batch_is_recognised(phone_world, system):
    caller = {"caller_number": "+4790000001"}
    record(phone_world, system, [offered("again", s=600, **caller), offered("first", s=0, **caller)])
    assert dict(Call.objects.values_list("call_id", "is_repeat")) == {"first": False, "again": True}


def test_a_caller_with_many_earlier_calls_is_checked_in_one_query(phone_world, system, django_assert_max_num_queries):
    caller = {"caller_number": "+4790000001"}
    record(phone_world, system, [offered(f"c{n}", s=n, **caller) for n in range(50)])
    with django_assert_max_num_queries(14):  # as any first event of a call (see test_events_api)
        record(phone_world, system, [offered("next", s=120, **caller)])
    assert Call.objects.get(call_id="next").is_repeat


def test_a_call_offered_on_its_own_is_kept_in_one_statement_on_postgresql(phone_world, system):
    """The live phone system's commonest report: the event, the call and its visit in one atomic statement
    (elsewhere the general way); the same result either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record(phone_world, system, [offered("first", s=0)])
    with CaptureQueriesContext(connection) as captured:
        result = record(phone_world, system, [offered("again", s=600)])
    writes = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith(("INSERT", "UPDATE", "WITH"))]
    if connection.vendor == "postgresql":
        assert len(writes) == 1 and writes[0].startswith("WITH c AS (INSERT INTO")
    assert (result.new, result.duplicates, [call.call_id for call in result.calls]) == (1, 0, ["again"])
    assert Call.objects.get(call_id="again").is_repeat
    assert visit_of("again").outcome == "waiting"
    assert CallEvent.objects.filter(event_id="again:offered").count() == 1


def test_an_offered_event_sent_again_on_its_own_changes_nothing(phone_world, system):
    record(phone_world, system, [offered("c1")])
    before = list(Call.objects.values()), list(QueueVisit.objects.values())
    again = record(phone_world, system, [offered("c1")])
    assert (again.new, again.duplicates) == (0, 1)
    assert (list(Call.objects.values()), list(QueueVisit.objects.values())) == before


def test_an_offered_event_of_a_call_already_answered_joins_its_record(phone_world, system):
    """Reported late: the call's row exists, so the event is recorded the general way, from all events."""
    record(phone_world, system, [ev("c1:answered", "call.answered", s=30, agent="1001")])
    result = record(phone_world, system, [offered("c1")])
    assert result.new == 1
    call = Call.objects.get(call_id="c1")
    assert (call.status, call.queue_id, call.caller_number) == (
        "talking",
        phone_world.queues["building"].pk,
        "+4791234567",
    )
    assert visit_of("c1").wait_s == 30
