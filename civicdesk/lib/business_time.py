"""Counting time in a municipality's opening hours: SLA due dates and time waited in working time.

A :class:`BusinessCalendar` holds weekly opening hours in local wall-clock time, the country whose
national public holidays close the office, and any extra closed dates. ``add`` answers "due in
3 working days" (as ``3 * working day length``), ``elapsed`` answers "how much open time passed
between these two instants".

Opening hours are local times per local date, so a day open 08:00–16:00 is open 8 hours on the days
daylight saving starts and ends too. Each boundary becomes a real instant (UTC) before any
arithmetic, so an interval that spans a DST gap or fold counts the time that really passed. A
boundary means the first moment the local clock shows that time: the first occurrence in a fold,
and the moment the clocks jump when the time falls in a gap.

Pure Python (standard library and ``holidays``); no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = ["BusinessCalendar", "weekly_hours_from_text", "weekly_hours_to_text"]

Interval = tuple[time, time]
Span = tuple[datetime, datetime]  # a real open period: (opens, closes) as UTC instants

# A calendar that stays closed this long is misconfigured; stop instead of looping for ever.
MAX_CLOSED_DAYS = 3 * 366

ONE_DAY = timedelta(days=1)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours of one office: weekly hours, national holidays and extra closed dates.

    ``weekly_hours`` maps weekday (0 = Monday) to ``(opens, closes)`` local times. ``country`` is an
    ISO code known to the ``holidays`` package ("DK", "SE", "NO"); empty means no public holidays.
    Only the ``public`` category counts, so de facto closed days such as Swedish Midsummer Eve or
    Christmas Eve belong in ``closed_dates``. ``special_hours`` maps a date to the hours kept that day
    instead of the weekly ones (reduced hours before a holiday, say); it wins over holidays.
    """

    time_zone: str
    weekly_hours: Mapping[int, Sequence[Interval]]
    country: str = ""
    closed_dates: frozenset[date] = frozenset()
    special_hours: Mapping[date, Sequence[Interval]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"Unknown time zone {self.time_zone!r}.") from error
        country = self.country.upper()
        if country and country not in holidays.list_supported_countries():
            raise ValueError(f"The holidays package has no public holidays for country {self.country!r}.")
        # Frozen, yet normalised: callers may pass lists, dicts and sets they go on mutating.
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "weekly_hours", MappingProxyType(_validated_weekly_hours(self.weekly_hours)))
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))
        special = {day: tuple(intervals) for day, intervals in self.special_hours.items()}
        for day, intervals in special.items():
            for opens, closes in intervals:
                _check_interval(day.weekday(), opens, closes)
        object.__setattr__(self, "special_hours", MappingProxyType(special))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_holiday(self, day: date) -> bool:
        """Whether the office is closed all day whatever the weekday: a public holiday or a closed date."""
        return day in self.closed_dates or (bool(self.country) and day in _public_holidays(self.country, day.year))

    def is_open(self, at: datetime) -> bool:
        instant = _as_utc(at)
        return any(opens <= instant < closes for opens, closes in self._spans(self._local_date(instant)))

    def open_span(self, at: datetime) -> tuple[datetime, datetime] | None:
        """The open period ``at`` falls in, as (opens, closes) in the calendar's zone; None when closed."""
        instant = _as_utc(at)
        for opens, closes in self._spans(self._local_date(instant)):
            if opens <= instant < closes:
                return opens.astimezone(self.zone), closes.astimezone(self.zone)
        return None

    def next_open(self, at: datetime) -> datetime:
        """The first open moment at or after ``at`` (``at`` itself when open), in the calendar's zone."""
        opens, _ = next(self._spans_from(_as_utc(at)))
        return opens.astimezone(self.zone)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of open time has passed after ``start``, in the calendar's zone.

        Counting begins at the next opening when ``start`` is outside hours. A duration that uses up
        an interval exactly ends at its closing time, not at the next opening.
        """
        if duration < timedelta(0):
            raise ValueError(f"Cannot add a negative duration ({duration}).")
        remaining = duration
        for opens, closes in self._spans_from(_as_utc(start)):
            if remaining <= closes - opens:
                return (opens + remaining).astimezone(self.zone)
            remaining -= closes - opens
        raise AssertionError("_spans_from never ends without raising")  # pragma: no cover

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two instants; zero when ``end`` is not after ``start``."""
        first, last = _as_utc(start), _as_utc(end)
        total = timedelta(0)
        day, last_day = self._local_date(first), self._local_date(last)
        while day <= last_day:
            for opens, closes in self._spans(day):
                total += max(timedelta(0), min(closes, last) - max(opens, first))
            day += ONE_DAY
        return total

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def _spans(self, day: date) -> list[Span]:
        if day in self.special_hours:
            intervals = self.special_hours[day]
        elif self.is_holiday(day):
            return []
        else:
            intervals = self.weekly_hours.get(day.weekday(), ())
        return [
            (_wall_to_utc(day, opens, self.zone), _wall_to_utc(day, closes, self.zone)) for opens, closes in intervals
        ]

    def _spans_from(self, instant: datetime) -> Iterator[Span]:
        """Open spans from ``instant`` on, the first one clipped to begin no earlier than ``instant``."""
        day = self._local_date(instant)
        closed_days = 0
        while closed_days <= MAX_CLOSED_DAYS:
            spans = [(max(opens, instant), closes) for opens, closes in self._spans(day) if closes > instant]
            yield from spans
            closed_days = 0 if spans else closed_days + 1
            day += ONE_DAY
        raise ValueError(f"The calendar is closed for more than {MAX_CLOSED_DAYS} days in a row from {day}.")


def weekly_hours_from_text(spec: str) -> dict[int, list[Interval]]:
    """Parse opening hours such as ``"mon-thu 08:00-15:30; fri 08:00-14:00"``.

    Clauses are separated by ``;``. Each names days (``mon``, a range ``mon-fri``, or a comma list
    ``mon,wed``) and then one or more comma-separated ``HH:MM-HH:MM`` intervals. Days named in
    several clauses get all their intervals.
    """
    hours: dict[int, list[Interval]] = {}
    clauses = [clause.strip() for clause in spec.split(";") if clause.strip()]
    if not clauses:
        raise ValueError("Opening hours are empty; expected e.g. 'mon-fri 08:00-16:00'.")
    for clause in clauses:
        days_text, *rest = clause.split(maxsplit=1)
        if not rest:
            raise ValueError(f"{clause!r} has no hours; expected e.g. 'mon-fri 08:00-16:00'.")
        intervals_text = rest[0]
        intervals = [_parse_interval(part) for part in intervals_text.split(",")]
        for weekday in _parse_days(days_text):
            hours.setdefault(weekday, []).extend(intervals)
    return {weekday: list(intervals) for weekday, intervals in _validated_weekly_hours(hours).items()}


@lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"Expected a timezone-aware datetime, got naive {moment.isoformat()}.")
    return moment.astimezone(UTC)


def _wall_to_utc(day: date, wall_time: time, zone: ZoneInfo) -> datetime:
    """The first instant at which the local clock on ``day`` shows ``wall_time`` or later."""
    local = datetime.combine(day, wall_time, tzinfo=zone)  # fold=0: the first occurrence in a fold
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    # The wall time falls in a gap; the clock first shows it (or later) when it jumps.
    return _offset_change(local.replace(fold=1).astimezone(UTC), instant, zone)


def _offset_change(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The instant in ``(before, after]`` where the zone's UTC offset changes, to the second."""
    base = before.replace(microsecond=0)
    offset = base.astimezone(zone).utcoffset()
    low, high = 0, int((after - base).total_seconds()) + 1
    while high - low > 1:
        middle = (low + high) // 2
        if (base + timedelta(seconds=middle)).astimezone(zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return base + timedelta(seconds=high)


def _validated_weekly_hours(weekly_hours: Mapping[int, Iterable[Interval]]) -> dict[int, tuple[Interval, ...]]:
    validated: dict[int, tuple[Interval, ...]] = {}
    for weekday, intervals in weekly_hours.items():
        if weekday not in range(7):
            raise ValueError(f"Weekday {weekday!r} is not 0 (Monday) to 6 (Sunday).")
        listed = list(intervals)
        for opens, closes in listed:
            _check_interval(weekday, opens, closes)
        ordered = tuple(sorted(listed))
        for (_, earlier_closes), (later_opens, _) in pairwise(ordered):
            if later_opens < earlier_closes:
                raise ValueError(f"Opening hours on {DAY_NAMES[weekday]} overlap at {later_opens:%H:%M}.")
        if ordered:
            validated[weekday] = ordered
    if not validated:
        raise ValueError("The calendar has no opening hours at all; give at least one (opens, closes) interval.")
    return validated


def _check_interval(weekday: int, opens: time, closes: time) -> None:
    if not isinstance(opens, time) or not isinstance(closes, time):
        raise ValueError(f"Opening hours on {DAY_NAMES[weekday]} must be (time, time) pairs.")
    if opens.tzinfo is not None or closes.tzinfo is not None:
        raise ValueError(f"Opening hours on {DAY_NAMES[weekday]} are local wall-clock times; drop the tzinfo.")
    if closes <= opens:
        raise ValueError(f"On {DAY_NAMES[weekday]} closing {closes:%H:%M} is not after opening {opens:%H:%M}.")


_DAY_RANGE = re.compile(r"([a-z]{3})(?:-([a-z]{3}))?")
_INTERVAL = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


def _parse_days(text: str) -> list[int]:
    weekdays: list[int] = []
    for part in text.lower().split(","):
        match = _DAY_RANGE.fullmatch(part.strip())
        if not match:
            raise ValueError(f"Cannot read days {text!r}; use e.g. 'mon', 'mon-fri' or 'mon,wed'.")
        first = _day_index(match[1])
        last = _day_index(match[2]) if match[2] else first
        if last < first:
            raise ValueError(f"Day range {part.strip()!r} runs backwards; write it from Monday towards Sunday.")
        weekdays.extend(range(first, last + 1))
    return weekdays


def _day_index(name: str) -> int:
    if name not in DAY_NAMES:
        raise ValueError(f"Unknown day {name!r}; use {', '.join(DAY_NAMES)}.")
    return DAY_NAMES.index(name)


def _parse_interval(text: str) -> Interval:
    match = _INTERVAL.fullmatch(text.strip())
    if not match:
        raise ValueError(f"Cannot read hours {text.strip()!r}; use HH:MM-HH:MM, e.g. '08:00-15:30'.")
    open_hour, open_minute, close_hour, close_minute = (int(group) for group in match.groups())
    return _clock(open_hour, open_minute, text), _clock(close_hour, close_minute, text)


def _clock(hour: int, minute: int, text: str) -> time:
    if hour > 23 or minute > 59:
        raise ValueError(f"{text.strip()!r} has a time outside 00:00–23:59.")
    return time(hour, minute)


def weekly_hours_to_text(weekly) -> str:
    """{0: [(08:00, 15:30)], …} back to "mon-fri 08:00-15:30", grouping days with the same hours."""
    groups: list[tuple[list[int], str]] = []
    for day in range(7):
        intervals = ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in weekly.get(day, ()))
        if not intervals:
            continue
        if groups and groups[-1][1] == intervals and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], intervals))
    parts = []
    for days, intervals in groups:
        span = DAY_NAMES[days[0]] if len(days) == 1 else f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
        parts.append(f"{span} {intervals}")
    return "; ".join(parts)
