"""JSON API of the contact log: log a contact (telephony, chat and web forms do it too), list and search,
read one, correct its summary and topics, and read a person's details (an audited read)."""

from datetime import datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import CursorPagination, paginate
from ninja.responses import Status

from civicdesk.contacts import selectors, services
from civicdesk.contacts.models import CallerKind, Channel, ContactLanguage, Outcome
from civicdesk.contacts.services import CallerDetails
from civicdesk.organisations import selectors as organisation_selectors

router = Router(tags=["contacts"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class CallerIn(Schema):
    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    national_id: str = Field("", max_length=20)


class ContactLogIn(Schema):
    municipality: str
    channel: Channel
    topics: list[str] = Field(default_factory=list, description="Topic keys (shared or the municipality's own).")
    caller_kind: CallerKind = CallerKind.CITIZEN
    language: ContactLanguage | None = None
    interpreter_used: bool = False
    summary: str = Field("", max_length=10000)
    outcome: Outcome = Outcome.RESOLVED
    referred_to: str = Field("", max_length=200)
    caller: CallerIn = Field(default_factory=CallerIn)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    external_id: str = Field("", max_length=120, description="The call or message id: the same one is logged once.")


class ContactUpdateIn(Schema):
    summary: str | None = Field(None, max_length=10000)
    topics: list[str] | None = None


class PersonMaskedOut(Schema):
    id: int
    name: str
    phone: str
    national_id: str


class ContactOut(Schema):
    id: int
    municipality: str = Field(alias="municipality.slug")
    channel: str
    caller_kind: str
    language: str
    interpreter_used: bool
    topics: list[str]
    started_at: datetime
    ended_at: datetime | None
    handled_by: str | None
    summary: str
    outcome: str
    forwarded_to_team_id: int | None
    forwarded_to_person_id: int | None
    referred_to: str
    person: PersonMaskedOut | None
    external_id: str

    @staticmethod
    def resolve_topics(contact) -> list[str]:
        logged = contact.__dict__.get("logged_topics")  # set where the contact was just logged: no query
        return [topic.key for topic in (contact.topics.all() if logged is None else logged)]

    @staticmethod
    def resolve_handled_by(contact) -> str | None:
        return contact.handled_by.username if contact.handled_by else None

    @staticmethod
    def resolve_person(contact):
        if contact.person is None:
            return None
        return {"id": contact.person.pk, **selectors.masked(contact.person)}


class PersonOut(Schema):
    id: int
    name: str
    phone: str
    email: str
    national_id: str


class ContactFilter(Schema):
    municipality: str | None = None
    channel: Channel | None = None
    outcome: Outcome | None = None
    topic: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str = ""


@router.post("/contacts", response={201: ContactOut, **PROBLEMS}, summary="Log a contact")
def contact_log(request, body: ContactLogIn):
    municipality = organisation_selectors.municipality_get(actor=request.actor, slug=body.municipality)
    contact = services.contact_log(
        actor=request.actor,
        municipality=municipality,
        channel=body.channel,
        topics=organisation_selectors.topics_by_keys(actor=request.actor, keys=body.topics, municipality=municipality),
        caller_kind=body.caller_kind,
        language=body.language or "",
        interpreter_used=body.interpreter_used,
        summary=body.summary,
        outcome=body.outcome,
        referred_to=body.referred_to,
        caller=CallerDetails(**body.caller.dict()),
        started_at=body.started_at,
        ended_at=body.ended_at,
        external_id=body.external_id,
    )
    return Status(201, contact)


@router.get("/contacts", response={200: list[ContactOut], **PROBLEMS}, summary="List and search contacts")
@paginate(CursorPagination, ordering=("-id",))
def contact_list(request, filters: Query[ContactFilter]):
    municipality = (
        organisation_selectors.municipality_get(actor=request.actor, slug=filters.municipality)
        if filters.municipality
        else None
    )
    topic = (
        organisation_selectors.topics_by_keys(actor=request.actor, keys=[filters.topic], municipality=municipality)[0]
        if filters.topic
        else None
    )
    return selectors.contact_list(
        actor=request.actor,
        municipality=municipality,
        channel=filters.channel or "",
        outcome=filters.outcome or "",
        topic=topic,
        since=filters.since,
        until=filters.until,
        search=filters.q,
    )


@router.get("/contacts/{contact_id}", response={200: ContactOut, **PROBLEMS}, summary="One contact")
def contact_get(request, contact_id: int):
    return selectors.contact_get(actor=request.actor, contact_id=contact_id)


@router.patch(
    "/contacts/{contact_id}", response={200: ContactOut, **PROBLEMS}, summary="Correct a contact's summary or topics"
)
def contact_update(request, contact_id: int, body: ContactUpdateIn):
    contact = selectors.contact_get(actor=request.actor, contact_id=contact_id)
    topics = (
        organisation_selectors.topics_by_keys(actor=request.actor, keys=body.topics, municipality=contact.municipality)
        if body.topics is not None
        else None
    )
    return services.contact_update(actor=request.actor, contact=contact, summary=body.summary, topics=topics)


@router.get("/people/{person_id}", response={200: PersonOut, **PROBLEMS}, summary="A person's full details (audited)")
def person_get(request, person_id: int):
    return selectors.person_get(actor=request.actor, person_id=person_id)
