"""Every page in Danish, Swedish and Norwegian Bokmål: the catalogues are complete, nothing is left fuzzy,
and the compiled .mo files that ship say the same as the .po files."""

import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ("da", "sv", "nb")


def _entries(po_text: str):
    """(msgid, msgstr or plural forms, is_fuzzy) for each entry, the header left out."""
    for block in po_text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            translations = [v for k, v in fields.items() if k.startswith("msgstr")]
            yield fields["msgid"], fields.get("msgid_plural"), translations, fuzzy, fields.get("msgctxt")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_nothing_is_fuzzy(language):
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    untranslated = [msgid for msgid, _p, strs, _f, _c in _entries(po) if not all(s.strip() for s in strs)]
    fuzzy = [msgid for msgid, _p, _s, is_fuzzy, _c in _entries(po) if is_fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = (folder / "django.po").read_text(encoding="utf-8")
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for msgid, plural, strs, _fuzzy, context in _entries(po):
        if plural:
            got = compiled.npgettext(context, msgid, plural, 1) if context else compiled.ngettext(msgid, plural, 1)
        else:
            got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        if got != strs[0]:
            stale.append(msgid)
    assert stale == [], "run: make compile-messages"
