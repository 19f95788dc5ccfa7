"""The directory as CSV: one row per unit, one per employee, with their numbers and hours in cells people
can read and edit in a spreadsheet (``queue:+4757782100; main:+4757782000``, ``mon-fri 09:00-15:00``).
The same columns are what an import reads."""

import csv
import io

from civicdesk.directory.models import Channel, weekly_hours
from civicdesk.lib.business_time import weekly_hours_to_text

UNIT_COLUMNS = [
    "municipality",
    "name",
    "kind",
    "part_of",
    "description",
    "email",
    "postal_address",
    "visiting_address",
    "internal_only",
    "phones",
    *(f"{channel}_hours" for channel in Channel.values),
]
EMPLOYEE_COLUMNS = ["municipality", "name", "title", "unit", "email", "languages", "handles", "internal_only", "phones"]


def phones_cell(phones) -> str:
    return "; ".join(f"{phone.purpose}:{phone.number}" for phone in phones)


def hours_cell(hours, channel: str) -> str:
    weekly = weekly_hours(hours, channel)
    return weekly_hours_to_text(weekly) if weekly else ""


def units_csv(units) -> str:
    """``units`` with municipality, parent, phones and hours loaded."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=UNIT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for unit in units:
        hours = list(unit.hours.all())
        writer.writerow(
            {
                "municipality": unit.municipality.slug,
                "name": unit.name,
                "kind": unit.kind,
                "part_of": unit.parent.name if unit.parent_id else "",
                "description": unit.description,
                "email": unit.email,
                "postal_address": unit.postal_address,
                "visiting_address": unit.visiting_address,
                "internal_only": "yes" if unit.internal_only else "no",
                "phones": phones_cell(unit.phones.all()),
                **{f"{channel}_hours": hours_cell(hours, channel) for channel in Channel.values},
            }
        )
    return out.getvalue()


def employees_csv(employees) -> str:
    """``employees`` with municipality, unit and phones loaded."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EMPLOYEE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for employee in employees:
        writer.writerow(
            {
                "municipality": employee.municipality.slug,
                "name": employee.name,
                "title": employee.title,
                "unit": employee.unit.name if employee.unit_id else "",
                "email": employee.email,
                "languages": " ".join(employee.languages),
                "handles": employee.handles,
                "internal_only": "yes" if employee.internal_only else "no",
                "phones": phones_cell(employee.phones.all()),
            }
        )
    return out.getvalue()
