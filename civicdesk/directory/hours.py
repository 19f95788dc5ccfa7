"""Whether a unit is open on a channel at a moment, and when it opens next: its weekly hours in the
municipality's time zone, the country's public holidays (``holidays``, through ``lib.business_time``)
and the unit's own exceptions (days closed, days with other hours)."""

from dataclasses import dataclass
from datetime import datetime

from civicdesk.directory.models import weekly_hours
from civicdesk.lib.business_time import BusinessCalendar
from civicdesk.organisations.models import Municipality


@dataclass(frozen=True)
class Openness:
    open_now: bool
    closes_at: datetime | None  # when open: the end of this opening
    next_open: datetime | None  # when closed: the next opening (None: no hours on this channel)


def unit_calendar(municipality: Municipality, channel: str, hours, closures) -> BusinessCalendar | None:
    """The calendar of a unit of ``municipality`` on ``channel`` from its ``UnitHours`` and ``UnitClosure``
    rows (loaded by the caller, or rows of the same shape); None when it keeps no hours on that channel."""
    weekly = weekly_hours(hours, channel)
    closed, special = set(), {}
    for closure in closures:
        if closure.channel not in ("", channel):
            continue
        if closure.opens_at is None:
            closed.add(closure.date)
        else:
            special.setdefault(closure.date, []).append((closure.opens_at, closure.closes_at))
    if not weekly and not special:
        return None
    return BusinessCalendar(
        time_zone=municipality.time_zone,
        weekly_hours=weekly,
        country=municipality.country,
        closed_dates=frozenset(closed - set(special)),
        special_hours=special,
    )


def openness(calendar: BusinessCalendar | None, at: datetime) -> Openness:
    if calendar is None:
        return Openness(open_now=False, closes_at=None, next_open=None)
    span = calendar.open_span(at)
    if span is not None:
        return Openness(open_now=True, closes_at=span[1], next_open=None)
    try:
        return Openness(open_now=False, closes_at=None, next_open=calendar.next_open(at))
    except ValueError:  # closed for longer than the calendar looks ahead
        return Openness(open_now=False, closes_at=None, next_open=None)
