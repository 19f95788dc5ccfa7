"""Open now and next open for a unit: weekly hours in the municipality's time zone across daylight saving
changes, each country's public holidays, and the unit's own closed days and reduced hours."""

from datetime import UTC, date, datetime, time

import pytest

from civicdesk.directory import services
from civicdesk.directory.hours import openness, unit_calendar
from civicdesk.directory.models import Channel
from civicdesk.organisations.models import Municipality


def _unit(admin, municipality, hours="mon-fri 08:00-16:00", channel=Channel.PHONE):
    unit = services.unit_create(actor=admin, municipality=municipality, name="Servicetorget test")
    services.unit_hours_set(actor=admin, unit=unit, channel=channel, hours=hours)
    return unit


def _state(unit, at, channel=Channel.PHONE):
    return openness(unit_calendar(unit.municipality, channel, unit.hours.all(), unit.closures.all()), at)


def test_hours_follow_local_time_across_the_autumn_clock_change(platform_admin, gulen):
    unit = _unit(platform_admin, gulen)
    # Norway leaves summer time on Sunday 25 October 2026: 08:30 local is 06:30 UTC before, 07:30 after.
    assert _state(unit, datetime(2026, 10, 23, 6, 30, tzinfo=UTC)).open_now
    assert not _state(unit, datetime(2026, 10, 26, 6, 30, tzinfo=UTC)).open_now
    assert _state(unit, datetime(2026, 10, 26, 7, 30, tzinfo=UTC)).open_now
    weekend = _state(unit, datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    assert weekend.next_open == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)


def test_hours_follow_local_time_across_the_spring_clock_change(platform_admin, gulen):
    unit = _unit(platform_admin, gulen)
    # Summer time starts on Sunday 29 March 2026: Monday 08:00 local is 06:00 UTC.
    friday_evening = _state(unit, datetime(2026, 3, 27, 17, 0, tzinfo=UTC))
    assert friday_evening.next_open == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("slug", "holiday", "next_working_day_utc"),
    [
        ("gulen", date(2026, 5, 14), datetime(2026, 5, 15, 6, 0, tzinfo=UTC)),  # Kristi himmelfartsdag
        ("orebro", date(2026, 1, 6), datetime(2026, 1, 7, 7, 0, tzinfo=UTC)),  # Trettondedag jul
        ("holbaek", date(2026, 4, 6), datetime(2026, 4, 7, 6, 0, tzinfo=UTC)),  # 2. påskedag
    ],
)
def test_public_holidays_close_the_unit_in_each_country(platform_admin, slug, holiday, next_working_day_utc):
    unit = _unit(platform_admin, Municipality.objects.get(slug=slug))
    noon = datetime.combine(holiday, time(11, 0), tzinfo=UTC)
    state = _state(unit, noon)
    assert not state.open_now
    assert state.next_open == next_working_day_utc


def test_a_closed_day_and_a_day_of_reduced_hours(platform_admin, orebro):
    unit = _unit(platform_admin, orebro)
    services.unit_closure_add(
        actor=platform_admin, unit=unit, day=date(2026, 12, 24), opens_at=time(8, 0), closes_at=time(12, 0)
    )
    services.unit_closure_add(actor=platform_admin, unit=unit, day=date(2026, 12, 28), note="Inventory")
    assert _state(unit, datetime(2026, 12, 24, 9, 0, tzinfo=UTC)).open_now  # 10:00 in Örebro
    after_noon = _state(unit, datetime(2026, 12, 24, 12, 0, tzinfo=UTC))
    assert not after_noon.open_now
    # 25 and 26 December are public holidays, the 27th a Sunday, the 28th closed: Tuesday the 29th.
    assert after_noon.next_open == datetime(2026, 12, 29, 7, 0, tzinfo=UTC)


def test_each_channel_keeps_its_own_hours(platform_admin, gulen):
    unit = _unit(platform_admin, gulen, hours="mon-fri 08:00-15:30")
    services.unit_hours_set(actor=platform_admin, unit=unit, channel=Channel.DESK, hours="tue,thu 10:00-14:00")
    monday_nine = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert _state(unit, monday_nine, Channel.PHONE).open_now
    desk = _state(unit, monday_nine, Channel.DESK)
    assert not desk.open_now and desk.next_open == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert _state(unit, monday_nine, Channel.CHAT).next_open is None  # no chat at all
