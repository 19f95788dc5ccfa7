"""Keeping the directory current: a department reports a change (a new hire, a move, a new number, …) as
a change request; the municipality admin approves it, which applies it through the entry services, or
rejects it with a reason. Also how often entries must be confirmed."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.directory.models import ChangeRequest, DirectoryPolicy, Employee, PhoneNumber, Unit
from civicdesk.directory.services import entries
from civicdesk.directory.services.versions import actor_label, actor_user
from civicdesk.lib.contact_points import IdentityError, email_normalise, phone_normalise
from civicdesk.lib.errors import Conflict, Forbidden, Invalid
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality

Kind = ChangeRequest.Kind

# What each kind of request may propose, by field name.
PROPOSABLE = {
    Kind.EMPLOYEE_NEW: ("name", "title", "email", "phone", "handles"),
    Kind.EMPLOYEE_CHANGE: ("name", "title", "email", "unit_id", "handles"),
    Kind.EMPLOYEE_REMOVE: (),
    Kind.UNIT_CHANGE: ("name", "description", "email", "postal_address", "visiting_address"),
    Kind.PHONE: ("number", "purpose", "label", "replaces"),
}
REQUIRED = {Kind.EMPLOYEE_NEW: ("name",), Kind.PHONE: ("number",)}
TEXT_LIMITS = {"name": 160, "title": 160, "label": 80}


@transaction.atomic
def change_request_submit(
    *,
    actor: Actor,
    municipality: Municipality,
    kind: str,
    unit: Unit | None = None,
    employee: Employee | None = None,
    proposed: dict | None = None,
    note: str = "",
) -> ChangeRequest:
    """Any staff member who reaches the municipality reports a change to one of its units or people (or a
    new person). Numbers and e-mail addresses are checked now, so the admin decides on valid values; every
    field's problem is given at once in ``detail``."""
    access.require_add(actor, ChangeRequest, municipality)
    if kind not in Kind.values:
        raise Invalid(_("Choose what changed."), field="kind")
    _target_check(municipality, kind, unit, employee)
    values = _proposed_clean(municipality, kind, unit, employee, proposed or {})
    change_request = ChangeRequest.objects.create(
        municipality=municipality,
        kind=kind,
        unit=unit,
        employee=employee,
        target_label=str(employee or unit or values.get("name", ""))[:200],
        proposed=values,
        note=note.strip(),
        submitted_by=actor_user(actor),
        submitted_by_label=actor_label(actor),
    )
    audit.record(actor=actor, action="change_request.submit", obj=change_request, details={"kind": kind})
    return change_request


def _target_check(municipality: Municipality, kind: str, unit: Unit | None, employee: Employee | None) -> None:
    if kind in (Kind.EMPLOYEE_CHANGE, Kind.EMPLOYEE_REMOVE) and employee is None:
        raise Invalid(_("Choose the person this is about."), field="employee")
    if kind == Kind.UNIT_CHANGE and unit is None:
        raise Invalid(_("Choose the unit this is about."), field="unit")
    if kind == Kind.PHONE and (unit is None) == (employee is None):
        raise Invalid(_("Choose either the unit or the person the number belongs to."), field="unit")
    if kind in (Kind.EMPLOYEE_NEW, Kind.UNIT_CHANGE) and employee is not None:
        raise Invalid(_("This kind of change is not about an existing person."), field="employee")
    if kind in (Kind.EMPLOYEE_CHANGE, Kind.EMPLOYEE_REMOVE) and unit is not None:
        raise Invalid(_("Give the person's new unit among the new values."), field="unit")
    for name, entry in (("unit", unit), ("employee", employee)):
        if entry is not None and entry.municipality_id != municipality.pk:
            raise Invalid(_("Choose one of this municipality's own."), field=name)


def _proposed_clean(
    municipality: Municipality, kind: str, unit: Unit | None, employee: Employee | None, proposed: dict
) -> dict:
    allowed = PROPOSABLE[kind]
    errors: dict[str, list[str]] = {}
    values: dict = {}
    for name, value in proposed.items():
        if name not in allowed:
            errors.setdefault("__all__", []).append(
                _("“%(field)s” cannot be given for this kind of change.") % {"field": name}
            )
            continue
        try:
            values[name] = _value_clean(municipality, name, value, owner=unit or employee)
        except Invalid as error:
            errors[name] = [error.message]
    for name in REQUIRED.get(kind, ()):
        if not values.get(name) and name not in errors:
            errors[name] = [_("This is needed for this kind of change.")]
    if allowed and not values and not errors:
        errors["__all__"] = [_("Say what changed: give at least one new value.")]
    if errors:
        field, messages = next(iter(errors.items()))
        raise Invalid(messages[0], field=None if field == "__all__" else field, detail=errors)
    if kind == Kind.PHONE:
        values.setdefault("purpose", PhoneNumber.Purpose.MAIN)
    return values


def _value_clean(municipality: Municipality, name: str, value, *, owner: Unit | Employee | None):
    if name == "unit_id":
        if value is None:
            return None
        if not isinstance(value, int) or not Unit.objects.filter(municipality=municipality, pk=value).exists():
            raise Invalid(_("Choose a unit of this municipality."), field=name)
        return value
    if name == "replaces":
        if value is None:
            return None
        if not isinstance(value, int) or not owner.phones.filter(pk=value).exists():
            raise Invalid(_("Choose one of this unit's or person's own numbers."), field=name)
        return value
    if not isinstance(value, str):
        raise Invalid(_("Write this as text."), field=name)
    value = value.strip()
    if name in TEXT_LIMITS and len(value) > TEXT_LIMITS[name]:
        raise Invalid(_("Keep this to %(limit)s characters.") % {"limit": TEXT_LIMITS[name]}, field=name)
    try:
        if name == "email" and value:
            return email_normalise(value)
        if name in ("phone", "number") and value:
            return phone_normalise(value, municipality.country)
    except IdentityError as error:
        raise Invalid(error.message, field=name) from None
    if name == "purpose" and value not in PhoneNumber.Purpose.values:
        raise Invalid(_("Choose what the number is for."), field=name)
    return value


def _require_decider(actor: Actor, change_request: ChangeRequest) -> None:
    access.require(actor, Action.VIEW, change_request)
    if not access.can(actor, Action.CHANGE, Unit(municipality=change_request.municipality)):
        raise Forbidden(_("Only the municipality's admins decide change requests."))
    if change_request.status != ChangeRequest.Status.PENDING:
        raise Conflict(_("This change request has been decided already."))


@transaction.atomic
def change_request_approve(*, actor: Actor, change_request: ChangeRequest) -> ChangeRequest:
    """The municipality admin approves a pending request: the change is made through the entry services,
    each leaving a version that names the request, which is marked approved, by whom and when."""
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    _require_decider(actor, change_request)
    _apply(actor, change_request)
    change_request.status = ChangeRequest.Status.APPROVED
    change_request.decided_by, change_request.decided_by_label = actor_user(actor), actor_label(actor)
    change_request.decided_at = timezone.now()
    change_request.save(update_fields=["status", "decided_by", "decided_by_label", "decided_at"])
    audit.record(actor=actor, action="change_request.approve", obj=change_request)
    return change_request


def _apply(actor: Actor, change_request: ChangeRequest) -> None:
    values, kind = dict(change_request.proposed), change_request.kind
    gone = Conflict(_("The unit or person this request is about is no longer in the directory."))
    if kind in (Kind.EMPLOYEE_CHANGE, Kind.EMPLOYEE_REMOVE) and change_request.employee is None:
        raise gone
    if kind == Kind.UNIT_CHANGE and change_request.unit is None:
        raise gone
    if kind == Kind.PHONE and change_request.unit is None and change_request.employee is None:
        raise gone
    if kind == Kind.EMPLOYEE_NEW:
        phone = values.pop("phone", "")
        employee = entries.employee_create(
            actor=actor,
            municipality=change_request.municipality,
            unit=change_request.unit,
            change_request=change_request,
            **values,
        )
        if phone:
            entries.phone_add(
                actor=actor,
                employee=employee,
                number=phone,
                purpose=PhoneNumber.Purpose.DIRECT,
                change_request=change_request,
            )
    elif kind == Kind.EMPLOYEE_CHANGE:
        if "unit_id" in values:
            unit_id = values.pop("unit_id")
            values["unit"] = Unit.objects.filter(municipality=change_request.municipality, pk=unit_id).first()
            if unit_id is not None and values["unit"] is None:
                raise Conflict(_("The unit the person moves to is no longer in the directory."))
        entries.employee_update(actor=actor, employee=change_request.employee, change_request=change_request, **values)
    elif kind == Kind.EMPLOYEE_REMOVE:
        entries.employee_remove(actor=actor, employee=change_request.employee, change_request=change_request)
        change_request.employee = None  # the row is gone; its name stays in ``target_label``
    elif kind == Kind.UNIT_CHANGE:
        entries.unit_update(actor=actor, unit=change_request.unit, change_request=change_request, **values)
    elif kind == Kind.PHONE:
        owner = change_request.unit or change_request.employee
        replaces_id = values.pop("replaces", None)
        replaces = owner.phones.filter(pk=replaces_id).first() if replaces_id else None
        if replaces_id and replaces is None:
            raise Conflict(_("The number to replace is no longer in the directory."))
        entries.phone_add(
            actor=actor,
            unit=change_request.unit,
            employee=change_request.employee,
            replaces=replaces,
            change_request=change_request,
            **values,
        )


@transaction.atomic
def change_request_reject(*, actor: Actor, change_request: ChangeRequest, reason: str) -> ChangeRequest:
    """The municipality admin rejects a pending request, saying why; the directory stays as it was."""
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    _require_decider(actor, change_request)
    if not reason.strip():
        raise Invalid(_("Say why the change is rejected, so the person who reported it knows."), field="reason")
    change_request.status = ChangeRequest.Status.REJECTED
    change_request.decided_by, change_request.decided_by_label = actor_user(actor), actor_label(actor)
    change_request.decided_at = timezone.now()
    change_request.decision_reason = reason.strip()
    change_request.save(update_fields=["status", "decided_by", "decided_by_label", "decided_at", "decision_reason"])
    audit.record(actor=actor, action="change_request.reject", obj=change_request, details={"reason": reason.strip()})
    return change_request


@transaction.atomic
def directory_policy_set(*, actor: Actor, municipality: Municipality, confirm_every_days: int) -> DirectoryPolicy:
    """How many days a municipality's units and people may go unconfirmed before they are listed as stale."""
    access.require_add(actor, DirectoryPolicy, municipality)
    if confirm_every_days < 1:
        raise Invalid(_("Give a number of days, at least 1."), field="confirm_every_days")
    policy, _created = DirectoryPolicy.objects.update_or_create(
        municipality=municipality, defaults={"confirm_every_days": confirm_every_days}
    )
    audit.record(actor=actor, action="directory_policy.set", obj=policy, details={"days": confirm_every_days})
    return policy
