"""Pointing an internal caller to the directory: the municipal employee who rang the contact centre for a
colleague's number gets the entry by e-mail, with the link to find it themselves next time (Nordhordland
found internal callers taking a large share of the switchboard's calls for numbers they could look up)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from civicdesk.directory.models import Employee, Unit
from civicdesk.lib.contact_points import IdentityError, email_normalise, phone_display
from civicdesk.lib.errors import Invalid
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor


@transaction.atomic
def entry_link_send(*, actor: Actor, entry: Unit | Employee, email: str, language: str = "") -> str:
    """E-mail ``email`` the entry's numbers and the link to it in the directory, in ``language`` (the
    municipality's by default); sent after the transaction. Returns the address it goes to."""
    access.require(actor, Action.VIEW, entry)
    try:
        address = email_normalise(email)
    except IdentityError as error:
        raise Invalid(error.message, field="caller_email") from None
    kind = "unit_detail" if isinstance(entry, Unit) else "employee_detail"
    link = settings.SITE_URL + reverse(f"directory:{kind}", args=[entry.pk])
    numbers = list(entry.phones.all())
    with translation.override(language or entry.municipality.language):
        subject = _("%(name)s in the directory") % {"name": entry.name}
        lines = [_("You asked us for %(name)s. Here is how to reach them:") % {"name": entry.name}, ""]
        lines += [f"{phone.get_purpose_display()}: {phone_display(phone.number)}" for phone in numbers]
        if entry.email:
            lines.append(f"{_('E-mail')}: {entry.email}")
        lines += ["", _("Next time you can look it up yourself in the directory:"), link]
    body = "\n".join(lines)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True))
    audit.record(actor=actor, action="directory.link_sent", obj=entry, details={"kind": entry._meta.model_name})
    return address
