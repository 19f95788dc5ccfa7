"""Where an offered call goes: the phone system names the number dialled, the caller and the menu keys (or a
queue), and civicdesk answers with the agent, or the caller's place in the queue, or the closed message."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, DateTimeField, Min, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.contacts.models import ContactLanguage
from civicdesk.lib.contact_points import IdentityError, phone_normalise
from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.organisations import access
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality
from civicdesk.routing import services as routing_services
from civicdesk.routing.models import Agent, Queue
from civicdesk.telephony import selectors
from civicdesk.telephony.models import Call, PhoneNumber, QueueVisit, VisitOutcome
from civicdesk.telephony.services.events import REPEAT_WINDOW  # one window for the flag and the router

__all__ = ["RouteAnswer", "call_route"]


@dataclass(frozen=True)
class RouteAnswer:
    """The answer to the phone system: the agent kept for the call (None: the caller waits at ``position``
    for about ``expected_wait_s``), the queue and language, whether a callback should be offered, the
    reinforcements widened in, a repeat caller recognised, or the step closed (then only ``announcement``
    counts). ``reasons`` are short English sentences for integrators' logs, not for callers."""

    agent: Agent | None
    queue: Queue | None
    language: str
    position: int | None = None
    expected_wait_s: int | None = None
    offer_callback: bool = False
    widened: bool = False
    repeat_caller: bool = False
    closed: bool = False
    announcement: str = ""
    reasons: list[str] = field(default_factory=list)


def _require_phone_system(actor: Actor, municipality: Municipality) -> None:
    """Only a centre serving the municipality routes its calls: its phone system's token with telephony:write,
    its supervisors, or the platform."""
    r = access.reach(actor)
    serving = access.centers_serving_ids({municipality.pk})
    centers = serving if r.everything else serving & set(r.center_ids)
    if not any(access.can(actor, Action.CHANGE, Call(center_id=center_id)) for center_id in centers):
        raise Forbidden(_("Only the phone system of a centre serving %(m)s routes its calls.") % {"m": municipality})


def _caller_forms(caller_number: str, municipality: Municipality) -> list[str]:
    raw = (caller_number or "").strip()
    if not raw:
        return []
    try:
        return list(dict.fromkeys([raw, phone_normalise(raw, municipality.country)]))
    except IdentityError:  # "anonymous", an extension, a withheld number …
        return [raw]


def _earlier_calls(
    actor: Actor, *, queue: Queue, caller_forms: list[str], call_id: str, at: datetime
) -> tuple[bool, Agent | None]:
    """(the caller called the centre within ``REPEAT_WINDOW`` before, the agent who answered them last)."""
    if not caller_forms:
        return False, None
    earlier = (
        access.visible(actor, Call.objects.all())
        .filter(
            center_id=queue.center_id,
            caller_number__in=caller_forms,
            started_at__gte=at - REPEAT_WINDOW,
            started_at__lte=at,
        )
        .exclude(call_id=call_id)
        .select_related("agent")
        .order_by("-started_at", "-pk")[:10]
    )
    calls = list(earlier)
    answered_by = next((c.agent for c in calls if c.agent_id is not None and c.answered_at is not None), None)
    return bool(calls), answered_by


def _waiting(actor: Actor, *, queue: Queue, call_id: str, at: datetime) -> tuple[int, float]:
    """(calls waiting in the queue ahead of this one, the longest wait in it now in seconds), in one query.
    A call already waiting in the queue (the phone system asks again while it waits) is not ahead of itself,
    nor are the calls that came in after it."""
    waiting = access.visible(
        actor, QueueVisit.objects.filter(queue=queue, outcome=VisitOutcome.WAITING, entered_at__lte=at)
    )
    own_entry = waiting.filter(call__call_id=call_id).order_by("entered_at").values("entered_at")[:1]
    before = Coalesce(Subquery(own_entry), Value(at, output_field=DateTimeField()))
    figures = waiting.aggregate(
        ahead=Count("pk", filter=Q(entered_at__lt=before) & ~Q(call__call_id=call_id)),
        first=Min("entered_at"),
    )
    longest = (at - figures["first"]).total_seconds() if figures["first"] else 0.0
    return figures["ahead"], max(0.0, longest)


def _where(
    actor: Actor, *, number: PhoneNumber, ivr_choice: str, queue_key: str, language: str, at: datetime
) -> tuple[selectors.MenuResult, str]:
    """Where the call goes (the queue named, or the menu followed) and why, in a sentence for the reasons."""
    municipality = number.municipality
    if queue_key:
        try:
            queue = selectors.queue_serving(actor=actor, municipality=municipality, key=queue_key)
        except NotFound as error:
            raise Invalid(error.message, field="queue") from None
        where = selectors.MenuResult(queue, language or municipality.language, closed=False, announcement="")
        return where, f"Queue {queue.key} named by the phone system."
    where = selectors.menu_resolve(number=number, ivr_choice=ivr_choice, language=language, at=at)
    if where.closed:
        return where, f"{where.path[-1].label} follows the opening hours of {municipality.slug}: closed now."
    if not where.path:
        return where, f"Number {number.number} goes straight to queue {where.queue.key}."
    keys = "-".join(step.digit for step in where.path[1:]) or "no keys"
    return where, f"Menu {where.path[0].label}: {keys} → queue {where.queue.key}."


def call_route(
    *,
    actor: Actor,
    call_id: str,
    dialed_number: str,
    caller_number: str = "",
    ivr_choice: str = "",
    queue_key: str = "",
    language: str = "",
    at: datetime | None = None,
) -> RouteAnswer:
    """The phone system asks where the call ``call_id`` goes. The number dialled leads, through the caller's
    menu keys (``ivr_choice``, see ``selectors.menu_resolve``), to a queue, or ``queue_key`` names the queue
    directly (a call asking again while it waits; the menu is not followed then). A step that is closed now
    answers with its closed message and routes nothing.

    A caller who called the centre within 30 minutes before is recognised, and the agent who answered them
    last is preferred. With the calls waiting ahead and the queue's longest wait, routing's ``route`` picks
    the agent (kept for the call for 20 s) or gives the caller's position, the expected wait and whether to
    offer a callback. Unknown number, queue, keys or language are ``Invalid`` naming the field; an actor that
    is not the phone system of a centre serving the number's municipality is ``Forbidden``."""
    at = at or timezone.now()
    if not (call_id or "").strip():
        raise Invalid(_("Name the call (call_id)."), field="call_id")
    if language and language not in ContactLanguage.values:
        raise Invalid(_("%(language)s is not a language we answer in.") % {"language": language}, field="language")
    try:
        number = selectors.phone_number_by_dialed(actor=actor, dialed_number=dialed_number)
    except NotFound as error:
        raise Invalid(error.message, field="dialed_number") from None
    municipality = number.municipality
    _require_phone_system(actor, municipality)
    where, why = _where(actor, number=number, ivr_choice=ivr_choice, queue_key=queue_key, language=language, at=at)
    reasons = [why]
    if where.closed:
        return RouteAnswer(
            agent=None,
            queue=None,
            language=where.language,
            closed=True,
            announcement=where.announcement,
            reasons=reasons,
        )
    queue, language, announcement = where.queue, where.language, where.announcement
    repeat, last_agent = _earlier_calls(
        actor, queue=queue, caller_forms=_caller_forms(caller_number, municipality), call_id=call_id, at=at
    )
    if repeat:
        reasons.append(
            f"Repeat caller: called within {int(REPEAT_WINDOW.total_seconds() // 60)} minutes"
            + (f", answered by {last_agent.code}." if last_agent else ".")
        )
    ahead, longest_wait_s = _waiting(actor, queue=queue, call_id=call_id, at=at)
    # The phone system's right to route this municipality's calls was checked above (telephony:write of a
    # centre serving it); keeping an agent for the call is the router's part of that, not a change to the
    # rota or the agents that routing:write would be needed for. Outside a transaction: the router's writes
    # are single statements, and its estimates and the memos the reads above use stay kept for the next call.
    decision = routing_services.route(
        actor=access.SYSTEM,
        queue=queue,
        language=language,
        call_id=call_id,
        waiting_ahead=ahead,
        longest_wait_s=longest_wait_s,
        at=at,
        prefer_agent=last_agent,
    )
    return RouteAnswer(
        agent=decision.agent,
        queue=queue,
        language=language,
        position=decision.position,
        expected_wait_s=decision.expected_wait_s,
        offer_callback=decision.offer_callback,
        widened=decision.widened,
        repeat_caller=repeat,
        closed=False,
        announcement=announcement,
        reasons=reasons + list(decision.reasons),
    )
