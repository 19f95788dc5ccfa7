"""JSON API of cases: open, forward a contact, list with filters, read, change with optimistic locking
(409 on a stale version), notes, replies, attachments, links, merges, bulk changes, and the inbound-mail
webhook for providers that push raw MIME."""

from datetime import datetime

from django.views.decorators.csrf import csrf_exempt
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import CursorPagination, paginate
from ninja.responses import Status

from civicdesk.cases import selectors, services
from civicdesk.cases.models import CaseKind, Priority
from civicdesk.cases.models import Status as CaseStatus
from civicdesk.contacts import selectors as contact_selectors
from civicdesk.lib.errors import NotFound
from civicdesk.organisations import selectors as organisation_selectors

router = Router(tags=["cases"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class CaseOut(Schema):
    id: int
    number: str
    municipality: str = Field(alias="municipality.slug")
    kind: str
    title: str
    description: str
    topic: str | None = Field(None, alias="topic.key")
    requester_id: int | None
    team_id: int | None
    assignee_id: int | None
    priority: str
    status: str
    due_at: datetime | None
    first_response_due_at: datetime | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    source_contact_id: int | None
    merged_into: str | None = Field(None, alias="merged_into.number")
    version: int
    created_at: datetime
    updated_at: datetime


class CaseOpenIn(Schema):
    municipality: str
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=50000)
    topic: str | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    priority: Priority = Priority.NORMAL
    kind: CaseKind = CaseKind.REQUEST


class ContactForwardIn(Schema):
    team_id: int | None = None
    assignee_id: int | None = None
    title: str = Field("", max_length=200)
    priority: Priority = Priority.NORMAL
    callback: bool = False


class CaseUpdateIn(Schema):
    version: int = Field(description="The version you saw; 409 if the case changed since.")
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    topic: str | None = None


class CaseAssignIn(Schema):
    version: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None


class CaseStatusIn(Schema):
    version: int | None = None
    status: CaseStatus


class CasePriorityIn(Schema):
    version: int | None = None
    priority: Priority


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=20000)


class ReplyIn(Schema):
    version: int | None = None
    text: str = Field(min_length=1, max_length=50000)
    wait_for_citizen: bool = False


class NoteOut(Schema):
    id: int
    text: str
    author_id: int | None
    created_at: datetime


class MessageOut(Schema):
    id: int
    direction: str
    to_address: str
    from_address: str
    subject: str
    text: str
    message_id: str
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class LinkIn(Schema):
    other: str = Field(description="The other case's number.")


class MergeIn(Schema):
    into: str = Field(description="The number of the case that stays.")


class BulkIn(Schema):
    case_ids: list[int] = Field(min_length=1, max_length=500)
    action: str = Field(pattern="^(assign|close)$")
    team_id: int | None = None
    assignee_id: int | None = None


class BulkOut(Schema):
    changed: int


class CaseFilter(Schema):
    municipality: str | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    mine: bool = False
    unassigned: bool = False
    status: str = Field("", description="A status, or 'open' for every open one.")
    priority: Priority | None = None
    overdue: bool = False
    q: str = ""


class MailTakenOut(Schema):
    outcome: str


def _team(request, team_id):
    return organisation_selectors.team_get(actor=request.actor, team_id=team_id) if team_id else None


def _person(request, user_id):
    return organisation_selectors.staff_account(actor=request.actor, user_id=user_id) if user_id else None


@router.post("/cases", response={201: CaseOut, **PROBLEMS}, summary="Open a case")
def case_open(request, body: CaseOpenIn):
    municipality = organisation_selectors.municipality_get(actor=request.actor, slug=body.municipality)
    topic = (
        organisation_selectors.topics_by_keys(actor=request.actor, keys=[body.topic], municipality=municipality)[0]
        if body.topic
        else None
    )
    case = services.case_open(
        actor=request.actor,
        municipality=municipality,
        title=body.title,
        description=body.description,
        topic=topic,
        team=_team(request, body.team_id),
        assignee=_person(request, body.assignee_id),
        priority=body.priority,
        kind=body.kind,
    )
    return Status(201, case)


@router.post(
    "/contacts/{contact_id}/forward", response={201: CaseOut, **PROBLEMS}, summary="Forward a contact with its context"
)
def contact_forward(request, contact_id: int, body: ContactForwardIn):
    contact = contact_selectors.contact_get(actor=request.actor, contact_id=contact_id)
    case = services.contact_forward(
        actor=request.actor,
        contact=contact,
        team=_team(request, body.team_id),
        assignee=_person(request, body.assignee_id),
        title=body.title,
        priority=body.priority,
        kind=CaseKind.CALLBACK if body.callback else CaseKind.REQUEST,
    )
    return Status(201, case)


@router.get("/cases", response={200: list[CaseOut], **PROBLEMS}, summary="List cases (team, mine, filters)")
@paginate(CursorPagination, ordering=("-id",))
def case_list(request, filters: Query[CaseFilter]):
    municipality = (
        organisation_selectors.municipality_get(actor=request.actor, slug=filters.municipality)
        if filters.municipality
        else None
    )
    return selectors.case_list(
        actor=request.actor,
        municipality=municipality,
        team=_team(request, filters.team_id),
        assignee_id=getattr(request.actor, "pk", None) if filters.mine else filters.assignee_id,
        unassigned=filters.unassigned,
        status=filters.status,
        priority=filters.priority or "",
        overdue=filters.overdue,
        search=filters.q,
    ).select_related("merged_into")


@router.get("/cases/{number}", response={200: CaseOut, **PROBLEMS}, summary="One case")
def case_get(request, number: str):
    return selectors.case_get(actor=request.actor, number=number)


@router.patch("/cases/{number}", response={200: CaseOut, **PROBLEMS}, summary="Change title, description or topic")
def case_update(request, number: str, body: CaseUpdateIn):
    case = selectors.case_get(actor=request.actor, number=number)
    topic = (
        organisation_selectors.topics_by_keys(actor=request.actor, keys=[body.topic], municipality=case.municipality)[0]
        if body.topic
        else None
    )
    return services.case_update(
        actor=request.actor,
        case=case,
        expected_version=body.version,
        title=body.title,
        description=body.description,
        topic=topic,
    )


@router.post("/cases/{number}/assign", response={200: CaseOut, **PROBLEMS}, summary="Give a case to a team or person")
def case_assign(request, number: str, body: CaseAssignIn):
    case = selectors.case_get(actor=request.actor, number=number)
    return services.case_assign(
        actor=request.actor,
        case=case,
        team=_team(request, body.team_id),
        assignee=_person(request, body.assignee_id),
        expected_version=body.version,
    )


@router.post("/cases/{number}/status", response={200: CaseOut, **PROBLEMS}, summary="Move a case in the workflow")
def case_status_set(request, number: str, body: CaseStatusIn):
    case = selectors.case_get(actor=request.actor, number=number)
    return services.case_status_set(actor=request.actor, case=case, status=body.status, expected_version=body.version)


@router.post("/cases/{number}/priority", response={200: CaseOut, **PROBLEMS}, summary="Change a case's priority")
def case_priority_set(request, number: str, body: CasePriorityIn):
    case = selectors.case_get(actor=request.actor, number=number)
    return services.case_priority_set(
        actor=request.actor, case=case, priority=body.priority, expected_version=body.version
    )


@router.post("/cases/{number}/notes", response={201: NoteOut, **PROBLEMS}, summary="Add an internal note")
def case_note_add(request, number: str, body: NoteIn):
    case = selectors.case_get(actor=request.actor, number=number)
    return Status(201, services.case_note_add(actor=request.actor, case=case, text=body.text))


@router.post("/cases/{number}/replies", response={201: MessageOut, **PROBLEMS}, summary="Reply to the requester")
def case_reply_send(request, number: str, body: ReplyIn):
    case = selectors.case_get(actor=request.actor, number=number)
    message = services.case_reply_send(
        actor=request.actor,
        case=case,
        text=body.text,
        wait_for_citizen=body.wait_for_citizen,
        expected_version=body.version,
    )
    return Status(201, message)


@router.post("/cases/{number}/attachments", response={201: AttachmentOut, **PROBLEMS}, summary="Attach a file")
def case_attach(request, number: str, file: File[UploadedFile]):
    case = selectors.case_get(actor=request.actor, number=number)
    attachment = services.case_attach(
        actor=request.actor,
        case=case,
        filename=file.name or "file",
        content_type=file.content_type or "",
        data=file.read(),
    )
    return Status(201, attachment)


@router.post("/cases/{number}/links", response={201: CaseOut, **PROBLEMS}, summary="Link two cases")
def case_link(request, number: str, body: LinkIn):
    case = selectors.case_get(actor=request.actor, number=number)
    other = selectors.case_get(actor=request.actor, number=body.other)
    services.case_link(actor=request.actor, case=case, other=other)
    return Status(201, other)


@router.post(
    "/cases/{number}/merge", response={200: CaseOut, **PROBLEMS}, summary="Merge a duplicate into another case"
)
def case_merge(request, number: str, body: MergeIn):
    duplicate = selectors.case_get(actor=request.actor, number=number)
    into = selectors.case_get(actor=request.actor, number=body.into)
    return services.case_merge(actor=request.actor, duplicate=duplicate, into=into)


@router.post("/cases-bulk", response={200: BulkOut, **PROBLEMS}, summary="Assign or close many cases")
def cases_bulk(request, body: BulkIn):
    cases = selectors.cases_for_bulk(actor=request.actor, ids=body.case_ids)
    if len(cases) != len(set(body.case_ids)):
        raise NotFound("Some of the cases do not exist or are not yours to see.")
    if body.action == "close":
        return {"changed": services.cases_bulk_close(actor=request.actor, cases=cases)}
    changed = services.cases_bulk_assign(
        actor=request.actor, cases=cases, team=_team(request, body.team_id), assignee=_person(request, body.assignee_id)
    )
    return {"changed": changed}


@router.get("/cases/{number}/notes", response={200: list[NoteOut], **PROBLEMS}, summary="A case's internal notes")
def case_notes(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    return selectors.case_timeline(actor=request.actor, case=case)["notes"]


@router.get("/cases/{number}/messages", response={200: list[MessageOut], **PROBLEMS}, summary="A case's messages")
def case_messages(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    return selectors.case_timeline(actor=request.actor, case=case)["messages"]


@router.post(
    "/inbound-mail/{secret}",
    auth=None,
    response={200: MailTakenOut, 404: dict, 413: dict, 422: dict},
    summary="Push one raw MIME message to a mailbox (the secret is the mailbox's webhook secret)",
)
@csrf_exempt
def mail_take_in(request, secret: str):
    mailbox = selectors.mailbox_by_secret(secret=secret)
    if mailbox is None:
        raise NotFound()
    return {"outcome": services.mail_take_in(mailbox=mailbox, raw=request.body)}
