"""Call statistics: queue visits counted per queue, municipality, centre, agent and interval (in the centre's
local time, across daylight saving too), each visit against its own queue's thresholds; the API, its bad input
and who may read it. Every expected figure below is counted by hand from the visits each test makes."""

from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import services as organisation_services
from civicdesk.routing import services as routing
from civicdesk.telephony import selectors
from civicdesk.telephony.models import Call, CallStatus, QueueVisit, VisitOutcome

OSLO = ZoneInfo("Europe/Oslo")
URL = "/api/telephony/stats"
_call_ids = count(1)


def oslo(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def visit(
    world,
    queue: str,
    entered_at: datetime,
    outcome: str,
    *,
    wait: float | None = None,
    talk: float | None = None,
    hold: float = 0,
    wrap: float = 0,
    agent: str | None = None,
    municipality=None,
    transferred: bool = False,
    callback: bool = False,
    build: bool = False,
):
    """A call with one visit to ``queue``, as plain rows (derived data: the event fold makes them in real
    life). With ``build`` the rows are returned unsaved, for ``bulk_create``."""
    municipality = municipality or world.gulen
    answered = outcome == VisitOutcome.ANSWERED
    answered_at = entered_at + timedelta(seconds=wait) if answered else None
    left_at = None if outcome == VisitOutcome.WAITING else entered_at + timedelta(seconds=wait or 0)
    ended_at = answered_at + timedelta(seconds=talk + hold) if answered and talk is not None else None
    queue_row = world.queues[queue]
    agent_row = world.agents[agent] if agent else None
    call = Call(
        center=world.center,
        municipality=municipality,
        call_id=f"stats-{next(_call_ids)}",
        queue=queue_row,
        agent=agent_row,
        status=CallStatus.WAITING if outcome == VisitOutcome.WAITING else CallStatus.ENDED,
        started_at=entered_at - timedelta(seconds=20),
        answered_at=answered_at,
        ended_at=ended_at if answered else left_at,
        callback_requested=callback,
    )
    row = QueueVisit(
        call=call,
        center=world.center,
        municipality=municipality,
        queue=queue_row,
        agent=agent_row,
        entered_at=entered_at,
        answered_at=answered_at,
        left_at=left_at,
        ended_at=ended_at,
        outcome=outcome,
        wait_s=wait,
        talk_s=talk,
        hold_s=hold,
        wrap_s=wrap,
        transferred=transferred,
        callback=callback,
    )
    if build:
        return call, row
    call.save()
    row.call = call
    row.save()
    return row


@pytest.fixture
def world(phone_world, gulen, osteroy, system):
    """The phone world, with a planning queue whose thresholds are not the default: T = 60 s, s = 10 s."""
    phone_world.queues["planning"] = routing.queue_create(
        actor=system,
        center=phone_world.center,
        key="planning",
        name="Plan",
        skill=phone_world.skills["building"],
        service_level_s=60,
        short_abandon_s=10,
    )
    phone_world.gulen, phone_world.osteroy = gulen, osteroy
    return phone_world


A, B, T, X, N, W = (
    VisitOutcome.ANSWERED,
    VisitOutcome.ABANDONED,
    VisitOutcome.TIMEOUT,
    VisitOutcome.EXIT_KEY,
    VisitOutcome.NO_AGENTS,
    VisitOutcome.WAITING,
)
DAY = (oslo(2025, 3, 11), oslo(2025, 3, 12))  # a Tuesday, UTC+1


@pytest.fixture
def morning(world):
    """Tuesday morning in two queues (building T = 120 s, s = 5 s; planning T = 60 s, s = 10 s):

    building: answered after 30 s (talk 200 + hold 20 + wrap 40, by 1001), after exactly 120 s (talk 100 +
    wrap 60, by 1002), after 121 s (still talking, by 1001, transferred); abandoned after 3 s (short) and after
    50 s; timed out after 300 s; one caller still waiting (not offered yet).
    planning: answered after 61 s (over its 60 s; talk 100, by 1002) and after 45 s (talk 50 + wrap 10, by
    1001); abandoned after 8 s (short: under its 10 s); left by key for a callback after 90 s (Osterøy's
    caller); no agents after 0 s."""
    v = visit
    v(world, "building", oslo(2025, 3, 11, 9, 5), A, wait=30, talk=200, hold=20, wrap=40, agent="1001")
    v(world, "building", oslo(2025, 3, 11, 9, 20), A, wait=120, talk=100, wrap=60, agent="1002")
    v(world, "building", oslo(2025, 3, 11, 9, 40), A, wait=121, agent="1001", transferred=True)
    v(world, "building", oslo(2025, 3, 11, 10, 0), B, wait=3)
    v(world, "building", oslo(2025, 3, 11, 10, 10), B, wait=50)
    v(world, "building", oslo(2025, 3, 11, 10, 30), T, wait=300)
    v(world, "building", oslo(2025, 3, 11, 11, 55), W)
    v(world, "planning", oslo(2025, 3, 11, 9, 10), A, wait=61, talk=100, agent="1002")
    v(world, "planning", oslo(2025, 3, 11, 9, 50), A, wait=45, talk=50, wrap=10, agent="1001")
    v(world, "planning", oslo(2025, 3, 11, 10, 5), B, wait=8)
    v(world, "planning", oslo(2025, 3, 11, 10, 20), X, wait=90, callback=True, municipality=world.osteroy)
    v(world, "planning", oslo(2025, 3, 11, 10, 25), N, wait=0)
    return world


def stats(world, actor=None, *, by, start=DAY[0], end=DAY[1], **filters):
    rows = selectors.call_stats(actor=actor or world.token, center=world.center, start=start, end=end, by=by, **filters)
    return {row.key: row for row in rows}


# --- Grouped by queue: each queue's own thresholds ------------------------------------------------------------


def test_by_queue_each_visit_counts_against_its_own_queues_thresholds(morning):
    rows = stats(morning, by="queue")

    assert list(rows) == ["building", "planning"]
    building, planning = rows["building"].counts, rows["planning"].counts
    # building: 6 offered (the waiting caller is not), 3 answered, 2 within 120 s (30 s and exactly 120 s)
    assert (building.offered, building.answered, building.answered_within_threshold) == (6, 3, 2)
    assert (building.abandoned, building.short_abandoned, building.timeouts) == (2, 1, 1)
    assert (building.threshold_s, building.short_abandon_s) == (120, 5)
    # planning: 61 s is over its 60 s, and 8 s is a short abandon under its 10 s
    assert (planning.offered, planning.answered, planning.answered_within_threshold) == (5, 2, 1)
    assert (planning.abandoned, planning.short_abandoned, planning.exits_by_key, planning.no_agents) == (1, 1, 1, 1)
    assert (planning.threshold_s, planning.short_abandon_s) == (60, 10)
    assert rows["planning"].label == "Plan"


def test_short_abandons_are_left_out_of_the_service_level_and_abandonment_rate(morning):
    rows = stats(morning, by="queue")
    building, planning = rows["building"].figures, rows["planning"].figures

    assert building.service_level == 2 / (6 - 1)  # 0.4
    assert building.abandonment_rate == (2 - 1) / (6 - 1)  # 0.2
    assert planning.service_level == 1 / (5 - 1)  # 0.25
    assert planning.abandonment_rate == 0.0


def test_lost_calls_asa_aht_and_the_longest_wait_per_queue(morning):
    building = stats(morning, by="queue")["building"].figures

    assert building.lost == 6 - 3
    assert building.asa_s == pytest.approx((30 + 120 + 121) / 3)  # 90.3 s
    # The call still talking is answered but not handled: (260 + 160) ÷ 2
    assert building.counts.handled == 2
    assert building.aht_s == 210.0
    assert building.counts.longest_wait_s == 300.0
    assert building.counts.transferred == 1


def test_a_caller_still_waiting_at_the_end_of_the_period_is_not_offered_yet(morning):
    building = stats(morning, by="queue")["building"].counts
    assert building.offered == 6

    QueueVisit.objects.filter(outcome=VisitOutcome.WAITING).update(
        outcome=VisitOutcome.ANSWERED, wait_s=10, answered_at=oslo(2025, 3, 11, 11, 56)
    )

    building = stats(morning, by="queue")["building"].counts
    assert (building.offered, building.answered, building.answered_within_threshold) == (7, 4, 3)


def test_the_service_level_variants_by_name(morning):
    def building(variant):
        return stats(morning, by="queue", service_level=variant)["building"].figures.service_level

    assert building("default") == 2 / 5
    assert building("offered") == 2 / 6
    assert building("answered") == 2 / 3
    # Asterisk's SL2: (answered within 120 s + abandoned within 120 s) ÷ (answered + abandoned) = (2 + 2) ÷ 5
    assert building("asterisk_sl2") == 4 / 5


# --- Other groupings ---------------------------------------------------------------------------------------------


def test_by_centre_the_queues_add_up_and_the_row_says_its_thresholds_differ(morning):
    rows = stats(morning, by="center")

    assert list(rows) == ["nordhordland"]
    centre = rows["nordhordland"].figures
    assert (centre.counts.offered, centre.counts.answered_within_threshold, centre.counts.short_abandoned) == (11, 3, 2)
    assert centre.service_level == 3 / (11 - 2)
    assert centre.counts.threshold_s is None and centre.counts.thresholds_s == (60, 120)
    assert centre.counts.short_abandon_s is None and centre.counts.short_abandons_s == (5, 10)
    assert centre.lost == 11 - 5


def test_by_municipality_each_municipalitys_callers_are_counted_apart(morning):
    rows = stats(morning, by="municipality")

    assert list(rows) == ["gulen", "osteroy"]
    assert rows["gulen"].counts.offered == 10
    assert rows["osteroy"].counts.offered == 1
    assert rows["osteroy"].counts.exits_by_key == rows["osteroy"].counts.callbacks == 1
    assert rows["osteroy"].label == "Osterøy"


def test_by_municipality_filter_narrows_to_one_municipality(morning):
    rows = stats(morning, by="queue", municipality=morning.osteroy)

    assert list(rows) == ["planning"]
    assert rows["planning"].counts.offered == 1


def test_by_agent_each_agent_has_the_calls_they_answered_and_unanswered_visits_come_last(morning):
    rows = stats(morning, by="agent")

    assert list(rows) == ["1001", "1002", None]
    ola, ingrid = rows["1001"].figures, rows["1002"].figures
    # 1001 answered building after 30 s and 121 s, planning after 45 s (within its 60 s)
    assert (ola.counts.answered, ola.counts.answered_within_threshold, ola.counts.handled) == (3, 2, 2)
    assert ola.aht_s == (260 + 60) / 2
    assert ola.counts.thresholds_s == (60, 120)
    # 1002 answered building after 120 s (within) and planning after 61 s (over)
    assert (ingrid.counts.answered, ingrid.counts.answered_within_threshold) == (2, 1)
    assert ingrid.asa_s == (120 + 61) / 2
    assert rows["1001"].label == "Ola Haugland"
    assert rows[None].counts.offered == 6 and rows[None].counts.answered == 0


def test_the_agent_and_queue_filters_narrow_the_visits_counted(morning):
    rows = stats(morning, by="queue", agent=morning.agents["1002"])
    assert {key: row.counts.answered for key, row in rows.items()} == {"building": 1, "planning": 1}

    rows = stats(morning, by="agent", queue=morning.queues["planning"])
    assert {key: row.counts.offered for key, row in rows.items()} == {"1001": 1, "1002": 1, None: 3}


# --- Intervals in local time ---------------------------------------------------------------------------------------


def test_by_hour_and_by_15_minutes_in_local_time_each_visit_in_the_interval_it_entered(morning):
    hours = stats(morning, by="hour")

    assert list(hours) == ["2025-03-11T09:00:00+01:00", "2025-03-11T10:00:00+01:00"]
    assert [row.counts.offered for row in hours.values()] == [5, 6]
    assert hours["2025-03-11T09:00:00+01:00"].label == "2025-03-11 09:00"
    assert hours["2025-03-11T09:00:00+01:00"].start == oslo(2025, 3, 11, 9)

    quarters = stats(morning, by="15min")
    assert {key[11:16]: row.counts.offered for key, row in quarters.items()} == {
        "09:00": 2,  # 09:05 and 09:10
        "09:15": 1,  # 09:20
        "09:30": 1,  # 09:40: waited 121 s, answered in the next quarter, counted in the one it entered
        "09:45": 1,  # 09:50
        "10:00": 3,  # 10:00, 10:05, 10:10
        "10:15": 2,  # 10:20, 10:25
        "10:30": 1,  # 10:30
    }


def test_a_visit_on_the_boundary_belongs_to_the_interval_that_starts_there(world):
    visit(world, "building", oslo(2025, 3, 11, 9, 14, 59), A, wait=5, talk=60)
    visit(world, "building", oslo(2025, 3, 11, 9, 15), A, wait=5, talk=60)
    visit(world, "building", oslo(2025, 3, 12), A, wait=5, talk=60)  # the next day: outside [start, end)

    quarters = stats(world, by="15min")

    assert {key: row.counts.offered for key, row in quarters.items()} == {
        "2025-03-11T09:00:00+01:00": 1,
        "2025-03-11T09:15:00+01:00": 1,
    }


def test_the_night_summer_time_ends_has_two_hours_at_two_oclock_and_the_day_has_25_hours(world):
    # 26 October 2025: at 03:00 summer time (01:00 UTC) the clocks go back to 02:00.
    for utc in (
        datetime(2025, 10, 25, 22, 30, tzinfo=UTC),  # 00:30+02:00
        datetime(2025, 10, 26, 0, 30, tzinfo=UTC),  # 02:30+02:00
        datetime(2025, 10, 26, 1, 30, tzinfo=UTC),  # 02:30+01:00, an hour later
        datetime(2025, 10, 26, 1, 45, tzinfo=UTC),  # 02:45+01:00
        datetime(2025, 10, 26, 22, 30, tzinfo=UTC),  # 23:30+01:00
        datetime(2025, 10, 26, 23, 30, tzinfo=UTC),  # 00:30+01:00 on the 27th
    ):
        visit(world, "switchboard", utc, A, wait=10, talk=60)
    day = (oslo(2025, 10, 26), oslo(2025, 10, 27))
    assert day[1].astimezone(UTC) - day[0].astimezone(UTC) == timedelta(hours=25)

    hours = stats(world, by="hour", start=day[0], end=day[1])
    assert {key: row.counts.offered for key, row in hours.items()} == {
        "2025-10-26T00:00:00+02:00": 1,
        "2025-10-26T02:00:00+02:00": 1,
        "2025-10-26T02:00:00+01:00": 2,
        "2025-10-26T23:00:00+01:00": 1,
    }
    assert hours["2025-10-26T02:00:00+01:00"].label == "2025-10-26 02:00 (UTC+0100)"
    assert hours["2025-10-26T00:00:00+02:00"].label == "2025-10-26 00:00"

    quarters = stats(world, by="15min", start=day[0], end=day[1])
    assert list(quarters)[1:4] == [
        "2025-10-26T02:30:00+02:00",
        "2025-10-26T02:30:00+01:00",
        "2025-10-26T02:45:00+01:00",
    ]

    days = stats(world, by="day", start=day[0], end=oslo(2025, 10, 28))
    assert {key: row.counts.offered for key, row in days.items()} == {
        "2025-10-26T00:00:00+02:00": 5,
        "2025-10-27T00:00:00+01:00": 1,
    }


def test_the_night_summer_time_starts_the_day_has_23_hours_and_the_week_starts_on_monday(world):
    # 30 March 2025 (a Sunday): at 02:00 winter time (01:00 UTC) the clocks jump to 03:00.
    visit(world, "switchboard", datetime(2025, 3, 30, 0, 59, tzinfo=UTC), A, wait=10, talk=60)  # 01:59+01:00
    visit(world, "switchboard", datetime(2025, 3, 30, 1, 0, tzinfo=UTC), A, wait=10, talk=60)  # 03:00+02:00
    visit(world, "switchboard", oslo(2025, 3, 24, 8), A, wait=10, talk=60)  # Monday of the same week
    visit(world, "switchboard", oslo(2025, 3, 31, 8), A, wait=10, talk=60)  # Monday of the next week

    hours = stats(world, by="hour", start=oslo(2025, 3, 30), end=oslo(2025, 3, 31))
    assert list(hours) == ["2025-03-30T01:00:00+01:00", "2025-03-30T03:00:00+02:00"]

    days = stats(world, by="day", start=oslo(2025, 3, 30), end=oslo(2025, 3, 31))
    assert {key: row.counts.offered for key, row in days.items()} == {"2025-03-30T00:00:00+01:00": 2}

    weeks = stats(world, by="week", start=oslo(2025, 3, 24), end=oslo(2025, 4, 7))
    assert {key: row.counts.offered for key, row in weeks.items()} == {
        "2025-03-24T00:00:00+01:00": 3,
        "2025-03-31T00:00:00+02:00": 1,
    }
    assert weeks["2025-03-24T00:00:00+01:00"].label == "Week 13, 2025"


# --- The shared centre's year -------------------------------------------------------------------------------------


def test_the_shared_centres_10145_offered_with_125_lost_is_1_2_percent_lost(world):
    start = oslo(2024, 1, 1)
    rows = [
        visit(
            world,
            "switchboard",
            start + timedelta(minutes=50 * i),
            B if i < 125 else A,
            wait=40,
            talk=None if i < 125 else 180,
            agent=None if i < 125 else "1003",
            build=True,
        )
        for i in range(10_145)
    ]
    Call.objects.bulk_create([call for call, _ in rows], batch_size=2000)
    for call, row in rows:
        row.call = call
    QueueVisit.objects.bulk_create([row for _, row in rows], batch_size=2000)

    rows = stats(world, by="center", start=start, end=oslo(2025, 1, 1))

    centre = rows["nordhordland"].figures
    assert (centre.counts.offered, centre.lost) == (10_145, 125)
    assert round(centre.lost_rate * 100, 1) == 1.2


# --- Bad input and who may read -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"by": "minute"}, "by"),
        ({"service_level": "sl3"}, "service_level"),
        ({"end": DAY[0] - timedelta(hours=1)}, "to"),
        ({"end": DAY[0] + timedelta(days=401)}, "to"),
    ],
)
def test_bad_requests_name_the_field(world, change, field):
    arguments = {"by": "queue", "start": DAY[0], "end": DAY[1], **change}
    with pytest.raises(Invalid) as error:
        selectors.call_stats(actor=world.token, center=world.center, **arguments)
    assert error.value.field == field


def test_a_queue_of_another_centre_is_refused(world, system):
    from civicdesk.organisations.models import ServiceCenter

    orebro = ServiceCenter.objects.get(slug="orebro")
    skill = routing.skill_create(actor=system, center=orebro, key="bygg", name="Bygg")
    theirs = routing.queue_create(actor=system, center=orebro, key="bygg", name="Bygg", skill=skill)
    with pytest.raises(Invalid) as error:
        stats(world, by="queue", queue=theirs)
    assert error.value.field == "queue"


@pytest.mark.parametrize("who", ["agent", "supervisor"])
def test_the_centres_agents_and_supervisors_read_its_figures(morning, request, who):
    rows = stats(morning, request.getfixturevalue(who), by="queue")
    assert rows["building"].counts.offered == 6


@pytest.mark.parametrize("who", ["caseworker", "outsider", "municipality_token"])
def test_a_caseworker_an_outsider_or_a_municipalitys_token_cannot_read_the_centres_figures(morning, request, who):
    actor = request.getfixturevalue(who)
    actor = actor[0] if isinstance(actor, tuple) else actor
    with pytest.raises(NotFound):
        stats(morning, actor, by="queue")


# --- The API ------------------------------------------------------------------------------------------------------


def test_the_api_gives_figures_per_group_and_in_total_with_the_thresholds(
    morning, client, django_assert_max_num_queries
):
    query = {"center": "nordhordland", "from": "2025-03-11", "to": "2025-03-12", "by": "queue"}
    # The token and noting its use, the centre, the counts of every group in one query, and the memos of centre
    # memberships and municipalities, which keep nothing read inside a test's transaction (in a server they
    # cost nothing).
    with django_assert_max_num_queries(9):
        response = client.get(URL, query, **morning.headers)

    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("center", "municipality", "queue", "agent", "time_zone", "by", "service_level")} == {
        "center": "nordhordland",
        "municipality": None,
        "queue": None,
        "agent": None,
        "time_zone": "Europe/Oslo",
        "by": "queue",
        "service_level": "default",
    }
    assert datetime.fromisoformat(body["start"]) == oslo(2025, 3, 11)
    assert datetime.fromisoformat(body["end"]) == oslo(2025, 3, 12)
    assert [group["key"] for group in body["groups"]] == ["building", "planning"]
    building = body["groups"][0]
    assert building == {
        "key": "building",
        "label": "Byggesak, oppmåling og plan",
        "offered": 6,
        "answered": 3,
        "answered_within_threshold": 2,
        "abandoned": 2,
        "short_abandoned": 1,
        "abandoned_within_threshold": 2,
        "timeouts": 1,
        "exits_by_key": 0,
        "no_agents": 0,
        "transferred": 1,
        "callbacks": 0,
        "handled": 2,
        "service_level": 0.4,
        "abandonment_rate": 0.2,
        "lost": 3,
        "lost_rate": 0.5,
        "asa_s": 90.3,
        "aht_s": 210.0,
        "longest_wait_s": 300.0,
        "threshold_s": 120,
        "short_abandon_s": 5,
        "thresholds_s": [120],
        "short_abandons_s": [5],
    }
    total = body["total"]
    assert (total["key"], total["offered"], total["answered_within_threshold"], total["short_abandoned"]) == (
        None,
        11,
        3,
        2,
    )
    assert total["service_level"] == round(3 / 9, 4)
    assert (total["threshold_s"], total["thresholds_s"]) == (None, [60, 120])


def test_the_api_takes_times_with_offsets_filters_and_a_service_level_variant(
    morning, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):  # one more than above: the queue
        response = client.get(
            URL,
            {
                "from": "2025-03-11T10:00:00+01:00",
                "to": "2025-03-11T11:00:00+01:00",
                "by": "hour",
                "queue": "building",
                "service_level": "offered",
            },
            **morning.headers,
        )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["center"] == "nordhordland"  # the token's own
    assert body["queue"] == "building"
    assert [(g["key"], g["offered"], g["service_level"]) for g in body["groups"]] == [
        ("2025-03-11T10:00:00+01:00", 3, 0.0)
    ]


def test_the_api_without_a_period_gives_today_in_the_centres_local_time(world, client):
    now = timezone.now()
    visit(world, "building", now, A, wait=12, talk=30)
    visit(world, "building", now - timedelta(days=2), A, wait=12, talk=30)

    response = client.get(URL, {"by": "day"}, **world.headers)

    assert response.status_code == 200, response.content
    body = response.json()
    today = now.astimezone(OSLO).date()
    assert datetime.fromisoformat(body["start"]) == datetime(today.year, today.month, today.day, tzinfo=OSLO)
    assert [(g["key"][:10], g["offered"]) for g in body["groups"]] == [(today.isoformat(), 1)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"queue": "nosuchqueue"}, "queue"),
        ({"agent": "9999"}, "agent"),
        ({"municipality": "atlantis"}, "municipality"),
        ({"from": "2025-03-12", "to": "2025-03-11"}, "to"),
        ({"from": "2024-01-01", "to": "2025-03-01"}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2025-03-11T10:00:00"}, "from"),
        ({"by": "month"}, "by"),
        ({"service_level": "sl3"}, "service_level"),
    ],
)
def test_the_api_answers_bad_values_with_422_naming_the_field(world, client, query, field):
    response = client.get(URL, {"center": "nordhordland", **query}, **world.headers)

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_api_hides_the_centres_figures_from_a_caseworker_and_an_outsider(world, client_for, caseworker, outsider):
    for user in (caseworker, outsider):
        response = client_for(user).get(URL, {"center": "nordhordland"})
        assert response.status_code == 404, response.content


def test_the_api_lets_the_centres_supervisor_read_and_hides_it_from_a_token_that_may_not_read(
    world, client, client_for, supervisor, system
):
    assert client_for(supervisor).get(URL, {"center": "nordhordland"}).status_code == 200

    _, secret = organisation_services.api_token_create(
        actor=system, name="writer", permissions=["telephony:write"], center=world.center
    )
    client.logout()
    response = client.get(URL, {"center": "nordhordland"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 404, response.content
