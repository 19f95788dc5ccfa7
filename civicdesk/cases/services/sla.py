"""Service levels: when a case must be answered and resolved, counted in the municipality's opening hours
(its country's public holidays skipped); time spent waiting for the citizen does not count."""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civicdesk.cases.models import OPEN_STATUSES, Case, CaseEvent, Priority, SlaPolicy, Status
from civicdesk.cases.services.history import event
from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM, Actor
from civicdesk.organisations.models import Municipality, Topic

# (first answer, resolved) in working minutes when a municipality has set no policy; a working day is 7.5 h.
DEFAULT_MINUTES = {
    Priority.URGENT: (60, 240),
    Priority.HIGH: (240, 900),
    Priority.NORMAL: (450, 3 * 450),
    Priority.LOW: (900, 10 * 450),
}


def policy_minutes(case: Case) -> tuple[int | None, int]:
    """The most specific policy: topic and priority, topic, priority, the municipality's default, ours."""
    policies = {
        (p.topic_id, p.priority): p
        for p in SlaPolicy.objects.filter(municipality_id=case.municipality_id, topic_id__in=[case.topic_id, None])
    }
    for key in ((case.topic_id, case.priority), (case.topic_id, ""), (None, case.priority), (None, "")):
        policy = policies.get(key)
        if policy is not None:
            return policy.first_response_minutes, policy.resolve_minutes
    return DEFAULT_MINUTES[case.priority]


def sla_apply(case: Case, start: datetime) -> None:
    """Set the due dates from ``start`` (not saved: the caller saves with its other changes)."""
    calendar = organisation_selectors.business_calendar_of(municipality=case.municipality)
    first_minutes, resolve_minutes = policy_minutes(case)
    case.due_at = calendar.add(start, timedelta(minutes=resolve_minutes))
    case.first_response_due_at = calendar.add(start, timedelta(minutes=first_minutes)) if first_minutes else None


def sla_pause_end(case: Case, waited_since: datetime, now: datetime) -> None:
    """Waiting for the citizen stops the clock: the due date moves by the working time spent waiting."""
    if case.due_at is None:
        return
    calendar = organisation_selectors.business_calendar_of(municipality=case.municipality)
    paused = calendar.elapsed(waited_since, now)
    if paused > timedelta(0):
        case.due_at = calendar.add(case.due_at, paused)


def waiting_since(case: Case) -> datetime | None:
    last = (
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STATUS, details__to=Status.WAITING_CITIZEN)
        .order_by("-at", "-id")
        .first()
    )
    return last.at if last else None


@transaction.atomic
def sla_policy_set(
    *,
    actor: Actor,
    municipality: Municipality,
    resolve_minutes: int,
    first_response_minutes: int | None = None,
    topic: Topic | None = None,
    priority: str = "",
) -> SlaPolicy:
    """A municipality admin sets how long cases may take, for all cases or a topic and/or priority.
    New cases follow it; cases already open keep their due dates."""
    access.require_add(actor, SlaPolicy, municipality)
    if resolve_minutes <= 0 or (first_response_minutes is not None and first_response_minutes <= 0):
        raise Invalid(_("Give the times in whole minutes above zero."), field="resolve_minutes")
    if first_response_minutes and first_response_minutes > resolve_minutes:
        raise Invalid(_("The first answer cannot be due after the case is due."), field="first_response_minutes")
    policy = SlaPolicy.objects.filter(municipality=municipality, topic=topic, priority=priority).first() or SlaPolicy(
        municipality=municipality, topic=topic, priority=priority
    )
    policy.resolve_minutes = resolve_minutes
    policy.first_response_minutes = first_response_minutes
    clean(policy, exclude=["municipality", "topic"])
    policy.save()
    audit.record(actor=actor, action="sla_policy.set", obj=policy, details={"resolve_minutes": resolve_minutes})
    return policy


@transaction.atomic
def sla_breaches_mark(*, actor: Actor = SYSTEM, now: datetime | None = None) -> int:
    """Open cases past their due date are marked once, and their assignee (or else their team) is told,
    in the app and by e-mail. Returns how many cases were marked."""
    access.require_platform_admin(actor)
    now = now or timezone.now()
    overdue = list(
        Case.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status__in=OPEN_STATUSES, due_at__lt=now, sla_breached_at__isnull=True)
        .select_related("assignee", "team", "municipality")[:500]
    )
    for case in overdue:
        case.sla_breached_at = now
        case.save(update_fields=["sla_breached_at"])
        event(case, CaseEvent.Kind.SLA_BREACHED, actor, due_at=case.due_at.isoformat())
        people = (
            [case.assignee]
            if case.assignee
            else list(organisation_selectors.team_members(actor=SYSTEM, team=case.team) if case.team else [])
        )
        for person in people:
            with translation.override(person.language or case.municipality.language):
                text = _("%(number)s is past its due date: %(title)s") % {"number": case.number, "title": case.title}
                organisation_services.notify(
                    user=person, text=text, url=reverse("cases:case_detail", args=[case.number]), email_subject=text
                )
    return len(overdue)
