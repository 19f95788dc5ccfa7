"""Background work of organisations, run by the Django tasks worker (``manage.py db_worker``)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail, send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from civicdesk.organisations import selectors
from civicdesk.organisations.access import SYSTEM


@task()
def center_membership_notify(*, membership_id: int, change: str) -> int:
    """Tell the centre's supervisors, each in their own language, that a municipality joined or left.
    Returns how many were told."""
    membership = selectors.membership_get(actor=SYSTEM, membership_id=membership_id)
    supervisors = selectors.supervisors_of(actor=SYSTEM, center=membership.center)
    messages = []
    for supervisor in supervisors:
        with translation.override(supervisor.language or settings.LANGUAGE_CODE):
            values = {"municipality": membership.municipality.name, "center": membership.center.name}
            if change == "join":
                subject = _("%(municipality)s joins %(center)s") % values
                body = _("From now on, %(center)s also answers for %(municipality)s.") % values
            else:
                subject = _("%(municipality)s leaves %(center)s") % values
                body = _("%(center)s no longer answers for %(municipality)s.") % values
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [supervisor.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)


@task()
def staff_invitation_send(*, user_id: int) -> None:
    """E-mail a new colleague, in their language, a one-time link to set their password."""
    user = selectors.staff_account(actor=SYSTEM, user_id=user_id)
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Your civicdesk account")
        body = render_to_string("organisations/email/staff_invitation.txt", {"user": user, "link": link})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
