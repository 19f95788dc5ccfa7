"""Queues as the actor may see them."""

from django.db.models import QuerySet

from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import ServiceCenter
from civicdesk.routing.models import Queue

__all__ = ["queue_by_key", "queue_list"]


def queue_by_key(*, actor: Actor, center: ServiceCenter, key: str) -> Queue:
    """The queue the phone system names ``key`` in the centre; ``NotFound`` when missing or hidden."""
    return access.get_visible(actor, Queue.objects.select_related("skill", "municipality"), center=center, key=key)


def queue_list(
    *, actor: Actor, center: ServiceCenter, channel: str | None = None, include_inactive: bool = False
) -> QuerySet[Queue]:
    """The centre's queues (shared and each municipality's own) by name, with their skill."""
    queues = access.visible(actor, Queue.objects.filter(center=center))
    if channel:
        queues = queues.filter(channel=channel)
    if not include_inactive:
        queues = queues.filter(is_active=True)
    return queues.select_related("skill", "municipality").order_by("name", "pk")
