"""The duty rota as the actor may see it: a week of shifts by agent and day, in the centre's local time."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid
from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality, ServiceCenter
from civicdesk.routing.models import Agent, DutyShift

__all__ = ["RotaRow", "RotaWeek", "center_time_zone", "rota_week", "shift_get", "shift_list", "week_bounds"]


def center_time_zone(center: ServiceCenter) -> zoneinfo.ZoneInfo:
    """The centre's clock: that of the first municipality it serves (centres keep no time zone of their own)."""
    ids = sorted(access.current_member_ids([center.pk]))
    zone = Municipality.objects.filter(pk__in=ids[:1]).values_list("time_zone", flat=True).first()
    return zoneinfo.ZoneInfo(zone or "Europe/Oslo")


def week_bounds(week_start: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The week's first and last instant (Monday 00:00 to the next Monday 00:00, local time, aware)."""
    if week_start.weekday() != 0:
        raise Invalid(_("Choose a Monday."), field="week_start")
    start = dt.datetime.combine(week_start, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(), tzinfo=zone)
    return start, end


@dataclass
class RotaRow:
    """One agent's week: their shifts for each day (Monday first), in the order they start."""

    agent: Agent
    days: list[list[DutyShift]] = field(default_factory=lambda: [[] for _ in range(7)])


@dataclass
class RotaWeek:
    center: ServiceCenter
    week_start: dt.date
    time_zone: zoneinfo.ZoneInfo
    days: list[dt.date]
    rows: list[RotaRow]


def rota_week(*, actor: Actor, center: ServiceCenter, week_start: dt.date) -> RotaWeek:
    """The centre's rota for the week starting on Monday ``week_start``: every agent (by code) with their shifts
    of each day, by the local day a shift starts on. Three queries, whatever the number of agents."""
    zone = center_time_zone(center)
    start, end = week_bounds(week_start, zone)
    shifts = DutyShift.objects.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk")
    agents = (
        access.visible(actor, Agent.objects.filter(center=center))
        .select_related("user")
        .prefetch_related(Prefetch("shifts", queryset=shifts, to_attr="week_shifts"))
        .order_by("code")
    )
    rows = []
    for agent in agents:
        row = RotaRow(agent=agent)
        for shift in agent.week_shifts:
            row.days[(shift.starts_at.astimezone(zone).date() - week_start).days].append(shift)
        rows.append(row)
    days = [week_start + dt.timedelta(days=i) for i in range(7)]
    return RotaWeek(center=center, week_start=week_start, time_zone=zone, days=days, rows=rows)


def shift_get(*, actor: Actor, center: ServiceCenter, shift_id: int) -> DutyShift:
    """One shift of the centre's rota; ``NotFound`` when missing or hidden."""
    return access.get_visible(actor, DutyShift.objects.select_related("agent__user"), center=center, pk=shift_id)


def shift_list(
    *,
    actor: Actor,
    center: ServiceCenter,
    start: dt.datetime,
    end: dt.datetime,
    agent: Agent | None = None,
    duty: str | None = None,
) -> QuerySet[DutyShift]:
    """The centre's shifts that overlap ``start``–``end``, in the order they start."""
    if end <= start:
        raise Invalid(_("The end must come after the start."), field="end")
    shifts = access.visible(actor, DutyShift.objects.filter(center=center, starts_at__lt=end, ends_at__gt=start))
    if agent is not None:
        shifts = shifts.filter(agent=agent)
    if duty:
        shifts = shifts.filter(duty=duty)
    return shifts.select_related("agent").order_by("starts_at", "agent__code", "pk")
