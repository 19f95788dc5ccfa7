"""Every write to the directory's entries: units, employees, their numbers, opening hours and exceptions,
and who is responsible for which topic. Each checks access, validates, writes, records a version of the
unit or person it changed (``versions``) and audits in one transaction."""

from datetime import date, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.directory import search
from civicdesk.directory.models import (
    ChangeRequest,
    Employee,
    PhoneNumber,
    Responsibility,
    Unit,
    UnitClosure,
    UnitHours,
)
from civicdesk.directory.postcodes import parse_postcodes
from civicdesk.directory.services.versions import actor_user, version_record
from civicdesk.lib.business_time import weekly_hours_from_text
from civicdesk.lib.contact_points import IdentityError, email_normalise, phone_normalise
from civicdesk.lib.errors import Forbidden, Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, Topic


@transaction.atomic
def unit_create(
    *, actor: Actor, municipality: Municipality, name: str, change_request: ChangeRequest | None = None, **details
) -> Unit:
    """A unit people can be forwarded to; ``details`` are the other fields of ``Unit``. Its version 1."""
    access.require_add(actor, Unit, municipality)
    unit = Unit(municipality=municipality, name=name.strip(), confirmed_at=timezone.now(), **details)
    clean(unit)
    unit.save()
    version_record(actor=actor, entry=unit, action="create", change_request=change_request, first=True)
    audit.record(actor=actor, action="unit.create", obj=unit)
    return unit


@transaction.atomic
def employee_create(
    *, actor: Actor, municipality: Municipality, name: str, change_request: ChangeRequest | None = None, **details
) -> Employee:
    """A person of the municipality, in one of its units or none; ``details`` are the other fields of
    ``Employee``. Its version 1."""
    access.require_add(actor, Employee, municipality)
    employee = Employee(municipality=municipality, name=name.strip(), confirmed_at=timezone.now(), **details)
    if employee.unit_id and employee.unit.municipality_id != municipality.pk:
        raise Invalid(_("The unit belongs to another municipality."), field="unit")
    _email_clean(employee)
    clean(employee)
    employee.save()
    version_record(actor=actor, entry=employee, action="create", change_request=change_request, first=True)
    audit.record(actor=actor, action="employee.create", obj=employee)
    return employee


UNIT_CHANGEABLE = (
    "kind",
    "name",
    "parent",
    "department",
    "team",
    "description",
    "email",
    "postal_address",
    "visiting_address",
    "internal_only",
)
EMPLOYEE_CHANGEABLE = ("name", "title", "unit", "email", "languages", "handles", "internal_only", "user")


def _email_clean(entry: Unit | Employee) -> None:
    if entry.email:
        try:
            entry.email = email_normalise(entry.email)
        except IdentityError as error:
            raise Invalid(error.message, field="email") from None


def _apply(entry: Unit | Employee, changes: dict, allowed: tuple[str, ...]) -> list[str]:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"not changeable: {', '.join(sorted(unknown))}")
    changed = []
    for name, value in changes.items():
        if isinstance(value, str) and name != "description":
            value = value.strip()
        if getattr(entry, name) != value:
            setattr(entry, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, change_request: ChangeRequest | None = None, **changes) -> Unit:
    """Change a unit's fields (``UNIT_CHANGEABLE``); the unit it is part of and its team must be of the
    same municipality. A change made by its admin also confirms the entry as current."""
    access.require(actor, Action.CHANGE, unit)
    changed = _apply(unit, changes, UNIT_CHANGEABLE)
    if not changed and change_request is None:
        return unit
    for name in ("parent", "team", "department"):
        related = getattr(unit, name)
        if name in changed and related is not None and related.municipality_id != unit.municipality_id:
            raise Invalid(_("Choose one of this municipality's own."), field=name)
    if "parent" in changed and unit.parent_id == unit.pk:
        raise Invalid(_("A unit cannot be part of itself."), field="parent")
    _email_clean(unit)
    clean(unit)
    unit.confirmed_at = timezone.now()
    unit.save(update_fields=[*changed, "confirmed_at", "updated_at"])
    version_record(actor=actor, entry=unit, action="update", change_request=change_request)
    audit.record(actor=actor, action="unit.update", obj=unit, details={"fields": changed})
    return unit


@transaction.atomic
def employee_update(
    *, actor: Actor, employee: Employee, change_request: ChangeRequest | None = None, **changes
) -> Employee:
    """Change a person's fields (``EMPLOYEE_CHANGEABLE``); moving them means a new ``unit``, which must be
    of the same municipality. A change made by its admin also confirms the entry as current."""
    access.require(actor, Action.CHANGE, employee)
    changed = _apply(employee, changes, EMPLOYEE_CHANGEABLE)
    if not changed and change_request is None:
        return employee
    if "unit" in changed and employee.unit is not None and employee.unit.municipality_id != employee.municipality_id:
        raise Invalid(_("The unit belongs to another municipality."), field="unit")
    _email_clean(employee)
    clean(employee)
    employee.confirmed_at = timezone.now()
    employee.save(update_fields=[*changed, "confirmed_at", "updated_at"])
    version_record(actor=actor, entry=employee, action="update", change_request=change_request)
    audit.record(actor=actor, action="employee.update", obj=employee, details={"fields": changed})
    return employee


@transaction.atomic
def employee_remove(*, actor: Actor, employee: Employee, change_request: ChangeRequest | None = None) -> None:
    """A person has left: they and their numbers leave the directory, their history stays. Topics they
    were named for stay with their unit."""
    access.require(actor, Action.CHANGE, employee)
    version_record(actor=actor, entry=employee, action="remove", change_request=change_request)
    fallen_back = Responsibility.objects.filter(employee=employee).update(employee=None)
    audit.record(actor=actor, action="employee.remove", obj=employee, details={"responsibilities_to_unit": fallen_back})
    employee.delete()


@transaction.atomic
def entry_confirm(*, actor: Actor, entry: Unit | Employee) -> Unit | Employee:
    """The unit or person is still as the directory says. Its admins confirm any entry; a person listed in
    a unit confirms that unit, their colleagues there and themselves."""
    access.require(actor, Action.VIEW, entry)
    if not access.can(actor, Action.CHANGE, entry) and not _works_in(actor, entry):
        raise Forbidden(_("Only the municipality's admins and the people of this unit may confirm it."))
    entry.confirmed_at = timezone.now()
    entry.save(update_fields=["confirmed_at", "updated_at"])
    version_record(actor=actor, entry=entry, action="confirm")
    audit.record(actor=actor, action=f"{entry._meta.model_name}.confirm", obj=entry)
    return entry


def _works_in(actor: Actor, entry: Unit | Employee) -> bool:
    if actor_user(actor) is None or not access.is_staff_actor(actor):
        return False  # tokens and the system confirm as admins do, or not at all
    if isinstance(entry, Employee) and entry.user_id == actor.pk:
        return True
    unit_id = entry.pk if isinstance(entry, Unit) else entry.unit_id
    return unit_id is not None and Employee.objects.filter(user_id=actor.pk, unit_id=unit_id).exists()


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
    replaces: PhoneNumber | None = None,
    change_request: ChangeRequest | None = None,
) -> PhoneNumber:
    """A number for a unit or an employee, stored in E.164; national numbers are read in its country.
    Given ``replaces`` (one of the owner's numbers), the new number takes its place."""
    owner = unit or employee
    if owner is None or (unit is not None and employee is not None):
        raise Invalid(_("A number belongs to a unit or to a person."), field="number")
    access.require(actor, Action.CHANGE, owner)
    owner_ids = (getattr(unit, "pk", None), getattr(employee, "pk", None))
    if replaces is not None and (replaces.unit_id, replaces.employee_id) != owner_ids:
        raise Invalid(_("The number to replace belongs to someone else."), field="replaces")
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
    if replaces is not None:
        replaces.delete()
    phone.save()
    version_record(actor=actor, entry=owner, action="phone.add", change_request=change_request)
    details = {"owner": str(owner), **({"replaces": replaces.number} if replaces is not None else {})}
    audit.record(actor=actor, action="phone.add", obj=phone, details=details)
    return phone


@transaction.atomic
def phone_remove(*, actor: Actor, phone: PhoneNumber) -> None:
    """A number of a unit or a person is no longer theirs."""
    owner = phone.unit or phone.employee
    access.require(actor, Action.CHANGE, phone)
    number = phone.number
    phone.delete()
    version_record(actor=actor, entry=owner, action="phone.remove")
    audit.record(actor=actor, action="phone.remove", obj=owner, details={"number": number})


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
    version_record(actor=actor, entry=unit, action="hours")
    search.directory_changed(unit.municipality_id)  # bulk_create sends no signal
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
