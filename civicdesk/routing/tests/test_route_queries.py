"""A routing decision is cheap: one query for the candidates and one UPDATE reserving the agent, plus the open
alerts (which outside a test's transaction come from a memo, as the token's reach does)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.organisations import access


def test_a_decision_that_finds_an_agent_takes_three_queries(phone_world, make_available, route, t0):
    make_available("1001", t0)
    phone_world.queues["building"].skill  # noqa: B018 - the selectors fetch the queue with its skill
    access.reach(phone_world.token)
    with CaptureQueriesContext(connection) as captured:
        decision = route("building", t0 + timedelta(seconds=5))
    assert decision.agent.code == "1001"
    assert len(captured) == 3


def test_a_decision_without_an_agent_takes_four_queries_and_then_two(phone_world, route, t0):
    """Open alerts, candidates, agents on the phones, recent handling time; the two estimates are kept for a few
    seconds even inside a transaction (the phone system's decision runs in one), and outside one the open
    alerts come from a memo too."""
    from civicdesk.routing import services

    for code in ("1001", "1002"):
        services.agent_phone_event(actor=phone_world.token, agent=phone_world.agents[code], state="on_call", at=t0)
    phone_world.queues["building"].skill  # noqa: B018
    access.reach(phone_world.token)
    with CaptureQueriesContext(connection) as captured:
        decision = route("building", t0 + timedelta(seconds=5))
    assert decision.agent is None
    assert len(captured) == 4
    with CaptureQueriesContext(connection) as captured:
        route("building", t0 + timedelta(seconds=6), call_id="c2")
    assert len(captured) == 2
