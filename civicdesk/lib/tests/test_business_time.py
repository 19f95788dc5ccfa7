"""Tests for counting SLA time in opening hours.

Holiday dates below were checked against ``holidays`` 0.109, not taken from memory. What that
version says and the tests rely on: Sweden's public holidays have no Maundy Thursday, Whit Monday,
Midsummer Eve or Christmas Eve (the eves are only in its ``de_facto`` category); Denmark's Great
Prayer Day stops after 2023, and Constitution Day (5 June) and Christmas Eve are only ``optional``;
none of the three countries has 24 December as a public holiday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.lib import business_time
from civicdesk.lib.business_time import BusinessCalendar, weekly_hours_from_text

OSLO = ZoneInfo("Europe/Oslo")
OFFICE_HOURS = {weekday: [(time(8), time(16))] for weekday in range(5)}
FOUR_HOURS = timedelta(hours=4)


def local(*args: int, zone: ZoneInfo = OSLO) -> datetime:
    return datetime(*args, tzinfo=zone)


def office(country: str = "", zone: str = "Europe/Oslo", **kwargs) -> BusinessCalendar:
    return BusinessCalendar(zone, OFFICE_HOURS, country=country, **kwargs)


def every_day(*intervals: tuple[time, time]) -> BusinessCalendar:
    return BusinessCalendar("Europe/Oslo", {weekday: list(intervals) for weekday in range(7)})


# Due dates across closed days


def test_a_due_date_from_friday_afternoon_lands_on_monday_morning():
    assert office().add(local(2026, 3, 6, 14), FOUR_HOURS) == local(2026, 3, 9, 10)


def test_norway_is_closed_on_ascension_day():
    calendar = office("NO")

    assert calendar.is_holiday(date(2026, 5, 14))
    assert calendar.add(local(2026, 5, 13, 14), FOUR_HOURS) == local(2026, 5, 15, 10)


def test_norway_is_closed_on_constitution_day_even_when_it_is_a_monday():
    assert office("NO").add(local(2027, 5, 14, 14), FOUR_HOURS) == local(2027, 5, 18, 10)


def test_sweden_is_closed_on_national_day_when_it_falls_on_a_weekday():
    calendar = office("SE", "Europe/Stockholm")
    stockholm = ZoneInfo("Europe/Stockholm")

    assert calendar.add(local(2024, 6, 5, 14, zone=stockholm), FOUR_HOURS) == local(2024, 6, 7, 10, zone=stockholm)


def test_swedish_midsummer_eve_is_no_public_holiday_so_it_goes_in_closed_dates():
    stockholm = ZoneInfo("Europe/Stockholm")
    midsummer_eve = date(2026, 6, 19)
    thursday_afternoon = local(2026, 6, 18, 14, zone=stockholm)

    public_only = office("SE", "Europe/Stockholm")
    with_eve = office("SE", "Europe/Stockholm", closed_dates=frozenset({midsummer_eve}))

    assert not public_only.is_holiday(midsummer_eve)
    assert public_only.is_holiday(date(2026, 6, 20))  # Midsummer Day, a Saturday
    assert public_only.add(thursday_afternoon, FOUR_HOURS) == local(2026, 6, 19, 10, zone=stockholm)
    assert with_eve.add(thursday_afternoon, FOUR_HOURS) == local(2026, 6, 22, 10, zone=stockholm)


def test_sweden_keeps_whit_monday_as_a_working_day():
    assert not office("SE", "Europe/Stockholm").is_holiday(date(2026, 5, 25))


def test_denmark_is_closed_over_christmas_but_not_on_christmas_eve_unless_told():
    copenhagen = ZoneInfo("Europe/Copenhagen")
    christmas_eve_afternoon = local(2026, 12, 24, 14, zone=copenhagen)

    assert not office("DK", "Europe/Copenhagen").is_holiday(date(2026, 12, 24))
    assert office("DK", "Europe/Copenhagen").add(christmas_eve_afternoon, FOUR_HOURS) == local(
        2026, 12, 28, 10, zone=copenhagen
    )


def test_denmark_is_closed_on_ascension_day_and_whit_monday():
    copenhagen = ZoneInfo("Europe/Copenhagen")
    calendar = office("DK", "Europe/Copenhagen")

    assert calendar.add(local(2026, 5, 13, 14, zone=copenhagen), FOUR_HOURS) == local(2026, 5, 15, 10, zone=copenhagen)
    assert calendar.add(local(2026, 5, 22, 14, zone=copenhagen), FOUR_HOURS) == local(2026, 5, 26, 10, zone=copenhagen)


def test_denmark_closed_on_great_prayer_day_until_it_was_abolished_from_2024():
    copenhagen = ZoneInfo("Europe/Copenhagen")
    calendar = office("DK", "Europe/Copenhagen")

    assert calendar.is_holiday(date(2023, 5, 5))
    assert calendar.add(local(2023, 5, 4, 14, zone=copenhagen), FOUR_HOURS) == local(2023, 5, 8, 10, zone=copenhagen)
    assert not calendar.is_holiday(date(2024, 4, 26))
    assert calendar.add(local(2024, 4, 25, 14, zone=copenhagen), FOUR_HOURS) == local(2024, 4, 26, 10, zone=copenhagen)


def test_denmark_constitution_day_is_not_a_public_holiday():
    assert not office("DK", "Europe/Copenhagen").is_holiday(date(2026, 6, 5))


@pytest.mark.parametrize(
    ("country", "zone", "closed_in_easter_week"),
    [
        ("NO", "Europe/Oslo", {date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6)}),
        ("DK", "Europe/Copenhagen", {date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6)}),
        # Maundy Thursday is a working day in Sweden.
        ("SE", "Europe/Stockholm", {date(2026, 4, 3), date(2026, 4, 6)}),
    ],
)
def test_easter_week_closes_good_friday_and_easter_monday_everywhere_and_maundy_thursday_in_norway_and_denmark(
    country, zone, closed_in_easter_week
):
    calendar = office(country, zone)
    easter_week = [date(2026, 3, 30) + timedelta(days=offset) for offset in range(8)]
    closed_weekdays = {day for day in easter_week if day.weekday() < 5 and calendar.is_holiday(day)}
    tz = ZoneInfo(zone)

    assert closed_weekdays == closed_in_easter_week
    assert calendar.add(local(2026, 4, 3, 12, zone=tz), FOUR_HOURS) == local(2026, 4, 7, 12, zone=tz)
    assert calendar.elapsed(local(2026, 3, 30, 0, zone=tz), local(2026, 4, 7, 0, zone=tz)) == timedelta(
        hours=8 * (6 - len(closed_in_easter_week))
    )


# Daylight saving time in Europe/Oslo (2026: starts 29 March, ends 25 October)


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_a_day_open_eight_to_four_is_eight_hours_when_daylight_saving_starts_or_ends(day):
    calendar = every_day((time(8), time(16)))
    opens = datetime.combine(day, time(8), tzinfo=OSLO)

    assert calendar.elapsed(opens - timedelta(hours=8), opens + timedelta(hours=16)) == timedelta(hours=8)
    assert calendar.add(opens, timedelta(hours=8)) == datetime.combine(day, time(16), tzinfo=OSLO)


@pytest.mark.parametrize(("day", "real_hours"), [(date(2026, 3, 29), 5), (date(2026, 10, 25), 7)])
def test_an_interval_spanning_the_clock_change_counts_real_elapsed_time(day, real_hours):
    calendar = every_day((time(0), time(6)))
    midnight = datetime.combine(day, time(0), tzinfo=OSLO)

    assert calendar.elapsed(midnight, midnight + timedelta(days=1)) == timedelta(hours=real_hours)


def test_an_opening_inside_the_spring_forward_gap_starts_when_the_clocks_jump():
    calendar = every_day((time(2, 30), time(4)))

    assert calendar.next_open(local(2026, 3, 29)) == local(2026, 3, 29, 3)
    assert not calendar.is_open(datetime(2026, 3, 29, 0, 59, tzinfo=UTC))
    assert calendar.elapsed(local(2026, 3, 29), local(2026, 3, 30)) == timedelta(hours=1)


def test_adding_across_the_autumn_fold_lands_on_the_repeated_hour():
    due = every_day((time(0), time(6))).add(local(2026, 10, 25), timedelta(hours=3))

    assert (due.hour, due.utcoffset()) == (2, timedelta(hours=1))
    # Compared in UTC: Python never calls an instant in a fold equal to one in another zone.
    assert due.astimezone(UTC) == datetime(2026, 10, 25, 1, tzinfo=UTC)


# elapsed()


def test_elapsed_across_a_weekend_and_a_holiday_is_the_sum_of_open_hours():
    calendar = office("NO")
    # Wed 13 May 10:00-16:00, Ascension Thursday closed, Fri 8h, weekend closed, Mon 08:00-12:00.
    assert calendar.elapsed(local(2026, 5, 13, 10), local(2026, 5, 18, 12)) == timedelta(hours=6 + 8 + 4)


def test_elapsed_is_zero_when_the_end_is_not_after_the_start():
    calendar = office()

    assert calendar.elapsed(local(2026, 3, 9, 12), local(2026, 3, 9, 12)) == timedelta(0)
    assert calendar.elapsed(local(2026, 3, 9, 12), local(2026, 3, 9, 9)) == timedelta(0)


def test_elapsed_and_add_agree():
    calendar = BusinessCalendar("Europe/Oslo", weekly_hours_from_text("mon-fri 08:00-11:30,12:00-15:30"), "NO")
    start = local(2026, 5, 12, 17)
    due = calendar.add(start, timedelta(hours=20))

    assert calendar.elapsed(start, due) == timedelta(hours=20)


def test_elapsed_accepts_instants_in_other_time_zones():
    assert office().elapsed(datetime(2026, 3, 9, 7, tzinfo=UTC), datetime(2026, 3, 9, 9, tzinfo=UTC)) == timedelta(
        hours=2
    )


# Starting outside opening hours


def test_an_evening_start_begins_counting_at_the_next_morning():
    assert office().add(local(2026, 3, 10, 20), timedelta(hours=1)) == local(2026, 3, 11, 9)


def test_an_early_start_begins_counting_at_opening():
    assert office().add(local(2026, 3, 10, 6), timedelta(hours=1)) == local(2026, 3, 10, 9)


def test_a_saturday_start_begins_counting_on_monday():
    calendar = office()
    saturday = local(2026, 3, 7, 11)

    assert not calendar.is_open(saturday)
    assert calendar.next_open(saturday) == local(2026, 3, 9, 8)
    assert calendar.add(saturday, timedelta(0)) == local(2026, 3, 9, 8)
    assert calendar.add(saturday, timedelta(minutes=90)) == local(2026, 3, 9, 9, 30)


def test_next_open_is_the_instant_itself_when_open():
    calendar = office()

    assert calendar.is_open(local(2026, 3, 9, 8))
    assert calendar.next_open(local(2026, 3, 9, 11, 17)) == local(2026, 3, 9, 11, 17)
    assert not calendar.is_open(local(2026, 3, 9, 16))


def test_results_are_in_the_calendars_time_zone():
    due = office().add(datetime(2026, 3, 9, 7, tzinfo=UTC), timedelta(hours=1))

    assert due.tzinfo == OSLO
    assert due == local(2026, 3, 9, 9)


def test_a_duration_that_ends_at_closing_time_is_due_at_closing_time():
    assert office().add(local(2026, 3, 6, 14), timedelta(hours=2)) == local(2026, 3, 6, 16)


def test_a_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        office().add(local(2026, 3, 9, 9), timedelta(hours=-1))


# Split days


def test_the_lunch_break_does_not_count():
    calendar = BusinessCalendar("Europe/Oslo", weekly_hours_from_text("mon-fri 08:00-11:30,12:00-15:30"))

    assert calendar.add(local(2026, 3, 9, 11), timedelta(hours=1)) == local(2026, 3, 9, 12, 30)
    assert not calendar.is_open(local(2026, 3, 9, 11, 45))
    assert calendar.next_open(local(2026, 3, 9, 11, 45)) == local(2026, 3, 9, 12)
    assert calendar.elapsed(local(2026, 3, 9), local(2026, 3, 10)) == timedelta(hours=7)
    assert calendar.add(local(2026, 3, 9, 10, 30), timedelta(hours=1)) == local(2026, 3, 9, 11, 30)


# closed_dates


def test_closed_dates_are_honoured():
    calendar = office("DK", "Europe/Copenhagen", closed_dates=frozenset({date(2026, 12, 24)}))
    copenhagen = ZoneInfo("Europe/Copenhagen")

    assert calendar.is_holiday(date(2026, 12, 24))
    assert not calendar.is_open(local(2026, 12, 24, 10, zone=copenhagen))
    assert calendar.add(local(2026, 12, 23, 14, zone=copenhagen), FOUR_HOURS) == local(
        2026, 12, 28, 10, zone=copenhagen
    )


def test_closed_dates_may_be_any_iterable_of_dates():
    calendar = office(closed_dates=[date(2026, 3, 9)])

    assert calendar.closed_dates == frozenset({date(2026, 3, 9)})
    assert calendar.next_open(local(2026, 3, 9, 9)) == local(2026, 3, 10, 8)


# Holiday cache


def test_holidays_are_built_once_per_country_and_year(monkeypatch):
    built: list[tuple[str, int]] = []
    real = business_time.holidays.country_holidays

    def counting(country, years):
        built.append((country, years))
        return real(country, years=years)

    business_time._public_holidays.cache_clear()
    monkeypatch.setattr(business_time.holidays, "country_holidays", counting)
    calendar = office("NO")

    calendar.elapsed(local(2026, 12, 1), local(2027, 2, 1))
    calendar.add(local(2026, 12, 1), timedelta(hours=200))

    assert sorted(built) == [("NO", 2026), ("NO", 2027)]
    business_time._public_holidays.cache_clear()


# Refusals


@pytest.mark.parametrize(
    "call",
    [
        lambda calendar, naive: calendar.is_open(naive),
        lambda calendar, naive: calendar.next_open(naive),
        lambda calendar, naive: calendar.add(naive, timedelta(hours=1)),
        lambda calendar, naive: calendar.elapsed(naive, local(2026, 3, 10)),
        lambda calendar, naive: calendar.elapsed(local(2026, 3, 8), naive),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call(office(), datetime(2026, 3, 9, 9))


@pytest.mark.parametrize("weekly_hours", [{}, {0: []}, dict.fromkeys(range(7), ())])
def test_a_calendar_without_opening_hours_is_refused(weekly_hours):
    with pytest.raises(ValueError, match="no opening hours"):
        BusinessCalendar("Europe/Oslo", weekly_hours)


@pytest.mark.parametrize(
    ("weekly_hours", "message"),
    [
        ({0: [(time(16), time(8))]}, "not after opening"),
        ({0: [(time(8), time(12)), (time(11), time(14))]}, "overlap"),
        ({7: [(time(8), time(16))]}, "not 0 \\(Monday\\) to 6"),
        ({0: [(time(8, tzinfo=UTC), time(16, tzinfo=UTC))]}, "wall-clock"),
    ],
)
def test_malformed_weekly_hours_are_refused(weekly_hours, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("Europe/Oslo", weekly_hours)


def test_unknown_time_zones_and_countries_are_refused():
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar("Europe/Atlantis", OFFICE_HOURS)
    with pytest.raises(ValueError, match="country"):
        BusinessCalendar("Europe/Oslo", OFFICE_HOURS, country="XX")


def test_a_calendar_closed_for_years_stops_searching():
    mondays = frozenset(date(2026, 3, 9) + timedelta(weeks=week) for week in range(4 * 53))
    calendar = BusinessCalendar("Europe/Oslo", {0: [(time(8), time(16))]}, closed_dates=mondays)

    with pytest.raises(ValueError, match="closed for more than"):
        calendar.next_open(local(2026, 3, 9))


def test_the_weekly_hours_cannot_be_changed_through_the_callers_dict():
    hours = {0: [(time(8), time(16))]}
    calendar = BusinessCalendar("Europe/Oslo", hours)
    hours[1] = [(time(8), time(16))]

    assert 1 not in calendar.weekly_hours


def test_country_codes_are_case_insensitive():
    assert office("no").is_holiday(date(2026, 5, 17))


# weekly_hours_from_text


def test_parsing_day_ranges_with_different_hours():
    hours = weekly_hours_from_text("mon-thu 08:00-15:30; fri 08:00-14:00")

    assert hours == {
        **{weekday: [(time(8), time(15, 30))] for weekday in range(4)},
        4: [(time(8), time(14))],
    }


def test_parsing_split_days():
    assert weekly_hours_from_text("mon-fri 08:00-11:30,12:00-15:30") == {
        weekday: [(time(8), time(11, 30)), (time(12), time(15, 30))] for weekday in range(5)
    }


def test_parsing_day_lists_spacing_case_and_repeated_days():
    hours = weekly_hours_from_text(" Mon,WED  9:00 - 12:00 , 13:00-15:00 ;mon 16:00-18:00; ")

    assert hours == {
        0: [(time(9), time(12)), (time(13), time(15)), (time(16), time(18))],
        2: [(time(9), time(12)), (time(13), time(15))],
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("  ;  ", "empty"),
        ("mon-fri", "no hours"),
        ("xyz 08:00-16:00", "Unknown day"),
        ("monday 08:00-16:00", "Cannot read days"),
        ("fri-mon 08:00-16:00", "runs backwards"),
        ("mon 8-16", "Cannot read hours"),
        ("mon 08:00-16:00,", "Cannot read hours"),
        ("mon 16:00-08:00", "not after opening"),
        ("mon 24:00-25:00", "outside 00:00"),
        ("mon 08:60-09:00", "outside 00:00"),
        ("mon 08:00-12:00,11:00-13:00", "overlap"),
        ("mon 08:00-12:00; mon 11:00-13:00", "overlap"),
    ],
)
def test_parsing_bad_specs_explains_the_problem(spec, message):
    with pytest.raises(ValueError, match=message):
        weekly_hours_from_text(spec)


def test_weekly_hours_written_back_as_text_read_the_same():
    from civicdesk.lib.business_time import weekly_hours_to_text

    spec = "mon-thu 08:00-11:30,12:00-15:30; fri 08:00-14:00"
    assert weekly_hours_to_text(weekly_hours_from_text(spec)) == spec
