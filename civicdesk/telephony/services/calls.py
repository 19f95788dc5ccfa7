"""How a call and its queue visits are rebuilt from all the events the phone system sent about it.

``call_fold`` is a pure function: it sorts the events by (time, the fixed type order of ``EventType.ORDER``,
event id) and applies them one by one, so the same events in any order of arrival, sent twice or late, give
the same call. The rules (the event types are described in ``adapters.EventType``):

- A visit starts when the call is offered to a queue (or transferred to one) and belongs to the interval of
  its ``entered_at``. An event that names a queue applies to the call's latest visit in that queue, one that
  does not to its latest visit.
- Offered to another queue while the call waits or talks elsewhere: that visit is closed as if transferred (a
  waiting visit as a timeout, the queue overflowed; a talking one ends its talk then). An offer to the queue
  the call is already waiting in changes nothing.
- Answered: the visit's wait ends (``wait_s`` = answered − entered) and the agent goes on call.
- Abandoned, exited (``data.reason``: timeout, exit_key, no_agents; ``data.callback`` when the caller left
  to be called back): the waiting visit ends with that outcome, ``wait_s`` = left − entered; so does a call
  that ends while still waiting (abandoned unless the end gives a reason). An explicit outcome replaces one a
  later offer had assumed.
- Ended: the talk ends (``talk_s`` = ended − answered − hold), the agent goes to wrap-up; ``wrap_s`` is the
  end's ``data.wrap_s`` or the agent's wrap-up time. ``hold_s`` adds up the call's hold events.
- Transferred to a queue: a new visit there (the one before is transferred); to an agent: the talk of the
  visit ends, the call's agent is the new one (who goes on call; the one before to wrap-up); outside
  (``data.external``): the visit is transferred and the call ends for civicdesk (until it is offered to a
  queue again). A transfer at the moment an offer moved the call to another queue is that same move.
- Anything after the caller left (an answer of an abandoned visit, say) changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from civicdesk.routing.models import AgentState
from civicdesk.telephony.adapters import EXIT_REASONS, EventType
from civicdesk.telephony.models import CallStatus, VisitOutcome

__all__ = ["FoldedCall", "FoldedVisit", "StoredEvent", "call_fold", "event_sort_key"]

_TYPE_ORDER = {name: number for number, name in enumerate(EventType.ORDER)}


class StoredEvent(NamedTuple):
    """An event as kept (``CallEvent``): ``fields`` holds what was sent and the ids it was resolved to."""

    event_id: str
    type: str
    at: datetime
    fields: dict


def event_sort_key(event) -> tuple:
    return (event.at, _TYPE_ORDER.get(event.type, len(_TYPE_ORDER)), event.event_id)


@dataclass
class FoldedVisit:
    seq: int
    queue_id: int
    queue_municipality_id: int | None
    entered_at: datetime
    agent_id: int | None = None
    answered_at: datetime | None = None
    left_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str = VisitOutcome.WAITING
    wait_s: float | None = None
    talk_s: float | None = None
    hold_s: float = 0.0
    wrap_s: float = 0.0
    transferred: bool = False
    callback: bool = False
    assumed: bool = False  # closed by a later offer elsewhere, not by an event of its own
    agent_wrap_s: float = 0.0
    wrap_given: bool = False

    @property
    def is_waiting(self) -> bool:
        return self.outcome == VisitOutcome.WAITING

    @property
    def is_talking(self) -> bool:
        return self.outcome == VisitOutcome.ANSWERED and self.ended_at is None


@dataclass
class FoldedCall:
    started_at: datetime
    number_id: int | None = None
    number_municipality_id: int | None = None
    dialed_number: str = ""
    caller_number: str = ""
    language: str = ""
    ivr_choice: str = ""
    agent_id: int | None = None
    status: str = CallStatus.IN_MENU
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    callback_requested: bool = False
    transfers: int = 0
    visits: list[FoldedVisit] = field(default_factory=list)
    # (event id, agent id, state, at): the agents' states the events imply, applied for new events only.
    agent_moves: list[tuple[str, int, str, datetime]] = field(default_factory=list)
    talking: bool = False
    moved_at: datetime | None = None  # when an offer last moved the call from one queue to another

    @property
    def queue_id(self) -> int | None:
        return self.visits[-1].queue_id if self.visits else None

    @property
    def municipality_id(self) -> int | None:
        if self.number_municipality_id is not None:
            return self.number_municipality_id
        return next((v.queue_municipality_id for v in self.visits if v.queue_municipality_id), None)

    @property
    def answering_agent_id(self) -> int | None:
        """The agent who answered first: the contact opened for the call is theirs."""
        return next((v.agent_id for v in self.visits if v.agent_id), None) or self.agent_id

    # --- helpers of the rules ---

    def visit_for(self, queue_id: int | None) -> FoldedVisit | None:
        if queue_id is not None:
            for visit in reversed(self.visits):
                if visit.queue_id == queue_id:
                    return visit
        return self.visits[-1] if self.visits else None

    def open_visit(self, queue_id: int, municipality_id: int | None, at: datetime) -> None:
        self.visits.append(FoldedVisit(len(self.visits), queue_id, municipality_id, at))
        self.status, self.ended_at, self.talking = CallStatus.WAITING, None, False

    def move_agent(self, event: StoredEvent, agent_id: int | None, state: str) -> None:
        if agent_id is not None:
            self.agent_moves.append((event.event_id, agent_id, state, event.at))

    def stop_talking(self, event: StoredEvent) -> None:
        if self.talking:
            self.move_agent(event, self.agent_id, AgentState.WRAP_UP)
            self.talking = False

    def end(self, at: datetime) -> None:
        self.status, self.ended_at = CallStatus.ENDED, at


def _close_for_move(call: FoldedCall, visit: FoldedVisit, event: StoredEvent) -> None:
    """The call leaves ``visit`` for another queue at ``event``: transferred, or overflowed while waiting."""
    visit.transferred = True
    if visit.is_talking:
        visit.ended_at = event.at
        call.stop_talking(event)
    elif visit.is_waiting:
        visit.outcome, visit.left_at, visit.assumed = VisitOutcome.TIMEOUT, event.at, True
    call.transfers += 1


def _offered(call: FoldedCall, event: StoredEvent) -> None:
    f = event.fields
    queue_id = f["queue_id"]
    current = call.visits[-1] if call.visits else None
    if current is not None and current.queue_id == queue_id and current.is_waiting:
        return  # offered again to the queue it waits in
    if current is not None and (current.is_waiting or current.is_talking):
        _close_for_move(call, current, event)
        call.moved_at = event.at
    call.open_visit(queue_id, f.get("queue_municipality_id"), event.at)


def _answered(call: FoldedCall, event: StoredEvent) -> None:
    f = event.fields
    agent_id = f.get("agent_id")
    visit = call.visit_for(f.get("queue_id"))
    if visit is not None and visit.outcome == VisitOutcome.ANSWERED:
        if agent_id and agent_id != call.agent_id and call.talking:
            call.move_agent(event, call.agent_id, AgentState.WRAP_UP)  # someone else took over the call
            call.agent_id = agent_id
            call.move_agent(event, agent_id, AgentState.ON_CALL)
        return
    if visit is not None and not (visit.is_waiting or visit.assumed):
        return  # the caller had left already
    if visit is not None and visit.assumed:
        # Answered at the moment a later offer had moved the call on: the talk here ended with that move.
        moved_at = visit.left_at
        visit.outcome, visit.answered_at, visit.left_at = VisitOutcome.ANSWERED, event.at, event.at
        visit.agent_id, visit.agent_wrap_s, visit.ended_at = agent_id, f.get("agent_wrap_s", 0.0), moved_at
        visit.assumed = False
        call.answered_at = call.answered_at or event.at
        return
    if visit is not None:
        visit.outcome, visit.answered_at, visit.left_at = VisitOutcome.ANSWERED, event.at, event.at
        visit.agent_id, visit.agent_wrap_s = agent_id, f.get("agent_wrap_s", 0.0)
    call.answered_at = call.answered_at or event.at
    call.agent_id = agent_id or call.agent_id
    call.status, call.ended_at, call.talking = CallStatus.TALKING, None, True
    call.move_agent(event, agent_id, AgentState.ON_CALL)


def _hold(call: FoldedCall, event: StoredEvent) -> None:
    visit = call.visit_for(event.fields.get("queue_id"))
    if visit is not None and visit.outcome == VisitOutcome.ANSWERED:
        visit.hold_s += float(event.fields.get("data", {}).get("hold_s", 0))


def _callback_requested(call: FoldedCall, event: StoredEvent) -> None:
    call.callback_requested = True
    visit = call.visit_for(event.fields.get("queue_id"))
    if visit is not None:
        visit.callback = True


def _transferred(call: FoldedCall, event: StoredEvent) -> None:
    f = event.fields
    current = call.visits[-1] if call.visits else None
    if call.moved_at == event.at and current is not None and current.entered_at == event.at:
        return  # an offer to another queue at this very moment was this transfer: the call moved already
    if f.get("target_queue_id"):
        target = f["target_queue_id"]
        if current is not None and (current.is_waiting or current.is_talking):
            _close_for_move(call, current, event)
        else:
            call.transfers += 1
        call.open_visit(target, f.get("target_queue_municipality_id"), event.at)
        return
    if f.get("target_agent_id"):
        target = f["target_agent_id"]
        if current is not None and current.is_waiting:  # put straight through to the agent
            current.outcome, current.answered_at, current.left_at = VisitOutcome.ANSWERED, event.at, event.at
            current.agent_id, current.agent_wrap_s = target, f.get("target_agent_wrap_s", 0.0)
            call.answered_at = call.answered_at or event.at
        else:
            if current is not None and current.is_talking:
                current.ended_at, current.transferred = event.at, True
            call.stop_talking(event)
            call.transfers += 1
        call.agent_id = target
        call.status, call.ended_at, call.talking = CallStatus.TALKING, None, True
        call.move_agent(event, target, AgentState.ON_CALL)
        return
    # Outside civicdesk: the visit is transferred and the call ends here.
    if current is not None and current.is_talking:
        current.ended_at = event.at
    elif current is not None and current.is_waiting:
        current.outcome, current.left_at = VisitOutcome.TIMEOUT, event.at
    if current is not None:
        current.transferred = True
    call.transfers += 1
    call.stop_talking(event)
    call.end(event.at)


def _left(call: FoldedCall, event: StoredEvent, outcome: str) -> None:
    """The caller left the queue unanswered (abandoned, or exited for ``outcome``)."""
    visit = call.visit_for(event.fields.get("queue_id"))
    if visit is None:
        call.end(event.at)
        return
    if visit.assumed:
        # The caller left this queue by its own outcome (a timeout reported at the moment the call entered the
        # next queue): the next queue is a new entry, not a transfer.
        visit.transferred = False
        call.transfers -= 1
    if visit.is_waiting or visit.assumed:
        visit.outcome, visit.left_at, visit.assumed = outcome, event.at, False
    elif visit.is_talking and outcome == VisitOutcome.ABANDONED:
        visit.ended_at = event.at  # hung up while talking: the talk ended
        call.stop_talking(event)
    if visit is call.visits[-1]:
        call.end(event.at)


def _exited(call: FoldedCall, event: StoredEvent) -> None:
    data = event.fields.get("data", {})
    _left(call, event, data.get("reason", VisitOutcome.TIMEOUT))
    if data.get("callback"):  # left by key to be called back
        _callback_requested(call, event)


def _abandoned(call: FoldedCall, event: StoredEvent) -> None:
    _left(call, event, VisitOutcome.ABANDONED)


def _ended(call: FoldedCall, event: StoredEvent) -> None:
    data = event.fields.get("data", {})
    visit = call.visits[-1] if call.visits else None
    if visit is not None and visit.is_waiting:
        reason = data.get("reason")
        visit.outcome = reason if reason in EXIT_REASONS else VisitOutcome.ABANDONED
        visit.left_at = event.at
    elif visit is not None and visit.is_talking:
        visit.ended_at = event.at
        if data.get("wrap_s") is not None:
            visit.wrap_s, visit.wrap_given = float(data["wrap_s"]), True
    call.stop_talking(event)
    call.end(event.at)


_RULES = {
    EventType.OFFERED: _offered,
    EventType.ANSWERED: _answered,
    EventType.HOLD: _hold,
    EventType.CALLBACK_REQUESTED: _callback_requested,
    EventType.TRANSFERRED: _transferred,
    EventType.EXITED: _exited,
    EventType.ABANDONED: _abandoned,
    EventType.ENDED: _ended,
}

_CALL_FIELDS = ("dialed_number", "caller_number", "language", "ivr_choice")


def call_fold(events: list[StoredEvent]) -> FoldedCall:
    """The call and its visits that all of ``events`` (one call's, in any order) describe."""
    ordered = sorted(events, key=event_sort_key)
    call = FoldedCall(started_at=ordered[0].at)
    for event in ordered:
        f = event.fields
        for name in _CALL_FIELDS:
            if not getattr(call, name) and f.get(name):
                setattr(call, name, f[name])
        if call.number_id is None and f.get("number_id"):
            call.number_id, call.number_municipality_id = f["number_id"], f.get("number_municipality_id")
        rule = _RULES.get(event.type)
        if rule is not None:
            rule(call, event)
    for visit in call.visits:
        _measure(visit)
    return call


def _measure(visit: FoldedVisit) -> None:
    """Wait, talk and wrap-up of a visit from its moments."""
    if visit.answered_at is not None:
        visit.wait_s = _seconds(visit.entered_at, visit.answered_at)
    elif visit.left_at is not None:
        visit.wait_s = _seconds(visit.entered_at, visit.left_at)
    if visit.answered_at is not None and visit.ended_at is not None:
        visit.talk_s = max(0.0, _seconds(visit.answered_at, visit.ended_at) - visit.hold_s)
        if not visit.wrap_given:
            visit.wrap_s = float(visit.agent_wrap_s or 0)


def _seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())
