"""The simulated phone system: past days played out and sent through the webhook, and live calls that ask
the route API and report through the webhook, answered by simulated agents or ringing for a person."""

import datetime as dt
import time
from dataclasses import replace

from django.utils import timezone

from civicdesk.organisations.access import SYSTEM
from civicdesk.routing import selectors as routing_selectors
from civicdesk.routing import services as routing_services
from civicdesk.routing.models import AgentState
from civicdesk.telephony.models import Call, CallStatus, QueueVisit, VisitOutcome
from civicdesk.telephony.simulator import runs
from civicdesk.telephony.simulator.callers import NORDHORDLAND, OREBRO, CallerSource
from civicdesk.telephony.simulator.history import QueueStaff, history_events
from civicdesk.telephony.simulator.lines import ClientLine
from civicdesk.telephony.simulator.live import LiveSimulator
from civicdesk.telephony.simulator.staffing import staffing_of

MONDAY = dt.datetime(2026, 11, 16, tzinfo=dt.UTC)


def test_a_week_of_orebro_brings_its_6000_to_7000_calls_in_opening_hours_only():
    source = CallerSource(pattern=OREBRO, numbers={"+4619211000": 1.0}, seed=7)
    queues = [QueueStaff(key=f"q{d}", digits=(d,), agents=tuple(f"{d}{i:02d}" for i in range(4))) for d in "12340"]

    events = list(
        history_events(
            source=source, queues=queues, start=MONDAY, end=MONDAY + dt.timedelta(days=7), time_zone="Europe/Stockholm"
        )
    )

    offered = [e for e in events if e["type"] == "call.offered"]
    assert 6_000 <= len(offered) <= 7_000
    local_hours = {
        dt.datetime.fromisoformat(e["at"]).astimezone(dt.timezone(dt.timedelta(hours=1))).hour for e in offered
    }
    assert local_hours <= set(range(8, 16))
    weekdays = {dt.datetime.fromisoformat(e["at"]).weekday() for e in offered}
    assert weekdays <= {0, 1, 2, 3, 4}
    ended = {e["call_id"] for e in events if e["type"] in ("call.ended", "call.abandoned")}
    assert ended == {e["call_id"] for e in offered}  # every call that started in the week ended in it


def test_the_same_seed_gives_the_same_calls():
    def calls(seed):
        source = CallerSource(pattern=NORDHORDLAND, numbers={"+4757786000": 1.0}, seed=seed)
        queues = [QueueStaff(key="building", digits=("1", "2", "3", "0", "9"), agents=("1001", "1002"))]
        return list(
            history_events(
                source=source, queues=queues, start=MONDAY, end=MONDAY + dt.timedelta(days=1), time_zone="Europe/Oslo"
            )
        )

    assert calls(3) == calls(3) and calls(3) != calls(4)


def test_past_days_go_through_the_webhook_into_calls_and_visits(phone_world):
    line = ClientLine(phone_world.secret)
    now = timezone.now()

    sent = runs.history_send(line=line, center=phone_world.center, days=2, until=now)

    visits = QueueVisit.objects.filter(center=phone_world.center)
    assert sent > 0 and visits.exists()
    assert not visits.filter(outcome=VisitOutcome.WAITING).exists()  # unfinished calls are left out
    assert set(visits.values_list("outcome", flat=True)) <= {VisitOutcome.ANSWERED, VisitOutcome.ABANDONED}
    assert Call.objects.filter(center=phone_world.center, status=CallStatus.ENDED).count() == visits.count()


class Clock:
    """The simulator's clock, moved on by the test (it starts now: the phone world's shifts are around now)."""

    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def run_for(simulator: LiveSimulator, clock: Clock, seconds: float, step: float = 1.0) -> None:
    end = clock.now + seconds
    while clock.now < end:
        simulator.step()
        clock.now += step


def simulator_for(phone_world, clock, **pattern) -> LiveSimulator:
    """Callers of Gulen's number at a rate of ``calls_per_week`` (at any hour), pressing the keys given."""
    source = CallerSource(pattern=replace(NORDHORDLAND, **pattern), numbers={"+4757786000": 1.0}, seed=5)
    return LiveSimulator(
        line=ClientLine(phone_world.secret),
        source=source,
        staffing=staffing_of(phone_world.center),
        time_zone="Europe/Oslo",
        clock=clock,
        around_the_clock=True,
    )


def test_live_calls_ask_the_router_and_are_answered_by_simulated_agents(phone_world):
    clock = Clock()
    simulator = simulator_for(phone_world, clock, calls_per_week=100_000, talk_s=40)
    simulator.start()

    run_for(simulator, clock, 60)

    assert simulator.errors == 0
    calls = Call.objects.filter(center=phone_world.center)
    assert calls.count() >= 8
    answered = calls.filter(answered_at__isnull=False)
    assert answered.exists()
    assert set(answered.values_list("agent__code", flat=True)) <= {"1000", "1001", "1002", "1003", "1004"}
    assert not calls.filter(municipality__isnull=True).exists()  # every call was Gulen's number


def test_a_call_routed_to_a_signed_in_agent_rings_until_they_answer_in_the_browser(phone_world, client_for, agent):
    client_for(agent)  # nh.agent (1001) signs in: the simulator leaves them to the person
    person = phone_world.agents["1001"]
    # Only 1001 is on the phones (the simulator plays the agents nobody signed in as, on duty).
    now = timezone.now()
    shifts = routing_selectors.shift_list(
        actor=SYSTEM, center=phone_world.center, start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1)
    )
    for shift in shifts.exclude(agent=person):
        routing_services.shift_remove(actor=SYSTEM, shift=shift)
    routing_services.agent_state_set(actor=agent, agent=person, state=AgentState.AVAILABLE)
    # Real time: the agent answers now, after the simulated phone system offered the call. Callers press 1
    # (building: 1001 has the skill), speak Norwegian and wait long enough for a person to answer.
    simulator = simulator_for(
        phone_world, time.time, calls_per_week=60_000, patience_s=10_000, choices={"1": 1.0}, languages={"nb": 1.0}
    )
    simulator.start()

    deadline = time.monotonic() + 90
    while not any(call.ringing_human for call in simulator.calls.values()) and time.monotonic() < deadline:
        time.sleep(min(0.2, simulator.step()))

    person.refresh_from_db()
    ringing = next(call for call in simulator.calls.values() if call.ringing_human)
    assert person.reserved_for == ringing.caller.call_id and not ringing.answered
    response = client_for(agent).post("/telephony/phone/answer/")
    call = Call.objects.get(call_id=ringing.caller.call_id)
    assert response.status_code == 302 and response["Location"] == f"/contacts/new/?contact={call.contact_id}"
    assert call.status == CallStatus.TALKING and call.agent.code == "1001"
    assert call.contact.handled_by == agent and call.contact.outcome == "open"
