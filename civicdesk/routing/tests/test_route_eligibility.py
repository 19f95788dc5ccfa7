"""Who may take a call: on phone duty (or pulled in), available (or out of wrap-up), with the queue's skill
and the caller's language."""

from datetime import timedelta

import pytest

from civicdesk.lib.errors import Forbidden, NotFound
from civicdesk.routing import services


def test_call_goes_to_an_agent_with_the_queues_skill(phone_world, make_available, route, t0):
    make_available("1003", t0)  # social and switchboard, idle longest, but no building
    make_available("1002", t0 + timedelta(seconds=30))
    decision = route("building", t0 + timedelta(seconds=60))
    assert decision.agent.code == "1002"
    assert decision.eligible == 1
    assert decision.reasons == ["1 agent eligible (skill building, language nb); chose 1002: idle 30 s, level 2."]


def test_call_goes_to_an_agent_who_speaks_the_callers_language(phone_world, make_available, route, t0):
    make_available("1002", t0)  # social, Norwegian only, idle longest
    make_available("1003", t0 + timedelta(seconds=30))  # social, Polish too
    decision = route("social", t0 + timedelta(seconds=60), language="pl")
    assert decision.agent.code == "1003"
    assert "language pl" in decision.reasons[-1]


def test_a_language_the_queue_does_not_answer_in_is_routed_in_its_first_language(
    phone_world, make_available, route, t0
):
    make_available("1003", t0)  # speaks Polish, but has no building skill
    make_available("1002", t0 + timedelta(seconds=10))
    decision = route("building", t0 + timedelta(seconds=20), language="pl")
    assert decision.reasons[0] == "Queue building does not answer in pl; routed in nb."
    assert decision.agent.code == "1002"


def test_a_call_without_a_known_language_is_routed_in_the_queues_first_language(phone_world, make_available, route, t0):
    make_available("1002", t0)
    decision = route("social", t0 + timedelta(seconds=10), language="")
    assert decision.agent.code == "1002"
    assert "language nb" in decision.reasons[-1]


def test_an_agent_off_phone_duty_is_not_offered_calls(phone_world, make_available, route, t0):
    make_available("1004", t0)  # building, idle longest, but on other work in the rota
    make_available("1001", t0 + timedelta(seconds=30))
    assert route("building", t0 + timedelta(seconds=60)).agent.code == "1001"


def test_nobody_is_offered_a_call_after_their_phone_shift(phone_world, make_available, route, t0):
    make_available("1001", t0)
    make_available("1002", t0)
    decision = route("building", t0 + timedelta(hours=5))
    assert decision.agent is None
    assert decision.eligible == 0


def test_an_agent_pulled_in_by_a_supervisor_is_offered_calls(phone_world, supervisor, make_available, route, t0):
    make_available("1004", t0)
    make_available("1001", t0 + timedelta(seconds=30))
    services.reinforcement_pull_in(actor=supervisor, agent=phone_world.agents["1004"], until=t0 + timedelta(hours=1))
    assert route("building", t0 + timedelta(seconds=60)).agent.code == "1004"


def test_an_agent_released_goes_back_to_their_other_work(phone_world, supervisor, make_available, route, t0):
    agent = phone_world.agents["1004"]
    services.reinforcement_pull_in(actor=supervisor, agent=agent, until=t0 + timedelta(hours=1))
    services.reinforcement_release(actor=supervisor, agent=agent)
    make_available("1004", t0)
    make_available("1001", t0 + timedelta(seconds=30))
    assert route("building", t0 + timedelta(seconds=60)).agent.code == "1001"


def test_an_agent_in_wrap_up_is_offered_calls_only_when_the_timer_has_run_out(phone_world, make_available, route, t0):
    services.agent_phone_event(actor=phone_world.token, agent=phone_world.agents["1001"], state="wrap_up", at=t0)
    make_available("1002", t0 + timedelta(seconds=10))
    assert route("building", t0 + timedelta(seconds=30), call_id="c1").agent.code == "1002"
    services.agent_phone_event(
        actor=phone_world.token, agent=phone_world.agents["1002"], state="on_call", at=t0 + timedelta(seconds=35)
    )
    # 60 s of wrap-up: from t0 + 60 s 1001 is ready again.
    decision = route("building", t0 + timedelta(seconds=75), call_id="c2")
    assert decision.agent.code == "1001"
    assert decision.reasons[-1].endswith("chose 1001: idle 15 s, level 4.")


def test_agents_on_break_on_a_call_or_offline_are_not_offered_calls(phone_world, system, route, t0):
    services.agent_state_set(actor=system, agent=phone_world.agents["1001"], state="break", at=t0)
    services.agent_phone_event(actor=system, agent=phone_world.agents["1002"], state="on_call", at=t0, call_id="x")
    assert route("building", t0 + timedelta(seconds=10)).agent is None


def test_only_the_centres_phone_system_or_supervisors_may_route(phone_world, agent, outsider, supervisor, t0):
    queue = phone_world.queues["building"]
    kwargs = dict(queue=queue, language="nb", call_id="c1", waiting_ahead=0, longest_wait_s=0, at=t0)
    services.route(actor=supervisor, **kwargs)
    with pytest.raises(Forbidden):
        services.route(actor=agent, **kwargs)
    with pytest.raises(NotFound):
        services.route(actor=outsider, **kwargs)
