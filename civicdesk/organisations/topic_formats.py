"""Read and write topic taxonomies in the formats municipalities already have.

Three formats, all turned into the same list of :class:`TopicRecord` (parents always before
their children), so that whatever imports topics only has to know one shape:

``parse_topics_csv`` / ``write_topics_csv``
    civicdesk's own CSV (the shipped ``data/default_topics.csv`` uses it). One topic a row,
    columns ``key,parent_key,name_en,name_da,name_sv,name_nb,kle,los_uri,notes``; UTF-8 and
    RFC 4180 quoting. Mistakes raise :class:`TopicFormatError` naming the line.

``parse_kle_xml``
    A Danish municipality's own copy of KL's KLE emneplan XML (root ``KLE-Emneplan``, with
    ``Hovedgruppe`` > ``Gruppe`` > ``Emne``, each with ``…Nr`` and ``…Titel`` child elements,
    e.g. ``<HovedgruppeNr>02</HovedgruppeNr>``). Keys become ``kle-02``, ``kle-02-34``,
    ``kle-02-34-02``; the Danish title is the only name. Only the numbers and titles are read:
    guidance texts and legal references are left in the file.

``parse_los_skos``
    Norway's LOS vocabulary as SKOS in RDF/XML (``psi.norge.no/los/all.rdf``): themes
    (``…/los/tema/…``) form the hierarchy through ``skos:broader``; words (``…/los/ord/…``) are
    optional leaves under their first theme.

Uploaded XML is untrusted, so it is only ever parsed with ``defusedxml``. Nothing here touches
Django or the database.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

if TYPE_CHECKING:  # only for annotations; parsing always goes through defusedxml
    from xml.etree.ElementTree import Element

__all__ = [
    "CSV_COLUMNS",
    "LANGUAGES",
    "TopicFormatError",
    "TopicRecord",
    "parse_kle_xml",
    "parse_los_skos",
    "parse_topics_csv",
    "write_topics_csv",
]

LANGUAGES = ("en", "da", "sv", "nb")
CSV_COLUMNS = ("key", "parent_key", "name_en", "name_da", "name_sv", "name_nb", "kle", "los_uri", "notes")

# The same limits as the Topic model, so that whatever parses here also saves.
KEY_MAX_LENGTH = 80
NAME_MAX_LENGTH = 160
KLE_MAX_LENGTH = 20
LOS_URI_MAX_LENGTH = 300

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URI_RE = re.compile(r"^https?://\S+$")
_KLE_NUMBER_RE = re.compile(r"^\d{2}(?:\.\d{2}){0,2}$")

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"


class TopicFormatError(ValueError):
    """A topic file that cannot be read; ``line`` is the 1-based line number when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"Line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class TopicRecord:
    """One topic as read from a file. ``names`` maps "en", "da", "sv" or "nb" to a name."""

    key: str
    parent_key: str | None
    names: dict[str, str] = field(default_factory=dict)
    kle: str = ""
    los_uri: str = ""
    notes: str = ""


# --- civicdesk CSV -----------------------------------------------------------------------------


def parse_topics_csv(text: str, outside_parents: bool = False) -> list[TopicRecord]:
    """Read civicdesk's topic CSV. Raises :class:`TopicFormatError` on the first problem found.

    With ``outside_parents`` a parent key not defined in the file is accepted: a municipality's own topics
    may hang under topics of the shared set, which the importer then looks up.
    """
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] | None = None
    header_line = 1
    rows: list[tuple[int, dict[str, str]]] = []
    previous_end = 0
    try:
        for fields in reader:
            line = previous_end + 1  # where this record starts (a quoted value may span lines)
            previous_end = reader.line_num
            if not any(value.strip() for value in fields):
                continue
            if header is None:
                header, header_line = [value.strip().lower() for value in fields], line
                _check_header(header, header_line)
                continue
            if len(fields) != len(header):
                raise TopicFormatError(
                    f"this row has {len(fields)} values but the header has {len(header)} columns "
                    "(check for a missing or extra comma, or an unclosed quote)",
                    line=line,
                )
            rows.append((line, {name: value.strip() for name, value in zip(header, fields, strict=True)}))
    except csv.Error as error:
        raise TopicFormatError(f"this is not valid CSV ({error})", line=reader.line_num or 1) from error
    if header is None:
        raise TopicFormatError("the file is empty; the first line must be the header " + ",".join(CSV_COLUMNS))

    defined_at: dict[str, int] = {}
    for line, row in rows:
        key = row["key"]
        if key and key not in defined_at:
            defined_at[key] = line

    records: list[TopicRecord] = []
    seen: set[str] = set()
    for line, row in rows:
        record = TopicRecord(
            key=row["key"],
            parent_key=row["parent_key"] or None,
            names={language: row[f"name_{language}"] for language in LANGUAGES if row[f"name_{language}"]},
            kle=row["kle"],
            los_uri=row["los_uri"],
            notes=row["notes"],
        )
        _check_record(record, seen, defined_at, line, outside_parents=outside_parents)
        seen.add(record.key)
        records.append(record)
    return records


def write_topics_csv(records: Iterable[TopicRecord], outside_parents: bool = False) -> str:
    """Write records as civicdesk's topic CSV (CRLF line ends, RFC 4180 quoting).

    The records are checked the same way as when reading, so what this writes always reads back
    to the same records.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        _check_record(
            record,
            seen,
            None,
            None,
            where=f"Topic {number} ({record.key or 'no key'}): ",
            outside_parents=outside_parents,
        )
        seen.add(record.key)
        writer.writerow(
            [
                record.key,
                record.parent_key or "",
                *(record.names.get(language, "") for language in LANGUAGES),
                record.kle,
                record.los_uri,
                record.notes,
            ]
        )
    return buffer.getvalue()


def _check_header(header: list[str], line: int) -> None:
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise TopicFormatError(
            f"the header is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(expected {','.join(CSV_COLUMNS)})",
            line=line,
        )
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    if repeated:
        raise TopicFormatError(f"the header repeats the column {', '.join(repeated)}", line=line)


def _check_record(
    record: TopicRecord,
    seen: set[str],
    defined_at: dict[str, int] | None,
    line: int | None,
    where: str = "",
    outside_parents: bool = False,
) -> None:
    """Raise TopicFormatError for the first thing wrong with ``record``; ``seen`` holds earlier keys."""

    def fail(message: str) -> NoReturn:
        raise TopicFormatError(where + message, line=line)

    key = record.key
    if not key:
        fail("the key is empty; every topic needs a key such as building-permits")
    if not _KEY_RE.match(key):
        fail(
            f"the key {key!r} may only use lowercase letters a-z, digits and hyphens, "
            "and must start with a letter or digit"
        )
    if len(key) > KEY_MAX_LENGTH:
        fail(f"the key {key!r} is longer than {KEY_MAX_LENGTH} characters")
    if key in seen:
        earlier = defined_at.get(key) if defined_at else None
        fail(f"the key {key!r} is used twice" + (f" (first on line {earlier})" if earlier else ""))
    parent = record.parent_key
    if parent is not None:
        if parent == key:
            fail(f"the topic {key!r} names itself as its parent")
        if parent not in seen:
            later = defined_at.get(parent) if defined_at else None
            if later:
                fail(
                    f"the parent {parent!r} of {key!r} comes later, on line {later}; "
                    "parents must come before their children"
                )
            if not outside_parents:
                fail(f"the parent {parent!r} of {key!r} is not a topic defined above")
    unknown = sorted(set(record.names) - set(LANGUAGES))
    if unknown:
        fail(f"the topic {key!r} has names in unsupported languages: {', '.join(unknown)}")
    if not any(name.strip() for name in record.names.values()):
        fail(f"the topic {key!r} has no name at all; fill in at least one of name_en, name_da, name_sv, name_nb")
    for language, name in record.names.items():
        if len(name) > NAME_MAX_LENGTH:
            fail(f"the {language} name of {key!r} is longer than {NAME_MAX_LENGTH} characters")
    if len(record.kle) > KLE_MAX_LENGTH:
        fail(f"the kle reference of {key!r} is longer than {KLE_MAX_LENGTH} characters; give one number")
    if record.los_uri and not _URI_RE.match(record.los_uri):
        fail(f"the los_uri of {key!r} must be a single http(s) URI, not {record.los_uri!r}")
    if len(record.los_uri) > LOS_URI_MAX_LENGTH:
        fail(f"the los_uri of {key!r} is longer than {LOS_URI_MAX_LENGTH} characters")


# --- shared XML helpers ------------------------------------------------------------------------


def _parse_xml(data: bytes | str, what: str) -> Element:
    try:
        return SafeElementTree.fromstring(data)
    except DefusedXmlException as error:
        raise TopicFormatError(
            f"the {what} file uses XML entities or external references, which are not accepted ({error})"
        ) from error
    except SafeElementTree.ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        raise TopicFormatError(f"the {what} file is not well-formed XML ({error.msg})", line=line) from error


def _local(tag: Any) -> str:
    """The element name without namespace, lowercased (comments and PIs give "")."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _child(element: Element, *names: str) -> Element | None:
    wanted = {name.lower() for name in names}
    for child in element:
        if _local(child.tag) in wanted:
            return child
    return None


def _attribute(element: Element, *names: str) -> str:
    wanted = {name.lower() for name in names}
    for name, value in element.attrib.items():
        if _local(name) in wanted:
            return value.strip()
    return ""


# --- KLE emneplan XML --------------------------------------------------------------------------

# KL's element names; the variants are accepted so that hand-edited or older copies also load.
_KLE_LEVELS = {"hovedgruppe": 1, "gruppe": 2, "emne": 3}
_KLE_NUMBER_NAMES = ("nr", "nummer")
_KLE_TITLE_NAMES = ("titel", "title", "navn")


def parse_kle_xml(data: bytes, max_depth: int = 3, include_expired: bool = False) -> list[TopicRecord]:
    """Read a KLE emneplan XML file into topics: main groups, their groups and (depth 3) subjects.

    ``max_depth`` 1 keeps only main groups (``Hovedgruppe``), 2 adds groups (``Gruppe``) and 3
    adds subjects (``Emne``). Entries KL has retired (``…AdministrativInfo/Historisk`` with an
    ``UdgaaetDato`` that has passed, or ``Flyttet``) are left out unless ``include_expired``.
    The number decides the parent (``02.34.02`` goes under ``02.34``); when a number appears twice
    the first one wins. Names are ``{"da": title}``, ``kle`` is the number.
    """
    if max_depth not in (1, 2, 3):
        raise ValueError("max_depth must be 1, 2 or 3")
    root = _parse_xml(data, "KLE")
    found: dict[str, TopicRecord] = {}
    retired: set[str] = set()
    for element in root.iter():
        name = _local(element.tag)
        level = _KLE_LEVELS.get(name)
        if level is None or level > max_depth:
            continue
        number = _kle_value(element, name, _KLE_NUMBER_NAMES)
        if not number:
            raise TopicFormatError(f"a KLE <{element.tag}> element has no number ({name.capitalize()}Nr)")
        number = number.replace(" ", "")
        if not _KLE_NUMBER_RE.match(number) or number.count(".") + 1 != level:
            raise TopicFormatError(
                f"the KLE number {number!r} does not fit a {name.capitalize()} (expected e.g. 02, 02.34 or 02.34.02)"
            )
        if number in found or number in retired:
            continue
        if not include_expired and _kle_is_retired(element, name):
            retired.add(number)
            continue
        title = _kle_value(element, name, _KLE_TITLE_NAMES)
        if not title:
            raise TopicFormatError(f"the KLE entry {number} has no title ({name.capitalize()}Titel)")
        parent_number = number.rpartition(".")[0] or None
        found[number] = TopicRecord(
            key=_kle_key(number),
            parent_key=_kle_key(parent_number) if parent_number else None,
            names={"da": title[:NAME_MAX_LENGTH]},
            kle=number,
        )

    records: list[TopicRecord] = []
    for number in sorted(found, key=lambda n: tuple(int(part) for part in n.split("."))):
        record = found[number]
        parent_number = number.rpartition(".")[0]
        if parent_number and parent_number not in found:
            if parent_number in retired or _any_ancestor_retired(parent_number, retired):
                continue  # under a retired group: retired with it
            raise TopicFormatError(f"the KLE entry {number} has no parent entry {parent_number} in the file")
        records.append(record)
    if not records:
        raise TopicFormatError(
            "no KLE main groups (Hovedgruppe with HovedgruppeNr and HovedgruppeTitel) were found; "
            "is this a KLE emneplan XML file?"
        )
    return records


def _kle_key(number: str) -> str:
    return "kle-" + number.replace(".", "-")


def _kle_value(element: Element, level_name: str, suffixes: tuple[str, ...]) -> str:
    """``<HovedgruppeNr>`` style child, else a bare ``<Nr>``/``<Titel>`` child, else an attribute."""
    names = [level_name + suffix for suffix in suffixes] + list(suffixes)
    child = _child(element, *names)
    if child is not None:
        return _text(child)
    return " ".join(_attribute(element, *names).split())


def _kle_is_retired(element: Element, level_name: str) -> bool:
    info = _child(element, level_name + "administrativinfo", "administrativinfo")
    history = _child(info, "historisk") if info is not None else None
    if history is None:
        return False
    if _child(history, "flyttet") is not None:
        return True
    gone = _text(_child(history, "udgaaetdato", "udgåetdato"))
    if not gone:
        return False
    try:
        return date.fromisoformat(gone[:10]) <= date.today()
    except ValueError:
        return True


def _any_ancestor_retired(number: str, retired: set[str]) -> bool:
    while number:
        if number in retired:
            return True
        number = number.rpartition(".")[0]
    return False


# --- LOS (SKOS in RDF/XML) ---------------------------------------------------------------------

_NO_LABEL = {"", "*"}  # LOS writes "*" where a translation is still missing


@dataclass
class _Concept:
    uri: str
    order: int
    labels: dict[str, str] = field(default_factory=dict)
    broader: list[str] = field(default_factory=list)


def parse_los_skos(data: bytes, include_words: bool = False) -> list[TopicRecord]:
    """Read LOS (SKOS in RDF/XML) into topics: its themes, and with ``include_words`` its words.

    Themes are the concepts whose URI contains ``/los/tema/``; each goes under its first
    ``skos:broader`` theme in the file (a theme without one is a top-level topic). Keys are
    ``los-`` plus the last URI segment made ASCII (``…/tema/bygg-og-eiendom`` →
    ``los-bygg-og-eiendom``). Words (``/los/ord/``) get ``los-ord-`` keys, and go under their
    first broader theme; a word without one is left out. Names: Bokmål (else Nynorsk) as "nb",
    English as "en" when LOS has it. ``los_uri`` is the concept URI.
    """
    root = _parse_xml(data, "LOS")
    concepts: dict[str, _Concept] = {}
    for element in root.iter():
        uri = element.get(f"{{{_RDF}}}about", "").strip()
        if not uri or ("/los/tema/" not in uri and "/los/ord/" not in uri):
            continue
        concept = concepts.setdefault(uri, _Concept(uri=uri, order=len(concepts)))
        for prop in element:
            if not isinstance(prop.tag, str) or not prop.tag.startswith(f"{{{_SKOS}}}"):
                continue
            name = prop.tag[len(_SKOS) + 2 :]
            if name == "prefLabel":
                language = prop.get(_XML_LANG) or element.get(_XML_LANG) or root.get(_XML_LANG) or ""
                language = language.lower().split("-")[0]
                label = _text(prop)
                if language and label not in _NO_LABEL:
                    concept.labels.setdefault(language, label)
            elif name == "broader":
                target = prop.get(f"{{{_RDF}}}resource", "").strip()
                if not target:  # a nested node element instead of rdf:resource
                    nested = next(iter(prop), None)
                    target = nested.get(f"{{{_RDF}}}about", "").strip() if nested is not None else ""
                if target and target not in concept.broader:
                    concept.broader.append(target)

    themes = {uri: c for uri, c in concepts.items() if "/los/tema/" in uri and _los_names(c)}
    if not themes:
        raise TopicFormatError(
            "no LOS themes (skos concepts with /los/tema/ URIs and a prefLabel) were found; "
            "is this the LOS RDF/XML file?"
        )

    parent_of: dict[str, str | None] = {}
    for uri, concept in themes.items():
        parent_of[uri] = next((b for b in concept.broader if b in themes and b != uri), None)
    _break_cycles(parent_of)

    children: dict[str | None, list[str]] = {}
    for uri in sorted(themes, key=lambda u: themes[u].order):
        children.setdefault(parent_of[uri], []).append(uri)
    if include_words:
        words = sorted(
            (c for uri, c in concepts.items() if "/los/ord/" in uri and _los_names(c)),
            key=lambda c: c.order,
        )
        for word in words:
            theme = next((b for b in word.broader if b in themes), None)
            if theme is not None:
                children.setdefault(theme, []).append(word.uri)

    records: list[TopicRecord] = []
    keys: dict[str, str] = {}
    used: set[str] = set()
    stack = list(reversed(children.get(None, [])))
    while stack:  # depth-first, so each theme's subtree follows it
        uri = stack.pop()
        concept = concepts[uri]
        is_word = "/los/ord/" in uri
        key = _unique_key(("los-ord-" if is_word else "los-") + _slug(uri.rstrip("/").rsplit("/", 1)[-1]), used)
        keys[uri] = key
        used.add(key)
        parent = parent_of.get(uri) if not is_word else next(b for b in concept.broader if b in themes)
        records.append(
            TopicRecord(
                key=key,
                parent_key=keys[parent] if parent else None,
                names=_los_names(concept),
                los_uri=uri[:LOS_URI_MAX_LENGTH],
            )
        )
        stack.extend(reversed(children.get(uri, [])))
    return records


def _los_names(concept: _Concept) -> dict[str, str]:
    names: dict[str, str] = {}
    if "en" in concept.labels:
        names["en"] = concept.labels["en"][:NAME_MAX_LENGTH]
    norwegian = concept.labels.get("nb") or concept.labels.get("no") or concept.labels.get("nn")
    if norwegian:
        names["nb"] = norwegian[:NAME_MAX_LENGTH]
    return names


def _break_cycles(parent_of: dict[str, str | None]) -> None:
    """Make a theme top-level where following broader links would go round in a circle."""
    for start in list(parent_of):
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in path:
            path.append(node)
            node = parent_of[node]
        if node is not None:  # came back to a node already on the path
            parent_of[node] = None


_ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "œ": "oe", "ß": "ss", "ð": "d", "þ": "th", "đ": "d"})


def _slug(text: str) -> str:
    text = unquote(text).lower().translate(_ASCII_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "topic"


def _unique_key(key: str, used: set[str]) -> str:
    key = key[:KEY_MAX_LENGTH].rstrip("-")
    candidate, number = key, 2
    while candidate in used:
        suffix = f"-{number}"
        candidate = key[: KEY_MAX_LENGTH - len(suffix)] + suffix
        number += 1
    return candidate


FORMATS = ("csv", "kle", "los")


def parse_topics(
    format: str, data: bytes, *, outside_parents: bool = True, los_words: bool = False
) -> list[TopicRecord]:
    """Parse an uploaded taxonomy in one of ``FORMATS``; every door (page, API, command) comes through here."""
    if format == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TopicFormatError("the CSV file is not UTF-8 text") from None
        return parse_topics_csv(text, outside_parents=outside_parents)
    if format == "kle":
        return parse_kle_xml(data)
    if format == "los":
        return parse_los_skos(data, include_words=los_words)
    raise TopicFormatError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
