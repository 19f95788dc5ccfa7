"""Messages to requesters: written on the case in the transaction, sent by the worker after it commits."""

import secrets

from django.conf import settings
from django.db import transaction

from civicdesk.cases import selectors, tasks
from civicdesk.cases.models import Case, CaseMessage
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import User


def message_id_new(case: Case) -> str:
    return f"{case.number.lower()}.{secrets.token_hex(8)}@{settings.CIVICDESK_MAIL_DOMAIN}"


def requester_message_queue(
    *, case: Case, actor: Actor, kind: str = "", text: str = "", subject: str = "", **extra
) -> CaseMessage | None:
    """Put a message to the requester on the case and send it once the transaction commits. ``kind`` takes
    the text from the municipality's template (or our default) in the requester's language. Nothing is
    sent to a requester without an e-mail address."""
    if case.requester is None or not case.requester.email:
        return None
    if kind:
        subject, text = selectors.requester_text(case=case, kind=kind, **extra)
    in_reply_to, references = selectors.thread_headers(case=case)
    message = CaseMessage.objects.create(
        case=case,
        direction=CaseMessage.Direction.OUTBOUND,
        author=actor if isinstance(actor, User) else None,
        to_address=case.requester.email,
        subject=subject[:300],
        text=text,
        message_id=message_id_new(case),
        in_reply_to=in_reply_to or "",
        references=" ".join(references),
        is_automatic=bool(kind),
    )
    transaction.on_commit(lambda: tasks.case_message_send.enqueue(message_id=message.pk))
    return message
