"""Every write to the directory, split by subject: ``entries`` (units, employees, their numbers, hours and
responsibilities), ``versions`` (the history every change leaves) and ``changes`` (change requests a
department reports and the municipality admin decides). ``services.unit_create`` and the rest stay here."""

from civicdesk.directory.services.changes import (
    change_request_approve,
    change_request_reject,
    change_request_submit,
    directory_policy_set,
)
from civicdesk.directory.services.entries import (
    employee_create,
    employee_remove,
    employee_update,
    entry_confirm,
    phone_add,
    phone_remove,
    responsibility_add,
    unit_closure_add,
    unit_create,
    unit_hours_set,
    unit_update,
)
from civicdesk.directory.services.pointers import entry_link_send

__all__ = [
    "change_request_approve",
    "change_request_reject",
    "change_request_submit",
    "directory_policy_set",
    "employee_create",
    "employee_remove",
    "employee_update",
    "entry_confirm",
    "entry_link_send",
    "phone_add",
    "phone_remove",
    "responsibility_add",
    "unit_closure_add",
    "unit_create",
    "unit_hours_set",
    "unit_update",
]
