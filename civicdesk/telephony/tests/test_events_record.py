"""Recording call events: a call and its queue visit rebuilt from what the phone system reports."""

from datetime import UTC, datetime, timedelta

import pytest

from civicdesk.lib.errors import Invalid
from civicdesk.telephony import services
from civicdesk.telephony.models import Call, CallEvent, QueueVisit
from civicdesk.telephony.services import CallEventIn

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def ev(event_id, kind, call_id="c1", s=0, **fields):
    return CallEventIn(event_id=event_id, type=kind, call_id=call_id, at=T0 + timedelta(seconds=s), **fields)


def offered(call_id="c1", s=0, queue="building", **fields):
    fields.setdefault("dialed_number", "+4757786000")
    fields.setdefault("caller_number", "+4791234567")
    return ev(f"{call_id}:offered", "call.offered", call_id, s, queue=queue, **fields)


def test_an_answered_call_is_one_visit_with_its_wait_and_talk(phone_world, system):
    result = services.call_events_record(
        actor=system,
        center=phone_world.center,
        events=[
            offered(ivr_choice="1", language="nb"),
            ev("c1:answered", "call.answered", s=42, agent="1001"),
            ev("c1:ended", "call.ended", s=342),
        ],
    )
    assert (result.new, result.duplicates) == (3, 0)
    call = Call.objects.get(call_id="c1")
    assert call.status == "ended"
    assert call.municipality.slug == "gulen"
    assert call.queue.key == "building" and call.agent.code == "1001"
    assert (call.started_at, call.answered_at, call.ended_at) == (
        T0,
        T0 + timedelta(seconds=42),
        T0 + timedelta(seconds=342),
    )
    visit = QueueVisit.objects.get(call=call)
    assert (visit.outcome, visit.wait_s, visit.talk_s, visit.wrap_s) == ("answered", 42.0, 300.0, 60.0)
    assert CallEvent.objects.filter(call_id="c1").count() == 3
