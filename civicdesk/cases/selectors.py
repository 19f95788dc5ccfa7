"""Reads of cases, narrowed by the access layer: lists with filters and sorting, one case with all it has,
its clocks, and the texts sent to requesters."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case as DbCase
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone, translation

from civicdesk.cases.models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    CaseEvent,
    CaseMessage,
    CaseStage,
    InboundMail,
    Mailbox,
    MessageTemplate,
    QuarantinedMail,
    SavedView,
    SlaPolicy,
    Status,
)
from civicdesk.lib.errors import NotFound
from civicdesk.organisations import access
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality, Team, Topic

SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "priority": ("-priority_rank", "due_at", "id"),
    "number": ("number",),
}


def case_list(
    *,
    actor: Actor,
    municipality: Municipality | None = None,
    team: Team | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    status: str = "",
    open_only: bool = False,
    priority: str = "",
    topic: Topic | None = None,
    overdue: bool = False,
    search: str = "",
    sort: str = "due",
) -> QuerySet[Case]:
    """Cases the actor may see; ``status`` may be one status or "open" for every open one."""
    cases = access.visible(actor, Case.objects.all())
    if municipality is not None:
        cases = cases.filter(municipality=municipality)
    if team is not None:
        cases = cases.filter(team=team)
    if assignee_id:
        cases = cases.filter(assignee_id=assignee_id)
    if unassigned:
        cases = cases.filter(assignee__isnull=True)
    if status == "open" or open_only:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status:
        cases = cases.filter(status=status)
    if priority:
        cases = cases.filter(priority=priority)
    if topic is not None:
        cases = cases.filter(topic=topic)
    if overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    if search:
        cases = cases.filter(Q(number__iexact=search.strip()) | Q(title__icontains=search))
    ordering = SORTS.get(sort, SORTS["due"])
    if "-priority_rank" in ordering:
        cases = cases.annotate(
            priority_rank=DbCase(
                When(priority="urgent", then=Value(3)),
                When(priority="high", then=Value(2)),
                When(priority="normal", then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    return cases.select_related("municipality", "team", "assignee", "topic").order_by(*ordering)


def case_get(*, actor: Actor, number: str) -> Case:
    return access.get_visible(
        actor,
        Case.objects.select_related(
            "municipality", "team", "assignee", "topic", "requester", "source_contact", "merged_into"
        ),
        number=number.upper(),
    )


def case_get_by_id(*, actor: Actor, case_id: int) -> Case:
    return access.get_visible(actor, Case.objects.select_related("municipality", "requester", "team"), pk=case_id)


def case_timeline(*, actor: Actor, case: Case) -> dict:
    """Everything on a case for its page: history, notes, messages, attachments, links, stages."""
    access.require(actor, access.Action.VIEW, case)
    return {
        "events": list(case.events.order_by("at", "id")),
        "notes": list(case.notes.select_related("author")),
        "messages": list(case.messages.prefetch_related("attachments")),
        "attachments": list(case.attachments.all()),
        "links": list(case.links.select_related("other")),
        "clocks": case_clocks(case=case),
    }


@dataclass(frozen=True)
class Clock:
    holder: str
    working_time: timedelta
    elapsed: timedelta
    is_running: bool


def attachment_get(*, actor: Actor, case: Case, attachment_id: int) -> Attachment:
    return access.get_visible(actor, Attachment.objects.filter(case=case), pk=attachment_id)


def case_clocks(*, case: Case, now: datetime | None = None) -> list[Clock]:
    """How long the case has been with the first line and with each team, in opening hours and in all,
    summed per holder in the order they first had it."""
    now = now or timezone.now()
    calendar = organisation_selectors.business_calendar_of(municipality=case.municipality)
    totals: dict[str, list] = {}
    for stage in CaseStage.objects.filter(case=case).select_related("team").order_by("started_at", "id"):
        end = stage.ended_at or now
        holder = stage.team.name if stage.team else ""
        entry = totals.setdefault(holder, [timedelta(0), timedelta(0), False])
        entry[0] += calendar.elapsed(stage.started_at, end)
        entry[1] += end - stage.started_at
        entry[2] = entry[2] or stage.ended_at is None
    return [Clock(holder=h, working_time=w, elapsed=e, is_running=r) for h, (w, e, r) in totals.items()]


def thread_headers(*, case: Case) -> tuple[str | None, list[str]]:
    """(In-Reply-To, References) for the next message to the requester: answer their latest message."""
    ids = list(case.messages.exclude(message_id="").order_by("created_at", "id").values_list("message_id", flat=True))
    last_inbound = (
        case.messages.filter(direction=CaseMessage.Direction.INBOUND)
        .exclude(message_id="")
        .order_by("-created_at")
        .first()
    )
    return (last_inbound.message_id if last_inbound else (ids[-1] if ids else None)), ids[-20:]


def requester_text(*, case: Case, kind: str, **extra) -> tuple[str, str]:
    """(subject, body) in the requester's language: the municipality's own template, else our default."""
    language = case.language or case.municipality.language
    context = {
        "case": case,
        "municipality": case.municipality.name,
        "requester_name": case.requester.name if case.requester else "",
        **extra,
    }
    own = MessageTemplate.objects.filter(municipality_id=case.municipality_id, kind=kind, language=language).first()
    with translation.override(language):
        if own is not None:
            subject = Template(own.subject).render(Context(context, autoescape=False))
            body = Template(own.body).render(Context(context, autoescape=False))
        else:
            subject = render_to_string(f"cases/email/{kind}_subject.txt", context)
            body = render_to_string(f"cases/email/{kind}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def reply_mailbox(*, case: Case) -> Mailbox | None:
    """The address the requester wrote to, else the case team's, else the municipality's general one."""
    received = InboundMail.objects.filter(case=case).select_related("mailbox").order_by("-received_at").first()
    if received is not None and received.mailbox.is_active:
        return received.mailbox
    boxes = Mailbox.objects.filter(municipality_id=case.municipality_id, is_active=True)
    return (
        (boxes.filter(team_id=case.team_id).first() if case.team_id else None)
        or boxes.filter(team__isnull=True).order_by("pk").first()
        or boxes.order_by("pk").first()
    )


def message_for_sending(*, message_id: int) -> CaseMessage:
    return CaseMessage.objects.select_related("case__municipality", "case__requester").get(pk=message_id)


def case_for_task(*, case_id: int) -> Case:
    return Case.objects.select_related("municipality", "team", "assignee", "requester").get(pk=case_id)


def saved_views(*, actor: Actor) -> QuerySet[SavedView]:
    return SavedView.objects.filter(owner_id=getattr(actor, "pk", None))


def saved_view_get(*, actor: Actor, view_id: int) -> SavedView:
    view = saved_views(actor=actor).filter(pk=view_id).first()
    if view is None:
        raise NotFound()
    return view


def mailbox_list(*, actor: Actor, municipality: Municipality | None = None) -> QuerySet[Mailbox]:
    boxes = access.visible(actor, Mailbox.objects.select_related("municipality", "team"))
    return boxes.filter(municipality=municipality) if municipality else boxes


def mailbox_by_secret(*, secret: str) -> Mailbox | None:
    """The mailbox a provider pushes to; the secret in the webhook address is its credential."""
    return Mailbox.objects.select_related("municipality", "team").filter(webhook_secret=secret, is_active=True).first()


def mailboxes_pollable() -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(is_active=True).exclude(imap_host="").exclude(imap_username="")


def quarantine_list(*, actor: Actor, municipality: Municipality | None = None) -> QuerySet[QuarantinedMail]:
    mails = access.visible(actor, QuarantinedMail.objects.select_related("mailbox").filter(released_at__isnull=True))
    return mails.filter(municipality=municipality) if municipality else mails


def sla_policies(*, actor: Actor, municipality: Municipality) -> QuerySet[SlaPolicy]:
    return access.visible(actor, SlaPolicy.objects.filter(municipality=municipality).select_related("topic"))


def case_events_since(*, case: Case, version: int) -> QuerySet[CaseEvent]:
    return case.events.filter(details__version__gt=version).order_by("at", "id")


def cases_for_bulk(*, actor: Actor, ids: list[int]) -> list[Case]:
    return list(access.visible(actor, Case.objects.filter(pk__in=ids)).select_related("municipality", "team"))


def status_label(status: str) -> str:
    return str(Status(status).label)
