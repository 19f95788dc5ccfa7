"""The router: which agent takes an offered call, or where the caller is in the queue and for how long.

One decision is one query for the candidates (with the counts it explains itself with) and one conditional
UPDATE that reserves the chosen agent; the no-agent answer adds at most one (cached) read of recent handling
times, and alerts are read from a memo. The query filters by the centre and the logged-in states (index
``agent_available``), joins the queue's skill (``agent_skill_lookup``), and narrows by language
(``agent_language_lookup``) and phone duty (shifts that started within a day, ``shift_center_time``) with one
IN subquery each."""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.organisations import access
from civicdesk.organisations.access import Action, Actor
from civicdesk.routing import selectors
from civicdesk.routing.models import Agent, AgentLanguage, AgentState, Duty, DutyShift, Queue, QueueAlert
from civicdesk.routing.services.alerts import queue_alerts_sync
from civicdesk.routing.services.rota import MAX_SHIFT

__all__ = ["RESERVE_FOR", "RouteDecision", "route"]

RESERVE_FOR = timedelta(seconds=20)  # how long an offered agent is kept for the call before others may have them
CANDIDATES = 5  # rows read per attempt: the best, and a few to fall back on if another decision reserved it first
ATTEMPTS = 3


@dataclass
class RouteDecision:
    """What the router decided for one offered call. ``reasons`` are short English sentences for integrators
    (logs, the decision API), not for callers."""

    agent: Agent | None
    position: int | None
    expected_wait_s: int | None
    offer_callback: bool
    widened: bool
    reasons: list[str] = field(default_factory=list)
    eligible: int = 0


def _require_router(actor: Actor, queue: Queue) -> None:
    r = access.reach(actor)
    if not r.everything and queue.center_id not in r.center_ids:
        raise NotFound(_("Not found."))
    if not access.can(actor, Action.CHANGE, Agent(center_id=queue.center_id)):
        raise Forbidden(_("You do not have permission to do that."))


def _thresholds_passed(queue: Queue, waiting_ahead: int, longest_wait_s: float) -> dict[str, int]:
    over = {}
    if longest_wait_s >= queue.alert_wait_s:
        over[QueueAlert.Kind.LONGEST_WAIT] = int(longest_wait_s)
    if waiting_ahead >= queue.alert_length:
        over[QueueAlert.Kind.LENGTH] = int(waiting_ahead)
    return over


def _candidates(
    queue: Queue, language: str, call_id: str, at: datetime, *, widened: bool, prefer_agent: Agent | None
) -> list[Agent]:
    """The agents who could take the call now or soon (logged in to the phones, with the skill and language, on
    duty or in the pool), best first, each row carrying ``eligible`` (free to take it now) and ``staffed``
    counts of the whole set."""
    shifts = DutyShift.objects.filter(
        center_id=queue.center_id,
        starts_at__gt=at - MAX_SHIFT,
        starts_at__lte=at,
        ends_at__gt=at,
        duty=Duty.PHONE,
    ).values("agent_id")
    on_duty = Q(pk__in=shifts) | Q(pulled_in_until__gt=at)
    agents = Agent.objects.filter(
        center_id=queue.center_id,
        state__in=[AgentState.AVAILABLE, AgentState.ON_CALL, AgentState.WRAP_UP],
        skills__skill_id=queue.skill_id,
    )
    if language:
        agents = agents.filter(pk__in=AgentLanguage.objects.filter(language=language).values("agent_id"))
    agents = agents.filter(on_duty | Q(is_reinforcement=True) if widened else on_duty)
    ready = Q(state=AgentState.AVAILABLE) | Q(state=AgentState.WRAP_UP, wrap_up_until__lte=at)
    free = Q(reserved_until__isnull=True) | Q(reserved_until__lte=at) | Q(reserved_for=call_id)
    agents = agents.annotate(
        level=F("skills__level"),
        is_free=Case(When(ready & free, then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).annotate(eligible=Window(Sum("is_free")), staffed=Window(Count("pk")))
    order = ["-is_free"]
    if prefer_agent is not None:
        agents = agents.annotate(
            is_preferred=Case(When(pk=prefer_agent.pk, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        order.append("-is_preferred")
    if widened:
        # A Case, not the bare condition: NULL (no pull-in) would sort first on PostgreSQL.
        agents = agents.annotate(
            on_phone_duty=Case(When(on_duty, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        order.append("-on_phone_duty")
    order += ["idle_since", "-level", "code"]
    return list(agents.order_by(*order)[:CANDIDATES])


def _reserve(agent: Agent, call_id: str, at: datetime) -> bool:
    """Keep the agent for the call, unless another decision did first or the agent is no longer ready."""
    ready = Q(state=AgentState.AVAILABLE) | Q(state=AgentState.WRAP_UP, wrap_up_until__lte=at)
    free = Q(reserved_until__isnull=True) | Q(reserved_until__lte=at) | Q(reserved_for=call_id)
    until = at + RESERVE_FOR
    taken = Agent.objects.filter(ready & free, pk=agent.pk).update(reserved_until=until, reserved_for=call_id)
    if taken:
        agent.reserved_until, agent.reserved_for = until, call_id
    return bool(taken)


def route(
    *,
    actor: Actor,
    queue: Queue,
    language: str,
    call_id: str,
    waiting_ahead: int,
    longest_wait_s: float,
    at: datetime | None = None,
    prefer_agent: Agent | None = None,
    handle_s: float | None = None,
) -> RouteDecision:
    """Choose the agent for the call ``call_id`` offered in ``queue``: among the agents on phone duty now (or
    pulled in), available (or in a wrap-up that has run out), not kept for another call, with the queue's
    skill and the caller's language, the one idle longest, then the one with the higher skill level; the
    caller's previous agent (``prefer_agent``) first when they are among them. A language the queue does not
    answer in is routed in the queue's first language.

    When the queue's longest wait reaches ``alert_wait_s``, or ``waiting_ahead`` (calls waiting ahead of this
    one) reaches ``alert_length``, the centre's reinforcements off phone duty are widened in (after the agents
    on duty) and an alert is raised for the supervisors; it is cleared when the queue is back under.

    The chosen agent is kept for the call for 20 s (``reserved_for``); two decisions never get the same agent.
    Without one: the caller's position, the expected wait (calls ahead and this one × handling time ÷ agents
    on the phones for the queue; ``handle_s`` or the recent average), and a callback offer when that reaches
    the queue's ``callback_offer_s`` or nobody is on the phones for it."""
    _require_router(actor, queue)
    at = at or timezone.now()
    if not queue.is_active:
        raise Invalid(_("The queue is not in use."), field="queue")
    reasons = []
    language = (language or "").strip()
    if queue.languages and language not in queue.languages:
        chosen = queue.languages[0]
        if language:
            reasons.append(f"Queue {queue.key} does not answer in {language}; routed in {chosen}.")
        language = chosen
    over = _thresholds_passed(queue, waiting_ahead, longest_wait_s)
    widened = bool(over)
    raised, _cleared = queue_alerts_sync(queue=queue, over=over, at=at)
    if QueueAlert.Kind.LONGEST_WAIT in over:
        reasons.append(f"Longest wait {int(longest_wait_s)} s ≥ {queue.alert_wait_s} s: reinforcements widened in.")
    if QueueAlert.Kind.LENGTH in over:
        reasons.append(f"{waiting_ahead} calls waiting ≥ {queue.alert_length}: reinforcements widened in.")
    if raised:
        reasons.append("Supervisors alerted.")
    filters = f"skill {queue.skill.key}" + (f", language {language}" if language else "")

    rows: list[Agent] = []
    for _attempt in range(ATTEMPTS):
        rows = _candidates(queue, language, call_id, at, widened=widened, prefer_agent=prefer_agent)
        free_rows = [row for row in rows if row.is_free]
        for row in free_rows:
            if _reserve(row, call_id, at):
                return _chosen(row, rows, reasons, filters, at, widened=widened, prefer_agent=prefer_agent)
        if len(free_rows) < CANDIDATES:
            break  # nobody else was free: no need to look again
    eligible = rows[0].eligible or 0 if rows else 0
    staffed = rows[0].staffed if rows else 0
    position = waiting_ahead + 1
    if staffed:
        handle = handle_s if handle_s is not None else selectors.recent_handle_s(queue=queue, at=at)
        expected = math.ceil(position * handle / staffed)
        offer = expected >= queue.callback_offer_s
        reasons.append(
            f"No agent free ({staffed} on the phones with {filters}); position {position}, "
            f"expected wait {expected} s at {round(handle)} s a call."
        )
    else:
        expected, offer = None, True
        reasons.append(f"No agent on the phones with {filters}; position {position}.")
    if prefer_agent is not None:
        reasons.append(f"{prefer_agent.code} (the caller's last agent) is not free.")
    if offer:
        reasons.append("Offer a callback.")
    return RouteDecision(
        agent=None,
        position=position,
        expected_wait_s=expected,
        offer_callback=offer,
        widened=widened,
        reasons=reasons,
        eligible=int(eligible),
    )


def _chosen(
    agent: Agent,
    rows: list[Agent],
    reasons: list[str],
    filters: str,
    at: datetime,
    *,
    widened: bool,
    prefer_agent: Agent | None,
) -> RouteDecision:
    eligible = int(agent.eligible)
    idle_s = max(0, round((at - agent.idle_since).total_seconds())) if agent.idle_since else 0
    why = f"idle {idle_s} s, level {agent.level}"
    if prefer_agent is not None and agent.pk == prefer_agent.pk:
        why = f"the caller's last agent; {why}"
    elif prefer_agent is not None:
        reasons.append(f"{prefer_agent.code} (the caller's last agent) is not free.")
    if widened and not getattr(agent, "on_phone_duty", True):
        why = f"reinforcement off phone duty; {why}"
    noun = "agent" if eligible == 1 else "agents"
    reasons.append(f"{eligible} {noun} eligible ({filters}); chose {agent.code}: {why}.")
    return RouteDecision(
        agent=agent,
        position=None,
        expected_wait_s=0,
        offer_callback=False,
        widened=widened,
        reasons=reasons,
        eligible=eligible,
    )
