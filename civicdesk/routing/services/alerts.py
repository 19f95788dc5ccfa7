"""Queue alerts: raised when a queue passes one of its thresholds (the supervisors are told once per alert),
cleared when it is back under. The router keeps them in step with what it sees on every decision."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicdesk.lib.memo import Memo
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.models import Role, User
from civicdesk.routing.models import Queue, QueueAlert
from civicdesk.routing.signals import queue_alert_changed

__all__ = ["queue_alerts_sync"]

# The kinds of alert open per queue: read on every routing decision, changed seldom.
OPEN_ALERTS = Memo("routing-open-alerts")


def _open_kinds(queue: Queue) -> frozenset[str]:
    return OPEN_ALERTS.get(
        queue.pk,
        lambda: frozenset(
            QueueAlert.objects.filter(queue_id=queue.pk, cleared_at__isnull=True)
            .order_by()
            .values_list("kind", flat=True)
        ),
    )


def _alert_text(alert: QueueAlert, queue: Queue) -> str:
    if alert.kind == QueueAlert.Kind.LONGEST_WAIT:
        return _(
            "%(queue)s: a caller has waited %(value)s s (threshold %(threshold)s s). Reinforcements are offered calls."
        ) % {"queue": queue.name, "value": alert.value, "threshold": queue.alert_wait_s}
    return _("%(queue)s: %(value)s calls are waiting (threshold %(threshold)s). Reinforcements are offered calls.") % {
        "queue": queue.name,
        "value": alert.value,
        "threshold": queue.alert_length,
    }


def _raise(queue: Queue, kind: str, value: int, at: datetime) -> None:
    try:
        with transaction.atomic():
            alert = QueueAlert.objects.create(
                queue=queue, center_id=queue.center_id, kind=kind, value=value, raised_at=at
            )
    except IntegrityError:
        return  # raised already by a decision running beside this one: its supervisors are told by that one
    supervisors = User.objects.filter(
        is_active=True, roles__role=Role.SUPERVISOR, roles__center_id=queue.center_id
    ).distinct()
    text = _alert_text(alert, queue)
    for supervisor in supervisors:
        organisation_services.notify(user=supervisor, text=text)
    transaction.on_commit(lambda: queue_alert_changed.send(sender=QueueAlert, alert=alert, raised=True))


def _clear(queue: Queue, kinds: set[str], at: datetime) -> None:
    with transaction.atomic():
        alerts = list(
            QueueAlert.objects.select_for_update().filter(queue_id=queue.pk, kind__in=kinds, cleared_at__isnull=True)
        )
        for alert in alerts:
            alert.cleared_at = at
            alert.save(update_fields=["cleared_at"])
    for alert in alerts:
        transaction.on_commit(
            lambda alert=alert: queue_alert_changed.send(sender=QueueAlert, alert=alert, raised=False)
        )


def queue_alerts_sync(*, queue: Queue, over: dict[str, int], at: datetime) -> tuple[set[str], set[str]]:
    """Keep the queue's open alerts equal to the thresholds it is over now (``over``: kind → the value seen):
    raise the new ones and tell the centre's supervisors, clear those it is back under. Returns (raised,
    cleared) kinds. Called by the router, which has checked the caller may route in the centre."""
    open_kinds = _open_kinds(queue)
    raised = set(over) - open_kinds
    cleared = set(open_kinds) - set(over)
    for kind in sorted(raised):
        _raise(queue, kind, over[kind], at)
    if cleared:
        _clear(queue, cleared, at)
    if raised or cleared:
        OPEN_ALERTS.bump()
    return raised, cleared
