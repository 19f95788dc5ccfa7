"""Agents as the actor may see them: by code, as a list, counted by state, and whether on phone duty."""

from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import ServiceCenter
from civicdesk.routing.models import Agent, AgentSkill, AgentState, Duty, DutyShift

__all__ = [
    "agent_by_code",
    "agent_ids_on_phone_duty",
    "agent_list",
    "agents_by_state",
    "is_on_phone_duty",
    "on_phone_duty_q",
]


def on_phone_duty_q(at: datetime, *, prefix: str = "") -> Q:
    """Agents on the phones at ``at``: a phone shift covers it, or a supervisor pulled them in until later."""
    shifts = DutyShift.objects.filter(duty=Duty.PHONE, starts_at__lte=at, ends_at__gt=at).values("agent_id")
    return Q(**{f"{prefix}pk__in": shifts}) | Q(**{f"{prefix}pulled_in_until__gt": at})


def is_on_phone_duty(agent: Agent, at: datetime | None = None) -> bool:
    """Is the agent on the phones at ``at`` (now): on a phone shift, or pulled in by a supervisor?"""
    at = at or timezone.now()
    if agent.pulled_in_until is not None and agent.pulled_in_until > at:
        return True
    return DutyShift.objects.filter(agent_id=agent.pk, duty=Duty.PHONE, starts_at__lte=at, ends_at__gt=at).exists()


def agent_by_code(*, actor: Actor, center: ServiceCenter, code: str) -> Agent:
    """The agent the phone system knows as ``code`` in the centre; ``NotFound`` when missing or hidden."""
    return access.get_visible(actor, Agent.objects.select_related("user", "center"), center=center, code=code)


def agent_list(
    *,
    actor: Actor,
    center: ServiceCenter,
    state: str | None = None,
    language: str | None = None,
    skill: str | None = None,
    is_reinforcement: bool | None = None,
) -> QuerySet[Agent]:
    """The centre's agents by code, with their user, languages and skills (levels) at hand."""
    agents = access.visible(actor, Agent.objects.filter(center=center))
    if state:
        agents = agents.filter(state=state)
    if language:
        agents = agents.filter(languages__language=language)
    if skill:
        agents = agents.filter(skills__skill__key=skill)
    if is_reinforcement is not None:
        agents = agents.filter(is_reinforcement=is_reinforcement)
    return (
        agents.select_related("user")
        .prefetch_related("languages", Prefetch("skills", queryset=AgentSkill.objects.select_related("skill")))
        .order_by("code")
    )


def agents_by_state(*, actor: Actor, center: ServiceCenter, at: datetime | None = None) -> dict[str, int]:
    """How many of the centre's agents are in each state (every state named, zero included). An agent whose
    wrap-up timer has run out is counted as available: the router offers them calls."""
    at = at or timezone.now()
    agents = access.visible(actor, Agent.objects.filter(center=center))
    wrap_up_done = Q(state=AgentState.WRAP_UP, wrap_up_until__lte=at)
    counts = {state.value: 0 for state in AgentState}
    for state, count in agents.exclude(wrap_up_done).values_list("state").annotate(n=Count("pk")).order_by():
        counts[state] += count
    counts[AgentState.AVAILABLE] += agents.filter(wrap_up_done).count()
    return counts


def agent_ids_on_phone_duty(*, center: ServiceCenter, at: datetime | None = None) -> set[int]:
    """Ids of the centre's agents on the phones at ``at`` (now), for lists that show it beside each agent."""
    at = at or timezone.now()
    return set(Agent.objects.filter(on_phone_duty_q(at), center=center).values_list("pk", flat=True))
