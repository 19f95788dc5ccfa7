"""Among the eligible agents: the one idle longest, then the higher skill level; a repeat caller's previous
agent first when free."""

from datetime import timedelta

from civicdesk.routing import services


def test_the_agent_idle_longest_takes_the_call(phone_world, make_available, route, t0):
    make_available("1001", t0 + timedelta(seconds=60))
    make_available("1002", t0)
    decision = route("building", t0 + timedelta(seconds=240))
    assert decision.agent.code == "1002"
    assert decision.reasons == ["2 agents eligible (skill building, language nb); chose 1002: idle 240 s, level 2."]


def test_between_agents_idle_as_long_the_higher_skill_level_takes_the_call(phone_world, make_available, route, t0):
    make_available("1002", t0)  # building 2
    make_available("1001", t0)  # building 4
    assert route("building", t0 + timedelta(seconds=30)).agent.code == "1001"


def test_the_callers_previous_agent_takes_the_call_when_free(phone_world, make_available, route, t0):
    make_available("1001", t0)
    make_available("1002", t0 + timedelta(seconds=60))
    decision = route("building", t0 + timedelta(seconds=90), prefer_agent=phone_world.agents["1002"])
    assert decision.agent.code == "1002"
    assert decision.reasons[-1] == (
        "2 agents eligible (skill building, language nb); chose 1002: the caller's last agent; idle 30 s, level 2."
    )


def test_when_the_previous_agent_is_busy_the_usual_order_decides(phone_world, make_available, route, t0):
    make_available("1001", t0)
    services.agent_phone_event(actor=phone_world.token, agent=phone_world.agents["1002"], state="on_call", at=t0)
    decision = route("building", t0 + timedelta(seconds=90), prefer_agent=phone_world.agents["1002"])
    assert decision.agent.code == "1001"
    assert decision.reasons[0] == "1002 (the caller's last agent) is not free."


def test_a_previous_agent_without_the_queues_skill_is_not_chosen(phone_world, make_available, route, t0):
    make_available("1003", t0)  # no building skill
    make_available("1001", t0 + timedelta(seconds=60))
    decision = route("building", t0 + timedelta(seconds=90), prefer_agent=phone_world.agents["1003"])
    assert decision.agent.code == "1001"
