"""What is said on a case: internal notes, replies to the requester, and attached files."""

import hashlib
import mimetypes

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.cases.models import Attachment, Case, CaseEvent, CaseMessage, CaseNote, Status
from civicdesk.cases.services.history import bump, event, locked
from civicdesk.cases.services.outbox import requester_message_queue
from civicdesk.cases.services.workflow import case_status_set
from civicdesk.lib.errors import Invalid
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import User

# Office documents, PDFs, images and plain text; never executables or HTML that could run in a browser.
ALLOWED_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/tiff",
    "text/plain",
    "text/csv",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.ms-outlook",
    "message/rfc822",
    "application/zip",
}


@transaction.atomic
def case_note_add(*, actor: Actor, case: Case, text: str) -> CaseNote:
    """An internal note, for colleagues only."""
    access.require(actor, Action.CHANGE, case)
    if not text.strip():
        raise Invalid(_("Write the note first."), field="text")
    note = CaseNote.objects.create(case=case, author=actor if isinstance(actor, User) else None, text=text.strip())
    case = locked(case, None)
    bump(case, [])
    event(case, CaseEvent.Kind.NOTE, actor, note=note.pk)
    audit.record(actor=actor, action="case.note", obj=case)
    return note


@transaction.atomic
def case_reply_send(
    *, actor: Actor, case: Case, text: str, wait_for_citizen: bool = False, expected_version: int | None = None
) -> CaseMessage:
    """A reply goes to the requester by e-mail, threaded with what they wrote before. The first reply stops
    the first-answer clock; asking them something can set the case to wait for them."""
    access.require(actor, Action.CHANGE, case)
    case = locked(case, expected_version)
    if not text.strip():
        raise Invalid(_("Write the reply first."), field="text")
    if case.requester is None or not case.requester.email:
        raise Invalid(_("The requester has no e-mail address to reply to."), field="text")
    message = requester_message_queue(case=case, actor=actor, text=text.strip(), subject=case.title)
    fields = []
    if case.first_responded_at is None:
        case.first_responded_at = timezone.now()
        fields.append("first_responded_at")
    if wait_for_citizen and case.status != Status.WAITING_CITIZEN:
        bump(case, fields)
        case_status_set(actor=actor, case=case, status=Status.WAITING_CITIZEN)
    else:
        bump(case, fields)
    event(case, CaseEvent.Kind.REPLY, actor, message=message.pk)
    audit.record(actor=actor, action="case.reply", obj=case)
    return message


def attachment_check(filename: str, content_type: str, size: int) -> str:
    """The content type to keep, or ``Invalid``: too large, or a kind of file we do not keep."""
    limit = settings.CIVICDESK_ATTACHMENT_MAX_BYTES
    if size > limit:
        raise Invalid(
            _("%(name)s is larger than %(limit)d MB.") % {"name": filename, "limit": limit // (1024 * 1024)},
            field="file",
        )
    guessed = mimetypes.guess_type(filename)[0] or ""
    kind = content_type.split(";")[0].strip().lower() or guessed
    if kind == "application/octet-stream" and guessed:
        kind = guessed
    if kind not in ALLOWED_TYPES:
        raise Invalid(
            _("%(name)s is a kind of file we cannot keep (%(type)s).") % {"name": filename, "type": kind}, field="file"
        )
    return kind


def attachment_store(
    *, case: Case, filename: str, content_type: str, data: bytes, actor: Actor, message: CaseMessage | None = None
) -> Attachment:
    """Check and store one file (inside the caller's transaction and audit)."""
    kind = attachment_check(filename, content_type, len(data))
    safe_name = filename.replace("/", "_").replace("\\", "_")[:200] or "file"
    attachment = Attachment(
        case=case,
        message=message,
        filename=safe_name,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor if isinstance(actor, User) else None,
    )
    attachment.file.save(safe_name, ContentFile(data), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def case_attach(*, actor: Actor, case: Case, filename: str, content_type: str, data: bytes) -> Attachment:
    """Files are kept through Django's storage, within the size and type limits."""
    access.require(actor, Action.CHANGE, case)
    attachment = attachment_store(case=case, filename=filename, content_type=content_type, data=data, actor=actor)
    case = locked(case, None)
    bump(case, [])
    event(case, CaseEvent.Kind.ATTACHMENT, actor, filename=attachment.filename, size=attachment.size)
    audit.record(actor=actor, action="case.attach", obj=case, details={"filename": attachment.filename})
    return attachment
