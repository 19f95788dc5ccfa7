"""Reading calls: lists with filters, one call, the calls waiting, a caller's history and a queue's waiting
calls; each narrowed to what the actor may see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.lib.errors import NotFound
from civicdesk.telephony import selectors, services
from civicdesk.telephony.services import CallEventIn


@pytest.fixture
def calls(phone_world, system):
    """Four calls of the last hour: two from the same caller (the second answered and talking), one abandoned,
    one waiting since 90 s ago."""
    now = timezone.now()

    def offered(call_id, minutes_ago, caller, queue="building"):
        at = now - timedelta(minutes=minutes_ago)
        return CallEventIn(
            f"{call_id}:o", "call.offered", call_id, at, queue=queue, dialed_number="+4757786000", caller_number=caller
        )

    events = [
        offered("early", 50, "+4790000001"),
        CallEventIn("early:x", "call.abandoned", "early", now - timedelta(minutes=49)),
        offered("again", 20, "+4790000001", queue="social"),
        CallEventIn("again:a", "call.answered", "again", now - timedelta(minutes=19), agent="1003"),
        offered("other", 10, "+4790000002"),
        CallEventIn("other:e", "call.ended", "other", now - timedelta(minutes=9)),
        offered("waiting", 1.5, "+4790000003"),
    ]
    services.call_events_record(actor=system, center=phone_world.center, events=events)
    return now


def test_calls_are_listed_latest_first_and_filtered(phone_world, agent, calls):
    listed = selectors.call_list(actor=agent, center=phone_world.center)
    assert [c.call_id for c in listed] == ["waiting", "other", "again", "early"]
    assert [c.call_id for c in selectors.call_list(actor=agent, status="talking")] == ["again"]
    assert [c.call_id for c in selectors.call_list(actor=agent, queue=phone_world.queues["social"])] == ["again"]
    assert [c.call_id for c in selectors.call_list(actor=agent, is_repeat=True)] == ["again"]
    recent = selectors.call_list(actor=agent, since=calls - timedelta(minutes=15))
    assert [c.call_id for c in recent] == ["waiting", "other"]


def test_one_call_by_the_phone_systems_id_and_not_for_others(phone_world, agent, outsider, calls):
    assert selectors.call_get(actor=agent, center=phone_world.center, call_id="again").agent.code == "1003"
    with pytest.raises(NotFound):
        selectors.call_get(actor=outsider, center=phone_world.center, call_id="again")
    assert not selectors.call_list(actor=outsider).exists()


def test_the_calls_waiting_now_longest_first(phone_world, supervisor, calls):
    assert [c.call_id for c in selectors.calls_waiting(actor=supervisor, center=phone_world.center)] == ["waiting"]


def test_a_queue_counts_its_waiting_calls_and_the_longest_wait(phone_world, calls):
    waiting, longest = selectors.queue_waiting(queue=phone_world.queues["building"], at=calls)
    assert (waiting, round(longest)) == (1, 90)
    assert selectors.queue_waiting(queue=phone_world.queues["schools"], at=calls) == (0, 0.0)


def test_a_callers_history_shows_their_earlier_calls(phone_world, agent, calls):
    again = selectors.call_get(actor=agent, center=phone_world.center, call_id="again")
    history = selectors.caller_history(actor=agent, call=again)
    assert [c.call_id for c in history.calls] == ["early"]
    assert again.contact_id is not None and all(c.pk != again.contact_id for c in history.contacts)


def test_listing_calls_takes_one_query_for_the_calls(phone_world, agent, calls, django_assert_num_queries):
    # The agent's roles and the centre's memberships (a server keeps these in memory), then the calls with their
    # queue, agent and municipality.
    with django_assert_num_queries(3):
        rows = [
            (c.queue.key, c.agent and c.agent.user.username, c.municipality) for c in selectors.call_list(actor=agent)
        ]
    assert len(rows) == 4
