"""The agents' states follow the calls: on call when they answer, wrap-up when the call ends, what the phone
system's agent.state events say; a late report never undoes a newer state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.lib.errors import Invalid
from civicdesk.routing.models import Agent, AgentStateChange
from civicdesk.telephony import services
from civicdesk.telephony.services import CallEventIn


@pytest.fixture
def t0():
    return timezone.now() + timedelta(seconds=5)  # after the agents were enrolled


def record(phone_world, system, *events):
    return services.call_events_record(actor=system, center=phone_world.center, events=list(events))


def agent(code):
    return Agent.objects.get(code=code)


def test_answering_puts_the_agent_on_the_call_and_the_end_into_wrap_up(phone_world, system, t0):
    record(
        phone_world,
        system,
        CallEventIn("c1:offered", "call.offered", "c1", t0, queue="building"),
        CallEventIn("c1:answered", "call.answered", "c1", t0 + timedelta(seconds=10), agent="1001"),
    )
    on_call = agent("1001")
    assert (on_call.state, on_call.current_call, on_call.state_since) == ("on_call", "c1", t0 + timedelta(seconds=10))
    record(phone_world, system, CallEventIn("c1:ended", "call.ended", "c1", t0 + timedelta(seconds=200)))
    wrapping = agent("1001")
    assert (wrapping.state, wrapping.wrap_up_until) == ("wrap_up", t0 + timedelta(seconds=260))
    history = list(
        AgentStateChange.objects.filter(agent=wrapping).order_by("started_at").values_list("state", "ended_at")
    )
    assert history[-2:] == [("on_call", t0 + timedelta(seconds=200)), ("wrap_up", None)]


def test_a_late_answer_does_not_undo_the_wrap_up_that_followed_it(phone_world, system, t0):
    record(
        phone_world,
        system,
        CallEventIn("c1:offered", "call.offered", "c1", t0, queue="building"),
        CallEventIn("c1:ended", "call.ended", "c1", t0 + timedelta(seconds=200), agent="1002"),
    )
    record(phone_world, system, CallEventIn("c2:offered", "call.offered", "c2", t0, queue="social"))
    record(
        phone_world,
        system,
        CallEventIn("c2:answered", "call.answered", "c2", t0 + timedelta(seconds=300), agent="1002"),
    )
    assert (agent("1002").state, agent("1002").current_call) == ("on_call", "c2")
    record(
        phone_world, system, CallEventIn("c1:answered", "call.answered", "c1", t0 + timedelta(seconds=20), agent="1002")
    )
    assert (agent("1002").state, agent("1002").current_call) == ("on_call", "c2")


def test_agent_state_events_set_the_state_the_phone_system_reports(phone_world, system, t0):
    record(
        phone_world,
        system,
        CallEventIn("s1", "agent.state", "", t0, agent="1003", data={"state": "available"}),
        CallEventIn("s2", "agent.state", "", t0 + timedelta(minutes=5), agent="1003", data={"state": "break"}),
    )
    assert (agent("1003").state, agent("1003").state_since) == ("break", t0 + timedelta(minutes=5))
    states = AgentStateChange.objects.filter(agent__code="1003").order_by("started_at").values_list("state", flat=True)
    assert list(states)[-2:] == ["available", "break"]


def test_a_transfer_to_an_agent_moves_the_call_from_one_agent_to_the_other(phone_world, system, t0):
    record(
        phone_world,
        system,
        CallEventIn("c1:offered", "call.offered", "c1", t0, queue="building"),
        CallEventIn("c1:answered", "call.answered", "c1", t0 + timedelta(seconds=5), agent="1001"),
        CallEventIn("c1:transferred", "call.transferred", "c1", t0 + timedelta(seconds=65), target="1004"),
    )
    assert (agent("1001").state, agent("1004").state, agent("1004").current_call) == ("wrap_up", "on_call", "c1")


def test_an_unknown_state_is_refused_naming_it(phone_world, system, t0):
    with pytest.raises(Invalid) as refused:
        record(phone_world, system, CallEventIn("s1", "agent.state", "", t0, agent="1003", data={"state": "asleep"}))
    assert refused.value.field == "0.data.state"
    with pytest.raises(Invalid) as nobody:
        record(phone_world, system, CallEventIn("s1", "agent.state", "", t0, data={"state": "break"}))
    assert nobody.value.field == "0.agent"


def test_old_calls_leave_the_agents_as_they_are(phone_world, system, t0):
    before = agent("1001").state, agent("1001").state_since
    old = t0 - timedelta(days=30)
    record(
        phone_world,
        system,
        CallEventIn("old:offered", "call.offered", "old", old, queue="building"),
        CallEventIn("old:answered", "call.answered", "old", old + timedelta(seconds=5), agent="1001"),
    )
    assert (agent("1001").state, agent("1001").state_since) == before
