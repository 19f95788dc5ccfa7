"""Postcode areas as people write them: ``5960-5969, 5970`` (ranges and single codes, commas or spaces)."""

import re

from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid

_PART = re.compile(r"^(\d{3,5})(?:\s*[-–]\s*(\d{3,5}))?$")


def parse_postcodes(text: str) -> list[tuple[int, int]]:
    """The ranges in ``text`` (a single code is a range of one); empty text is the whole municipality."""
    ranges = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]+", text))):
        match = _PART.match(part)
        if match is None:
            raise Invalid(
                _("Write postcodes as 5960-5969, 5970: “%(part)s” is neither.") % {"part": part}, field="postcodes"
            )
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first:
            raise Invalid(_("The range %(part)s runs backwards.") % {"part": part}, field="postcodes")
        ranges.append((first, last))
    return ranges


def covers(text: str, postcode: str) -> bool:
    """Whether an area (``postcodes`` text) covers ``postcode``; every postcode when the area is empty."""
    if not text.strip():
        return True
    digits = postcode.strip().replace(" ", "")
    if not digits.isdigit():
        return False
    code = int(digits)
    return any(first <= code <= last for first, last in parse_postcodes(text))
