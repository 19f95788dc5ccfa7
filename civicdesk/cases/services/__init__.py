"""Every write on cases: opening and forwarding, the workflow, the SLA, and the e-mail channel."""

from civicdesk.cases.services.conversation import case_attach, case_note_add, case_reply_send
from civicdesk.cases.services.forwarding import case_open, contact_forward, contact_record
from civicdesk.cases.services.mail import mail_take_in, mailbox_create
from civicdesk.cases.services.sla import sla_breaches_mark, sla_policy_set
from civicdesk.cases.services.workflow import (
    case_assign,
    case_link,
    case_merge,
    case_priority_set,
    case_status_set,
    case_update,
    cases_bulk_assign,
    cases_bulk_close,
    saved_view_delete,
    saved_view_save,
)

__all__ = [
    "case_assign",
    "case_attach",
    "case_link",
    "case_merge",
    "case_note_add",
    "case_open",
    "case_priority_set",
    "case_reply_send",
    "case_status_set",
    "case_update",
    "cases_bulk_assign",
    "cases_bulk_close",
    "contact_forward",
    "contact_record",
    "mail_take_in",
    "mailbox_create",
    "saved_view_delete",
    "saved_view_save",
    "sla_breaches_mark",
    "sla_policy_set",
]
