"""Reading the directory, filtered by what the caller may see: above all the referral, "topic +
municipality (+ language, postcode) → the unit and person to forward to, their number and whether they are
open now", with the reasons for the answer."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civicdesk.directory import search
from civicdesk.directory.csv_formats import hours_cell
from civicdesk.directory.hours import Openness, openness, unit_calendar
from civicdesk.directory.models import (
    ChangeRequest,
    Channel,
    DirectoryPolicy,
    Employee,
    EntryVersion,
    PhoneNumber,
    Responsibility,
    Unit,
)
from civicdesk.directory.postcodes import covers
from civicdesk.lib.contact_points import phone_display
from civicdesk.lib.errors import NotFound
from civicdesk.organisations import access, reference
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, Team, Topic, User

UNIT_NUMBER_ORDER = (PhoneNumber.Purpose.QUEUE, PhoneNumber.Purpose.MAIN, PhoneNumber.Purpose.DIRECT)
PERSON_NUMBER_ORDER = (PhoneNumber.Purpose.DIRECT, PhoneNumber.Purpose.MOBILE, PhoneNumber.Purpose.MAIN)


@dataclass(frozen=True)
class Candidate:
    responsibility: Responsibility
    unit: Unit
    employee: Employee | None
    phone: PhoneNumber | None
    openness: Openness

    @property
    def key(self) -> str:
        """What the contact log's forward choice sends: the person when one is named, else the unit."""
        return f"employee:{self.employee.pk}" if self.employee else f"unit:{self.unit.pk}"


@dataclass(frozen=True)
class Referral:
    """Where to forward: the first candidate open now, else the first in order; the others as fallbacks."""

    chosen: Candidate | None
    alternatives: list[Candidate] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def best_number(phones, order) -> PhoneNumber | None:
    ranked = sorted((p for p in phones if p.purpose in order), key=lambda p: order.index(p.purpose))
    return ranked[0] if ranked else None


def referral_for(
    *,
    actor: Actor,
    municipality: Municipality,
    topic: Topic,
    language: str = "",
    postcode: str = "",
    channel: str = Channel.PHONE,
    at: datetime | None = None,
) -> Referral:
    """Who handles ``topic`` in ``municipality`` for this caller, looking at the topic and then its broader
    area, in the order the municipality set; the reasons say why, in the actor's language."""
    at = at or timezone.now()
    reasons: list[str] = []
    candidates: list[Candidate] = []
    for asked in _topic_and_area(topic):
        rows = _responsibilities(actor, municipality, asked)
        if not rows:
            continue
        if asked != topic:
            reasons.append(
                _("Nobody is named for “%(topic)s”; its area “%(area)s” is.") % {"topic": topic, "area": asked}
            )
        for row in rows:
            skipped = _skip_reason(row, language, postcode)
            if skipped:
                reasons.append(skipped)
                continue
            candidates.append(_candidate(row, channel, at))
        if candidates:
            break
    if not candidates:
        reasons.append(
            _("No unit is responsible for “%(topic)s” in %(municipality)s yet.")
            % {"topic": topic, "municipality": municipality}
        )
        return Referral(chosen=None, reasons=reasons)
    chosen = next((c for c in candidates if c.openness.open_now), candidates[0])
    for candidate in candidates:
        if candidate is chosen:
            break
        reasons.append(
            _("%(unit)s (order %(rank)s) is closed now.")
            % {"unit": candidate.unit, "rank": candidate.responsibility.rank}
        )
    reasons.append(_reason_for(chosen, topic))
    return Referral(chosen=chosen, alternatives=[c for c in candidates if c is not chosen], reasons=reasons)


def _topic_and_area(topic: Topic) -> list[Topic]:
    chain, seen = [], set()
    while topic is not None and topic.pk not in seen:
        chain.append(topic)
        seen.add(topic.pk)
        topic = topic.parent
    return chain


def _responsibilities(actor: Actor, municipality: Municipality, topic: Topic) -> list[Responsibility]:
    rows = access.visible(actor, Responsibility.objects.filter(municipality=municipality, topic=topic))
    numbers = PhoneNumber.objects.all()
    return list(
        rows.select_related("unit__municipality", "employee", "topic")
        .prefetch_related(
            "unit__hours",
            "unit__closures",
            Prefetch("unit__phones", queryset=numbers),
            Prefetch("employee__phones", queryset=numbers),
        )
        .order_by("rank", "pk")
    )


def _skip_reason(row: Responsibility, language: str, postcode: str) -> str:
    if row.language and language and row.language != language:
        return _("%(unit)s takes callers in another language.") % {"unit": row.unit}
    if row.postcodes and not postcode:
        return _("%(unit)s handles only postcodes %(postcodes)s: ask for the caller's postcode.") % {
            "unit": row.unit,
            "postcodes": row.postcodes,
        }
    if row.postcodes and not covers(row.postcodes, postcode):
        return _("%(unit)s handles postcodes %(postcodes)s, not %(postcode)s.") % {
            "unit": row.unit,
            "postcodes": row.postcodes,
            "postcode": postcode,
        }
    return ""


def _candidate(row: Responsibility, channel: str, at: datetime) -> Candidate:
    unit = row.unit
    calendar = unit_calendar(unit.municipality, channel, unit.hours.all(), unit.closures.all())
    phone = None
    if row.employee is not None:
        phone = best_number(row.employee.phones.all(), PERSON_NUMBER_ORDER)
    phone = phone or best_number(unit.phones.all(), UNIT_NUMBER_ORDER)
    return Candidate(responsibility=row, unit=unit, employee=row.employee, phone=phone, openness=openness(calendar, at))


def _reason_for(chosen: Candidate, topic: Topic) -> str:
    who = f"{chosen.employee}, {chosen.unit}" if chosen.employee else str(chosen.unit)
    said = _("%(who)s handles “%(topic)s” (order %(rank)s).") % {
        "who": who,
        "topic": chosen.responsibility.topic,
        "rank": chosen.responsibility.rank,
    }
    state = chosen.openness
    if state.open_now:
        return (
            said + " " + _("Open now, until %(time)s.") % {"time": formats.time_format(state.closes_at, "TIME_FORMAT")}
        )
    if state.next_open is not None:
        return (
            said
            + " "
            + _("Closed now; opens %(when)s.") % {"when": formats.date_format(state.next_open, "SHORT_DATETIME_FORMAT")}
        )
    return said + " " + _("No opening hours are given for it.")


@dataclass(frozen=True)
class Found:
    """One search result as the agent sees it: the unit or person, their best number, whether the unit (a
    person's unit) answers the phone now, and which of their fields matched what was typed."""

    kind: str  # "unit" or "employee"
    pk: int
    name: str
    internal_only: bool
    municipality: Municipality
    detail: str  # a person's title and unit; a unit's kind and what it is part of
    unit_id: int | None
    phone: str  # E.164, or empty
    openness: Openness | None
    matched: frozenset[str]
    topics: list[Topic]

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


def directory_search(
    *, actor: Actor, query: str, municipality: Municipality | None = None, limit: int = 10, at: datetime | None = None
) -> tuple[list[Found], bool]:
    """Units and people matching what was typed, best first, in the municipalities the actor reaches (or
    the one given). Internal-only entries and numbers are found by staff and employees only. Also says
    whether typos were forgiven to find them. Reads nothing but the index (and topics, when they matched)."""
    reached = access.visible_municipality_ids(actor)
    if municipality is not None:
        reached &= {municipality.pk}
    internal = access.is_internal_actor(actor)
    hits, forgiven = search.search(query, list(reached), internal=internal, limit=limit)
    topic_ids = {pk for hit in hits if "topic" in hit.matched for pk in hit.entry.topic_ids}
    topics = {topic.pk: topic for topic in Topic.objects.filter(pk__in=topic_ids)} if topic_ids else {}
    at = at or timezone.now()
    return [_found(hit, internal, topics, at) for hit in hits], forgiven


def _found(hit: search.Hit, internal: bool, topics: dict, at: datetime) -> Found:
    entry, index = hit.entry, hit.index
    municipality = reference.municipality_by_id(entry.municipality_id)
    phones = [(purpose, number) for purpose, number, hidden in entry.phones if internal or not hidden]
    order = UNIT_NUMBER_ORDER if entry.kind == "unit" else PERSON_NUMBER_ORDER
    phone = _first_by_purpose(phones, order)
    unit = index.entries_by_key.get(("unit", entry.unit_id)) if entry.kind == "employee" else None
    if not phone and unit is not None:
        phone = _first_by_purpose(
            [(purpose, number) for purpose, number, hidden in unit.phones if internal or not hidden], UNIT_NUMBER_ORDER
        )
    state = None
    if entry.unit_id is not None:
        key = ("phone-calendar", entry.unit_id)
        if key not in index.derived:
            hours, closures = index.hours.get(entry.unit_id, ([], []))
            index.derived[key] = unit_calendar(municipality, Channel.PHONE, hours, closures)
        state = openness(index.derived[key], at)
    if entry.kind == "employee":
        detail = " · ".join(part for part in (entry.title, entry.unit_name) if part)
    else:
        detail = " · ".join(part for part in (str(Unit.Kind(entry.title).label), entry.unit_name) if part)
    return Found(
        kind=entry.kind,
        pk=entry.pk,
        name=entry.name,
        internal_only=entry.internal_only,
        municipality=municipality,
        detail=detail,
        unit_id=entry.unit_id,
        phone=phone,
        openness=state,
        matched=hit.matched,
        topics=[topics[pk] for pk in entry.topic_ids if pk in topics],
    )


def _first_by_purpose(phones: list[tuple[str, str]], order) -> str:
    ranked = sorted((p for p in phones if p[0] in order), key=lambda p: order.index(p[0]))
    return ranked[0][1] if ranked else ""


def _with_hours(units):
    return units.select_related("municipality", "parent").prefetch_related("phones", "hours", "closures")


def unit_list(*, actor: Actor, municipality: Municipality | None = None):
    units = access.visible(actor, Unit.objects.select_related("municipality"))
    if municipality is not None:
        units = units.filter(municipality=municipality)
    return units.select_related("parent").prefetch_related("phones", "hours").order_by("municipality__name", "name")


def unit_get(*, actor: Actor, unit_id: int) -> Unit:
    return access.get_visible(
        actor, Unit.objects.select_related("municipality").prefetch_related("phones", "hours", "closures"), pk=unit_id
    )


def employee_list(*, actor: Actor, municipality: Municipality | None = None):
    employees = access.visible(actor, Employee.objects.select_related("municipality", "unit"))
    if municipality is not None:
        employees = employees.filter(municipality=municipality)
    return employees.prefetch_related("phones").order_by("name")


def employee_get(*, actor: Actor, employee_id: int) -> Employee:
    return access.get_visible(actor, Employee.objects.select_related("municipality", "unit"), pk=employee_id)


@dataclass(frozen=True)
class ChannelHours:
    channel: str
    label: str
    hours: str  # "mon-fri 09:00-15:00"
    openness: Openness


@dataclass(frozen=True)
class UnitCard:
    """A unit as its page shows it."""

    unit: Unit
    phones: list[PhoneNumber]
    channels: list[ChannelHours]
    exceptions: list  # UnitClosure rows from today on
    parts: list[Unit]
    people: list[Employee]
    responsibilities: list[Responsibility]


@dataclass(frozen=True)
class EmployeeCard:
    employee: Employee
    phones: list[PhoneNumber]
    unit_card: UnitCard | None
    responsibilities: list[Responsibility]


def _channels(unit: Unit, at: datetime) -> list[ChannelHours]:
    hours, closures = list(unit.hours.all()), list(unit.closures.all())
    return [
        ChannelHours(
            channel,
            label,
            hours_cell(hours, channel),
            openness(unit_calendar(unit.municipality, channel, hours, closures), at),
        )
        for channel, label in Channel.choices
        if hours_cell(hours, channel) or any(c.channel in ("", channel) and c.opens_at for c in closures)
    ]


def unit_card(*, actor: Actor, unit_id: int, at: datetime | None = None) -> UnitCard:
    at = at or timezone.now()
    unit = access.get_visible(actor, _with_hours(Unit.objects.all()), pk=unit_id)
    today = at.astimezone(ZoneInfo(unit.municipality.time_zone)).date()
    return UnitCard(
        unit=unit,
        phones=_shown(unit.phones.all(), access.is_internal_actor(actor)),
        channels=_channels(unit, at),
        exceptions=[closure for closure in unit.closures.all() if closure.date >= today],
        parts=list(access.visible(actor, unit.parts.all()).order_by("name")),
        people=list(access.visible(actor, unit.employees.all()).prefetch_related("phones").order_by("name")),
        responsibilities=list(
            access.visible(actor, unit.responsibilities.all())
            .select_related("topic", "employee")
            .order_by("topic__key", "rank")
        ),
    )


def employee_card(*, actor: Actor, employee_id: int, at: datetime | None = None) -> EmployeeCard:
    employee = access.get_visible(
        actor, Employee.objects.select_related("municipality", "unit").prefetch_related("phones"), pk=employee_id
    )
    unit_card_ = unit_card(actor=actor, unit_id=employee.unit_id, at=at) if employee.unit_id else None
    responsibilities = access.visible(actor, Responsibility.objects.filter(employee=employee))
    return EmployeeCard(
        employee=employee,
        phones=_shown(employee.phones.all(), access.is_internal_actor(actor)),
        unit_card=unit_card_,
        responsibilities=list(responsibilities.select_related("topic", "unit").order_by("topic__key", "rank")),
    )


# --- Keeping the directory current: change requests, versions, stale entries --------------------------------------


def change_request_list(
    *, actor: Actor, municipality: Municipality | None = None, status: str | None = None
) -> QuerySet[ChangeRequest]:
    """Change requests in the municipalities the actor reaches (or the one given), pending ones first and
    then newest first; only those of ``status`` when given."""
    requests = access.visible(actor, ChangeRequest.objects.all())
    if municipality is not None:
        requests = requests.filter(municipality=municipality)
    if status:
        requests = requests.filter(status=status)
    pending_first = Case(When(status=ChangeRequest.Status.PENDING, then=Value(0)), default=Value(1))
    return requests.select_related("municipality", "unit", "employee").order_by(pending_first, "-submitted_at", "-pk")


def change_request_get(*, actor: Actor, change_request_id: int) -> ChangeRequest:
    return access.get_visible(
        actor, ChangeRequest.objects.select_related("municipality", "unit", "employee"), pk=change_request_id
    )


def entry_versions(*, actor: Actor, entry: Unit | Employee) -> QuerySet[EntryVersion]:
    """The history of a unit or a person the actor may see, newest version first."""
    access.require(actor, Action.VIEW, entry)
    kind = EntryVersion.EntryKind.UNIT if isinstance(entry, Unit) else EntryVersion.EntryKind.EMPLOYEE
    versions = access.visible(actor, EntryVersion.objects.filter(entry_kind=kind, entry_id=entry.pk))
    return versions.select_related("change_request").order_by("-version")


def confirm_every_days(*, municipality: Municipality) -> int:
    policy = DirectoryPolicy.objects.filter(municipality=municipality).first()
    return policy.confirm_every_days if policy else DirectoryPolicy.DEFAULT_CONFIRM_EVERY_DAYS


@dataclass(frozen=True)
class StaleEntry:
    """A unit or person not confirmed within the municipality's period (``confirmed_at`` None: never)."""

    kind: str  # "unit" or "employee"
    entry: Unit | Employee

    @property
    def confirmed_at(self) -> datetime | None:
        return self.entry.confirmed_at


def stale_entries(*, actor: Actor, municipality: Municipality, at: datetime | None = None) -> list[StaleEntry]:
    """The municipality's units and people not confirmed for its period (or never), oldest first."""
    access.require(actor, Action.VIEW, municipality)
    cutoff = (at or timezone.now()) - timedelta(days=confirm_every_days(municipality=municipality))
    old = Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff)
    units = access.visible(actor, Unit.objects.filter(old, municipality=municipality))
    employees = access.visible(actor, Employee.objects.filter(old, municipality=municipality)).select_related("unit")
    found = [StaleEntry("unit", u) for u in units] + [StaleEntry("employee", e) for e in employees]
    never = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda s: (s.confirmed_at or never, s.entry.name))


def can_decide_changes(*, actor: Actor, municipality: Municipality) -> bool:
    """Whether the actor approves and rejects the municipality's change requests (its admins do)."""
    return access.can(actor, Action.CHANGE, Unit(municipality=municipality))


def phone_list(*, actor: Actor, municipality: Municipality) -> QuerySet[PhoneNumber]:
    """The municipality's numbers with their unit or person, as a change request offers them to replace."""
    phones = access.visible(actor, PhoneNumber.objects.filter(municipality=municipality))
    return phones.select_related("unit", "employee").order_by("number")


@dataclass(frozen=True)
class ForwardTarget:
    """A directory entry the agent forwards to: the team whose queue gets the case and the person (a staff
    login) when it is a named person, with the number to give the caller."""

    entry: Unit | Employee
    team: Team | None
    person: User | None
    phone: PhoneNumber | None

    @property
    def label(self) -> str:
        number = phone_display(self.phone.number) if self.phone else ""
        return f"{self.entry.name}, {number}" if number else self.entry.name


def forward_target(*, actor: Actor, key: str) -> ForwardTarget:
    """``unit:12`` or ``employee:5`` as a forward target; ``NotFound`` for anything else or out of reach."""
    kind, _sep, pk = key.partition(":")
    if not pk.isdigit() or kind not in ("unit", "employee"):
        raise NotFound(_("Not found."))
    internal = access.is_internal_actor(actor)
    if kind == "unit":
        unit = access.get_visible(actor, Unit.objects.select_related("team").prefetch_related("phones"), pk=int(pk))
        phone = best_number(_shown(unit.phones.all(), internal), UNIT_NUMBER_ORDER)
        return ForwardTarget(unit, unit.team, None, phone)
    employee = access.get_visible(
        actor, Employee.objects.select_related("unit__team", "user").prefetch_related("phones"), pk=int(pk)
    )
    phone = best_number(_shown(employee.phones.all(), internal), PERSON_NUMBER_ORDER)
    person = employee.user if employee.user_id and employee.user.kind == User.Kind.STAFF else None
    return ForwardTarget(employee, employee.unit.team if employee.unit_id else None, person, phone)


def _shown(phones, internal: bool) -> list[PhoneNumber]:
    return [phone for phone in phones if internal or not phone.internal_only]


def phone_get(*, actor: Actor, phone_id: int) -> PhoneNumber:
    return access.get_visible(actor, PhoneNumber.objects.select_related("unit", "employee"), pk=phone_id)
