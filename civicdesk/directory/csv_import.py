"""Reading a directory CSV back in: the columns ``csv_formats`` writes, checked row by row and compared with
what the municipality has, as a plan ("new", "changed (field: old → new)", "unchanged", or the line's errors).
Nothing here writes; the import service applies a plan without errors.

The file: UTF-8 with or without a byte order mark, separated by ``,`` or ``;`` (whichever the header uses), a
header naming the columns. ``municipality`` and ``name`` are required; a column left out of the file keeps
what is stored, so a file of ``municipality;name;email`` changes only e-mails. Every line is checked, and
every broken line is reported with its reasons.

Matching: a unit is the unit of the same name (exact, after trimming spaces) in the municipality. An employee
is the employee with the same e-mail address (case-insensitive) when the row gives one and exactly one
employee has it; otherwise the employee with the same name in the same unit (no unit matches no unit).
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from civicdesk.directory.csv_formats import EMPLOYEE_COLUMNS, UNIT_COLUMNS, hours_cell
from civicdesk.directory.models import Channel, Employee, PhoneNumber, Unit
from civicdesk.lib.business_time import weekly_hours_from_text, weekly_hours_to_text
from civicdesk.lib.contact_points import IdentityError, email_normalise, phone_normalise
from civicdesk.lib.errors import Invalid

UNITS, EMPLOYEES = "units", "employees"
KINDS = (UNITS, EMPLOYEES)
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED = ("municipality", "name")
NAME_MAX_LENGTH = 160
TITLE_MAX_LENGTH = 160

_YES = {"yes", "y", "true", "1", "ja", "j"}
_NO = {"no", "n", "false", "0", "nei", "nej", ""}
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.IGNORECASE)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class PlannedRow:
    """One line of the file: what it would do to which entry, or why it cannot."""

    line: int
    name: str
    action: str = ""  # "new", "changed", "unchanged"; "" when the line has errors
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # parsed values of the columns the file has
    existing: Unit | Employee | None = None


@dataclass
class ImportPlan:
    """What importing a file would do; ``errors`` are problems with the file as a whole (header, size)."""

    kind: str
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)

    @property
    def line_errors(self) -> list[tuple[int, str]]:
        return [(row.line, message) for row in self.rows for message in row.errors]

    @property
    def summary(self) -> str:
        """One sentence for the top of the page or the API answer."""
        if self.has_errors:
            return _("The file has errors; nothing was imported. Fix the lines listed and try again.")
        return _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % self.counts

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0, "broken": 0}
        for row in self.rows:
            counts[row.action or "broken"] += 1
        return counts


def detect_kind(header: list[str]) -> str | None:
    """``units`` or ``employees`` from a header: unit files have ``kind``, employee files ``unit``."""
    if "kind" in header or "part_of" in header or any(column.endswith("_hours") for column in header):
        return UNITS
    if "unit" in header or "title" in header or "languages" in header:
        return EMPLOYEES
    return None


def read_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (lowercased) and ``(line, row)`` pairs; ``line`` is where the record starts in the file.
    Raises ``ValueError`` with a message for the user when the file is not CSV."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    previous_end = 0
    try:
        for values in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if header is None:
                header = [value.strip().lower() for value in values]
                continue
            row = {name: value.strip() for name, value in zip(header, values, strict=False)}
            if len(values) != len(header):
                row["__width__"] = str(len(values))
            rows.append((line, row))
    except csv.Error as error:
        raise ValueError(
            _("Line %(line)s is not valid CSV (%(error)s).") % {"line": reader.line_num, "error": error}
        ) from None
    if header is None:
        raise ValueError(_("The file is empty; the first line must name the columns."))
    return header, rows


def plan_import(
    *, text: str, kind: str | None, municipality, units: list[Unit], employees: list[Employee]
) -> ImportPlan:
    """Check every row of ``text`` against ``municipality``'s ``units`` (with parent, phones and hours loaded)
    and ``employees`` (with unit and phones loaded); ``kind`` None reads it from the header."""
    plan = ImportPlan(kind=kind or "")
    if len(text.encode("utf-8")) > MAX_BYTES:
        plan.errors.append(_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)})
        return plan
    try:
        header, rows = read_rows(text)
    except ValueError as error:
        plan.errors.append(str(error))
        return plan
    if kind is None:
        kind = detect_kind(header)
        if kind is None:
            plan.errors.append(_("Cannot tell whether this is a file of units or of employees; choose one."))
            return plan
        plan.kind = kind
    if kind not in KINDS:
        plan.errors.append(_("Choose units or employees."))
        return plan
    columns = UNIT_COLUMNS if kind == UNITS else EMPLOYEE_COLUMNS
    missing = [column for column in REQUIRED if column not in header]
    unknown = [column for column in header if column not in columns]
    repeated = sorted({column for column in header if header.count(column) > 1})
    if missing:
        plan.errors.append(_("The header lacks the column(s) %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        plan.errors.append(
            _("The header has column(s) a %(kind)s file does not have: %(columns)s (expected %(expected)s).")
            % {"kind": kind, "columns": ", ".join(unknown), "expected": ", ".join(columns)}
        )
    if repeated:
        plan.errors.append(_("The header repeats the column(s) %(columns)s.") % {"columns": ", ".join(repeated)})
    if len(rows) > MAX_ROWS:
        plan.errors.append(_("The file has more than %(rows)s rows; split it.") % {"rows": MAX_ROWS})
    if plan.errors:
        return plan
    present = [column for column in columns if column in header]
    if kind == UNITS:
        plan.rows = _plan_units(rows, present, municipality, units)
    else:
        plan.rows = _plan_employees(rows, present, municipality, units, employees)
    return plan


# --- cells -------------------------------------------------------------------------------------------------------


def _yes_no(value: str) -> bool:
    lowered = value.lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise ValueError(_("internal_only: write yes or no, not “%(value)s”.") % {"value": value})


def _phones(cell: str, country: str) -> list[tuple[str, str]]:
    """``queue:+4757782100; main:57782000`` → sorted ``[(purpose, E.164)]``; a number alone is a main number."""
    phones, problems = [], []
    for part in (part.strip() for part in cell.split(";")):
        if not part:
            continue
        purpose, _sep, number = part.rpartition(":")
        purpose = purpose.strip().lower() or PhoneNumber.Purpose.MAIN
        if purpose not in PhoneNumber.Purpose.values:
            problems.append(
                _("phones: “%(purpose)s” is not a purpose; use %(purposes)s.")
                % {"purpose": purpose, "purposes": ", ".join(PhoneNumber.Purpose.values)}
            )
            continue
        try:
            phones.append((purpose, phone_normalise(number.strip(), country)))
        except IdentityError as error:
            problems.append(_("phones: “%(number)s”: %(reason)s") % {"number": number.strip(), "reason": error.message})
    if problems:
        raise ValueError(" ".join(problems))
    return sorted(set(phones))


def _phones_text(phones) -> str:
    return "; ".join(f"{purpose}:{number}" for purpose, number in phones)


def _hours(cell: str, channel: str) -> str:
    if not cell:
        return ""
    try:
        return weekly_hours_to_text(weekly_hours_from_text(cell))
    except ValueError as error:
        raise ValueError(
            _("%(column)s: cannot read “%(value)s” (%(reason)s); write e.g. mon-thu 08:00-15:30; fri 08:00-14:00.")
            % {"column": f"{channel}_hours", "value": cell, "reason": error}
        ) from None


def _email(cell: str) -> str:
    if not cell:
        return ""
    try:
        return email_normalise(cell)
    except IdentityError as error:
        raise ValueError(_("email: “%(value)s”: %(reason)s") % {"value": cell, "reason": error.message}) from None


def _languages(cell: str) -> list[str]:
    languages = [language for language in re.split(r"[\s,]+", cell) if language]
    wrong = [language for language in languages if not _LANGUAGE_RE.match(language)]
    if wrong:
        raise ValueError(
            _("languages: “%(value)s” is not a language code; write codes such as nb en pl, separated by spaces.")
            % {"value": ", ".join(wrong)}
        )
    return languages


def _check(row: PlannedRow, read, *args):
    """``read(*args)``, recording its ValueError on the row; returns None then."""
    try:
        return read(*args)
    except ValueError as error:
        row.errors.append(str(error))
        return None


def _common(row: PlannedRow, data: dict[str, str], present: list[str], municipality) -> None:
    """The columns units and employees share: municipality, name, e-mail, internal_only, phones."""
    if data.get("__width__"):
        row.errors.append(
            _("This row has %(values)s values but the header has %(columns)s columns (check for a stray separator).")
            % {"values": data["__width__"], "columns": len(present)}
        )
    slug = data.get("municipality", "")
    if not slug:
        row.errors.append(_("municipality: required."))
    elif slug != municipality.slug:
        row.errors.append(
            _("municipality: this row is for “%(row)s”, but you are importing into “%(slug)s”.")
            % {"row": slug, "slug": municipality.slug}
        )
    if not row.name:
        row.errors.append(_("name: required."))
    elif len(row.name) > NAME_MAX_LENGTH:
        row.errors.append(_("name: longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH})
    if "email" in present:
        row.values["email"] = _check(row, _email, data.get("email", ""))
    if "internal_only" in present:
        row.values["internal_only"] = _check(row, _yes_no, data.get("internal_only", ""))
    if "phones" in present:
        row.values["phones"] = _check(row, _phones, data.get("phones", ""), municipality.country)


def _compare(row: PlannedRow, current: dict) -> None:
    """Set ``row.action`` and ``row.changes`` from the stored ``current`` values (None: a new entry)."""
    if row.errors:
        return
    if current is None:
        row.action = "new"
        return
    for name, new in row.values.items():
        old = current[name]
        if old != new:
            row.changes.append(Change(field=name, old=_shown(name, old), new=_shown(name, new)))
    row.action = "changed" if row.changes else "unchanged"


def _shown(name: str, value) -> str:
    if name == "phones":
        return _phones_text(value)
    if name == "languages":
        return " ".join(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


# --- units -------------------------------------------------------------------------------------------------------


def _unit_current(unit: Unit) -> dict:
    hours = list(unit.hours.all())
    return {
        "kind": unit.kind,
        "part_of": unit.parent.name if unit.parent_id else "",
        "description": unit.description,
        "email": unit.email,
        "postal_address": unit.postal_address,
        "visiting_address": unit.visiting_address,
        "internal_only": unit.internal_only,
        "phones": sorted((phone.purpose, phone.number) for phone in unit.phones.all()),
        **{f"{channel}_hours": hours_cell(hours, channel) for channel in Channel.values},
    }


def _plan_units(rows, present: list[str], municipality, units: list[Unit]) -> list[PlannedRow]:
    existing = {unit.name: unit for unit in units}
    parents = {unit.name: (unit.parent.name if unit.parent_id else "") for unit in units}
    first_line: dict[str, int] = {}
    for line, data in rows:
        first_line.setdefault(data.get("name", ""), line)
    planned: list[PlannedRow] = []
    for line, data in rows:
        name = data.get("name", "")
        row = PlannedRow(line=line, name=name, existing=existing.get(name))
        _common(row, data, present, municipality)
        if name and first_line[name] != line:
            row.errors.append(
                _("name: “%(name)s” is also on line %(line)s.") % {"name": name, "line": first_line[name]}
            )
        if "kind" in present:
            kind = data.get("kind", "") or (row.existing.kind if row.existing else Unit.Kind.FUNCTION)
            if kind not in Unit.Kind.values:
                row.errors.append(
                    _("kind: “%(kind)s” is not a kind; use %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(Unit.Kind.values)}
                )
            row.values["kind"] = kind
        for column in ("description", "postal_address", "visiting_address"):
            if column in present:
                row.values[column] = data.get(column, "")
        if "part_of" in present:
            parent = data.get("part_of", "")
            if parent == name and parent:
                row.errors.append(_("part_of: a unit cannot be part of itself."))
            elif parent and parent not in existing and first_line.get(parent, line) >= line:
                if parent in first_line:
                    row.errors.append(
                        _("part_of: “%(unit)s” comes later, on line %(line)s; list a unit before its parts.")
                        % {"unit": parent, "line": first_line[parent]}
                    )
                else:
                    row.errors.append(_("part_of: there is no unit “%(unit)s”.") % {"unit": parent})
            elif name:
                parents[name] = parent
                if _circular(name, parents):
                    row.errors.append(_("part_of: “%(unit)s” is already part of this unit.") % {"unit": parent})
            row.values["part_of"] = parent
        for channel in Channel.values:
            column = f"{channel}_hours"
            if column in present:
                row.values[column] = _check(row, _hours, data.get(column, ""), channel)
        _compare(row, _unit_current(row.existing) if row.existing else None)
        planned.append(row)
    return planned


def _circular(name: str, parents: dict[str, str]) -> bool:
    seen, current = {name}, parents.get(name, "")
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current, "")
    return False


# --- employees ---------------------------------------------------------------------------------------------------


def _employee_current(employee: Employee) -> dict:
    return {
        "title": employee.title,
        "unit": employee.unit.name if employee.unit_id else "",
        "email": employee.email,
        "languages": list(employee.languages),
        "handles": employee.handles,
        "internal_only": employee.internal_only,
        "phones": sorted((phone.purpose, phone.number) for phone in employee.phones.all()),
    }


def _plan_employees(
    rows, present: list[str], municipality, units: list[Unit], employees: list[Employee]
) -> list[PlannedRow]:
    unit_names = {unit.name for unit in units}
    by_email: dict[str, list[Employee]] = {}
    by_name_unit: dict[tuple[str, str], list[Employee]] = {}
    for employee in employees:
        if employee.email:
            by_email.setdefault(employee.email.lower(), []).append(employee)
        by_name_unit.setdefault((employee.name, employee.unit.name if employee.unit_id else ""), []).append(employee)
    matched: dict[int, int] = {}  # employee id → line that updates it
    seen_keys: dict[tuple, int] = {}
    planned: list[PlannedRow] = []
    for line, data in rows:
        name = data.get("name", "")
        row = PlannedRow(line=line, name=name)
        _common(row, data, present, municipality)
        if "title" in present:
            row.values["title"] = data.get("title", "")
            if len(row.values["title"]) > TITLE_MAX_LENGTH:
                row.errors.append(_("title: longer than %(max)s characters.") % {"max": TITLE_MAX_LENGTH})
        if "handles" in present:
            row.values["handles"] = data.get("handles", "")
        if "languages" in present:
            row.values["languages"] = _check(row, _languages, data.get("languages", ""))
        unit = data.get("unit", "")
        if "unit" in present:
            if unit and unit not in unit_names:
                row.errors.append(_("unit: there is no unit “%(unit)s”; import the units first.") % {"unit": unit})
            row.values["unit"] = unit
        email = (row.values.get("email") or "").lower()
        candidates = by_email.get(email, []) if email else []
        if len(candidates) != 1:
            candidates = by_name_unit.get((name, unit), []) if "unit" in present else []
            if "unit" not in present:
                candidates = [e for (n, _u), found in by_name_unit.items() if n == name for e in found]
        if len(candidates) > 1:
            row.errors.append(
                _("Several employees are called “%(name)s” here; give each an e-mail address to tell them apart.")
                % {"name": name}
            )
        elif candidates:
            row.existing = candidates[0]
            earlier = matched.setdefault(row.existing.pk, line)
            if earlier != line:
                row.errors.append(_("This is the same person as on line %(line)s.") % {"line": earlier})
        key = ("email", email) if email else ("name", name, unit)
        earlier = seen_keys.setdefault(key, line)
        if earlier != line and not row.existing:
            row.errors.append(_("This is the same person as on line %(line)s.") % {"line": earlier})
        _compare(row, _employee_current(row.existing) if row.existing else None)
        planned.append(row)
    return planned


def decode_upload(data: bytes) -> str:
    """An uploaded file as text: UTF-8, with or without a byte order mark; anything else is refused."""
    if len(data) > MAX_BYTES:
        raise Invalid(_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}, field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            _("The file is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”."), field="file"
        ) from None
