"""What the wallboard shows for a centre, now: calls waiting per queue and the longest wait, agents by state,
today's figures per queue and per municipality (lost calls, service level), and the open alerts."""

import datetime as dt

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.errors import NotFound
from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import ServiceCenter
from civicdesk.routing import selectors as routing_selectors
from civicdesk.routing.models import LOGGED_IN_STATES, Agent, AgentState, Duty, DutyShift, Queue, QueueAlert
from civicdesk.telephony.models import QueueVisit, VisitOutcome
from civicdesk.telephony.selectors.stats import call_stats

__all__ = ["wallboard_snapshot"]


def _seconds(since, now) -> int:
    return max(0, int((now - since).total_seconds())) if since else 0


def wallboard_snapshot(*, actor: Actor, center: ServiceCenter, at: dt.datetime | None = None) -> dict:
    """One centre's live picture as plain data (the page renders it, the websocket sends it as JSON), for
    those who work there (its agents, supervisors and tokens) and platform admins; ``NotFound`` for others."""
    if not access.works_at(actor, center):
        raise NotFound(_("Not found."))
    now = at or timezone.now()
    zone = routing_selectors.center_time_zone(center)
    midnight = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), tzinfo=zone)
    queues = list(
        access.visible(actor, Queue.objects.filter(center=center, is_active=True, channel="phone")).order_by("name")
    )
    waiting = {
        row["queue_id"]: row
        for row in access.visible(actor, QueueVisit.objects.filter(center=center, outcome=VisitOutcome.WAITING))
        .values("queue_id")
        .annotate(waiting=Count("id"), oldest=Min("entered_at"))
    }
    today_by_queue = {
        row.key: row for row in call_stats(actor=actor, center=center, start=midnight, end=now, by="queue")
    }
    alerts = list(
        access.visible(actor, QueueAlert.objects.filter(center=center, cleared_at__isnull=True))
        .select_related("queue")
        .order_by("raised_at")
    )
    alerted = {alert.queue_id for alert in alerts}
    agents = list(
        access.visible(actor, Agent.objects.filter(center=center))
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "code")
    )
    on_phone_duty = set(
        access.visible(
            actor, DutyShift.objects.filter(center=center, duty=Duty.PHONE, starts_at__lte=now, ends_at__gt=now)
        ).values_list("agent_id", flat=True)
    )
    by_state = routing_selectors.agents_by_state(actor=actor, center=center, at=now)
    queue_rows = []
    for queue in queues:
        row = waiting.get(queue.pk, {})
        today = today_by_queue.get(queue.key)
        queue_rows.append(
            {
                "key": queue.key,
                "name": queue.name,
                "waiting": row.get("waiting", 0),
                "longest_wait_s": _seconds(row.get("oldest"), now),
                "oldest_entered_at": row["oldest"].isoformat() if row.get("oldest") else None,
                "alert": queue.pk in alerted,
                "alert_wait_s": queue.alert_wait_s,
                "offered_today": today.counts.offered if today else 0,
                "answered_today": today.counts.answered if today else 0,
                "service_level_today": today.figures.service_level if today else None,
            }
        )
    municipality_rows = [
        {
            "slug": row.key,
            "name": row.label,
            "offered": row.counts.offered,
            "answered": row.counts.answered,
            "lost": row.figures.lost,
            "service_level": row.figures.service_level,
        }
        for row in call_stats(actor=actor, center=center, start=midnight, end=now, by="municipality")
    ]
    return {
        "center": center.slug,
        "at": now.isoformat(),
        "queues": queue_rows,
        "waiting": sum(q["waiting"] for q in queue_rows),
        "longest_wait_s": max((q["longest_wait_s"] for q in queue_rows), default=0),
        "agents_by_state": by_state,
        "logged_in": sum(by_state[state] for state in LOGGED_IN_STATES),
        "agents": [
            {
                "code": agent.code,
                "name": agent.user.get_full_name() or agent.user.username,
                "state": agent.state,
                "since": agent.state_since.isoformat(),
                "reinforcement": agent.is_reinforcement,
                "on_duty": agent.pk in on_phone_duty,
                "pulled_in": bool(agent.pulled_in_until and agent.pulled_in_until > now),
            }
            for agent in agents
            if agent.state != AgentState.OFFLINE
        ],
        # Off phone duty, doing other work, and marked as reinforcements: whom a supervisor may pull in.
        "reinforcements": [
            {"code": agent.code, "name": agent.user.get_full_name() or agent.user.username, "state": agent.state}
            for agent in agents
            if agent.is_reinforcement
            and agent.pk not in on_phone_duty
            and agent.state != AgentState.OFFLINE
            and not (agent.pulled_in_until and agent.pulled_in_until > now)
        ],
        "municipalities": municipality_rows,
        "alerts": [
            {
                "queue": alert.queue.key,
                "queue_name": alert.queue.name,
                "kind": alert.kind,
                "value": alert.value,
                "raised_at": alert.raised_at.isoformat(),
            }
            for alert in alerts
        ],
    }
