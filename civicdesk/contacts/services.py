"""Every write to the contact log: logging a contact, concluding it, and the people behind contacts."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.contacts import identity
from civicdesk.contacts.models import Channel, Contact, Outcome, Person
from civicdesk.lib.errors import Invalid, clean_fields
from civicdesk.lib.insert import insert, insert_many, insert_together
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, ServiceCenter, Team, Topic, User

# Outcomes that need a case (or a task) in a back office: they are set by the cases package, which opens it.
OUTCOMES_WITH_A_CASE = (Outcome.FORWARDED, Outcome.CASE_CREATED)


@dataclass(frozen=True)
class CallerDetails:
    """What the caller told about themselves; every part optional."""

    name: str = ""
    phone: str = ""
    email: str = ""
    national_id: str = ""

    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.email or self.national_id)


NO_DETAILS = CallerDetails()


def _checked_caller(caller: CallerDetails, country: str) -> CallerDetails:
    """Normalised details, or ``Invalid`` naming the field, in the user's language."""
    checks = (
        ("phone", identity.phone_normalise, caller.phone),
        ("email", lambda v, _c: identity.email_normalise(v), caller.email),
        ("national_id", identity.national_id_normalise, caller.national_id),
    )
    values = {"name": caller.name.strip()}
    for field, check, value in checks:
        value = value.strip()
        try:
            values[field] = check(value, country) if value else ""
        except identity.IdentityError as error:
            raise Invalid(error.message, field=field) from None
    return CallerDetails(**values)


def _names_a_person(caller: CallerDetails) -> bool:
    return bool(caller.name or caller.email or caller.national_id)


def _person_for(municipality: Municipality, caller: CallerDetails) -> Person | None:
    """The person behind a contact: found by national id, else phone, else e-mail; made when new. A phone
    number alone makes no person (it stays on the contact, enough to find earlier contacts): we keep no
    more about people than the matter needs."""
    if not _names_a_person(caller):
        return None
    people = Person.objects.filter(municipality=municipality)
    person = None
    for field in ("national_id", "phone", "email"):
        value = getattr(caller, field)
        if value:
            person = people.filter(**{field: value}).order_by("-updated_at").first()
            if person is not None:
                break
    if person is None:
        return Person.objects.create(municipality=municipality, **caller.__dict__)
    changed = [
        f
        for f in ("name", "phone", "email", "national_id")
        if getattr(caller, f) and getattr(caller, f) != getattr(person, f)
    ]
    for field in changed:
        setattr(person, field, getattr(caller, field))
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    return person


def contact_log(
    *,
    actor: Actor,
    municipality: Municipality,
    channel: str,
    topics: list[Topic] = (),
    caller_kind: str = "citizen",
    language: str = "",
    interpreter_used: bool = False,
    summary: str = "",
    outcome: str = Outcome.RESOLVED,
    referred_to: str = "",
    caller: CallerDetails = NO_DETAILS,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    center: ServiceCenter | None = None,
    external_id: str = "",
) -> Contact:
    """Log one inquiry. Anyone on duty for the municipality may log it; a contact that goes to a back office
    is forwarded through the cases package, so here it ends resolved, referred, with a meeting, or stays open.
    The same external id on the same channel is logged once (telephony and e-mail may deliver twice)."""
    access.require_add(actor, Contact, municipality)
    if outcome in OUTCOMES_WITH_A_CASE:
        raise Invalid(_("Forward the contact or create a case to end it this way."), field="outcome")
    if outcome == Outcome.REFERRED and not referred_to.strip():
        raise Invalid(_("Say where the caller was referred to."), field="referred_to")
    if external_id:
        existing = Contact.objects.filter(municipality=municipality, channel=channel, external_id=external_id).first()
        if existing is not None:
            return existing
    checked = _checked_caller(caller, municipality.country)
    now = timezone.now()
    contact = Contact(
        municipality=municipality,
        center=center,
        channel=channel,
        caller_kind=caller_kind,
        language=language or municipality.language,
        interpreter_used=interpreter_used,
        summary=summary.strip(),
        outcome=outcome,
        referred_to=referred_to.strip(),
        started_at=started_at or now,
        ended_at=ended_at if ended_at is not None else (None if outcome == Outcome.OPEN else now),
        handled_by=actor if isinstance(actor, User) else None,
        caller_phone=checked.phone,
        external_id=external_id,
    )
    _check_topics(topics, municipality)
    # Field rules only: the database enforces the constraints, so they cost no extra queries on this hot path.
    clean_fields(
        contact,
        exclude=["municipality", "person", "handled_by", "center", "forwarded_to_team", "forwarded_to_person"],
    )
    details = {"outcome": outcome, "channel": channel}
    contact.logged_topics = list(topics)  # what the caller shows next, without reading them back
    if external_id or _names_a_person(checked):
        return _contact_log_with_person(actor, contact, checked, details)
    # The commonest contact: the contact, its topics and its audit event in one statement (lib/insert.py).
    links = [(Contact.topics.through(topic_id=topic.pk), "contact") for topic in topics]
    insert_together(
        contact, [*links, (audit.event(actor=actor, action="contact.log", obj=contact, details=details), "object_id")]
    )
    return contact


@transaction.atomic
def _contact_log_with_person(actor: Actor, contact: Contact, checked: CallerDetails, details: dict) -> Contact:
    if contact.external_id:
        try:
            with transaction.atomic():
                contact.person = _person_for(contact.municipality, checked)
                contact.save(force_insert=True)
        except IntegrityError:  # the same message arrived twice at the same moment
            return Contact.objects.get(
                municipality=contact.municipality, channel=contact.channel, external_id=contact.external_id
            )
    else:
        contact.person = _person_for(contact.municipality, checked)
        insert(contact)
    insert_many([Contact.topics.through(contact_id=contact.pk, topic_id=topic.pk) for topic in contact.logged_topics])
    audit.record(actor=actor, action="contact.log", obj=contact, details=details)
    return contact


@dataclass(frozen=True, kw_only=True)
class ContactOpening:
    """A phone contact to open for ``handled_by`` (the agent who answered), known by the phone system's
    ``external_id``; ``topics`` a first guess, ``caller_phone`` the number the phone system sent."""

    municipality: Municipality
    center: ServiceCenter | None = None
    handled_by: User | None = None
    topics: tuple[Topic, ...] | list[Topic] = ()
    language: str = ""
    caller_phone: str = ""
    started_at: datetime
    external_id: str


@transaction.atomic
def contacts_open(*, actor: Actor, openings: list[ContactOpening]) -> dict[str, int]:
    """Open many phone contacts at once, outcome open, each in the contact log of the one who handled it (the
    audit names them, else the actor), by the rules of ``contact_log``: the actor may add contacts to each
    municipality, and an external id is opened once per municipality on the phone channel (one already there
    is kept as it is). A caller's number that is not a phone number of the municipality's country is left
    out: the phone system sends what it got. The contacts' ids by external id. A few statements for any
    number of contacts: the ones already there, the contacts, their topics and their audit events."""
    if not openings:
        return {}
    municipalities = {opening.municipality.pk: opening.municipality for opening in openings}
    for municipality in municipalities.values():
        access.require_add(actor, Contact, municipality)
    wanted: dict[tuple[int, str], tuple[Contact, ContactOpening]] = {}
    for index, opening in enumerate(openings):
        if not opening.external_id:
            raise Invalid(_("Say which call the contact is about."), field=f"{index}.external_id")
        key = (opening.municipality.pk, opening.external_id)
        if key not in wanted:
            wanted[key] = (_opened_contact(index, opening), opening)
    for attempt in range(2):
        ids = _phone_contacts_known(wanted)
        new = [(contact, opening) for key, (contact, opening) in wanted.items() if key not in ids]
        try:
            with transaction.atomic():  # a contact opened by a concurrent request meanwhile: look again, once
                insert_many([contact for contact, _opening in new])
            break
        except IntegrityError:
            if attempt:
                raise
    insert_many(
        [
            Contact.topics.through(contact_id=contact.pk, topic_id=topic.pk)
            for contact, opening in new
            for topic in opening.topics
        ]
    )
    details = {"outcome": Outcome.OPEN, "channel": Channel.PHONE}
    insert_many(
        [
            audit.event(actor=opening.handled_by or actor, action="contact.log", obj=contact, details=details)
            for contact, opening in new
        ]
    )
    ids.update(((contact.municipality_id, contact.external_id), contact.pk) for contact, _opening in new)
    return {external_id: pk for (_municipality, external_id), pk in ids.items()}


def _opened_contact(index: int, opening: ContactOpening) -> Contact:
    """The contact as ``contact_log`` would open it, its field rules checked (``Invalid`` names the opening)."""
    municipality = opening.municipality
    phone = opening.caller_phone.strip()
    try:
        phone = identity.phone_normalise(phone, municipality.country) if phone else ""
    except identity.IdentityError:
        phone = ""
    contact = Contact(
        municipality=municipality,
        center=opening.center,
        channel=Channel.PHONE,
        language=opening.language or municipality.language,
        outcome=Outcome.OPEN,
        started_at=opening.started_at,
        handled_by=opening.handled_by,
        caller_phone=phone,
        external_id=opening.external_id,
    )
    try:
        _check_topics(opening.topics, municipality)
        clean_fields(
            contact,
            exclude=["municipality", "person", "handled_by", "center", "forwarded_to_team", "forwarded_to_person"],
        )
    except Invalid as error:
        raise Invalid(error.message, field=f"{index}.{error.field}") from None
    return contact


def _phone_contacts_known(wanted: dict[tuple[int, str], tuple]) -> dict[tuple[int, str], int]:
    """The phone contacts already there for the (municipality, external id) pairs: one query."""
    rows = Contact.objects.filter(
        channel=Channel.PHONE,
        municipality_id__in={municipality for municipality, _ in wanted},
        external_id__in={external_id for _, external_id in wanted},
    ).values_list("municipality_id", "external_id", "pk")
    return {(m, e): pk for m, e, pk in rows if (m, e) in wanted}


def _check_topics(topics, municipality: Municipality) -> None:
    for topic in topics:
        if topic.municipality_id not in (None, municipality.pk):
            raise Invalid(_("The topic %(topic)s belongs to another municipality.") % {"topic": topic}, field="topics")


@transaction.atomic
def contact_person_ensure(*, actor: Actor, contact: Contact) -> Person | None:
    """A contact that goes on to a back office needs its caller as a person (to call back or write to),
    even when only the phone number was given."""
    access.require(actor, Action.CHANGE, contact)
    if contact.person_id is None and contact.caller_phone:
        contact.person = Person.objects.filter(
            municipality=contact.municipality, phone=contact.caller_phone
        ).first() or Person.objects.create(municipality=contact.municipality, phone=contact.caller_phone)
        contact.save(update_fields=["person", "updated_at"])
    return contact.person


@transaction.atomic
def contact_complete(
    *,
    actor: Actor,
    contact: Contact,
    outcome: str,
    topics: list[Topic] = (),
    caller_kind: str = "citizen",
    language: str = "",
    interpreter_used: bool = False,
    summary: str = "",
    referred_to: str = "",
    caller: CallerDetails = NO_DETAILS,
) -> Contact:
    """Fill in a contact that was opened when its call was answered (the phone system opened it with the
    municipality, the caller's number and a topic guess): what it was about, who asked and how it ended.
    Only an open contact can be completed; the outcomes are those ``contact_log`` allows."""
    access.require(actor, Action.CHANGE, contact)
    if contact.outcome != Outcome.OPEN:
        raise Invalid(_("This contact is logged already."), field="contact")
    if outcome in OUTCOMES_WITH_A_CASE:
        raise Invalid(_("Forward the contact or create a case to end it this way."), field="outcome")
    if outcome == Outcome.REFERRED and not referred_to.strip():
        raise Invalid(_("Say where the caller was referred to."), field="referred_to")
    checked = _checked_caller(caller, contact.municipality.country)
    _check_topics(topics, contact.municipality)
    contact.caller_kind = caller_kind
    contact.language = language or contact.language
    contact.interpreter_used = interpreter_used
    contact.summary = summary.strip()
    contact.outcome = outcome
    contact.referred_to = referred_to.strip()
    contact.caller_phone = checked.phone or contact.caller_phone
    if outcome != Outcome.OPEN:
        contact.ended_at = contact.ended_at or timezone.now()
    if isinstance(actor, User) and contact.handled_by_id is None:
        contact.handled_by = actor
    clean_fields(
        contact,
        exclude=["municipality", "person", "handled_by", "center", "forwarded_to_team", "forwarded_to_person"],
    )
    if _names_a_person(checked):
        contact.person = _person_for(contact.municipality, checked)
    contact.save(
        update_fields=[
            "caller_kind",
            "language",
            "interpreter_used",
            "summary",
            "outcome",
            "referred_to",
            "caller_phone",
            "ended_at",
            "handled_by",
            "person",
            "updated_at",
        ]
    )
    contact.topics.set(topics)
    audit.record(actor=actor, action="contact.complete", obj=contact, details={"outcome": outcome})
    return contact


@transaction.atomic
def contact_conclude(
    *,
    actor: Actor,
    contact: Contact,
    outcome: str,
    team: Team | None = None,
    person: User | None = None,
    referred_to: str = "",
) -> Contact:
    """End a contact with its outcome; a forwarded contact names the team or person that got it."""
    access.require(actor, Action.CHANGE, contact)
    if outcome == Outcome.FORWARDED and team is None and person is None:
        raise Invalid(_("Choose a team or a person to forward to."), field="team")
    contact.outcome = outcome
    contact.forwarded_to_team = team
    contact.forwarded_to_person = person
    contact.referred_to = referred_to or contact.referred_to
    contact.ended_at = contact.ended_at or timezone.now()
    contact.save(
        update_fields=["outcome", "forwarded_to_team", "forwarded_to_person", "referred_to", "ended_at", "updated_at"]
    )
    audit.record(actor=actor, action="contact.conclude", obj=contact, details={"outcome": outcome})
    return contact


@transaction.atomic
def contact_update(
    *, actor: Actor, contact: Contact, summary: str | None = None, topics: list[Topic] | None = None
) -> Contact:
    """The summary and topics can be corrected afterwards; the rest is the record of what happened."""
    access.require(actor, Action.CHANGE, contact)
    if summary is not None:
        contact.summary = summary.strip()
        contact.save(update_fields=["summary", "updated_at"])
    if topics is not None:
        _check_topics(topics, contact.municipality)
        contact.topics.set(topics)
    audit.record(actor=actor, action="contact.update", obj=contact)
    return contact
