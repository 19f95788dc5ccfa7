"""Importing a directory CSV: a dry run shows what would change, a real run applies a file without errors in
one transaction. A service module (a door above ``services``, whose writes it reuses), kept apart so the
import's rules read in one place."""

from django.db import transaction

from civicdesk.directory import selectors, services
from civicdesk.directory.csv_import import UNITS, ImportPlan, PlannedRow, plan_import
from civicdesk.directory.models import Channel, Employee, Unit
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality

UNIT_FIELDS = ("kind", "description", "email", "postal_address", "visiting_address", "internal_only")
EMPLOYEE_FIELDS = ("title", "email", "languages", "handles", "internal_only")


def directory_import(
    *, actor: Actor, municipality: Municipality, kind: str | None, text: str, dry_run: bool
) -> ImportPlan:
    """A municipality admin imports units or employees from CSV (``kind`` None: read from the header). The
    plan says per line what would be new, changed or unchanged, or what is wrong. A dry run writes nothing;
    a file with any error writes nothing either; otherwise every line is applied in one transaction, numbers
    and hours of a line replacing the stored ones, and one ``directory.import`` event records the counts."""
    access.require_add(actor, Unit, municipality)
    with transaction.atomic():
        plan = plan_import(
            text=text,
            kind=kind,
            municipality=municipality,
            units=list(selectors.unit_list(actor=actor, municipality=municipality)),
            employees=list(selectors.employee_list(actor=actor, municipality=municipality)),
        )
        if dry_run or plan.has_errors:
            return plan
        units = {unit.name: unit for unit in selectors.unit_list(actor=actor, municipality=municipality)}
        for row in plan.rows:
            if plan.kind == UNITS:
                units[row.name] = _unit_apply(actor, municipality, row, units)
            else:
                _employee_apply(actor, municipality, row, units)
        audit.record(
            actor=actor,
            action="directory.import",
            obj=municipality,
            details={"kind": plan.kind, **plan.counts},
        )
    return plan


def _unit_apply(actor: Actor, municipality: Municipality, row: PlannedRow, units: dict[str, Unit]) -> Unit:
    values = row.values
    details = {name: values[name] for name in UNIT_FIELDS if name in values}
    if "part_of" in values:
        details["parent"] = units[values["part_of"]] if values["part_of"] else None
    if row.action == "new":
        unit = services.unit_create(actor=actor, municipality=municipality, name=row.name, **details)
    else:
        unit = row.existing
        if row.action == "changed":
            unit = services.unit_update(actor=actor, unit=unit, **details)
    changed = {change.field for change in row.changes}
    if "phones" in values and (row.action == "new" or "phones" in changed):
        _phones_replace(actor, unit, values["phones"], unit=unit)
    for channel in Channel.values:
        column = f"{channel}_hours"
        if column in values and (column in changed or (row.action == "new" and values[column])):
            services.unit_hours_set(actor=actor, unit=unit, channel=channel, hours=values[column])
    return unit


def _employee_apply(actor: Actor, municipality: Municipality, row: PlannedRow, units: dict[str, Unit]) -> None:
    values = row.values
    details = {name: values[name] for name in EMPLOYEE_FIELDS if name in values}
    if "unit" in values:
        details["unit"] = units[values["unit"]] if values["unit"] else None
    if row.action == "new":
        employee = services.employee_create(actor=actor, municipality=municipality, name=row.name, **details)
    else:
        employee = row.existing
        if row.action == "changed":
            details["name"] = row.name  # matched by e-mail, the name may be what changed
            employee = services.employee_update(actor=actor, employee=employee, **details)
    if "phones" in values and (row.action == "new" or "phones" in {change.field for change in row.changes}):
        _phones_replace(actor, employee, values["phones"], employee=employee)


def _phones_replace(actor: Actor, owner: Unit | Employee, wanted: list[tuple[str, str]], **owner_arg) -> None:
    """Keep the numbers still listed (with their labels and internal flag), remove the others, add the new."""
    stored = {(phone.purpose, phone.number): phone for phone in owner.phones.all()}
    for key, phone in stored.items():
        if key not in wanted:
            services.phone_remove(actor=actor, phone=phone)
    for purpose, number in wanted:
        if (purpose, number) not in stored:
            services.phone_add(actor=actor, number=number, purpose=purpose, **owner_arg)
