"""The same event twice changes nothing: each id is kept once per centre, however often it comes."""

from datetime import UTC, datetime, timedelta

from civicdesk.telephony import services
from civicdesk.telephony.models import Call, CallEvent, QueueVisit
from civicdesk.telephony.services import CallEventIn

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def ev(event_id, kind, s, call_id="c1", **fields):
    return CallEventIn(event_id=event_id, type=kind, call_id=call_id, at=T0 + timedelta(seconds=s), **fields)


CALL = [
    ev("c1:offered", "call.offered", 0, queue="building", dialed_number="+4757786000", caller_number="+4791234567"),
    ev("c1:answered", "call.answered", 30, agent="1001"),
    ev("c1:ended", "call.ended", 400),
]


def record(phone_world, system, events):
    return services.call_events_record(actor=system, center=phone_world.center, events=events)


def snapshot():
    calls = list(Call.objects.order_by("call_id").values())
    for call in calls:
        call.pop("updated_at")
    return calls, list(QueueVisit.objects.order_by("call_id", "seq").values()), CallEvent.objects.count()


def test_an_event_sent_twice_is_kept_once_and_the_call_stays_as_it_was(phone_world, system):
    record(phone_world, system, CALL)
    before = snapshot()
    again = record(phone_world, system, [CALL[1]])
    assert (again.new, again.duplicates, again.calls) == (0, 1, [])
    assert snapshot() == before


def test_a_whole_call_sent_again_changes_nothing(phone_world, system):
    record(phone_world, system, CALL)
    before = snapshot()
    again = record(phone_world, system, CALL)
    assert (again.new, again.duplicates) == (0, 3)
    assert snapshot() == before


def test_an_id_twice_in_one_batch_is_kept_once(phone_world, system):
    result = record(phone_world, system, [CALL[0], CALL[0], CALL[1]])
    assert (result.new, result.duplicates) == (2, 1)
    assert CallEvent.objects.filter(event_id="c1:offered").count() == 1


def test_the_first_event_with_an_id_is_the_one_kept(phone_world, system):
    record(phone_world, system, [CALL[0], ev("c1:abandoned", "call.abandoned", 60)])
    changed = ev("c1:abandoned", "call.abandoned", 90)  # the same id, another time: a replay, not news
    assert record(phone_world, system, [changed]).duplicates == 1
    assert QueueVisit.objects.get().wait_s == 60.0


def test_the_same_id_in_another_centre_is_another_event(phone_world, system, orebro):
    from civicdesk.organisations.models import ServiceCenter

    record(phone_world, system, [CALL[0]])
    other = ServiceCenter.objects.exclude(pk=phone_world.center.pk).filter(is_internal=False).first()
    from civicdesk.routing import services as routing_services

    skill = routing_services.skill_create(actor=system, center=other, key="building", name="Bygg")
    routing_services.queue_create(actor=system, center=other, key="building", name="Bygg", skill=skill)
    theirs = ev("c1:offered", "call.offered", 0, queue="building")
    result = services.call_events_record(actor=system, center=other, events=[theirs])
    assert result.new == 1
    assert CallEvent.objects.filter(event_id="c1:offered").count() == 2
    assert Call.objects.filter(call_id="c1").count() == 2
