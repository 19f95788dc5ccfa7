"""The two formats articles travel in: a folder of Markdown files with YAML front matter, and JSON Lines. Reading
gives plain ``ArticleRecord``s and every problem found, as ``(where, message)`` with ``where`` a file name or
``line N``; nothing here touches the database (matching a municipality or a topic is the import service's job).

Markdown file::

    ---
    slug: housing-benefit        # optional: the file name without .md (made slug-safe) when missing
    title: Housing benefit
    language: nb                 # da, sv, nb, nn or en
    topics: [Housing, Benefits]  # or one topic as text
    audience: public             # public (when missing), internal or agents
    municipality: gulen          # slug or name; missing or null: shared by the centre
    ---
    Body in Markdown.

JSON Lines, one article per line (blank lines skipped): ``{"id", "title", "body", "language", "topic",
"municipality"}`` plus an optional ``"audience"``; ``id`` is the slug and ``topic`` is text or a list.

The slug comes from the front matter, else from the file name and never from the title: re-importing updates an
article by slug, so retitling an article in its file must not turn it into a new one.

Both readers are strict about keys: an unknown key (``municipalty``) is reported rather than ignored, because a
misspelt municipality would otherwise quietly publish a local article to the whole centre. Bodies are normalised
(line ends to LF, leading blank lines and trailing white space removed), so writing records and reading them back
gives equal records."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import frontmatter
import yaml
from django.utils.text import slugify
from django.utils.translation import gettext as _

LANGUAGES = ("da", "sv", "nb", "nn", "en")
AUDIENCES = ("public", "internal", "agents")
DEFAULT_AUDIENCE = "public"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
TITLE_MAX_LENGTH = 200
MARKDOWN_SUFFIXES = (".md", ".markdown")
FRONT_MATTER_KEYS = ("slug", "title", "language", "topics", "audience", "municipality")
JSON_LINES_KEYS = ("id", "title", "body", "language", "topic", "audience", "municipality")
# Letters slugify would drop rather than fold to ASCII.
_NORDIC_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th"})


@dataclass
class ArticleRecord:
    """One article as it is in a file, before the import matches its municipality and topics."""

    slug: str
    title: str
    body: str
    language: str
    topics: list[str] = field(default_factory=list)
    audience: str = DEFAULT_AUDIENCE
    municipality: str | None = None
    # Where it was read from, for messages; not part of the article, so records compare equal without it.
    line_or_file: str = field(default="", compare=False)


class Problem(NamedTuple):
    where: str
    message: str


# Reading


def _decode(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")  # UnicodeDecodeError is reported by the callers
    return text.removeprefix("\ufeff")


def normalise_body(body: str) -> str:
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()


def slug_from_name(name: str) -> str:
    """A slug for a file name without one in its front matter: ``Bostøtte søknad.md`` → ``bostotte-soknad``."""
    stem = Path(name).name
    for suffix in MARKDOWN_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return slugify(stem.translate(_NORDIC_LETTERS))[:80].strip("-")


def _text(value: Any, key: str, problems: list[str], *, required: bool) -> str | None:
    """The stripped text of ``value``; a problem when it is not text (YAML reads ``yes`` or ``0301`` as other
    things) or, when ``required``, empty."""
    if value is None or value == "":
        if required:
            problems.append(_("%(key)s: required.") % {"key": key})
        return None
    if not isinstance(value, str):
        problems.append(_("%(key)s: must be text; put it in quotes.") % {"key": key})
        return None
    value = value.strip()
    if required and not value:
        problems.append(_("%(key)s: required.") % {"key": key})
    return value or None


def _topics(value: Any, key: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        problems.append(_("%(key)s: must be text or a list of texts.") % {"key": key})
        return []
    topics = [item.strip() for item in items]
    if not all(topics) and not isinstance(value, str):
        problems.append(_("%(key)s: a topic is empty.") % {"key": key})
    return list(dict.fromkeys(topic for topic in topics if topic))


def _record(
    data: dict, body: Any, *, slug_key: str, topics_key: str, where: str, default_slug: str = ""
) -> tuple[ArticleRecord | None, list[Problem]]:
    """An ``ArticleRecord`` from one file's or line's keys, or ``None``, and the problems with it."""
    problems: list[str] = []
    allowed = JSON_LINES_KEYS if slug_key == "id" else FRONT_MATTER_KEYS
    unknown = [str(key) for key in data if key not in allowed]
    if unknown:
        problems.append(
            _("Unknown key(s) %(keys)s; the keys are %(allowed)s.")
            % {"keys": ", ".join(unknown), "allowed": ", ".join(allowed)}
        )

    raw_slug = data.get(slug_key)
    if slug_key == "id" and isinstance(raw_slug, int) and not isinstance(raw_slug, bool):
        raw_slug = str(raw_slug)  # other systems number their articles
    slug = _text(raw_slug, slug_key, problems, required=not default_slug) or default_slug
    if slug and not SLUG_RE.match(slug):
        problems.append(
            _("%(key)s: “%(slug)s” is not a short name; use up to 80 small letters a-z, digits and hyphens.")
            % {"key": slug_key, "slug": slug}
        )

    title = _text(data.get("title"), "title", problems, required=True)
    if title and len(title) > TITLE_MAX_LENGTH:
        problems.append(_("title: longer than %(max)s characters.") % {"max": TITLE_MAX_LENGTH})
    elif title and "\n" in title:
        problems.append(_("title: must be one line."))

    if body is not None and not isinstance(body, str):
        problems.append(_("body: must be text."))
    elif not (body or "").strip():
        problems.append(_("body: required."))

    language = _text(data.get("language"), "language", problems, required=True)
    language = language.lower() if language else language
    if language and language not in LANGUAGES:
        problems.append(
            _("language: “%(value)s” is not one of %(languages)s.")
            % {"value": language, "languages": ", ".join(LANGUAGES)}
        )

    audience = _text(data.get("audience"), "audience", problems, required=False) or DEFAULT_AUDIENCE
    audience = audience.lower()
    if audience not in AUDIENCES:
        problems.append(
            _("audience: “%(value)s” is not one of %(audiences)s.")
            % {"value": audience, "audiences": ", ".join(AUDIENCES)}
        )

    topics = _topics(data.get(topics_key), topics_key, problems)
    municipality = _text(data.get("municipality"), "municipality", problems, required=False)

    if problems:
        return None, [Problem(where, message) for message in problems]
    record = ArticleRecord(
        slug=slug,
        title=title,
        body=normalise_body(body),
        language=language,
        topics=topics,
        audience=audience,
        municipality=municipality,
        line_or_file=where,
    )
    return record, []


def _without_duplicates(records: list[ArticleRecord], problems: list[Problem]) -> list[ArticleRecord]:
    """One record per slug and scope: a municipality's row may share a slug with a shared one (its local
    variant), not with another row of the same scope."""
    first: dict[tuple[str, str], str] = {}
    kept = []
    for record in records:
        scope = (record.slug, (record.municipality or "").strip().casefold())
        if scope in first:
            problems.append(
                Problem(
                    record.line_or_file,
                    _("The short name “%(slug)s” is also used by %(other)s.")
                    % {"slug": record.slug, "other": first[scope]},
                )
            )
        else:
            first[scope] = record.line_or_file
            kept.append(record)
    return kept


def _where_order(problem: Problem) -> tuple:
    match = re.fullmatch(r"line (\d+)", problem.where)
    return (int(match.group(1)), "") if match else (0, problem.where)


def read_markdown_file(name: str, text: str | bytes) -> tuple[ArticleRecord | None, list[Problem]]:
    """One Markdown file with YAML front matter; ``name`` is used in messages and, without a ``slug`` key, as the
    slug."""
    try:
        text = _decode(text)
    except UnicodeDecodeError:
        return None, [Problem(name, _("The file is not UTF-8 text."))]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        return None, [Problem(name, _("The file must start with front matter: a line ---, the keys, a line ---."))]
    try:
        front, body = handler.split(text)
    except ValueError:
        return None, [Problem(name, _("The front matter has no closing --- line."))]
    try:
        data = handler.load(front) or {}
    except yaml.YAMLError as error:
        # Where the broken construct began (an unclosed [) says more than where YAML gave up (the end).
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        if mark is not None:
            # The front matter text starts with the line break after the opening ---, so YAML's 0-based line
            # numbers plus one are the file's line numbers.
            message = _("The front matter is not valid YAML at line %(line)s: %(reason)s.") % {
                "line": mark.line + 1,
                "reason": reason,
            }
        else:
            message = _("The front matter is not valid YAML: %(reason)s.") % {"reason": reason}
        return None, [Problem(name, message)]
    if not isinstance(data, dict):
        return None, [Problem(name, _("The front matter must be keys with values (key: value), one per line."))]
    if "body" in data:
        return None, [Problem(name, _("Unknown key(s) body; the body goes after the front matter."))]
    return _record(
        data,
        body,
        slug_key="slug",
        topics_key="topics",
        where=name,
        default_slug=slug_from_name(name),
    )


def read_markdown_files(files: dict[str, str | bytes]) -> tuple[list[ArticleRecord], list[Problem]]:
    """Markdown files by name (an upload); files are read in name order, so messages come in a stable order."""
    records, problems = [], []
    if not files:
        return [], [Problem("", _("There are no Markdown files to import."))]
    for name in sorted(files):
        record, found = read_markdown_file(name, files[name])
        problems.extend(found)
        if record:
            records.append(record)
    records = _without_duplicates(records, problems)
    problems.sort(key=lambda problem: problem.where)
    return records, problems


def read_markdown_folder(path: str | Path) -> tuple[list[ArticleRecord], list[Problem]]:
    """Every ``.md`` (or ``.markdown``) file in the folder and its sub-folders, skipping hidden ones; each is named
    by its path inside the folder."""
    folder = Path(path)
    if not folder.is_dir():
        return [], [Problem(str(path), _("There is no folder here."))]
    files = {
        file.relative_to(folder).as_posix(): file.read_bytes()
        for file in folder.rglob("*")
        if file.is_file()
        and file.suffix.lower() in MARKDOWN_SUFFIXES
        and not any(part.startswith(".") for part in file.relative_to(folder).parts)
    }
    if not files:
        return [], [Problem(str(path), _("There are no Markdown files (.md) in this folder."))]
    return read_markdown_files(files)


def read_json_lines(text: str | bytes) -> tuple[list[ArticleRecord], list[Problem]]:
    """One JSON object per line; blank lines are skipped, line numbers count every line from 1."""
    try:
        text = _decode(text)
    except UnicodeDecodeError:
        return [], [Problem("line 1", _("The file is not UTF-8 text."))]
    records, problems = [], []
    # Split on line feeds only: JSON strings may hold U+2028, which str.splitlines() would split on.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(where, _("Not valid JSON: %(reason)s.") % {"reason": error.msg}))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(where, _("Each line must be one JSON object {…}.")))
            continue
        record, found = _record(data, data.get("body"), slug_key="id", topics_key="topic", where=where)
        problems.extend(found)
        if record:
            records.append(record)
    if not records and not problems:
        problems.append(Problem("line 1", _("The file has no articles.")))
    records = _without_duplicates(records, problems)
    problems.sort(key=_where_order)
    return records, problems


# Writing


def markdown_file(record: ArticleRecord) -> tuple[str, str]:
    """The file name (``<slug>.md``) and text of one article."""
    front = {
        "slug": record.slug,
        "title": record.title,
        "language": record.language,
        "topics": list(record.topics),
        "audience": record.audience,
        "municipality": record.municipality,
    }
    yaml_text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"{record.slug}.md", f"---\n{yaml_text}---\n\n{normalise_body(record.body)}\n"


def write_markdown_folder(records: list[ArticleRecord], path: str | Path) -> list[Path]:
    """One ``<slug>.md`` file per article in the folder (made when missing); other files are left alone."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for record in records:
        name, text = markdown_file(record)
        file = folder / name
        file.write_text(text, encoding="utf-8", newline="\n")
        written.append(file)
    return written


def json_line(record: ArticleRecord) -> str:
    topic: str | list[str] = record.topics[0] if len(record.topics) == 1 else list(record.topics)
    return json.dumps(
        {
            "id": record.slug,
            "title": record.title,
            "body": normalise_body(record.body),
            "language": record.language,
            "topic": topic,
            "audience": record.audience,
            "municipality": record.municipality,
        },
        ensure_ascii=False,
    )


def write_json_lines(records: list[ArticleRecord]) -> str:
    """One JSON object per line, UTF-8 as is (no ``\\u`` escapes for æøå), each line ending in a line feed."""
    return "".join(json_line(record) + "\n" for record in records)
