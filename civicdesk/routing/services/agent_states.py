"""Agents' states: changed from the agent's screen (or by a supervisor), or reported by the phone system.

Every change closes the agent's open stretch of history (``AgentStateChange``) and opens the next, so the
history has no gaps or overlaps. An agent whose wrap-up timer ran out before the next change is shown as
available from the timer's end: the history says so too."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.routing.models import Agent, AgentState, AgentStateChange
from civicdesk.routing.signals import agent_state_changed

__all__ = ["AgentReport", "agent_phone_event", "agent_phone_events", "agent_state_set"]

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


def _moved(agent: Agent, state: AgentState, at: datetime, *, reason: str = "", call_id: str = "") -> tuple:
    """Move the agent (in memory) into ``state`` at ``at``: when its open stretch of history ends, and the
    stretches that follow (the last one open)."""
    rows = []
    if agent.state == AgentState.WRAP_UP and agent.wrap_up_until is not None and agent.wrap_up_until < at:
        # The wrap-up timer ran out before this change: the agent was available in between.
        closed_at = agent.wrap_up_until
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
        closed_at = at
    rows.append(AgentStateChange(agent=agent, state=state, started_at=at, reason=reason[:40]))

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
    return closed_at, rows


def _apply(agent: Agent, state: AgentState, at: datetime, *, reason: str = "", call_id: str = "") -> None:
    """Move the agent into ``state`` at ``at``: close the open stretch of history, open the next."""
    closed_at, rows = _moved(agent, state, at, reason=reason, call_id=call_id)
    AgentStateChange.objects.filter(agent=agent, ended_at__isnull=True).update(ended_at=closed_at)
    AgentStateChange.objects.bulk_create(rows)
    agent.save(update_fields=AGENT_FIELDS)
    transaction.on_commit(lambda: agent_state_changed.send(sender=Agent, agent=agent))


def _ignored(agent: Agent, state: AgentState, at: datetime, call_id: str) -> bool:
    """A phone report older than the agent's state, or of the state the agent is in (the same call)."""
    if at < agent.state_since:
        return True
    return agent.state == state and (state != AgentState.ON_CALL or agent.current_call == call_id)


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
    if not _ignored(agent, state, at, call_id):
        _apply(agent, state, at, reason="phone system", call_id=call_id)
    return agent


@dataclass(frozen=True)
class AgentReport:
    """The phone system says ``agent`` is in ``state`` since ``at`` (on call answering ``call_id``, …)."""

    agent: Agent
    state: str
    at: datetime
    call_id: str = ""


@transaction.atomic
def agent_phone_events(*, actor: Actor, reports: list[AgentReport]) -> int:
    """Many reports of the phone system at once, by the rules of ``agent_phone_event``: each agent's taken in
    the order of their times (reports of the same time in the order given), one older than the agent's state
    ignored, one of the state the agent is in changing nothing. The agents are locked in one query (in the
    order of their keys, so two batches never wait for each other crosswise), moved in memory, and written
    back with their history in a few statements for the whole batch; each agent that moved is announced once
    after the commit. How many reports moved an agent."""
    if not reports:
        return 0
    checked = [(index, report, _reported_state(index, report.state)) for index, report in enumerate(reports)]
    wanted = {report.agent.pk for report in reports}
    agents = {
        agent.pk: agent
        for agent in access.visible(actor, Agent.objects.filter(pk__in=wanted)).order_by("pk").select_for_update()
    }
    if agents.keys() != wanted:
        raise NotFound(_("Not found."))
    for agent in agents.values():
        if not access.can(actor, Action.CHANGE_OWN, agent):
            raise Forbidden(_("You do not have permission to do that."))

    closed: dict[int, datetime] = {}  # agent -> when the stretch open before this batch ends
    opened: dict[int, list[AgentStateChange]] = {}  # agent -> the stretches this batch adds, the last one open
    moved = 0
    for _index, report, state in sorted(checked, key=lambda item: (item[1].at, item[0])):
        agent = agents[report.agent.pk]
        if _ignored(agent, state, report.at, report.call_id):
            continue
        closed_at, rows = _moved(agent, state, report.at, reason="phone system", call_id=report.call_id)
        if agent.pk in opened:
            opened[agent.pk][-1].ended_at = closed_at
        else:
            closed[agent.pk] = closed_at
        opened.setdefault(agent.pk, []).extend(rows)
        moved += 1
    if not opened:
        return 0
    AgentStateChange.objects.filter(agent_id__in=closed, ended_at__isnull=True).update(
        ended_at=Case(*(When(agent_id=pk, then=Value(at)) for pk, at in closed.items()), output_field=DateTimeField())
    )
    AgentStateChange.objects.bulk_create([row for rows in opened.values() for row in rows])
    now = timezone.now()
    changed = [agents[pk] for pk in opened]
    for agent in changed:
        agent.updated_at = now  # bulk_update leaves auto_now to us
    Agent.objects.bulk_update(changed, AGENT_FIELDS)

    def announce() -> None:
        for agent in changed:
            agent_state_changed.send(sender=Agent, agent=agent)

    transaction.on_commit(announce)
    return moved


def _reported_state(index: int, state: str) -> AgentState:
    try:
        return _valid_state(state)
    except Invalid as error:
        raise Invalid(error.message, field=f"{index}.state") from None
