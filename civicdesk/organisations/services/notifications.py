"""In-app notifications for staff, mirrored by e-mail when they have an address."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from civicdesk.lib.errors import Forbidden
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Notification, User


def notify(*, user: User, text: str, url: str = "", email_subject: str = "") -> Notification:
    """Tell a colleague something; with ``email_subject`` it also goes by e-mail (after the transaction)."""
    notification = Notification.objects.create(user=user, text=text[:300], url=url)
    if email_subject and user.email:
        link = f"{settings.SITE_URL}{url}" if url else ""
        body = f"{text}\n\n{link}".strip()
        transaction.on_commit(
            lambda: send_mail(email_subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
        )
    return notification


@transaction.atomic
def notifications_mark_read(*, actor: Actor, ids: list[int] | None = None) -> int:
    """A user marks their own notifications read (all, or the given ones)."""
    if not isinstance(actor, User):
        raise Forbidden()
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
