"""Many reports of the phone system at once: the same agents' states and history as the reports taken one by
one, late reports ignored, and each agent that moved announced once after the commit."""

import random
from datetime import timedelta

import pytest
from django.db import transaction

from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.routing import services
from civicdesk.routing.models import Agent, AgentStateChange
from civicdesk.routing.services import AgentReport
from civicdesk.routing.signals import agent_state_changed

FIELDS = ("state", "state_since", "idle_since", "wrap_up_until", "current_call", "reserved_until", "reserved_for")


def _outcome(codes):
    agents = {
        code: tuple(getattr(agent, field) for field in FIELDS)
        for code, agent in ((a.code, a) for a in Agent.objects.filter(code__in=codes))
    }
    history = sorted(
        AgentStateChange.objects.filter(agent__code__in=codes).values_list(
            "agent__code", "state", "started_at", "ended_at", "reason"
        )
    )
    return agents, history


class _Undone(Exception):
    pass


def _one_by_one(system, reports, codes):
    """The outcome of ``agent_phone_event`` per report, in the order of their times, then undone."""
    try:
        with transaction.atomic():
            for report in sorted(reports, key=lambda r: r.at):
                services.agent_phone_event(
                    actor=system, agent=report.agent, state=report.state, at=report.at, call_id=report.call_id
                )
            outcome = _outcome(codes)
            raise _Undone
    except _Undone:
        return outcome


def test_a_batch_ends_as_the_reports_taken_one_by_one(phone_world, system, t0):
    a1, a2, a3 = (phone_world.agents[code] for code in ("1001", "1002", "1003"))
    reports = [
        AgentReport(a1, "on_call", t0, "c1"),
        AgentReport(a1, "wrap_up", t0 + timedelta(seconds=200), "c1"),
        AgentReport(a1, "on_call", t0 + timedelta(seconds=400), "c2"),  # the wrap-up timer ran out before
        AgentReport(a1, "available", t0 - timedelta(hours=2)),  # older than the agent's state: ignored
        AgentReport(a2, "on_call", t0 + timedelta(seconds=10), "c3"),
        AgentReport(a2, "on_call", t0 + timedelta(seconds=20), "c3"),  # the same call again: nothing changes
        AgentReport(a2, "wrap_up", t0 + timedelta(seconds=100), "c3"),
        AgentReport(a3, "break", t0 + timedelta(seconds=5)),
        AgentReport(a3, "available", t0 + timedelta(seconds=50)),
    ]
    random.Random(3).shuffle(reports)
    codes = ["1001", "1002", "1003"]
    expected = _one_by_one(system, reports, codes)
    assert services.agent_phone_events(actor=system, reports=reports) == 7
    assert _outcome(codes) == expected
    assert expected[0]["1001"][:2] == ("on_call", t0 + timedelta(seconds=400))


def test_on_call_then_wrap_up_in_one_batch(phone_world, system, t0):
    ola = phone_world.agents["1001"]
    ended = t0 + timedelta(seconds=200)
    reports = [AgentReport(ola, "wrap_up", ended, "c1"), AgentReport(ola, "on_call", t0, "c1")]
    assert services.agent_phone_events(actor=system, reports=reports) == 2
    ola = Agent.objects.get(pk=ola.pk)
    assert (ola.state, ola.state_since, ola.current_call) == ("wrap_up", ended, "c1")
    assert ola.wrap_up_until == ola.idle_since == ended + timedelta(seconds=ola.wrap_up_s)
    history = AgentStateChange.objects.filter(agent=ola, started_at__gte=t0).order_by("started_at")
    assert list(history.values_list("state", "ended_at")) == [("on_call", ended), ("wrap_up", None)]


def test_an_older_report_changes_nothing(phone_world, system, t0):
    ola = phone_world.agents["1001"]
    services.agent_phone_events(actor=system, reports=[AgentReport(ola, "on_call", t0, "c1")])
    before = _outcome(["1001"])
    late = [AgentReport(ola, "available", t0 - timedelta(seconds=1)), AgentReport(ola, "on_call", t0, "c1")]
    assert services.agent_phone_events(actor=system, reports=late) == 0
    assert _outcome(["1001"]) == before


def test_each_agent_that_moved_is_announced_once_after_the_commit(
    phone_world, system, t0, django_capture_on_commit_callbacks
):
    announced = []

    def heard(sender, agent, **kwargs):
        announced.append(agent.code)

    agent_state_changed.connect(heard)
    try:
        a1, a2 = phone_world.agents["1001"], phone_world.agents["1002"]
        with django_capture_on_commit_callbacks(execute=True):
            services.agent_phone_events(
                actor=system,
                reports=[
                    AgentReport(a1, "on_call", t0, "c1"),
                    AgentReport(a1, "wrap_up", t0 + timedelta(seconds=60), "c1"),
                    AgentReport(a2, "on_call", t0, "c2"),
                    AgentReport(a2, "on_call", t0 - timedelta(hours=2), "c0"),
                ],
            )
            assert announced == []
    finally:
        agent_state_changed.disconnect(heard)
    assert sorted(announced) == ["1001", "1002"]


def test_the_actor_may_move_only_agents_it_may_change(phone_world, agent, outsider, t0):
    own, other = phone_world.agents["1001"], phone_world.agents["1002"]
    assert own.user == agent
    assert services.agent_phone_events(actor=agent, reports=[AgentReport(own, "break", t0)]) == 1
    with pytest.raises(Forbidden):
        services.agent_phone_events(actor=agent, reports=[AgentReport(other, "break", t0)])
    with pytest.raises(NotFound):
        services.agent_phone_events(actor=outsider, reports=[AgentReport(own, "available", t0)])
    with pytest.raises(Invalid) as error:
        services.agent_phone_events(
            actor=agent, reports=[AgentReport(own, "available", t0), AgentReport(own, "asleep", t0)]
        )
    assert error.value.field == "1.state"
    assert Agent.objects.get(pk=own.pk).state == "break"
