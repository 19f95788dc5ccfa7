"""Agents' states: changed from the agent's screen (or by a supervisor), or reported by the phone system.

Every change closes the agent's open stretch of history (``AgentStateChange``) and opens the next, so the
history has no gaps or overlaps. An agent whose wrap-up timer ran out before the next change is shown as
available from the timer's end: the history says so too."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.routing.models import Agent, AgentState, AgentStateChange
from civicdesk.routing.signals import agent_state_changed

__all__ = ["agent_phone_event", "agent_state_set"]

AGENT_FIELDS = [
    "state",
    "state_since",
    "idle_since",
    "wrap_up_until",
    "reserved_until",
    "reserved_for",
    "current_call",
    "updated_at",
]


def _valid_state(state: str) -> AgentState:
    try:
        return AgentState(state)
    except ValueError:
        raise Invalid(_("Choose a state the router knows."), field="state") from None


def _apply(agent: Agent, state: AgentState, at: datetime, *, reason: str = "", call_id: str = "") -> None:
    """Move the agent into ``state`` at ``at``: close the open stretch of history, open the next."""
    previous_open = AgentStateChange.objects.filter(agent=agent, ended_at__isnull=True)
    rows = []
    if agent.state == AgentState.WRAP_UP and agent.wrap_up_until is not None and agent.wrap_up_until < at:
        # The wrap-up timer ran out before this change: the agent was available in between.
        previous_open.update(ended_at=agent.wrap_up_until)
        rows.append(
            AgentStateChange(
                agent=agent,
                state=AgentState.AVAILABLE,
                started_at=agent.wrap_up_until,
                ended_at=at,
                reason="wrap-up timer",
            )
        )
    else:
        previous_open.update(ended_at=at)
    rows.append(AgentStateChange(agent=agent, state=state, started_at=at, reason=reason[:40]))
    AgentStateChange.objects.bulk_create(rows)

    agent.state, agent.state_since = state, at
    agent.reserved_until, agent.reserved_for = None, ""
    if state == AgentState.AVAILABLE:
        agent.idle_since, agent.wrap_up_until, agent.current_call = at, None, ""
    elif state == AgentState.WRAP_UP:
        # Ready again when the timer runs out: the router counts the idle time from then.
        agent.wrap_up_until = at + timedelta(seconds=agent.wrap_up_s)
        agent.idle_since = agent.wrap_up_until
        agent.current_call = call_id or agent.current_call
    elif state == AgentState.ON_CALL:
        agent.idle_since, agent.wrap_up_until, agent.current_call = None, None, call_id
    else:
        agent.idle_since, agent.wrap_up_until, agent.current_call = None, None, ""
    agent.save(update_fields=AGENT_FIELDS)
    transaction.on_commit(lambda: agent_state_changed.send(sender=Agent, agent=agent))


@transaction.atomic
def agent_state_set(*, actor: Actor, agent: Agent, state: str, at: datetime | None = None, reason: str = "") -> Agent:
    """The agent (or a supervisor of the centre) changes the agent's state from the screen. Available starts the
    idle time the router orders by; wrap-up runs for the agent's wrap-up time. Setting the state the agent is
    in already changes nothing."""
    access.require(actor, Action.CHANGE_OWN, agent)
    state = _valid_state(state)
    at = at or timezone.now()
    agent.refresh_from_db(from_queryset=Agent.objects.select_for_update())
    if agent.state == state:
        return agent
    if at < agent.state_since:
        raise Invalid(_("The agent's state changed after that time."), field="at")
    _apply(agent, state, at, reason=reason)
    if getattr(actor, "pk", None) != agent.user_id:
        audit.record(actor=actor, action="agent.state_set", obj=agent, details={"state": state, "reason": reason})
    return agent


@transaction.atomic
def agent_phone_event(*, actor: Actor, agent: Agent, state: str, at: datetime, call_id: str = "") -> Agent:
    """The phone system says the agent is in ``state`` since ``at`` (on call answering ``call_id``, wrap-up when
    that call ended, or any state it reports). A report older than the agent's current state is ignored, so
    late events never undo newer ones; a report of the state the agent is in (the same call) changes nothing."""
    access.require(actor, Action.CHANGE_OWN, agent)
    state = _valid_state(state)
    agent.refresh_from_db(from_queryset=Agent.objects.select_for_update())
    if at < agent.state_since:
        return agent
    same_call = state != AgentState.ON_CALL or agent.current_call == call_id
    if agent.state == state and same_call:
        return agent
    _apply(agent, state, at, reason="phone system", call_id=call_id)
    return agent
