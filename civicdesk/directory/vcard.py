"""vCard 4.0 (RFC 6350) of an employee or a unit, for address books and phones.

Written here rather than with a library: vobject writes vCard 3.0, and the small 4.0 packages on PyPI fold
lines by characters instead of octets and leave out KIND, LANG and tel: URIs. The format is small: escaped
text values, CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character.

Internal-only numbers (and internal-only entries' numbers) are left out unless ``include_internal``: the
card is for staff, citizens never get what is only for staff.
"""

import re
import uuid
from datetime import UTC

from django.utils import translation

from civicdesk.directory.csv_formats import hours_cell
from civicdesk.directory.models import Channel, Employee, PhoneNumber, Unit

LINE_OCTETS = 75
PRODID = "-//civicdesk//directory//EN"

TEL_TYPES = {
    PhoneNumber.Purpose.MAIN: "work,voice",
    PhoneNumber.Purpose.QUEUE: "work,voice",
    PhoneNumber.Purpose.DIRECT: "work,voice",
    PhoneNumber.Purpose.MOBILE: "work,cell",
}
# The number to call first gets PREF=1: a unit's queue, a person's direct line.
UNIT_ORDER = ("queue", "main", "direct", "mobile")
PERSON_ORDER = ("direct", "mobile", "main", "queue")
_POSTCODE_LINE = re.compile(r"^(?:[A-Z]{1,2}-)?(\d{3}\s?\d{1,2})\s+(.+)$")


def escape(value: str) -> str:
    """A TEXT value: backslash, comma, semicolon and line breaks escaped (RFC 6350 §3.4)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into pieces of at most 75 octets, each continuation starting with a space."""
    pieces, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n".join(pieces)


def _card(properties: list[str]) -> str:
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"PRODID:{PRODID}", *properties, "END:VCARD"]
    return "".join(fold(line) + "\r\n" for line in lines)


def _uid(kind: str, pk: int) -> str:
    return f"UID:urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'civicdesk:{kind}:{pk}')}"


def _rev(entry) -> list[str]:
    return [f"REV:{entry.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"] if entry.updated_at else []


def _tels(phones, include_internal: bool, order: tuple[str, ...]) -> list[str]:
    phones = sorted(phones, key=lambda phone: order.index(phone.purpose) if phone.purpose in order else len(order))
    return [
        f'TEL;VALUE=uri;TYPE="{TEL_TYPES.get(phone.purpose, "work,voice")}"'
        + (";PREF=1" if index == 0 else "")
        + f":tel:{phone.number}"
        for index, phone in enumerate(p for p in phones if include_internal or not p.internal_only)
    ]


def _adr(text: str, pref: bool) -> str:
    """A free-text address as ADR: the last line read as postcode and place when it looks like one."""
    lines = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
    code = locality = ""
    match = _POSTCODE_LINE.match(lines[-1]) if len(lines) > 1 else None
    if match:
        code, locality = match.groups()
        lines = lines[:-1]
    street = "\n".join(lines)
    parameters = ";TYPE=work" + (";PREF=1" if pref else "")
    return f"ADR{parameters}:;;{escape(street)};{escape(locality)};;{escape(code)};"


def employee_vcard(employee: Employee, *, include_internal: bool) -> str:
    """An employee (with municipality, unit and phones loaded) as a vCard."""
    parts = employee.name.split()
    family, given = (parts[-1], " ".join(parts[:-1])) if len(parts) > 1 else (employee.name, "")
    organisation = [employee.municipality.name] + ([employee.unit.name] if employee.unit_id else [])
    properties = [
        "KIND:individual",
        _uid("employee", employee.pk),
        f"FN:{escape(employee.name)}",
        f"N:{escape(family)};{escape(given)};;;",
        "ORG:" + ";".join(escape(name) for name in organisation),
    ]
    if employee.title:
        properties.append(f"TITLE:{escape(employee.title)}")
    if employee.email:
        properties.append(f"EMAIL;TYPE=work:{escape(employee.email)}")
    if include_internal or not employee.internal_only:
        properties += _tels(employee.phones.all(), include_internal, PERSON_ORDER)
    properties += [f"LANG;PREF={rank}:{language}" for rank, language in enumerate(employee.languages, start=1)]
    if employee.handles:
        properties.append(f"NOTE:{escape(employee.handles)}")
    return _card(properties + _rev(employee))


def unit_vcard(unit: Unit, *, include_internal: bool) -> str:
    """A unit (with municipality, phones and hours loaded) as a vCard of KIND org."""
    properties = [
        "KIND:org",
        _uid("unit", unit.pk),
        f"FN:{escape(unit.name)}",
        f"ORG:{escape(unit.municipality.name)};{escape(unit.name)}",
    ]
    if unit.email:
        properties.append(f"EMAIL;TYPE=work:{escape(unit.email)}")
    if include_internal or not unit.internal_only:
        properties += _tels(unit.phones.all(), include_internal, UNIT_ORDER)
    if unit.visiting_address.strip():
        properties.append(_adr(unit.visiting_address, pref=False))
    if unit.postal_address.strip():
        properties.append(_adr(unit.postal_address, pref=True))
    hours = list(unit.hours.all())
    note = [unit.description.strip()] if unit.description.strip() else []
    with translation.override(unit.municipality.language):  # the card speaks the municipality's language
        for channel in Channel:
            cell = hours_cell(hours, channel.value)
            if cell:
                note.append(f"{channel.label}: {cell}")
    if note:
        properties.append(f"NOTE:{escape(chr(10).join(note))}")
    return _card(properties + _rev(unit))
