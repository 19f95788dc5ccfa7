"""Background work of cases: sending mail to requesters, telling staff, polling mailboxes, SLA watch."""

import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from civicdesk.cases import selectors
from civicdesk.lib import mail as mail_format
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM

log = logging.getLogger(__name__)


@task()
def case_message_send(*, message_id: int) -> str:
    """Send one message to a requester by SMTP, threaded (Message-ID, In-Reply-To, References) so their
    answer joins the case; automatic ones are marked so other auto-responders stay quiet."""
    message = selectors.message_for_sending(message_id=message_id)
    case = message.case
    mailbox = selectors.reply_mailbox(case=case)
    default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender = mailbox.address if mailbox else default_address
    sender_name = (mailbox.display_name if mailbox else "") or case.municipality.name or default_name
    references = [ref for ref in message.references.split() if ref]
    _message_id, built = mail_format.build_reply(
        from_address=sender,
        from_name=sender_name,
        to_address=message.to_address,
        subject=message.subject or case.title,
        text=message.text,
        message_id_domain=settings.CIVICDESK_MAIL_DOMAIN,
        in_reply_to=message.in_reply_to or None,
        references=references,
        case_number=case.number,
        language=case.language,
        auto_submitted=message.is_automatic,
    )
    headers = {
        k: v
        for k, v in built.items()
        if k.lower() not in ("from", "to", "subject", "content-type", "content-transfer-encoding", "mime-version")
    }
    headers["Message-ID"] = f"<{message.message_id}>"
    email = EmailMessage(
        subject=built["Subject"], body=message.text, from_email=built["From"], to=[message.to_address], headers=headers
    )
    email.send(fail_silently=False)
    return message.message_id


def _notify_people(case, people, text_for) -> None:
    url = reverse("cases:case_detail", args=[case.number])
    for person in people:
        with translation.override(person.language or case.municipality.language):
            text = text_for()
            organisation_services.notify(user=person, text=text, url=url, email_subject=text)


@task()
def case_receivers_notify(*, case_id: int) -> int:
    """Tell whoever got a new case: its assignee, or else everyone in its team."""
    case = selectors.case_for_task(case_id=case_id)
    if case.assignee:
        people = [case.assignee]
    elif case.team:
        people = list(organisation_selectors.team_members(actor=SYSTEM, team=case.team))
    else:
        people = []
    with transaction.atomic():
        _notify_people(
            case, people, lambda: _("New case %(number)s: %(title)s") % {"number": case.number, "title": case.title}
        )
    return len(people)


@task()
def case_assignee_notify(*, case_id: int) -> int:
    """Tell a caseworker a case was given to them."""
    case = selectors.case_for_task(case_id=case_id)
    if not case.assignee:
        return 0
    with transaction.atomic():
        _notify_people(
            case,
            [case.assignee],
            lambda: _("%(number)s is now yours: %(title)s") % {"number": case.number, "title": case.title},
        )
    return 1


@task()
def sla_check() -> int:
    """Mark cases that passed their due date and tell their people (enqueued every minute by
    ``manage.py case_schedule``)."""
    from civicdesk.cases import services  # a task is a door: it calls services, which enqueue tasks

    return services.sla_breaches_mark(actor=SYSTEM)


@task()
def mailbox_poll(*, mailbox_id: int) -> dict:
    """Fetch new mail from one IMAP mailbox; each message is deleted from the server only after it has been
    committed here, so nothing is lost if this stops half-way."""
    from civicdesk.cases import services
    from civicdesk.cases.adapters.imap import ImapMailbox

    mailbox = selectors.mailboxes_pollable().get(pk=mailbox_id)
    counts: dict[str, int] = {}
    with ImapMailbox.connect(mailbox) as server:
        for uid, raw in server.unseen():
            outcome = services.mail_take_in(mailbox=mailbox, raw=raw)  # commits before we acknowledge
            server.acknowledge(uid)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts
