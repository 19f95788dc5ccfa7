"""Agents' states: changed from the screen by the agent or a supervisor, reported by the phone system
(late reports ignored, repeats harmless), and the history figures are counted from."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.lib.errors import Forbidden, Invalid
from civicdesk.routing import selectors, services
from civicdesk.routing.models import AgentState, AgentStateChange
from civicdesk.routing.signals import agent_state_changed


def _history(agent):
    return [
        (row.state, row.started_at, row.ended_at)
        for row in AgentStateChange.objects.filter(agent=agent).order_by("started_at", "id")
    ]


def test_agent_becomes_available_and_the_router_counts_idle_time_from_then(phone_world, agent):
    ola = phone_world.agents["1001"]
    at = timezone.now()
    services.agent_state_set(actor=agent, agent=ola, state="available", at=at)
    ola.refresh_from_db()
    assert (ola.state, ola.state_since, ola.idle_since) == ("available", at, at)


def test_wrap_up_runs_for_the_agents_wrap_up_time(phone_world, agent):
    ola = phone_world.agents["1001"]
    at = timezone.now()
    services.agent_state_set(actor=agent, agent=ola, state="wrap_up", at=at)
    assert ola.wrap_up_until == at + timedelta(seconds=60)


def test_each_change_closes_the_previous_stretch_of_history(phone_world, agent):
    ola = phone_world.agents["1001"]
    t0 = timezone.now()
    services.agent_state_set(actor=agent, agent=ola, state="available", at=t0)
    services.agent_state_set(actor=agent, agent=ola, state="break", at=t0 + timedelta(minutes=5))
    services.agent_state_set(actor=agent, agent=ola, state="available", at=t0 + timedelta(minutes=20))
    assert _history(ola) == [
        ("available", t0, t0 + timedelta(minutes=5)),
        ("break", t0 + timedelta(minutes=5), t0 + timedelta(minutes=20)),
        ("available", t0 + timedelta(minutes=20), None),
    ]


def test_history_shows_the_agent_available_once_the_wrap_up_timer_ran_out(phone_world, system):
    ola = phone_world.agents["1001"]
    t0 = timezone.now()
    services.agent_phone_event(actor=system, agent=ola, state="on_call", at=t0, call_id="c1")
    services.agent_phone_event(actor=system, agent=ola, state="wrap_up", at=t0 + timedelta(seconds=200), call_id="c1")
    services.agent_phone_event(actor=system, agent=ola, state="on_call", at=t0 + timedelta(seconds=400), call_id="c2")
    assert _history(ola) == [
        ("on_call", t0, t0 + timedelta(seconds=200)),
        ("wrap_up", t0 + timedelta(seconds=200), t0 + timedelta(seconds=260)),
        ("available", t0 + timedelta(seconds=260), t0 + timedelta(seconds=400)),
        ("on_call", t0 + timedelta(seconds=400), None),
    ]


def test_setting_the_state_the_agent_is_in_changes_nothing(phone_world, agent):
    ola = phone_world.agents["1001"]
    t0 = timezone.now()
    services.agent_state_set(actor=agent, agent=ola, state="available", at=t0)
    services.agent_state_set(actor=agent, agent=ola, state="available", at=t0 + timedelta(minutes=1))
    ola.refresh_from_db()
    assert ola.idle_since == t0
    assert len(_history(ola)) == 1


def test_a_state_older_than_the_agents_current_one_is_refused_from_the_screen(phone_world, agent):
    with pytest.raises(Invalid) as error:
        services.agent_state_set(
            actor=agent, agent=phone_world.agents["1001"], state="available", at=timezone.now() - timedelta(days=1)
        )
    assert error.value.field == "at"


def test_an_unknown_state_is_refused_naming_the_field(phone_world, agent):
    with pytest.raises(Invalid) as error:
        services.agent_state_set(actor=agent, agent=phone_world.agents["1001"], state="asleep")
    assert error.value.field == "state"


def test_agent_may_change_their_own_state_but_not_a_colleagues(phone_world, agent):
    services.agent_state_set(actor=agent, agent=phone_world.agents["1001"], state="available")
    with pytest.raises(Forbidden):
        services.agent_state_set(actor=agent, agent=phone_world.agents["1002"], state="available")


def test_supervisor_may_change_any_agents_state_and_it_is_audited(phone_world, supervisor):
    from civicdesk.organisations.models import AuditEvent

    services.agent_state_set(actor=supervisor, agent=phone_world.agents["1002"], state="break", reason="meeting")
    assert phone_world.agents["1002"].state == AgentState.BREAK
    assert AuditEvent.objects.filter(action="agent.state_set", object_id=str(phone_world.agents["1002"].pk)).exists()


def test_phone_system_reports_the_agent_on_a_call_and_the_call_they_took(phone_world):
    ola = phone_world.agents["1001"]
    services.agent_phone_event(actor=phone_world.token, agent=ola, state="on_call", at=timezone.now(), call_id="c9")
    ola.refresh_from_db()
    assert (ola.state, ola.current_call) == ("on_call", "c9")


def test_late_phone_event_never_undoes_a_newer_state(phone_world, system):
    ola = phone_world.agents["1001"]
    t0 = timezone.now()
    services.agent_phone_event(actor=system, agent=ola, state="wrap_up", at=t0, call_id="c1")
    services.agent_phone_event(actor=system, agent=ola, state="on_call", at=t0 - timedelta(seconds=90), call_id="c1")
    ola.refresh_from_db()
    assert (ola.state, ola.state_since) == ("wrap_up", t0)
    assert len(_history(ola)) == 1


def test_the_same_phone_event_twice_is_kept_once(phone_world, system):
    ola = phone_world.agents["1001"]
    t0 = timezone.now()
    for _ in range(2):
        services.agent_phone_event(actor=system, agent=ola, state="on_call", at=t0, call_id="c1")
    assert _history(ola) == [("on_call", t0, None)]


def test_listeners_hear_of_a_state_change_after_commit(phone_world, agent, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, agent, **kwargs):
        heard.append((agent.code, agent.state))

    agent_state_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.agent_state_set(actor=agent, agent=phone_world.agents["1001"], state="available")
    finally:
        agent_state_changed.disconnect(listener)
    assert heard == [("1001", "available")]


def test_agents_are_counted_by_state_with_run_out_wrap_up_as_available(phone_world, system):
    t0 = timezone.now() + timedelta(minutes=5)
    services.agent_state_set(actor=system, agent=phone_world.agents["1001"], state="available", at=t0)
    services.agent_state_set(
        actor=system, agent=phone_world.agents["1002"], state="wrap_up", at=t0 - timedelta(seconds=90)
    )
    services.agent_state_set(actor=system, agent=phone_world.agents["1003"], state="wrap_up", at=t0)
    counts = selectors.agents_by_state(actor=phone_world.token, center=phone_world.center, at=t0)
    assert counts == {
        "available": 2,
        "on_call": 0,
        "wrap_up": 1,
        "other_work": 0,
        "break": 0,
        "offline": 2,
    }


def test_phone_duty_comes_from_the_rota_or_a_pull_in(phone_world):
    now = timezone.now()
    assert selectors.is_on_phone_duty(phone_world.agents["1001"], now)
    assert not selectors.is_on_phone_duty(phone_world.agents["1004"], now)
    assert not selectors.is_on_phone_duty(phone_world.agents["1001"], now + timedelta(hours=5))


def test_agent_and_queue_are_found_by_the_names_the_phone_system_uses(phone_world, outsider):
    from civicdesk.lib.errors import NotFound

    found = selectors.agent_by_code(actor=phone_world.token, center=phone_world.center, code="1003")
    assert found == phone_world.agents["1003"]
    queue = selectors.queue_by_key(actor=phone_world.token, center=phone_world.center, key="social")
    assert queue == phone_world.queues["social"]
    with pytest.raises(NotFound):
        selectors.agent_by_code(actor=outsider, center=phone_world.center, code="1003")
    with pytest.raises(NotFound):
        selectors.queue_by_key(actor=phone_world.token, center=phone_world.center, key="nope")
