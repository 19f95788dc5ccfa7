"""The duty rota: a week by agent and day in the centre's local time, shifts added and removed, a week copied."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.routing import selectors, services
from civicdesk.routing.models import DutyShift

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = dt.date(2026, 10, 19)  # the week before summer time ends (Sunday 25 October 2026)


def _local(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


@pytest.fixture
def week(phone_world, system):
    """1001 on the phones Monday and Friday 08:00–16:00, 1002 at the desk Wednesday 12:00–15:30."""
    agents = phone_world.agents
    for day in (MONDAY, MONDAY + dt.timedelta(days=4)):
        services.shift_add(actor=system, agent=agents["1001"], starts_at=_local(day, 8), ends_at=_local(day, 16))
    wednesday = MONDAY + dt.timedelta(days=2)
    services.shift_add(
        actor=system,
        agent=agents["1002"],
        duty="desk",
        starts_at=_local(wednesday, 12),
        ends_at=_local(wednesday, 15, 30),
    )


def test_the_rota_shows_each_agents_shifts_by_day_in_local_time(phone_world, supervisor, week):
    rota = selectors.rota_week(actor=supervisor, center=phone_world.center, week_start=MONDAY)
    assert rota.days[0] == MONDAY and rota.days[-1] == dt.date(2026, 10, 25)
    by_code = {row.agent.code: row.days for row in rota.rows}
    assert list(by_code) == ["1000", "1001", "1002", "1003", "1004"]
    assert [[(s.starts_at.astimezone(OSLO).hour, s.duty) for s in day] for day in by_code["1001"]] == [
        [(8, "phone")],
        [],
        [],
        [],
        [(8, "phone")],
        [],
        [],
    ]
    assert [len(day) for day in by_code["1002"]] == [0, 0, 1, 0, 0, 0, 0]


def test_a_rota_week_starts_on_a_monday(phone_world, supervisor):
    with pytest.raises(Invalid) as error:
        selectors.rota_week(actor=supervisor, center=phone_world.center, week_start=dt.date(2026, 10, 20))
    assert error.value.field == "week_start"


def test_copying_a_week_keeps_local_times_across_the_change_of_summer_time(phone_world, supervisor, week):
    copied = services.rota_copy_week(
        actor=supervisor, center=phone_world.center, from_week=MONDAY, to_week=MONDAY + dt.timedelta(days=7)
    )
    assert len(copied) == 3
    friday = next(s for s in copied if s.starts_at.astimezone(OSLO).date() == dt.date(2026, 10, 30))
    assert (friday.starts_at, friday.ends_at) == (_local(dt.date(2026, 10, 30), 8), _local(dt.date(2026, 10, 30), 16))
    # 08:00 in Oslo was 06:00 UTC in summer time, and is 07:00 UTC after it.
    assert friday.starts_at.astimezone(dt.UTC).hour == 7


def test_copying_again_adds_nothing_twice(phone_world, supervisor, week):
    services.rota_copy_week(actor=supervisor, center=phone_world.center, week_start=MONDAY)
    again = services.rota_copy_week(actor=supervisor, center=phone_world.center, week_start=MONDAY)
    assert again == []
    two_weeks = (_local(MONDAY, 0), _local(MONDAY + dt.timedelta(days=14), 0))
    assert DutyShift.objects.filter(center=phone_world.center, starts_at__range=two_weeks).count() == 6


def test_only_supervisors_copy_the_rota(phone_world, agent, outsider, week):
    with pytest.raises(Forbidden):
        services.rota_copy_week(actor=agent, center=phone_world.center, week_start=MONDAY)
    with pytest.raises(NotFound):
        services.rota_copy_week(actor=outsider, center=phone_world.center, week_start=MONDAY)


def test_a_supervisor_removes_a_shift_and_an_agent_may_not(phone_world, supervisor, agent, week):
    shift = DutyShift.objects.filter(agent=phone_world.agents["1002"], duty="desk").get()
    found = selectors.shift_get(actor=agent, center=phone_world.center, shift_id=shift.pk)
    with pytest.raises(Forbidden):
        services.shift_remove(actor=agent, shift=found)
    services.shift_remove(actor=supervisor, shift=found)
    assert not DutyShift.objects.filter(pk=shift.pk).exists()


def test_a_shift_lasts_at_most_a_day(phone_world, supervisor):
    with pytest.raises(Invalid) as error:
        services.shift_add(
            actor=supervisor,
            agent=phone_world.agents["1001"],
            starts_at=_local(MONDAY, 8),
            ends_at=_local(MONDAY + dt.timedelta(days=1), 9),
        )
    assert error.value.field == "ends_at"


def test_shifts_of_a_stretch_of_time_are_listed_in_order(phone_world, agent, week):
    shifts = selectors.shift_list(
        actor=agent, center=phone_world.center, start=_local(MONDAY, 0), end=_local(MONDAY + dt.timedelta(days=3), 0)
    )
    assert [(s.agent.code, s.duty) for s in shifts] == [("1001", "phone"), ("1002", "desk")]
