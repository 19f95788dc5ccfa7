"""The router: which agent takes an offered call, or where the caller is in the queue and for how long.

A decision that finds an agent is one query for the best few free candidates (two or three with the
caller's last agent or the reinforcements) and one conditional UPDATE that keeps the chosen one for the call
(``candidates.py``). Without an agent it adds the
count of agents on the phones for the queue and the recent handling time, both kept for a few seconds per
process; open alerts come from a memo."""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.organisations import access
from civicdesk.organisations.access import Action, Actor
from civicdesk.routing import selectors
from civicdesk.routing.models import Agent, Queue, QueueAlert
from civicdesk.routing.services.alerts import queue_alerts_sync
from civicdesk.routing.services.candidates import CANDIDATES, RESERVE_FOR, candidates, reserve, staffed

__all__ = ["RESERVE_FOR", "RouteDecision", "route"]

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
    eligible: int = 0  # the free agents who fitted, counted up to CANDIDATES (the router reads no more)


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
        rows = candidates(
            queue=queue, language=language, call_id=call_id, at=at, widened=widened, prefer_agent=prefer_agent
        )
        for row in rows:
            if reserve(row, call_id, at):
                return _chosen(row, len(rows), reasons, filters, at, widened=widened, prefer_agent=prefer_agent)
        if len(rows) < CANDIDATES:
            break  # every free agent was taken by decisions running beside this one
    eligible = 0  # (any free agent would have been chosen)
    on_phones = staffed(queue=queue, language=language, at=at, widened=widened)
    position = waiting_ahead + 1
    if on_phones:
        handle = handle_s if handle_s is not None else selectors.recent_handle_s(queue=queue, at=at)
        expected = math.ceil(position * handle / on_phones)
        offer = expected >= queue.callback_offer_s
        reasons.append(
            f"No agent free ({on_phones} on the phones with {filters}); position {position}, "
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
        eligible=eligible,
    )


def _chosen(
    agent: Agent,
    eligible: int,
    reasons: list[str],
    filters: str,
    at: datetime,
    *,
    widened: bool,
    prefer_agent: Agent | None,
) -> RouteDecision:
    idle_s = max(0, round((at - agent.idle_since).total_seconds())) if agent.idle_since else 0
    why = f"idle {idle_s} s, level {agent.level}"
    if prefer_agent is not None and agent.pk == prefer_agent.pk:
        why = f"the caller's last agent; {why}"
    elif prefer_agent is not None:
        reasons.append(f"{prefer_agent.code} (the caller's last agent) is not free.")
    if widened and not getattr(agent, "on_phone_duty", True):
        why = f"reinforcement off phone duty; {why}"
    if eligible >= CANDIDATES:
        count = f"{CANDIDATES} or more agents"
    else:
        count = "1 agent" if eligible == 1 else f"{eligible} agents"
    reasons.append(f"{count} eligible ({filters}); chose {agent.code}: {why}.")
    return RouteDecision(
        agent=agent,
        position=None,
        expected_wait_s=0,
        offer_callback=False,
        widened=widened,
        reasons=reasons,
        eligible=eligible,
    )
