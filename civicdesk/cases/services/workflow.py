"""A case's way through the back office: who has it, where it stands, how urgent it is, what it is linked
to, and the lists people keep of them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.cases import tasks
from civicdesk.cases.models import Case, CaseEvent, CaseLink, MessageTemplate, SavedView, Status
from civicdesk.cases.services.forwarding import _check_receiver
from civicdesk.cases.services.history import bump, event, locked, stage_close, stage_move
from civicdesk.cases.services.outbox import requester_message_queue
from civicdesk.cases.services.sla import sla_apply, sla_pause_end, waiting_since
from civicdesk.lib.errors import Forbidden, Invalid
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Team, Topic, User

# new → open → waiting for citizen / waiting for other unit → resolved → closed, with reopen.
TRANSITIONS = {
    Status.NEW: {Status.OPEN, Status.WAITING_CITIZEN, Status.WAITING_UNIT, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.WAITING_CITIZEN, Status.WAITING_UNIT, Status.RESOLVED, Status.CLOSED},
    Status.WAITING_CITIZEN: {Status.OPEN, Status.WAITING_UNIT, Status.RESOLVED, Status.CLOSED},
    Status.WAITING_UNIT: {Status.OPEN, Status.WAITING_CITIZEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.CLOSED, Status.OPEN},
    Status.CLOSED: {Status.OPEN},
}
# Changes the requester hears about by e-mail.
STATUSES_TOLD_TO_REQUESTER = (Status.WAITING_CITIZEN, Status.RESOLVED, Status.CLOSED, Status.OPEN)


@transaction.atomic
def case_assign(
    *,
    actor: Actor,
    case: Case,
    team: Team | None = None,
    assignee: User | None = None,
    expected_version: int | None = None,
) -> Case:
    """A case goes to a team of its own municipality and/or a person who works there; moving it to another
    team starts that team's clock. A new case becomes open when someone has it."""
    access.require(actor, Action.CHANGE, case)
    case = locked(case, expected_version)
    if team is None and assignee is None:
        raise Invalid(_("Choose a team or a person."), field="team")
    team = _check_receiver(case.municipality, team or case.team, assignee)
    moved = team != case.team
    case.team, case.assignee = team, assignee
    fields = ["team", "assignee"]
    if case.status == Status.NEW and assignee is not None:
        case.status = Status.OPEN
        fields.append("status")
    bump(case, fields)
    if moved and case.is_open:
        stage_move(case, team)
    event(case, CaseEvent.Kind.ASSIGNED, actor, team=team.name if team else "", assignee=str(assignee or ""))
    audit.record(actor=actor, action="case.assign", obj=case)
    if assignee is not None and assignee != actor:
        transaction.on_commit(lambda: tasks.case_assignee_notify.enqueue(case_id=case.pk))
    return case


@transaction.atomic
def case_status_set(
    *, actor: Actor, case: Case, status: str, expected_version: int | None = None, tell_requester: bool = True
) -> Case:
    """Status follows the workflow (new → open → waiting → resolved → closed, reopen from resolved or
    closed). Waiting for the citizen stops the SLA clock; reopening starts a stage with the team again.
    The requester is told of the changes that concern them."""
    access.require(actor, Action.CHANGE, case)
    case = locked(case, expected_version)
    if status == case.status:
        return case
    if status not in TRANSITIONS[case.status]:
        raise Invalid(
            _("A case that is %(from)s cannot become %(to)s.")
            % {"from": Status(case.status).label.lower(), "to": Status(status).label.lower()},
            field="status",
        )
    now = timezone.now()
    previous = case.status
    fields = ["status"]
    if previous == Status.WAITING_CITIZEN:
        since = waiting_since(case)
        if since:
            sla_pause_end(case, since, now)
            fields.append("due_at")
    case.status = status
    if status == Status.RESOLVED:
        case.resolved_at = now
        fields.append("resolved_at")
        stage_close(case, now)
    elif status == Status.CLOSED:
        case.closed_at = now
        fields.append("closed_at")
        stage_close(case, now)
    elif previous in (Status.RESOLVED, Status.CLOSED):
        case.resolved_at = case.closed_at = None
        case.sla_breached_at = None
        sla_apply(case, now)
        fields += ["resolved_at", "closed_at", "sla_breached_at", "due_at", "first_response_due_at"]
        stage_move(case, case.team, now)
    bump(case, fields)
    event(case, CaseEvent.Kind.STATUS, actor, **{"from": previous, "to": status})
    audit.record(actor=actor, action="case.status", obj=case, details={"from": previous, "to": status})
    if tell_requester and status in STATUSES_TOLD_TO_REQUESTER:
        requester_message_queue(case=case, actor=actor, kind=MessageTemplate.Kind.STATUS, status=Status(status).label)
    return case


@transaction.atomic
def case_priority_set(*, actor: Actor, case: Case, priority: str, expected_version: int | None = None) -> Case:
    """A new priority gives new due dates, counted from when the case was opened."""
    access.require(actor, Action.CHANGE, case)
    case = locked(case, expected_version)
    previous = case.priority
    case.priority = priority
    sla_apply(case, case.created_at)
    bump(case, ["priority", "due_at", "first_response_due_at"])
    event(case, CaseEvent.Kind.PRIORITY, actor, **{"from": previous, "to": priority})
    audit.record(actor=actor, action="case.priority", obj=case, details={"to": priority})
    return case


@transaction.atomic
def case_update(
    *,
    actor: Actor,
    case: Case,
    expected_version: int | None = None,
    title: str | None = None,
    description: str | None = None,
    topic: Topic | None = None,
) -> Case:
    """Title, description and topic can be corrected; two people saving at once never overwrite each other."""
    access.require(actor, Action.CHANGE, case)
    case = locked(case, expected_version)
    changed = {}
    if title is not None and title.strip() != case.title:
        if not title.strip():
            raise Invalid(_("Give the case a title."), field="title")
        changed["title"] = title.strip()[:200]
    if description is not None and description.strip() != case.description:
        changed["description"] = description.strip()
    if topic is not None and topic.pk != case.topic_id:
        if topic.municipality_id not in (None, case.municipality_id):
            raise Invalid(_("The topic %(topic)s belongs to another municipality.") % {"topic": topic}, field="topic")
        changed["topic"] = topic
    if not changed:
        return case
    for field, value in changed.items():
        setattr(case, field, value)
    bump(case, list(changed))
    event(case, CaseEvent.Kind.EDITED, actor, fields=sorted(changed))
    audit.record(actor=actor, action="case.update", obj=case, details={"fields": sorted(changed)})
    return case


@transaction.atomic
def case_link(*, actor: Actor, case: Case, other: Case) -> CaseLink:
    """Two cases of the same municipality can be linked both ways."""
    access.require(actor, Action.CHANGE, case)
    access.require(actor, Action.CHANGE, other)
    if case.pk == other.pk:
        raise Invalid(_("A case cannot be linked to itself."), field="other")
    link, created = CaseLink.objects.get_or_create(case=case, other=other)
    CaseLink.objects.get_or_create(case=other, other=case)
    if created:
        event(case, CaseEvent.Kind.LINKED, actor, other=other.number)
        event(other, CaseEvent.Kind.LINKED, actor, other=case.number)
        audit.record(actor=actor, action="case.link", obj=case, details={"other": other.number})
    return link


@transaction.atomic
def case_merge(*, actor: Actor, duplicate: Case, into: Case) -> Case:
    """A duplicate is merged into the case that stays: its notes, messages and attachments move over, it is
    closed and points to the other, and both histories say so."""
    access.require(actor, Action.CHANGE, duplicate)
    access.require(actor, Action.CHANGE, into)
    if duplicate.pk == into.pk or into.merged_into_id:
        raise Invalid(_("Choose another case to merge into."), field="into")
    if duplicate.municipality_id != into.municipality_id:
        raise Invalid(_("Only cases of the same municipality can be merged."), field="into")
    duplicate = locked(duplicate, None)
    for related in (duplicate.notes, duplicate.messages, duplicate.attachments):
        related.update(case=into)
    CaseLink.objects.get_or_create(case=duplicate, other=into, defaults={"kind": CaseLink.Kind.DUPLICATE})
    duplicate.merged_into = into
    duplicate.status = Status.CLOSED
    duplicate.closed_at = timezone.now()
    bump(duplicate, ["merged_into", "status", "closed_at"])
    stage_close(duplicate)
    event(duplicate, CaseEvent.Kind.MERGED, actor, into=into.number)
    event(into, CaseEvent.Kind.MERGED, actor, duplicate=duplicate.number)
    audit.record(actor=actor, action="case.merge", obj=duplicate, details={"into": into.number})
    return into


@transaction.atomic
def cases_bulk_assign(
    *, actor: Actor, cases: list[Case], team: Team | None = None, assignee: User | None = None
) -> int:
    """Assign many at once: each case by the same rule as one."""
    for case in cases:
        case_assign(actor=actor, case=case, team=team, assignee=assignee)
    return len(cases)


@transaction.atomic
def cases_bulk_close(*, actor: Actor, cases: list[Case]) -> int:
    """Close many at once; cases that are closed already are left as they are."""
    closed = 0
    for case in cases:
        if case.status != Status.CLOSED:
            case_status_set(actor=actor, case=case, status=Status.CLOSED)
            closed += 1
    return closed


@transaction.atomic
def saved_view_save(*, actor: Actor, name: str, query: str) -> SavedView:
    """Everyone keeps their own named case lists (filters and sorting); saving a name again replaces it."""
    if not isinstance(actor, User):
        raise Forbidden(_("Only people keep saved views."))
    if not name.strip():
        raise Invalid(_("Give the view a name."), field="name")
    view, _created = SavedView.objects.update_or_create(
        owner=actor, name=name.strip()[:80], defaults={"query": query[:500]}
    )
    return view


@transaction.atomic
def saved_view_delete(*, actor: Actor, view: SavedView) -> None:
    if view.owner_id != getattr(actor, "pk", None):
        raise Forbidden()
    view.delete()
