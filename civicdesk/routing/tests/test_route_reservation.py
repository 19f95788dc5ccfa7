"""The chosen agent is kept for the call: two decisions never give the same agent, asking again for the same
call gives the same one, and the hold lapses after 20 s or when the agent answers."""

from datetime import timedelta

from civicdesk.routing import services
from civicdesk.routing.models import Agent


def test_two_calls_get_two_different_agents(phone_world, make_available, route, t0):
    make_available("1001", t0)
    make_available("1002", t0)
    first = route("building", t0 + timedelta(seconds=5), call_id="c1")
    second = route("building", t0 + timedelta(seconds=6), call_id="c2")
    third = route("building", t0 + timedelta(seconds=7), call_id="c3")
    assert {first.agent.code, second.agent.code} == {"1001", "1002"}
    assert third.agent is None
    assert second.eligible == 1


def test_the_agent_is_kept_for_the_call_for_twenty_seconds(phone_world, make_available, route, t0):
    make_available("1001", t0)
    route("building", t0 + timedelta(seconds=5), call_id="c1")
    agent = Agent.objects.get(pk=phone_world.agents["1001"].pk)
    assert (agent.reserved_for, agent.reserved_until) == ("c1", t0 + timedelta(seconds=25))
    assert route("building", t0 + timedelta(seconds=24), call_id="c2").agent is None
    assert route("building", t0 + timedelta(seconds=25), call_id="c2").agent.code == "1001"


def test_asking_again_for_the_same_call_gives_the_same_agent(phone_world, make_available, route, t0):
    make_available("1001", t0)
    make_available("1002", t0 + timedelta(seconds=1))
    first = route("building", t0 + timedelta(seconds=5), call_id="c1")
    again = route("building", t0 + timedelta(seconds=6), call_id="c1")
    assert first.agent.code == again.agent.code == "1001"


def test_answering_ends_the_hold(phone_world, make_available, route, t0):
    make_available("1001", t0)
    route("building", t0 + timedelta(seconds=5), call_id="c1")
    services.agent_phone_event(
        actor=phone_world.token,
        agent=phone_world.agents["1001"],
        state="on_call",
        at=t0 + timedelta(seconds=8),
        call_id="c1",
    )
    agent = Agent.objects.get(pk=phone_world.agents["1001"].pk)
    assert (agent.state, agent.reserved_for, agent.reserved_until) == ("on_call", "", None)


def test_an_agent_kept_for_one_call_cannot_be_kept_for_another_by_a_decision_that_read_them_free(
    phone_world, make_available, route, t0
):
    """Two decisions running at once both read 1001 as free; the reservation is one conditional UPDATE, so
    only the first gets them and the second goes on to its next candidate."""
    from civicdesk.routing.services.candidates import reserve

    make_available("1001", t0)
    read_free_by_both = Agent.objects.get(pk=phone_world.agents["1001"].pk)
    assert reserve(read_free_by_both, "c1", t0 + timedelta(seconds=5))
    assert not reserve(read_free_by_both, "c2", t0 + timedelta(seconds=5))
    assert Agent.objects.get(pk=read_free_by_both.pk).reserved_for == "c1"
