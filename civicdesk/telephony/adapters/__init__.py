"""Outside phone systems: what each one reports is translated into ``CallEventIn``, the one shape of a call
event that ``services.call_events_record`` takes (the webhook sends it as it is; ``zammad`` translates Zammad's
generic CTI events, ``asterisk`` the lines of Asterisk's ``queue_log``)."""

from dataclasses import dataclass, field
from datetime import datetime


class EventType:
    """The event types the phone system reports (the webhook's ``type``)."""

    OFFERED = "call.offered"  # the call entered ``queue`` (after the IVR menu)
    ANSWERED = "call.answered"  # ``agent`` answered it
    HOLD = "call.hold"  # the agent held the caller for ``data.hold_s`` seconds
    CALLBACK_REQUESTED = "call.callback_requested"  # the caller asked to be called back
    TRANSFERRED = "call.transferred"  # to ``target``: a queue key, an agent code, or (``data.external``) outside
    EXITED = "call.exited"  # left the queue unanswered: ``data.reason`` = timeout, exit_key or no_agents
    ABANDONED = "call.abandoned"  # the caller hung up while waiting
    ENDED = "call.ended"  # the call ended (while still waiting: abandoned, or ``data.reason``)
    AGENT_STATE = "agent.state"  # ``agent`` is now in ``data.state`` (an agent state of routing)

    # Events at the same moment are applied in this order (and then by event id), so an order that the phone
    # system's clock cannot tell apart still gives one answer.
    ORDER = (OFFERED, ANSWERED, HOLD, CALLBACK_REQUESTED, TRANSFERRED, EXITED, ABANDONED, ENDED, AGENT_STATE)
    CALL_TYPES = frozenset(ORDER[:-1])


EXIT_REASONS = ("timeout", "exit_key", "no_agents")


@dataclass(frozen=True)
class CallEventIn:
    """One event as a phone system reports it. ``event_id`` is its idempotency key (the same id is kept once per
    centre); ``at`` is aware. ``queue`` is a queue key, ``agent`` an agent code, ``target`` either of them."""

    event_id: str
    type: str
    call_id: str
    at: datetime
    dialed_number: str = ""
    caller_number: str = ""
    queue: str = ""
    ivr_choice: str = ""
    agent: str = ""
    target: str = ""
    language: str = ""
    data: dict = field(default_factory=dict)
