"""The e-mail channel: a mail to a municipality's address becomes a contact and a case, or joins the case
it answers; automatic mail (bounces, out-of-office, lists) never makes a case; a mail that cannot be read is
kept in quarantine for an admin; the same message taken in twice is stored once."""

import hashlib
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicdesk.cases.models import (
    Case,
    CaseEvent,
    CaseMessage,
    InboundMail,
    Mailbox,
    MessageTemplate,
    QuarantinedMail,
    Status,
)
from civicdesk.cases.services.conversation import attachment_store
from civicdesk.cases.services.forwarding import case_open, contact_forward
from civicdesk.cases.services.history import bump, event, locked
from civicdesk.cases.services.outbox import requester_message_queue
from civicdesk.cases.services.workflow import case_status_set
from civicdesk.contacts import services as contact_services
from civicdesk.contacts.models import Channel, Outcome
from civicdesk.contacts.services import CallerDetails
from civicdesk.lib import mail as mail_format
from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import SYSTEM, Actor
from civicdesk.organisations.models import Municipality, Team


class Taken:
    CREATED = "created"
    APPENDED = "appended"
    DUPLICATE = "duplicate"
    AUTOMATIC = "automatic"
    QUARANTINED = "quarantined"


@transaction.atomic
def mailbox_create(
    *, actor: Actor, municipality: Municipality, address: str, team: Team | None = None, display_name: str = "", **imap
) -> Mailbox:
    """A municipality admin gives the municipality (or a team) an inbound address."""
    access.require_add(actor, Mailbox, municipality)
    if team is not None and team.municipality_id != municipality.pk:
        raise Invalid(_("Choose a team in %(m)s.") % {"m": municipality}, field="team")
    mailbox = Mailbox(
        municipality=municipality,
        team=team,
        address=address.strip().lower(),
        display_name=display_name,
        webhook_secret=secrets.token_urlsafe(32),
        **imap,
    )
    clean(mailbox, exclude=["municipality", "team"])
    mailbox.save()
    audit.record(actor=actor, action="mailbox.create", obj=mailbox)
    return mailbox


def _quarantine(mailbox: Mailbox, raw: bytes, reason: str) -> str:
    kept = QuarantinedMail(municipality_id=mailbox.municipality_id, mailbox=mailbox, size=len(raw), reason=reason[:200])
    kept.raw.save(f"{hashlib.sha256(raw).hexdigest()}.eml", ContentFile(raw), save=False)
    kept.save()
    audit.record(actor=SYSTEM, action="mail.quarantine", obj=kept, details={"reason": reason})
    return Taken.QUARANTINED


def _case_answered(mailbox: Mailbox, mail: mail_format.InboundMail) -> Case | None:
    """The case a mail replies to: by its threading headers, else by a case number in the subject."""
    ids = [*mail.in_reply_to, *mail.references]
    cases = Case.objects.filter(municipality_id=mailbox.municipality_id)
    if ids:
        case = cases.filter(messages__message_id__in=ids).order_by("-created_at").first()
        if case is not None:
            return case
    numbers = mail_format.case_numbers_in(mail.subject)
    if numbers:
        return cases.filter(number__in=numbers).first()
    return None


@transaction.atomic
def mail_take_in(*, mailbox: Mailbox, raw: bytes) -> str:
    """Take one raw message in (from IMAP or the webhook). The caller acknowledges it to the mailbox only
    after this transaction has committed. Returns what happened (see ``Taken``)."""
    own = frozenset(Mailbox.objects.values_list("address", flat=True))
    try:
        mail = mail_format.parse_mail(raw, max_bytes=settings.CIVICDESK_MAIL_MAX_BYTES, own_addresses=own)
    except mail_format.MailError as error:
        return _quarantine(mailbox, raw, f"{error.reason}: {error}")
    try:
        with transaction.atomic():
            receipt = InboundMail.objects.create(mailbox=mailbox, message_id=mail.message_id[:300], outcome="")
    except IntegrityError:
        return Taken.DUPLICATE
    if mail.auto_kind:
        receipt.outcome = Taken.AUTOMATIC
        receipt.save(update_fields=["outcome"])
        return Taken.AUTOMATIC
    case = _case_answered(mailbox, mail)
    if case is not None:
        _append(case, mail)
        outcome = Taken.APPENDED
    else:
        case = _open(mailbox, mail)
        outcome = Taken.CREATED
    receipt.case, receipt.outcome = case, outcome
    receipt.save(update_fields=["case", "outcome"])
    return outcome


def _message(case: Case, mail: mail_format.InboundMail) -> CaseMessage:
    message = CaseMessage.objects.create(
        case=case,
        direction=CaseMessage.Direction.INBOUND,
        from_address=mail.from_address,
        to_address=", ".join(mail.to_addresses)[:254],
        subject=mail.subject[:300],
        text=mail.text,
        message_id=mail.message_id[:300],
        in_reply_to=(mail.in_reply_to[0] if mail.in_reply_to else "")[:300],
        references=" ".join(mail.references),
        sent_at=mail.sent_at,
    )
    for part in mail.attachments:
        try:
            attachment_store(
                case=case,
                filename=part.filename,
                content_type=part.content_type,
                data=part.data,
                actor=SYSTEM,
                message=message,
            )
        except Invalid as error:
            event(case, CaseEvent.Kind.ATTACHMENT, SYSTEM, refused=part.filename, reason=error.message)
    return message


def _append(case: Case, mail: mail_format.InboundMail) -> None:
    """A reply joins its case; a resolved or closed case opens again, and a case waiting for the citizen
    goes back to the team."""
    case = locked(case, None)
    message = _message(case, mail)
    bump(case, [])
    event(case, CaseEvent.Kind.INBOUND, SYSTEM, message=message.pk, sender=mail.from_address)
    if case.status in (Status.RESOLVED, Status.CLOSED, Status.WAITING_CITIZEN):
        case_status_set(actor=SYSTEM, case=case, status=Status.OPEN, tell_requester=False)
    audit.record(actor=SYSTEM, action="mail.append", obj=case, details={"message_id": mail.message_id})


def _open(mailbox: Mailbox, mail: mail_format.InboundMail) -> Case:
    """A new mail is logged as an e-mail contact and opened as a case for the mailbox's team, and the sender
    is told its number in their language."""
    municipality = mailbox.municipality
    contact = contact_services.contact_log(
        actor=SYSTEM,
        municipality=municipality,
        channel=Channel.EMAIL,
        summary=mail.text[:4000],
        outcome=Outcome.OPEN,
        language=mail.language_hint if mail.language_hint in ("da", "sv", "nb", "nn", "en") else "",
        caller=CallerDetails(name=mail.from_name, email=mail.from_address),
        started_at=mail.sent_at,
        external_id=mail.message_id[:120],
    )
    title = mail_format.strip_reply_prefixes(mail.subject) or _("E-mail from %(sender)s") % {
        "sender": mail.from_address
    }
    if mailbox.team is not None:
        case = contact_forward(
            actor=SYSTEM, contact=contact, team=mailbox.team, title=title, outcome=Outcome.CASE_CREATED
        )
    else:
        case = _open_without_team(contact, title)
    message = _message(case, mail)
    event(case, CaseEvent.Kind.INBOUND, SYSTEM, message=message.pk, sender=mail.from_address)
    requester_message_queue(case=case, actor=SYSTEM, kind=MessageTemplate.Kind.ACKNOWLEDGEMENT)
    return case


def _open_without_team(contact, title: str) -> Case:
    case = case_open(
        actor=SYSTEM,
        municipality=contact.municipality,
        title=title,
        description=contact.summary,
        requester=contact.person,
        language=contact.language,
        source_contact=contact,
        first_line_since=contact.started_at,
    )
    contact_services.contact_conclude(actor=SYSTEM, contact=contact, outcome=Outcome.CASE_CREATED)
    return case
