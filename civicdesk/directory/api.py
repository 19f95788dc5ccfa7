"""JSON API of the directory: units, employees, their numbers, opening hours and exceptions,
responsibilities, and the referral ("who handles this topic here, and are they open now?")."""

from datetime import date, datetime, time

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import CursorPagination, paginate
from ninja.responses import Status

from civicdesk.directory import imports, selectors, services
from civicdesk.directory.csv_formats import employees_csv, hours_cell, units_csv
from civicdesk.directory.csv_import import decode_upload
from civicdesk.directory.models import Channel, PhoneNumber
from civicdesk.directory.vcard import employee_vcard as employee_vcard_text
from civicdesk.directory.vcard import unit_vcard as unit_vcard_text
from civicdesk.lib.http import problem
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import is_internal_actor

router = Router(tags=["directory"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class PhoneOut(Schema):
    id: int
    number: str
    purpose: str
    label: str
    internal_only: bool


class UnitOut(Schema):
    id: int
    municipality: str = Field(alias="municipality.slug")
    kind: str
    name: str
    description: str
    email: str
    postal_address: str
    visiting_address: str
    internal_only: bool
    team_id: int | None
    parent_id: int | None
    confirmed_at: datetime | None
    phones: list[PhoneOut]
    hours: dict[str, str] = Field(description="Weekly hours per channel, e.g. {'phone': 'mon-fri 08:00-15:30'}.")

    @staticmethod
    def resolve_phones(unit):
        return list(unit.phones.all())

    @staticmethod
    def resolve_hours(unit):
        hours = list(unit.hours.all())
        cells = {channel: hours_cell(hours, channel) for channel in Channel.values}
        return {channel: text for channel, text in cells.items() if text}


class UnitIn(Schema):
    municipality: str
    name: str = Field(min_length=1, max_length=160)
    kind: str = "function"
    description: str = ""
    email: str = ""
    postal_address: str = ""
    visiting_address: str = ""
    internal_only: bool = False
    team_id: int | None = None


class EmployeeOut(Schema):
    id: int
    municipality: str = Field(alias="municipality.slug")
    unit_id: int | None
    name: str
    title: str
    email: str
    languages: list[str]
    handles: str
    internal_only: bool
    phones: list[PhoneOut]

    @staticmethod
    def resolve_phones(employee):
        return list(employee.phones.all())


class EmployeeIn(Schema):
    municipality: str
    name: str = Field(min_length=1, max_length=160)
    unit_id: int | None = None
    title: str = ""
    email: str = ""
    languages: list[str] = Field(default_factory=list)
    handles: str = ""
    internal_only: bool = False


class PhoneIn(Schema):
    number: str
    purpose: PhoneNumber.Purpose = PhoneNumber.Purpose.MAIN
    unit_id: int | None = None
    employee_id: int | None = None
    label: str = ""
    internal_only: bool = False


class HoursIn(Schema):
    hours: str = Field(description="e.g. 'mon-thu 08:00-15:30; fri 08:00-14:00'; empty: closed on this channel.")


class ClosureIn(Schema):
    date: date
    channel: Channel | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    note: str = ""


class ResponsibilityIn(Schema):
    topic: str
    unit_id: int
    employee_id: int | None = None
    postcodes: str = ""
    language: str = ""
    rank: int = Field(1, ge=1)
    note: str = ""


class ResponsibilityOut(Schema):
    id: int
    topic: str = Field(alias="topic.key")
    unit_id: int
    employee_id: int | None
    postcodes: str
    language: str
    rank: int


class CandidateOut(Schema):
    unit: UnitOut
    employee: EmployeeOut | None
    phone: str | None
    open_now: bool
    closes_at: datetime | None
    next_open: datetime | None
    rank: int

    @staticmethod
    def resolve_phone(candidate):
        return candidate.phone.number if candidate.phone else None

    @staticmethod
    def resolve_open_now(candidate):
        return candidate.openness.open_now

    @staticmethod
    def resolve_closes_at(candidate):
        return candidate.openness.closes_at

    @staticmethod
    def resolve_next_open(candidate):
        return candidate.openness.next_open

    @staticmethod
    def resolve_rank(candidate):
        return candidate.responsibility.rank


class ReferralOut(Schema):
    chosen: CandidateOut | None
    alternatives: list[CandidateOut]
    reasons: list[str]


class ReferralQuery(Schema):
    municipality: str
    topic: str
    language: str = ""
    postcode: str = ""
    channel: Channel = Channel.PHONE


class FoundOut(Schema):
    kind: str = Field(description="unit or employee")
    id: int
    municipality: str
    name: str
    detail: str = Field(description="A person's title and unit; a unit's kind and what it is part of.")
    unit_id: int | None
    phone: str | None
    open_now: bool | None = Field(description="Whether the unit (a person's unit) answers the phone now.")
    closes_at: datetime | None
    next_open: datetime | None
    matched: list[str] = Field(description="Which fields matched: name, number, title, topic, text.")
    topics: list[str] = Field(description="Topics the unit is responsible for.")


class SearchOut(Schema):
    results: list[FoundOut]
    typos_forgiven: bool


class SearchQuery(Schema):
    q: str = Field(max_length=200, description="What was typed so far; at least two letters or digits.")
    municipality: str | None = None
    limit: int = Field(10, ge=1, le=50)


def found_out(found) -> dict:
    state = found.openness
    return {
        "kind": found.kind,
        "id": found.pk,
        "municipality": found.municipality.slug,
        "name": found.name,
        "detail": found.detail,
        "unit_id": found.unit_id,
        "phone": found.phone or None,
        "open_now": state.open_now if state else None,
        "closes_at": state.closes_at if state else None,
        "next_open": state.next_open if state else None,
        "matched": sorted(found.matched),
        "topics": [str(topic) for topic in found.topics],
    }


@router.get("/directory/search", response={200: SearchOut, **PROBLEMS}, summary="Search as you type")
def search(request, query: Query[SearchQuery]):
    """Units and people by name, title, number, topic handled or what they do; forgives typos and the
    Nordic spellings of one letter (æ/ä, ø/ö, å/aa)."""
    municipality = _municipality(request, query.municipality) if query.municipality else None
    found, forgiven = selectors.directory_search(
        actor=request.actor, query=query.q, municipality=municipality, limit=query.limit
    )
    return {"results": [found_out(f) for f in found], "typos_forgiven": forgiven}


def _employee(request, employee_id):
    return selectors.employee_get(actor=request.actor, employee_id=employee_id) if employee_id else None


def _municipality(request, slug):
    return organisation_selectors.municipality_get(actor=request.actor, slug=slug)


@router.get("/directory/referral", response={200: ReferralOut, **PROBLEMS}, summary="Who handles a topic, open now?")
def referral(request, query: Query[ReferralQuery]):
    municipality = _municipality(request, query.municipality)
    topic = organisation_selectors.topics_by_keys(actor=request.actor, keys=[query.topic], municipality=municipality)[0]
    return selectors.referral_for(
        actor=request.actor,
        municipality=municipality,
        topic=topic,
        language=query.language,
        postcode=query.postcode,
        channel=query.channel,
    )


@router.get("/directory/units", response={200: list[UnitOut], **PROBLEMS}, summary="List units")
@paginate(CursorPagination, ordering=("-id",))
def unit_list(request, municipality: str | None = None):
    return selectors.unit_list(
        actor=request.actor, municipality=_municipality(request, municipality) if municipality else None
    )


@router.get("/directory/units/{int:unit_id}", response={200: UnitOut, **PROBLEMS}, summary="One unit")
def unit_get(request, unit_id: int):
    return selectors.unit_get(actor=request.actor, unit_id=unit_id)


@router.post("/directory/units", response={201: UnitOut, **PROBLEMS}, summary="Add a unit")
def unit_create(request, body: UnitIn):
    details = body.dict(exclude={"municipality", "name", "team_id"})
    if body.team_id:
        details["team"] = organisation_selectors.team_get(actor=request.actor, team_id=body.team_id)
    unit = services.unit_create(
        actor=request.actor, municipality=_municipality(request, body.municipality), name=body.name, **details
    )
    return Status(201, selectors.unit_get(actor=request.actor, unit_id=unit.pk))


@router.put("/directory/units/{unit_id}/hours/{channel}", response={200: UnitOut, **PROBLEMS}, summary="Set hours")
def unit_hours_set(request, unit_id: int, channel: Channel, body: HoursIn):
    unit = selectors.unit_get(actor=request.actor, unit_id=unit_id)
    services.unit_hours_set(actor=request.actor, unit=unit, channel=channel, hours=body.hours)
    return selectors.unit_get(actor=request.actor, unit_id=unit_id)


@router.post("/directory/units/{unit_id}/closures", response={201: dict, **PROBLEMS}, summary="A day of other hours")
def unit_closure_add(request, unit_id: int, body: ClosureIn):
    unit = selectors.unit_get(actor=request.actor, unit_id=unit_id)
    closure = services.unit_closure_add(
        actor=request.actor,
        unit=unit,
        day=body.date,
        channel=body.channel or "",
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        note=body.note,
    )
    return Status(201, {"id": closure.pk})


@router.get("/directory/employees", response={200: list[EmployeeOut], **PROBLEMS}, summary="List employees")
@paginate(CursorPagination, ordering=("-id",))
def employee_list(request, municipality: str | None = None):
    return selectors.employee_list(
        actor=request.actor, municipality=_municipality(request, municipality) if municipality else None
    )


@router.post("/directory/employees", response={201: EmployeeOut, **PROBLEMS}, summary="Add an employee")
def employee_create(request, body: EmployeeIn):
    details = body.dict(exclude={"municipality", "name", "unit_id"})
    if body.unit_id:
        details["unit"] = selectors.unit_get(actor=request.actor, unit_id=body.unit_id)
    employee = services.employee_create(
        actor=request.actor, municipality=_municipality(request, body.municipality), name=body.name, **details
    )
    return Status(201, employee)


@router.post("/directory/phones", response={201: PhoneOut, **PROBLEMS}, summary="Add a phone number")
def phone_add(request, body: PhoneIn):
    unit = selectors.unit_get(actor=request.actor, unit_id=body.unit_id) if body.unit_id else None
    employee = _employee(request, body.employee_id)
    phone = services.phone_add(
        actor=request.actor,
        number=body.number,
        purpose=body.purpose,
        unit=unit,
        employee=employee,
        label=body.label,
        internal_only=body.internal_only,
    )
    return Status(201, phone)


@router.post(
    "/directory/responsibilities", response={201: ResponsibilityOut, **PROBLEMS}, summary="Who handles a topic"
)
def responsibility_add(request, body: ResponsibilityIn):
    unit = selectors.unit_get(actor=request.actor, unit_id=body.unit_id)
    topic = organisation_selectors.topics_by_keys(
        actor=request.actor, keys=[body.topic], municipality=unit.municipality
    )[0]
    employee = _employee(request, body.employee_id)
    responsibility = services.responsibility_add(
        actor=request.actor,
        topic=topic,
        unit=unit,
        employee=employee,
        postcodes=body.postcodes,
        language=body.language,
        rank=body.rank,
        note=body.note,
    )
    return Status(201, responsibility)


@router.get("/directory/units.csv", response={200: None, **PROBLEMS}, summary="Export units as CSV")
def units_export(request, municipality: str | None = None):
    units = selectors.unit_list(
        actor=request.actor, municipality=_municipality(request, municipality) if municipality else None
    )
    return _csv_download(units_csv(units), "units.csv")


@router.get("/directory/employees.csv", response={200: None, **PROBLEMS}, summary="Export employees as CSV")
def employees_export(request, municipality: str | None = None):
    employees = selectors.employee_list(
        actor=request.actor, municipality=_municipality(request, municipality) if municipality else None
    )
    return _csv_download(employees_csv(employees), "employees.csv")


def _csv_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Import (CSV, with a dry run) and vCard export -------------------------------------------------------------------


class ImportChangeOut(Schema):
    field: str
    old: str
    new: str


class ImportLineOut(Schema):
    line: int
    name: str
    action: str = Field(description="new, changed or unchanged; empty when the line has errors.")
    changes: list[ImportChangeOut]
    errors: list[str]


class ImportOut(Schema):
    kind: str
    dry_run: bool
    applied: bool = Field(description="Whether the changes were written (never on a dry run or with errors).")
    counts: dict[str, int] = Field(description="Lines that are new, changed, unchanged and broken.")
    errors: list[str] = Field(description="Problems with the file as a whole (header, size, encoding).")
    lines: list[ImportLineOut]


def _import_out(plan, dry_run: bool) -> dict:
    return {
        "kind": plan.kind,
        "dry_run": dry_run,
        "applied": not dry_run and not plan.has_errors,
        "counts": plan.counts,
        "errors": plan.errors,
        "lines": [
            {
                "line": row.line,
                "name": row.name,
                "action": row.action,
                "changes": [vars(change) for change in row.changes],
                "errors": row.errors,
            }
            for row in plan.rows
        ],
    }


@router.post(
    "/directory/import",
    response={200: ImportOut, **PROBLEMS},
    summary="Import units or employees from CSV",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def directory_import(
    request, municipality: str, kind: str = Query(..., pattern="^(units|employees)$"), dry_run: bool = True
):
    """The CSV file is the raw request body (``Content-Type: text/csv``, UTF-8 with or without BOM, ``,`` or ``;``
    separated, at most 2 MB), in the columns the CSV export writes. ``dry_run`` (the default) only reports
    what would change. A file with any broken line is never applied: the answer is 422 problem+json whose
    ``lines`` list every line with its errors (and ``errors`` problems with the whole file)."""
    plan = imports.directory_import(
        actor=request.actor,
        municipality=_municipality(request, municipality),
        kind=kind,
        text=decode_upload(request.body),
        dry_run=dry_run,
    )
    out = _import_out(plan, dry_run)
    if plan.has_errors:
        return problem(422, plan.summary, title="Invalid input", **out)
    return out


def _vcard_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/directory/units/{int:unit_id}.vcf", response={200: None, **PROBLEMS}, summary="A unit as vCard")
def unit_vcard(request, unit_id: int):
    """vCard 4.0 (RFC 6350, ``text/vcard``) of the unit: name, municipality, e-mail, numbers, addresses, hours."""
    unit = selectors.unit_get(actor=request.actor, unit_id=unit_id)
    return _vcard_download(
        unit_vcard_text(unit, include_internal=is_internal_actor(request.actor)), f"unit-{unit.pk}.vcf"
    )


@router.get("/directory/employees/{int:employee_id}.vcf", response={200: None, **PROBLEMS}, summary="A person as vCard")
def employee_vcard(request, employee_id: int):
    """vCard 4.0 (RFC 6350, ``text/vcard``) of the person: name, title, unit, e-mail, numbers, languages."""
    employee = selectors.employee_get(actor=request.actor, employee_id=employee_id)
    return _vcard_download(
        employee_vcard_text(employee, include_internal=is_internal_actor(request.actor)), f"employee-{employee.pk}.vcf"
    )


# --- Keeping the directory current: change requests, versions, confirming, stale entries ------------------------


class ChangeRequestIn(Schema):
    municipality: str
    kind: str = Field(description="employee_new, employee_change, employee_remove, unit_change or phone.")
    unit_id: int | None = Field(None, description="The unit it is about; for a new person, where they work.")
    employee_id: int | None = Field(None, description="The person it is about.")
    proposed: dict = Field(
        default_factory=dict,
        description="New values by field: a person's name, title, email, handles, unit_id (a move) or phone "
        "(a new person's direct line); a unit's name, description, email, postal_address, visiting_address; "
        "a number's number, purpose, label and replaces (the id of the number it replaces).",
    )
    note: str = ""


class ChangeRequestOut(Schema):
    id: int
    municipality: str = Field(alias="municipality.slug")
    kind: str
    status: str
    unit_id: int | None
    employee_id: int | None
    concerns: str = Field(alias="target_label")
    proposed: dict
    note: str
    submitted_by: str = Field(alias="submitted_by_label")
    submitted_at: datetime
    decided_by: str = Field(alias="decided_by_label")
    decided_at: datetime | None
    decision_reason: str


class ChangeRequestQuery(Schema):
    municipality: str | None = None
    status: str | None = Field(None, description="pending, approved or rejected; all when left out.")


class ChangeRequestRejectIn(Schema):
    reason: str = Field(description="Why, for the person who reported it.")


class VersionOut(Schema):
    version: int
    action: str = Field(description="create, update, hours, phone.add, phone.remove, confirm or remove.")
    snapshot: dict
    changes: dict = Field(description="{field: [before, after]} against the version before.")
    changed_by: str = Field(alias="changed_by_label")
    changed_at: datetime
    change_request_id: int | None


class StaleOut(Schema):
    kind: str = Field(description="unit or employee")
    id: int
    name: str
    unit_id: int | None
    confirmed_at: datetime | None = Field(description="Never confirmed when null.")


class UnitPatchIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=160)
    kind: str | None = None
    description: str | None = None
    email: str | None = None
    postal_address: str | None = None
    visiting_address: str | None = None
    internal_only: bool | None = None
    team_id: int | None = None
    parent_id: int | None = None


class EmployeePatchIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=160)
    unit_id: int | None = Field(None, description="Moves the person to this unit.")
    title: str | None = None
    email: str | None = None
    languages: list[str] | None = None
    handles: str | None = None
    internal_only: bool | None = None


@router.post("/directory/change-requests", response={201: ChangeRequestOut, **PROBLEMS}, summary="Report a change")
def change_request_submit(request, body: ChangeRequestIn):
    """A department reports a change for the municipality admin to decide; numbers and e-mail addresses are
    checked now (422 naming the field, all fields' messages under ``changes``)."""
    unit = selectors.unit_get(actor=request.actor, unit_id=body.unit_id) if body.unit_id else None
    change_request = services.change_request_submit(
        actor=request.actor,
        municipality=_municipality(request, body.municipality),
        kind=body.kind,
        unit=unit,
        employee=_employee(request, body.employee_id),
        proposed=body.proposed,
        note=body.note,
    )
    return Status(201, change_request)


@router.get(
    "/directory/change-requests", response={200: list[ChangeRequestOut], **PROBLEMS}, summary="List change requests"
)
def change_request_list(request, query: Query[ChangeRequestQuery]):
    """Pending requests first, then the newest."""
    municipality = _municipality(request, query.municipality) if query.municipality else None
    return selectors.change_request_list(actor=request.actor, municipality=municipality, status=query.status)


@router.get(
    "/directory/change-requests/{change_request_id}",
    response={200: ChangeRequestOut, **PROBLEMS},
    summary="One change request",
)
def change_request_get(request, change_request_id: int):
    return selectors.change_request_get(actor=request.actor, change_request_id=change_request_id)


@router.post(
    "/directory/change-requests/{change_request_id}/approve",
    response={200: ChangeRequestOut, **PROBLEMS},
    summary="Approve and apply a change",
)
def change_request_approve(request, change_request_id: int):
    """The municipality admin's: makes the change, leaving a version that names the request (403 for
    others, 409 when decided already)."""
    change_request = selectors.change_request_get(actor=request.actor, change_request_id=change_request_id)
    return services.change_request_approve(actor=request.actor, change_request=change_request)


@router.post(
    "/directory/change-requests/{change_request_id}/reject",
    response={200: ChangeRequestOut, **PROBLEMS},
    summary="Reject a change",
)
def change_request_reject(request, change_request_id: int, body: ChangeRequestRejectIn):
    """The municipality admin's, with a reason; the directory stays as it was."""
    change_request = selectors.change_request_get(actor=request.actor, change_request_id=change_request_id)
    return services.change_request_reject(actor=request.actor, change_request=change_request, reason=body.reason)


@router.get(
    "/directory/units/{unit_id}/versions", response={200: list[VersionOut], **PROBLEMS}, summary="A unit's history"
)
def unit_versions(request, unit_id: int):
    unit = selectors.unit_get(actor=request.actor, unit_id=unit_id)
    return selectors.entry_versions(actor=request.actor, entry=unit)


@router.get(
    "/directory/employees/{employee_id}/versions",
    response={200: list[VersionOut], **PROBLEMS},
    summary="A person's history",
)
def employee_versions(request, employee_id: int):
    employee = selectors.employee_get(actor=request.actor, employee_id=employee_id)
    return selectors.entry_versions(actor=request.actor, entry=employee)


@router.post("/directory/units/{unit_id}/confirm", response={200: UnitOut, **PROBLEMS}, summary="Confirm a unit")
def unit_confirm(request, unit_id: int):
    """The unit is still as the directory says (its admins, or people listed in it)."""
    unit = selectors.unit_get(actor=request.actor, unit_id=unit_id)
    services.entry_confirm(actor=request.actor, entry=unit)
    return selectors.unit_get(actor=request.actor, unit_id=unit_id)


@router.post(
    "/directory/employees/{employee_id}/confirm", response={200: EmployeeOut, **PROBLEMS}, summary="Confirm a person"
)
def employee_confirm(request, employee_id: int):
    """The person is still as the directory says (its admins, the person, or their colleagues)."""
    employee = selectors.employee_get(actor=request.actor, employee_id=employee_id)
    return services.entry_confirm(actor=request.actor, entry=employee)


@router.get("/directory/stale", response={200: list[StaleOut], **PROBLEMS}, summary="Entries to confirm")
def stale_entries(request, municipality: str):
    """Units and people not confirmed within the municipality's period, or never; oldest first."""
    stale = selectors.stale_entries(actor=request.actor, municipality=_municipality(request, municipality))
    return [
        {
            "kind": s.kind,
            "id": s.entry.pk,
            "name": s.entry.name,
            "unit_id": s.entry.pk if s.kind == "unit" else s.entry.unit_id,
            "confirmed_at": s.confirmed_at,
        }
        for s in stale
    ]


@router.patch("/directory/units/{int:unit_id}", response={200: UnitOut, **PROBLEMS}, summary="Change a unit")
def unit_update(request, unit_id: int, body: UnitPatchIn):
    """Only the fields given change; the municipality admin's."""
    unit = selectors.unit_get(actor=request.actor, unit_id=unit_id)
    changes = body.dict(exclude_unset=True)
    if "team_id" in changes:
        team_id = changes.pop("team_id")
        changes["team"] = organisation_selectors.team_get(actor=request.actor, team_id=team_id) if team_id else None
    if "parent_id" in changes:
        parent_id = changes.pop("parent_id")
        changes["parent"] = selectors.unit_get(actor=request.actor, unit_id=parent_id) if parent_id else None
    services.unit_update(actor=request.actor, unit=unit, **changes)
    return selectors.unit_get(actor=request.actor, unit_id=unit_id)


@router.patch(
    "/directory/employees/{int:employee_id}", response={200: EmployeeOut, **PROBLEMS}, summary="Change a person"
)
def employee_update(request, employee_id: int, body: EmployeePatchIn):
    """Only the fields given change; a new ``unit_id`` moves the person. The municipality admin's."""
    employee = selectors.employee_get(actor=request.actor, employee_id=employee_id)
    changes = body.dict(exclude_unset=True)
    if "unit_id" in changes:
        unit_id = changes.pop("unit_id")
        changes["unit"] = selectors.unit_get(actor=request.actor, unit_id=unit_id) if unit_id else None
    return services.employee_update(actor=request.actor, employee=employee, **changes)


class ConfirmPeriodIn(Schema):
    municipality: str
    confirm_every_days: int = Field(ge=1, le=3650)


class ConfirmPeriodOut(Schema):
    municipality: str = Field(alias="municipality.slug")
    confirm_every_days: int


@router.delete("/directory/phones/{int:phone_id}", response={204: None, **PROBLEMS}, summary="Remove a number")
def phone_remove(request, phone_id: int):
    """The number is no longer the unit's or the person's; their version goes up. The municipality admin's."""
    services.phone_remove(actor=request.actor, phone=selectors.phone_get(actor=request.actor, phone_id=phone_id))
    return Status(204, None)


@router.put("/directory/confirm-period", response={200: ConfirmPeriodOut, **PROBLEMS}, summary="Set the confirm period")
def directory_policy_set(request, body: ConfirmPeriodIn):
    """How many days a municipality's units and people may go unconfirmed before they are listed as stale."""
    return services.directory_policy_set(
        actor=request.actor,
        municipality=_municipality(request, body.municipality),
        confirm_every_days=body.confirm_every_days,
    )
