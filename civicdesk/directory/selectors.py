"""Reading the directory, filtered by what the caller may see: above all the referral, "topic +
municipality (+ language, postcode) → the unit and person to forward to, their number and whether they are
open now", with the reasons for the answer."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civicdesk.directory.hours import Openness, openness, unit_calendar
from civicdesk.directory.models import Channel, Employee, PhoneNumber, Responsibility, Unit
from civicdesk.directory.postcodes import covers
from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality, Topic

UNIT_NUMBER_ORDER = (PhoneNumber.Purpose.QUEUE, PhoneNumber.Purpose.MAIN, PhoneNumber.Purpose.DIRECT)
PERSON_NUMBER_ORDER = (PhoneNumber.Purpose.DIRECT, PhoneNumber.Purpose.MOBILE, PhoneNumber.Purpose.MAIN)


@dataclass(frozen=True)
class Candidate:
    responsibility: Responsibility
    unit: Unit
    employee: Employee | None
    phone: PhoneNumber | None
    openness: Openness


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
    calendar = unit_calendar(unit, channel, unit.hours.all(), unit.closures.all())
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
