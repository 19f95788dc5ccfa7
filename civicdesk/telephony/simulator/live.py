"""The simulated phone system, live: callers ring the centre's numbers as the pattern says, the phone
system asks civicdesk where each call should go (route API) and reports what happens (webhook), exactly as
a real one would. Simulated agents ("bots": agents nobody has signed in as) answer, talk and wrap up by
themselves; an agent signed in to civicdesk answers in the browser, so a call routed to them rings until
they do (or until the router's reservation runs out, when it is routed anew)."""

import datetime as dt
import heapq
import itertools
import logging
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field

from civicdesk.telephony.simulator.callers import Caller, CallerSource
from civicdesk.telephony.simulator.lines import LineError, PhoneLine

log = logging.getLogger(__name__)

ASK_EVERY_S = 2.0  # a waiting call asks the router again this often
RESERVED_S = 20.0  # the router keeps an agent for a ringing call this long
STAFF_EVERY_S = 30.0  # how often bots look at the duty rota
CLOSED_LOOK_S = 60.0
OPEN_SECONDS_A_WEEK = 5 * 8 * 3600


@dataclass
class SimulatedCall:
    caller: Caller
    queue: str = ""
    offered_at: float = 0.0
    agent: str = ""
    ringing_human: bool = False
    answered: bool = False
    done: bool = False


@dataclass
class Staffing:
    """What the simulator needs to know of the centre's agents, read from civicdesk each ``STAFF_EVERY_S``:
    which agents it may play (bots), which of those are on phone duty now, their wrap-up times, and which
    calls a human has answered."""

    bots_on_duty: Callable[[], dict[str, int]]  # code -> wrap-up seconds, bots on phone duty now
    bots_off_duty: Callable[[], set[str]]
    answered_by_human: Callable[[str], bool]


@dataclass
class LiveSimulator:
    line: PhoneLine
    source: CallerSource
    staffing: Staffing
    time_zone: str
    clock: Callable[[], float] = time.time
    speed: float = 1.0  # arrivals × speed (a lively demo with few agents)
    around_the_clock: bool = False  # the average opening-hours rate at any hour (a demo that runs at night)
    _heap: list = field(default_factory=list)
    _seq: itertools.count = field(default_factory=itertools.count)
    calls: dict[str, SimulatedCall] = field(default_factory=dict)
    bots: dict[str, int] = field(default_factory=dict)
    busy: set[str] = field(default_factory=set)
    sent: int = 0
    errors: int = 0

    def start(self) -> None:
        now = self.clock()
        self._at(now, self._staff)
        self._at(now + 1, self._arrive)

    def _at(self, due: float, action, *args) -> None:
        heapq.heappush(self._heap, (due, next(self._seq), action, args))

    def step(self) -> float:
        """Do what is due; the seconds until the next thing is due."""
        now = self.clock()
        while self._heap and self._heap[0][0] <= now:
            _, _, action, args = heapq.heappop(self._heap)
            try:
                action(now, *args)
            except LineError as error:
                self.errors += 1
                log.warning("phone simulator: civicdesk answered %s", error)
        return max(0.0, self._heap[0][0] - self.clock()) if self._heap else 1.0

    def run(self, stop) -> None:
        self.start()
        while not stop.is_set():
            stop.wait(min(0.5, self.step()))

    # --- sending ------------------------------------------------------------------------------------------------

    def _iso(self, seconds: float) -> str:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()

    def _send(self, call: SimulatedCall, kind: str, at: float, **fields) -> None:
        caller = call.caller
        event = {
            "id": f"{caller.call_id}:{kind}:{int(at * 1000)}",
            "type": kind,
            "call_id": caller.call_id,
            "at": self._iso(at),
            "dialed_number": caller.dialed_number,
            "caller_number": caller.caller_number,
            "queue": call.queue,
            **fields,
        }
        self.line.send([event])
        self.sent += 1

    def _agent_state(self, code: str, state: str, at: float) -> None:
        event = {
            "id": f"sim-agent:{code}:{state}:{int(at * 1000)}",
            "type": "agent.state",
            "agent": code,
            "at": self._iso(at),
            "data": {"state": state},
        }
        self.line.send([event])
        self.sent += 1

    # --- the agents it plays ------------------------------------------------------------------------------------

    def _staff(self, now: float) -> None:
        on_duty = self.staffing.bots_on_duty()
        for code in set(on_duty) - set(self.bots):
            self._agent_state(code, "available", now)
        for code in self.staffing.bots_off_duty() & (set(self.bots) - set(on_duty)):
            if code not in self.busy:
                self._agent_state(code, "other_work", now)
        self.bots = {code: wrap for code, wrap in on_duty.items()} | {
            c: self.bots[c] for c in self.busy if c in self.bots
        }
        self._at(now + STAFF_EVERY_S, self._staff)

    # --- callers ------------------------------------------------------------------------------------------------

    def _arrive(self, now: float) -> None:
        local = dt.datetime.fromtimestamp(now, zoneinfo.ZoneInfo(self.time_zone))
        if self.around_the_clock:
            rate = self.source.pattern.calls_per_week / OPEN_SECONDS_A_WEEK * self.speed
        else:
            rate = self.source.pattern.rate_per_s(local.weekday(), local.hour) * self.speed
        if rate <= 0:
            self._at(now + CLOSED_LOOK_S, self._arrive)
            return
        self._at(now + self.source.gap_s(rate), self._arrive)
        caller = self.source.caller()
        decision = self.line.route(
            {
                "call_id": caller.call_id,
                "dialed_number": caller.dialed_number,
                "caller_number": caller.caller_number,
                "ivr_choice": caller.ivr_choice,
                "language": caller.language,
            }
        )
        if decision.get("closed"):
            return  # the closed message played; the caller hangs up before any queue
        call = SimulatedCall(caller=caller, queue=decision["queue"], offered_at=now)
        self.calls[caller.call_id] = call
        self._send(call, "call.offered", now, ivr_choice=caller.ivr_choice, language=decision.get("language", ""))
        self._at(now + caller.patience_s, self._give_up, call)
        self._decided(now, call, decision)

    def _decided(self, now: float, call: SimulatedCall, decision: dict) -> None:
        code = decision.get("agent")
        if not code:
            if decision.get("offer_callback") and call.caller.takes_callback:
                self._at(now + 8, self._take_callback, call)
            self._at(now + ASK_EVERY_S, self._ask, call)
            return
        call.agent = code
        if code in self.bots and code not in self.busy:
            self.busy.add(code)
            self._at(now + call.caller.ring_s, self._answer, call)
        else:
            call.ringing_human = True
            self._at(now + RESERVED_S, self._human_answered, call)

    def _ask(self, now: float, call: SimulatedCall) -> None:
        if call.done or call.answered or call.agent:
            return
        caller = call.caller
        decision = self.line.route(
            {
                "call_id": caller.call_id,
                "dialed_number": caller.dialed_number,
                "caller_number": caller.caller_number,
                "queue": call.queue,
                "language": caller.language,
            }
        )
        self._decided(now, call, decision)

    def _human_answered(self, now: float, call: SimulatedCall) -> None:
        if call.done:
            return
        if self.staffing.answered_by_human(call.caller.call_id):
            call.answered = call.done = True  # the agent talks and hangs up in the browser
            self.calls.pop(call.caller.call_id, None)
            return
        call.agent, call.ringing_human = "", False
        self._ask(now, call)

    def _answer(self, now: float, call: SimulatedCall) -> None:
        if call.done:
            self.busy.discard(call.agent)
            return
        call.answered = True
        self._send(call, "call.answered", now, agent=call.agent)
        self._at(now + call.caller.talk_s, self._hang_up, call)

    def _hang_up(self, now: float, call: SimulatedCall) -> None:
        call.done = True
        self._send(call, "call.ended", now, agent=call.agent)
        self.calls.pop(call.caller.call_id, None)
        self._at(now + self.bots.get(call.agent, 60), self._wrapped_up, call.agent)

    def _wrapped_up(self, now: float, code: str) -> None:
        self.busy.discard(code)
        if code in self.bots:
            self._agent_state(code, "available", now)

    def _give_up(self, now: float, call: SimulatedCall) -> None:
        if call.done or call.answered:
            return
        if call.ringing_human and self.staffing.answered_by_human(call.caller.call_id):
            return
        call.done = True
        if call.agent in self.busy and not call.answered:
            self.busy.discard(call.agent)
        self._send(call, "call.abandoned", now)
        self.calls.pop(call.caller.call_id, None)

    def _take_callback(self, now: float, call: SimulatedCall) -> None:
        if call.done or call.answered or call.agent:
            return
        call.done = True
        self._send(call, "call.callback_requested", now)
        self._send(call, "call.exited", now, data={"reason": "exit_key"})
        self.calls.pop(call.caller.call_id, None)
