"""Every write to the directory: units, employees, their numbers, opening hours and exceptions, and who is
responsible for which topic. Each checks access, validates, writes and audits in one transaction."""

from datetime import date, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.directory.models import Employee, PhoneNumber, Responsibility, Unit, UnitClosure, UnitHours
from civicdesk.directory.postcodes import parse_postcodes
from civicdesk.lib.business_time import weekly_hours_from_text
from civicdesk.lib.contact_points import IdentityError, phone_normalise
from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, Topic


@transaction.atomic
def unit_create(*, actor: Actor, municipality: Municipality, name: str, **details) -> Unit:
    """A unit people can be forwarded to; ``details`` are the other fields of ``Unit``."""
    access.require_add(actor, Unit, municipality)
    unit = Unit(municipality=municipality, name=name.strip(), confirmed_at=timezone.now(), **details)
    clean(unit)
    unit.save()
    audit.record(actor=actor, action="unit.create", obj=unit)
    return unit


@transaction.atomic
def employee_create(*, actor: Actor, municipality: Municipality, name: str, **details) -> Employee:
    access.require_add(actor, Employee, municipality)
    employee = Employee(municipality=municipality, name=name.strip(), confirmed_at=timezone.now(), **details)
    if employee.unit_id and employee.unit.municipality_id != municipality.pk:
        raise Invalid(_("The unit belongs to another municipality."), field="unit")
    clean(employee)
    employee.save()
    audit.record(actor=actor, action="employee.create", obj=employee)
    return employee


@transaction.atomic
def phone_add(
    *,
    actor: Actor,
    number: str,
    purpose: str = PhoneNumber.Purpose.MAIN,
    unit: Unit | None = None,
    employee: Employee | None = None,
    label: str = "",
    internal_only: bool = False,
) -> PhoneNumber:
    """A number for a unit or an employee, stored in E.164; national numbers are read in its country."""
    owner = unit or employee
    if owner is None or (unit is not None and employee is not None):
        raise Invalid(_("A number belongs to a unit or to a person."), field="number")
    access.require(actor, Action.CHANGE, owner)
    try:
        normalised = phone_normalise(number, owner.municipality.country)
    except IdentityError as error:
        raise Invalid(error.message, field="number") from None
    phone = PhoneNumber(
        municipality=owner.municipality,
        unit=unit,
        employee=employee,
        number=normalised,
        purpose=purpose,
        label=label.strip(),
        internal_only=internal_only,
    )
    clean(phone)
    phone.save()
    audit.record(actor=actor, action="phone.add", obj=phone, details={"owner": str(owner)})
    return phone


@transaction.atomic
def unit_hours_set(*, actor: Actor, unit: Unit, channel: str, hours: str) -> list[UnitHours]:
    """Replace a unit's weekly hours on a channel, written as ``mon-thu 08:00-15:30; fri 08:00-14:00``
    (empty: not open on that channel)."""
    access.require(actor, Action.CHANGE, unit)
    try:
        weekly = weekly_hours_from_text(hours) if hours.strip() else {}
    except ValueError:
        raise Invalid(
            _("Write the hours as mon-thu 08:00-15:30; fri 08:00-14:00 (days, then times)."), field="hours"
        ) from None
    UnitHours.objects.filter(unit=unit, channel=channel).delete()
    rows = UnitHours.objects.bulk_create(
        UnitHours(unit=unit, channel=channel, weekday=weekday, opens_at=opens, closes_at=closes)
        for weekday, intervals in sorted(weekly.items())
        for opens, closes in intervals
    )
    audit.record(actor=actor, action="unit.hours", obj=unit, details={"channel": channel, "hours": hours.strip()})
    return rows


@transaction.atomic
def unit_closure_add(
    *,
    actor: Actor,
    unit: Unit,
    day: date,
    channel: str = "",
    opens_at: time | None = None,
    closes_at: time | None = None,
    note: str = "",
) -> UnitClosure:
    """A day the unit is closed (no times) or keeps other hours (both times)."""
    access.require(actor, Action.CHANGE, unit)
    if (opens_at is None) != (closes_at is None):
        raise Invalid(_("Give both the opening and the closing time, or neither for a closed day."), field="opens_at")
    if opens_at is not None and opens_at >= closes_at:
        raise Invalid(_("The unit must open before it closes."), field="closes_at")
    closure = UnitClosure(unit=unit, channel=channel, date=day, opens_at=opens_at, closes_at=closes_at, note=note)
    clean(closure)
    closure.save()
    audit.record(actor=actor, action="unit.closure", obj=unit, details={"date": day.isoformat(), "channel": channel})
    return closure


@transaction.atomic
def responsibility_add(
    *,
    actor: Actor,
    topic: Topic,
    unit: Unit,
    employee: Employee | None = None,
    postcodes: str = "",
    language: str = "",
    rank: int = 1,
    note: str = "",
) -> Responsibility:
    """``unit`` (and maybe ``employee``) handles ``topic`` in the unit's municipality, for the postcodes
    given (all when empty) and callers in ``language`` (any when empty); lower ``rank`` is asked first."""
    municipality = unit.municipality
    access.require_add(actor, Responsibility, municipality)
    if topic.municipality_id not in (None, municipality.pk):
        raise Invalid(_("The topic belongs to another municipality."), field="topic")
    if employee is not None and employee.municipality_id != municipality.pk:
        raise Invalid(_("The person works for another municipality."), field="employee")
    parse_postcodes(postcodes)  # refuses what it cannot read, with the reason
    responsibility = Responsibility(
        municipality=municipality,
        topic=topic,
        unit=unit,
        employee=employee,
        postcodes=postcodes.strip(),
        language=language,
        rank=rank,
        note=note.strip(),
    )
    clean(responsibility)
    responsibility.save()
    audit.record(actor=actor, action="responsibility.add", obj=responsibility)
    return responsibility
