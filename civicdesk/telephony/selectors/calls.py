"""Calls as the actor may see them: lists with filters, one call, the calls waiting now, a caller's history,
and how many wait in a queue and for how long."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from civicdesk.contacts import selectors as contact_selectors
from civicdesk.contacts.models import Contact
from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality, ServiceCenter
from civicdesk.routing.models import Agent, Queue
from civicdesk.telephony.models import Call, CallStatus, QueueVisit, VisitOutcome

__all__ = ["CallerHistory", "call_get", "call_list", "caller_history", "calls_waiting", "queue_waiting"]


def _calls(actor: Actor) -> QuerySet[Call]:
    return access.visible(actor, Call.objects.all()).select_related("municipality", "queue", "agent__user")


def call_list(
    *,
    actor: Actor,
    center: ServiceCenter | None = None,
    municipality: Municipality | None = None,
    queue: Queue | None = None,
    agent: Agent | None = None,
    status: str = "",
    caller_number: str = "",
    is_repeat: bool | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Call]:
    """Calls the actor may see, the latest first; ``since``/``until`` bound when they started."""
    calls = _calls(actor)
    if center is not None:
        calls = calls.filter(center=center)
    if municipality is not None:
        calls = calls.filter(municipality=municipality)
    if queue is not None:
        calls = calls.filter(queue=queue)
    if agent is not None:
        calls = calls.filter(agent=agent)
    if status:
        calls = calls.filter(status=status)
    if caller_number:
        calls = calls.filter(caller_number=caller_number)
    if is_repeat is not None:
        calls = calls.filter(is_repeat=is_repeat)
    if since is not None:
        calls = calls.filter(started_at__gte=since)
    if until is not None:
        calls = calls.filter(started_at__lt=until)
    return calls.order_by("-started_at", "-id")


def call_get(*, actor: Actor, center: ServiceCenter, call_id: str) -> Call:
    """A call by the id the phone system gave it; ``NotFound`` when missing or not the actor's to see."""
    return access.get_visible(actor, _calls(actor).select_related("contact"), center=center, call_id=call_id)


def calls_waiting(*, actor: Actor, center: ServiceCenter) -> QuerySet[Call]:
    """The centre's calls waiting in a queue now, the longest waiting first."""
    return _calls(actor).filter(center=center, status=CallStatus.WAITING).order_by("started_at", "id")


@dataclass(frozen=True)
class CallerHistory:
    """What the agent sees of a caller when answering: their earlier calls to the centre and their earlier
    contacts with the municipalities (same number), the latest first."""

    calls: list[Call]
    contacts: list[Contact]


def caller_history(*, actor: Actor, call: Call, limit: int = 10) -> CallerHistory:
    """The caller's earlier calls to the call's centre and earlier contacts, without this call and its
    contact; nothing for a caller whose number is hidden."""
    number = call.caller_number
    if sum(ch.isdigit() for ch in number) < 3:
        return CallerHistory([], [])
    calls = list(
        call_list(actor=actor, center=call.center, caller_number=number, until=call.started_at).exclude(pk=call.pk)[
            :limit
        ]
    )
    contacts = [
        contact
        for contact in contact_selectors.previous_contacts(actor=actor, phone=number, limit=limit + 1)
        if contact.pk != call.contact_id
    ][:limit]
    return CallerHistory(calls, contacts)


def queue_waiting(*, queue: Queue, at: datetime | None = None) -> tuple[int, float]:
    """(calls waiting in the queue at ``at`` (now), the longest of their waits in seconds), in one query."""
    at = at or timezone.now()
    figures = QueueVisit.objects.filter(queue=queue, outcome=VisitOutcome.WAITING, entered_at__lte=at).aggregate(
        waiting=Count("pk"), first=Min("entered_at")
    )
    longest = (at - figures["first"]).total_seconds() if figures["first"] else 0.0
    return figures["waiting"], max(0.0, longest)
