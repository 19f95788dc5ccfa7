"""Inbound and outbound e-mail without Django: parse what a municipality receives, build what it answers.

``parse_mail`` turns raw RFC 5322 bytes into an ``InboundMail`` — the facts a contact and a case need: who wrote,
to which mailbox, which message it answers, the best plain-text body, the attachments, and whether a machine
rather than a person sent it. Nothing here trusts the sender: charsets may be wrong or unknown, headers may carry
raw 8-bit text, and filenames may try to climb directories. Only input that is not mail at all, has no sender, or
is too large raises ``MailError``.

``automatic_kind`` decides whether a message must never get an automatic answer. Its rules are the table
``AUTOMATIC_RULES`` below, read top to bottom, first match wins. ``X-Auto-Response-Suppress`` is deliberately *not*
a rule of its own: it asks the receiver not to auto-answer and is sent on ordinary mail by ticket systems, list
servers and Exchange transport rules (and by ``build_reply`` itself), so it only counts together with an
out-of-office subject, which is how an old Exchange out-of-office that lacks ``Auto-Submitted`` is still caught.

``build_reply`` writes an answer that threads (``In-Reply-To``, ``References``), carries the case number in the
subject exactly once, and — for automatic acknowledgements — says so with ``Auto-Submitted: auto-replied``
(RFC 3834) so that other responders stay quiet. Every message it builds carries ``X-Civicdesk-Loop`` naming the
sending mailbox; when that comes back to one of our own addresses, ``automatic_kind`` calls it a loop.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from html import unescape as html_unescape
from html.parser import HTMLParser

__all__ = [
    "AUTOMATIC_RULES",
    "AUTO_REPLY",
    "BOUNCE",
    "BULK",
    "LOOP",
    "Attachment",
    "AutomaticRule",
    "InboundMail",
    "MailError",
    "automatic_kind",
    "build_reply",
    "case_numbers_in",
    "decode_bytes",
    "decode_header_text",
    "html_to_text",
    "parse_mail",
    "strip_reply_prefixes",
]

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
SYNTHETIC_ID_DOMAIN = "civicdesk.invalid"
LOOP_HEADER = "X-Civicdesk-Loop"
MAX_REFERENCES = 20

BOUNCE = "bounce"
AUTO_REPLY = "auto-reply"
BULK = "bulk"
LOOP = "loop"

_HEADER_REGISTRY = HeaderRegistry()
_MAX_PART_DEPTH = 40


class MailError(ValueError):
    """The input is not usable mail; ``reason`` is a short machine code for logs and metrics.

    Reasons: ``empty``, ``too-large``, ``no-headers``, ``no-from``, ``undecodable`` (the parser gave up),
    and from ``build_reply``: ``bad-address``, ``bad-domain``, ``bad-language``.
    """

    def __init__(self, reason: str, message: str = ""):
        super().__init__(message or reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundMail:
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_address: str
    from_name: str
    to_addresses: tuple[str, ...]
    subject: str
    text: str
    sent_at: datetime | None
    attachments: tuple[Attachment, ...]
    auto_kind: str
    language_hint: str


# --------------------------------------------------------------------------------------------------------------
# Text decoding that never fails
# --------------------------------------------------------------------------------------------------------------

# Labels senders use that Python does not know, or knows by a narrower codec than what they actually send.
# ISO-8859-1 and ASCII labels are read as windows-1252, as browsers do: Outlook's “curly quotes” and € live there.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
}


def _codec_for(charset: str | None) -> str | None:
    """A text codec Python can use for ``charset``, or None when the label is unknown or not a text encoding."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    label = _CHARSET_ALIASES.get(label, label)
    if not label:
        return None
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # unknown label, or one with a NUL in it
        return None
    # ``base64``, ``rot13`` and friends are codecs but not text encodings: a hostile label must not pick them.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


# Labels that are often wrong about UTF-8 text: ASCII defaults of old mailers, Western single-byte sets. Text that is
# valid UTF-8 and not plain ASCII is almost never really Latin-1 (that would take pairs like "Ã¸"), so UTF-8 wins.
_UTF8_FIRST = frozenset({"ascii", "cp1252", "iso8859-15"})


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset, then UTF-8, then windows-1252, then Latin-1 (which cannot fail).

    Valid UTF-8 is preferred over an ASCII or Western single-byte label, which are routinely wrong.
    """
    declared = _codec_for(charset)
    order = ("utf-8", declared, "cp1252") if declared in _UTF8_FIRST else (declared, "utf-8", "cp1252")
    for codec in order:
        if codec is None:
            continue
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _unsurrogate(value: str) -> str:
    """Recover raw 8-bit bytes the parser kept as surrogate escapes (e.g. a Latin-1 header) and decode them."""
    if not _SURROGATES.search(value):
        return value
    try:
        return decode_bytes(value.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", value)


def _clean(value: str) -> str:
    """Text safe to store: surrogates resolved, control characters (NUL above all) removed."""
    return _CONTROL.sub("", _unsurrogate(value))


def _one_line(value: str) -> str:
    return " ".join(_clean(value).split())


# --------------------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------------------


def _raw_header_values(message: Message, name: str) -> list[str]:
    """Every value of header ``name`` as sent, unfolded, with raw 8-bit bytes decoded (UTF-8, else windows-1252)."""
    wanted = name.lower()
    values = []
    for key, value in message.raw_items():
        if key.lower() == wanted:
            text = _unsurrogate(str(value))
            values.append(re.sub(r"\r?\n[ \t]*", " ", text).strip())
    return values


def _first_header(message: Message, name: str) -> str:
    values = _raw_header_values(message, name)
    return values[0] if values else ""


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_ENCODED_WORDS = re.compile(r"(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)")


def _unquote_q(data: bytes) -> bytes:
    """RFC 2047 "Q" decoding: underscores are spaces, ``=XX`` is a byte; a broken ``=`` stays as it is."""
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda found: bytes([int(found.group(1), 16)]), data.replace(b"_", b" "))


def _decode_encoded_word(match: re.Match[str]) -> str:
    charset, encoding, payload = match.group(1), match.group(2).upper(), match.group(3)
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix: =?utf-8*sv?Q?...?=
    try:
        if encoding == "B":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            data = _unquote_q(payload.encode())
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return match.group(0)
    return decode_bytes(data, charset)


def decode_header_text(value: str) -> str:
    """RFC 2047 decoding of an unstructured header (Subject), tolerant of unknown charsets and broken words."""
    joined = _BETWEEN_ENCODED_WORDS.sub(r"\1", value)
    return _one_line(_ENCODED_WORD.sub(_decode_encoded_word, joined))


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    """(display name, lowercased address) pairs from address headers; values without ``@`` are dropped."""
    found: list[tuple[str, str]] = []
    for name in names:
        for value in _raw_header_values(message, name):
            for display_name, addr in _parse_address_list(name, value):
                addr = _clean(addr).strip().strip("<>").lower()
                if "@" in addr and " " not in addr:
                    found.append((_one_line(display_name), addr))
    return found


def _parse_address_list(name: str, value: str) -> list[tuple[str, str]]:
    try:
        header = _HEADER_REGISTRY(name.lower() if name.lower() in ("from", "to", "cc") else "to", value)
        return [(address.display_name, address.addr_spec) for address in header.addresses]
    except Exception:  # the modern parser has edge cases that raise; the old one never does
        return getaddresses([value])


_MESSAGE_ID = re.compile(r"<([^<>]+)>")


def _message_ids(value: str) -> list[str]:
    """Message ids without brackets, in order and deduplicated; bare ids (no brackets) are accepted too."""
    ids = ["".join(found.split()) for found in _MESSAGE_ID.findall(value)]
    if not ids:
        ids = [token.strip("<>,;") for token in value.split() if "@" in token]
    seen: dict[str, None] = {}
    for message_id in ids:
        message_id = _clean(message_id)[:995]
        if message_id:
            seen.setdefault(message_id, None)
    return list(seen)


def _sent_at(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def _primary_language(value: str) -> str:
    """The primary subtag of the most preferred language in a Content-Language or Accept-Language value."""
    best, best_q = "", -1.0
    for item in value.split(","):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        if match:
            try:
                q = float(match.group(1))
            except ValueError:
                q = 0.0
        primary = tag.strip().split("-")[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary) and q > best_q:
            best, best_q = primary, q
    return best


# --------------------------------------------------------------------------------------------------------------
# Automatic mail: the rule table
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AutomaticRule:
    kind: str
    why: str
    test: Callable[[Message, frozenset[str]], bool]


def _has(message: Message, name: str) -> bool:
    return any(value.strip() for value in _raw_header_values(message, name))


def _token(value: str) -> str:
    """The first word of a header value, without comments or parameters, lowercased."""
    return re.sub(r"\([^)]*\)", "", value).split(";")[0].strip().lower()


def _from_addresses(message: Message) -> list[str]:
    return [address for _, address in _addresses(message, "From")]


def _return_path(message: Message) -> str | None:
    values = _raw_header_values(message, "Return-Path")
    return values[0].strip().strip("<>").strip().lower() if values else None


def _from_is_own(message: Message, own: frozenset[str]) -> bool:
    return any(address in own for address in _from_addresses(message))


def _return_path_is_own(message: Message, own: frozenset[str]) -> bool:
    return _return_path(message) in own


def _loop_header_is_own(message: Message, own: frozenset[str]) -> bool:
    return any(value.strip().strip("<>").lower() in own for value in _raw_header_values(message, LOOP_HEADER))


def _is_report(message: Message, own: frozenset[str]) -> bool:
    return message.get_content_type() == "multipart/report"


def _has_failed_recipients(message: Message, own: frozenset[str]) -> bool:
    return _has(message, "X-Failed-Recipients")


_DAEMON_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})


def _from_daemon(message: Message, own: frozenset[str]) -> bool:
    for value in _raw_header_values(message, "From"):
        for _, address in _parse_address_list("From", value):
            if address.split("@")[0].strip().lower() in _DAEMON_LOCAL_PARTS:
                return True
    return False


def _auto_submitted(message: Message, own: frozenset[str]) -> bool:
    return any(_token(value) not in ("", "no") for value in _raw_header_values(message, "Auto-Submitted"))


def _autoreply_headers(message: Message, own: frozenset[str]) -> bool:
    if _has(message, "X-Autoreply") or _has(message, "X-Autorespond"):
        return True
    return any(_token(value) == "reply" for value in _raw_header_values(message, "X-Autogenerated"))


def _precedence(message: Message) -> set[str]:
    return {_token(value) for value in _raw_header_values(message, "Precedence")}


def _precedence_auto_reply(message: Message, own: frozenset[str]) -> bool:
    return "auto_reply" in _precedence(message)


# Subject starts of out-of-office replies from Outlook/Exchange in the languages civicdesk meets, lowercased.
_OUT_OF_OFFICE_SUBJECTS = (
    "automatic reply:",
    "autoreply:",
    "auto:",
    "out of office:",
    "out of office autoreply:",
    "automatisk svar:",
    "autosvar:",
    "fraværsmelding:",
    "frånvaro:",
    "frånvarande:",
    "automaattinen vastaus:",
    "abwesenheitsnotiz:",
    "automatische antwort:",
    "automatisch antwoord:",
    "réponse automatique :",
    "réponse automatique:",
)


def _exchange_out_of_office(message: Message, own: frozenset[str]) -> bool:
    values = ",".join(_raw_header_values(message, "X-Auto-Response-Suppress"))
    suppress = {part.strip().lower() for part in values.split(",")}
    if not suppress & {"all", "oof", "autoreply"}:
        return False
    subject = decode_header_text(_first_header(message, "Subject")).lower()
    return subject.startswith(_OUT_OF_OFFICE_SUBJECTS)


def _precedence_bulk(message: Message, own: frozenset[str]) -> bool:
    return bool(_precedence(message) & {"bulk", "list", "junk"})


def _list_headers(message: Message, own: frozenset[str]) -> bool:
    return _has(message, "List-Id") or _has(message, "List-Unsubscribe")


def _null_return_path(message: Message, own: frozenset[str]) -> bool:
    return _return_path(message) == ""


AUTOMATIC_RULES: tuple[AutomaticRule, ...] = (
    # Our own mail coming back: never answer it, or two robots talk forever.
    AutomaticRule(LOOP, "From is one of our own addresses", _from_is_own),
    AutomaticRule(LOOP, "Return-Path is one of our own addresses", _return_path_is_own),
    AutomaticRule(
        LOOP, f"{LOOP_HEADER} names one of our own addresses (our message redirected back)", _loop_header_is_own
    ),
    # Delivery and read reports.
    AutomaticRule(BOUNCE, "Content-Type multipart/report (DSN or MDN, RFC 6522)", _is_report),
    AutomaticRule(BOUNCE, "X-Failed-Recipients present (Exim, Gmail)", _has_failed_recipients),
    AutomaticRule(BOUNCE, "From is mailer-daemon@ or postmaster@", _from_daemon),
    # Responders.
    AutomaticRule(AUTO_REPLY, "Auto-Submitted other than 'no' (RFC 3834)", _auto_submitted),
    AutomaticRule(AUTO_REPLY, "X-Autoreply, X-Autorespond or X-Autogenerated: Reply present", _autoreply_headers),
    AutomaticRule(AUTO_REPLY, "Precedence: auto_reply", _precedence_auto_reply),
    AutomaticRule(
        AUTO_REPLY,
        "X-Auto-Response-Suppress All/OOF/AutoReply together with an out-of-office subject (older Exchange)",
        _exchange_out_of_office,
    ),
    # Lists and newsletters.
    AutomaticRule(BULK, "Precedence: bulk, list or junk", _precedence_bulk),
    AutomaticRule(BULK, "List-Id or List-Unsubscribe present (RFC 2919, RFC 2369)", _list_headers),
    # Last: responders also send with a null envelope sender (RFC 3834 §3.3), so this only decides what is left.
    AutomaticRule(BOUNCE, "Return-Path is empty (<>), the null sender of notifications", _null_return_path),
)


def automatic_kind(message: Message, own_addresses: Iterable[str] = ()) -> str:
    """Why ``message`` is automatic ("bounce", "auto-reply", "bulk", "loop"), or "" for a person's mail.

    ``own_addresses`` are the mailboxes civicdesk sends from; mail from them is a loop. The first matching rule
    of ``AUTOMATIC_RULES`` decides.
    """
    own = frozenset(address.strip().strip("<>").lower() for address in own_addresses if address.strip())
    for rule in AUTOMATIC_RULES:
        if rule.test(message, own):
            return rule.kind
    return ""


# --------------------------------------------------------------------------------------------------------------
# Bodies and attachments
# --------------------------------------------------------------------------------------------------------------


class _HtmlToText(HTMLParser):
    """Readable text from mail HTML: blocks become lines, lists get dashes, links keep their target."""

    _SKIP = frozenset({"script", "style", "title", "template"})
    _PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "hr"})
    _LINE = frozenset({"div", "tr", "section", "article", "header", "footer", "address", "dl", "dt", "dd", "center"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0
        self._pre = 0
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "br":
            self.chunks.append("\n")
        elif tag == "li":
            self.chunks.append("\n- ")
        elif tag in ("td", "th"):
            self.chunks.append(" ")
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.chunks)))
        elif tag in self._PARAGRAPH:
            self.chunks.append("\n\n")
        elif tag in self._LINE:
            self.chunks.append("\n")
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self.chunks[start:]).strip()
            if href.lower().startswith(("http://", "https://")) and href not in label:
                self.chunks.append(f" ({href})")
        elif tag in self._PARAGRAPH:
            self.chunks.append("\n\n")
        elif tag in self._LINE:
            self.chunks.append("\n")
        if tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.chunks.append(data if self._pre else re.sub(r"\s+", " ", data))


def _tidy_text(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one blank line in a row, nothing unstorable."""
    text = _clean(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def html_to_text(html: str) -> str:
    """Plain text for an HTML body (standard library ``html.parser``, no rendering)."""
    parser = _HtmlToText()
    try:
        parser.feed(html)
        parser.close()
        text = "".join(parser.chunks)
    except AssertionError:  # html.parser asserts on unknown marked sections such as "<![foo[ ]]>"
        without_code = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
        text = re.sub(r"[ \t]+", " ", html_unescape(re.sub(r"<[^>]*>", " ", without_code)))
    text = text.replace("\xa0", " ")
    return _tidy_text("\n".join(line.strip(" ") for line in text.split("\n")))


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    text = decode_bytes(payload, charset)
    return html_to_text(text) if part.get_content_type() == "text/html" else _tidy_text(text)


def _leaf_parts(part: Message, depth: int = 0) -> Iterator[Message]:
    """Leaf parts in order; a message/* part is a leaf (a forwarded mail is one attachment, not its pieces)."""
    if depth > _MAX_PART_DEPTH:
        return
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.get_payload():
            if isinstance(child, Message):
                yield from _leaf_parts(child, depth + 1)
    else:
        yield part


def _is_attachment_disposition(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment"
    except Exception:
        return False


def _body_candidates(message: Message) -> Iterator[tuple[str, Message]]:
    for part in _leaf_parts(message):
        content_type = part.get_content_type()
        if part.get_content_maintype() == "multipart":  # declared multipart but no boundary: read it as text
            content_type = "text/plain"
        if content_type in ("text/plain", "text/html") and not _is_attachment_disposition(part) and not _filename(part):
            yield content_type, part


def _body(message: Message) -> tuple[str, Message | None]:
    """The first non-empty text/plain body, else the first non-empty HTML body converted to text."""
    candidates = list(_body_candidates(message))
    for wanted in ("text/plain", "text/html"):
        for content_type, part in candidates:
            if content_type == wanted:
                text = _part_text(part)
                if text.strip():
                    return text, part
    return "", None


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if "\ufffd" in name or _SURROGATES.search(name):
        name = _filename_from_raw_headers(part) or name
    return _safe_filename(name)


def _filename_from_raw_headers(part: Message) -> str:
    """Retry a filename sent as raw 8-bit Latin-1 (which the parser turned into replacement characters)."""
    for header, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        value = _first_header(part, header)
        if value:
            try:
                name = _HEADER_REGISTRY(header.lower(), value).params.get(param)
            except Exception:
                name = None
            if name:
                return str(name)
    return ""


def _safe_filename(name: str) -> str:
    """The last path component, without control characters, leading dots or absurd length."""
    name = decode_header_text(name)  # some senders put RFC 2047 words inside a quoted filename
    name = re.split(r"[/\\]", name)[-1].strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 200 - len(extension) - 1] + dot + extension) if dot and len(extension) <= 10 else name[:200]
    return name


_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "message/rfc822": ".eml",
    "text/plain": ".txt",
    "text/html": ".html",
}


def _attachment(part: Message, index: int) -> Attachment | None:
    """An attachment for a leaf part that is not the body, or None for inline decoration and report machinery."""
    content_type = part.get_content_type()
    filename = _filename(part)
    maintype = content_type.split("/")[0]
    if not filename:
        if content_type == "message/rfc822":
            filename = "message.eml"
        elif _is_attachment_disposition(part) or maintype in ("application", "audio", "video"):
            filename = f"attachment-{index}{_EXTENSIONS.get(content_type, '.bin')}"
        else:
            return None  # nameless inline image (a logo), alternative text body, delivery-status fields
    if part.is_multipart():  # message/rfc822: keep the enclosed mail as it was sent
        inner = part.get_payload()
        data = inner[0].as_bytes(policy=policy.default) if inner and isinstance(inner[0], Message) else b""
    else:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
    return Attachment(filename=filename, content_type=content_type, data=data)


def _attachments(message: Message, body_part: Message | None) -> tuple[Attachment, ...]:
    found = []
    for index, part in enumerate(_leaf_parts(message), start=1):
        if part is body_part:
            continue
        attachment = _attachment(part, index)
        if attachment is not None:
            found.append(attachment)
    return tuple(found)


# --------------------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------------------


def _check_size(raw: bytes, max_bytes: int) -> None:
    if not raw.strip():
        raise MailError("empty", "The message is empty.")
    if len(raw) > max_bytes:
        raise MailError("too-large", f"The message has {len(raw)} bytes; at most {max_bytes} are accepted.")


def _parse_bytes(raw: bytes, mail_policy: policy.Policy) -> Message:
    message = BytesParser(policy=mail_policy).parsebytes(raw)
    if not message.keys():
        raise MailError("no-headers", "The input has no mail headers; it is not an e-mail message.")
    return message


def _sender(message: Message) -> tuple[str, str]:
    senders = _addresses(message, "From")
    if senders:
        return senders[0]
    # Some bounce generators still send an unqualified ``From: MAILER-DAEMON``.
    for value in _raw_header_values(message, "From"):
        for display_name, address in _parse_address_list("From", value):
            if address.strip().lower() in _DAEMON_LOCAL_PARTS:
                return _one_line(display_name), address.strip().lower()
    raise MailError("no-from", "The message has no usable From address.")


def _recipients(message: Message) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for _, address in _addresses(message, "To", "Cc", "Delivered-To", "X-Original-To"):
        found.setdefault(address, None)
    return tuple(found)


def _language_hint(message: Message, body_part: Message | None) -> str:
    for part, header in ((message, "Content-Language"), (body_part, "Content-Language"), (message, "Accept-Language")):
        if part is not None:
            language = _primary_language(_first_header(part, header))
            if language:
                return language
    return ""


def parse_mail(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, own_addresses: Iterable[str] = ()) -> InboundMail:
    """The facts of one inbound message; raises ``MailError`` for empty, oversized, headerless or senderless input.

    ``own_addresses`` (our sending mailboxes) lets ``auto_kind`` recognise our own mail coming back as "loop".
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError(f"parse_mail() needs bytes, not {type(raw).__name__}")
    raw = bytes(raw)
    _check_size(raw, max_bytes)
    # The modern parser still raises on some hostile header values (e.g. a NUL in an RFC 2231 charset); the
    # legacy policy reads headers lazily as plain strings, so the same facts can usually still be read with it.
    failure = ""
    for mail_policy in (policy.default, policy.compat32):
        try:
            return _inbound(raw, _parse_bytes(raw, mail_policy), own_addresses)
        except MailError:
            raise
        except Exception as error:  # RecursionError from absurd nesting, and whatever else the parser trips on
            failure = type(error).__name__
    raise MailError("undecodable", f"The message cannot be parsed: {failure}")


def _inbound(raw: bytes, message: Message, own_addresses: Iterable[str]) -> InboundMail:
    from_name, from_address = _sender(message)
    text, body_part = _body(message)
    message_ids = _message_ids(_first_header(message, "Message-ID"))
    return InboundMail(
        message_id=message_ids[0] if message_ids else f"sha256-{hashlib.sha256(raw).hexdigest()}@{SYNTHETIC_ID_DOMAIN}",
        in_reply_to=tuple(_message_ids(" ".join(_raw_header_values(message, "In-Reply-To")))),
        references=tuple(_message_ids(" ".join(_raw_header_values(message, "References")))),
        from_address=from_address,
        from_name=from_name,
        to_addresses=_recipients(message),
        subject=decode_header_text(_first_header(message, "Subject")),
        text=text,
        sent_at=_sent_at(_first_header(message, "Date")),
        attachments=_attachments(message, body_part),
        auto_kind=automatic_kind(message, own_addresses),
        language_hint=_language_hint(message, body_part),
    )


# --------------------------------------------------------------------------------------------------------------
# Subjects and case numbers
# --------------------------------------------------------------------------------------------------------------

_CASE_NUMBER = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,6}-[0-9]{4}-[0-9]{6})(?![A-Za-z0-9])", re.ASCII)
_CASE_TAG = re.compile(r"\[\s*[A-Za-z]{2,6}-[0-9]{4}-[0-9]{6}\s*\]", re.ASCII)
# Re/RE (English), Sv/SV (Nordic), Vs/VS (Finnish, Norwegian), Aw/AW (German), VB (Swedish forward), VL (Finnish
# forward), WG (German forward), Fw/Fwd, Antw (Dutch); optionally counted as in "Re[2]:" or "RE(3):".
_REPLY_PREFIX = re.compile(r"^\s*(?:re|sv|vs|aw|vb|vl|wg|fw|fwd|antw)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*", re.IGNORECASE)


def case_numbers_in(subject: str) -> list[str]:
    """Case numbers such as ``GUL-2026-000123`` in ``subject``, uppercased, in order, without duplicates."""
    found: dict[str, None] = {}
    for number in _CASE_NUMBER.findall(subject or ""):
        found.setdefault(number.upper(), None)
    return list(found)


def strip_reply_prefixes(subject: str) -> str:
    """The subject without any (repeated) reply/forward prefixes and without ``[CASE-NUMBER]`` tags."""
    text = " ".join(_CASE_TAG.sub(" ", _clean(subject or "")).split())
    while True:
        shorter = _REPLY_PREFIX.sub("", text, count=1)
        if shorter == text:
            return text.strip()
        text = shorter


# --------------------------------------------------------------------------------------------------------------
# Replies
# --------------------------------------------------------------------------------------------------------------

_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


def _checked_address(address: str) -> str:
    address = address.strip()
    if "@" not in address or any(character in address for character in "\r\n<>,; \t"):
        raise MailError("bad-address", f"Not a single e-mail address: {address!r}")
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError) as error:
        raise MailError("bad-address", f"Not a valid e-mail address: {address!r}") from error
    return address


def _reply_subject(subject: str, case_number: str | None, is_reply: bool) -> str:
    tags = [case_number.strip().upper()] if case_number and case_number.strip() else case_numbers_in(subject or "")
    base = strip_reply_prefixes(subject)
    parts = (["Re:"] if is_reply else []) + ([base] if base else []) + [f"[{tag}]" for tag in tags]
    return _one_line(" ".join(parts))


def _reply_references(references: Sequence[str], in_reply_to: str | None) -> list[str]:
    """Earlier references then the answered message, deduplicated; over the cap, the thread root plus the newest."""
    ids = _message_ids(" ".join(f"<{reference.strip().strip('<>')}>" for reference in references if reference.strip()))
    if in_reply_to:
        ids = [message_id for message_id in ids if message_id != in_reply_to] + [in_reply_to]
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return ids


def build_reply(
    *,
    from_address: str,
    from_name: str,
    to_address: str,
    subject: str,
    text: str,
    message_id_domain: str,
    in_reply_to: str | None,
    references: Sequence[str],
    case_number: str | None,
    language: str = "",
    attachments: Sequence[Attachment] = (),
    auto_submitted: bool = False,
) -> tuple[str, EmailMessage]:
    """A threaded answer; returns (its message id without brackets, the message ready for ``send_message``).

    The subject becomes "Re: <subject without prefixes or tags> [CASE]" — "Re:" only when answering something,
    the case tag exactly once (without ``case_number`` the tags already in the subject are kept). With
    ``auto_submitted`` the message is marked as an automatic answer (RFC 3834) and asks Exchange not to answer.
    """
    sender = _checked_address(from_address)
    recipient = _checked_address(to_address)
    domain = (message_id_domain or "").strip()
    if not _DOMAIN.match(domain):
        raise MailError("bad-domain", f"Not a domain for message ids: {message_id_domain!r}")
    if language and not _LANGUAGE_TAG.match(language):
        raise MailError("bad-language", f"Not a language tag: {language!r}")
    answered_ids = _message_ids(f"<{in_reply_to.strip().strip('<>')}>") if in_reply_to else []
    answered = answered_ids[0] if answered_ids else None
    thread = _reply_references(references, answered)
    message_id = f"{uuid.uuid4().hex}@{domain}"

    message = EmailMessage(policy=policy.default)
    message["Message-ID"] = f"<{message_id}>"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["From"] = Address(display_name=_one_line(from_name), addr_spec=sender)
    message["To"] = Address(addr_spec=recipient)
    message["Subject"] = _reply_subject(subject, case_number, is_reply=bool(answered or thread))
    if answered:
        message["In-Reply-To"] = f"<{answered}>"
    if thread:
        message["References"] = " ".join(f"<{reference}>" for reference in thread)
    if auto_submitted:
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message[LOOP_HEADER] = sender.lower()
    message.set_content(_tidy_text(text) + "\n")
    for attachment in attachments:
        _attach(message, attachment)
    if language:  # after the body: set_content and add_attachment move or drop Content-* headers
        message["Content-Language"] = language
    return message_id, message


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    maintype, _, subtype = attachment.content_type.lower().partition("/")
    if not (maintype and subtype) or maintype in ("multipart", "message") or not re.fullmatch(r"[a-z0-9.+-]+", subtype):
        maintype, subtype = "application", "octet-stream"
    message.add_attachment(
        attachment.data,
        maintype=maintype,
        subtype=subtype,
        filename=_safe_filename(attachment.filename) or "attachment",
    )
