"""Asterisk's ``queue_log``: one line per queue event, ``time|callid|queuename|agent|event|data1|data2|…``
(https://docs.asterisk.org/Operation/Logging/Queue-Logs/), translated into call events.

- ``time`` is a UNIX timestamp (or, as the realtime table writes it, ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in the
  time zone the import is given); ``callid`` is the caller channel's unique id, the call's id here.
- ``ENTERQUEUE(url|callerid|position)``: offered to the queue, from ``callerid``; the number dialled comes from
  a ``DID`` line of the same call before it, when the dialplan writes one.
- ``CONNECT(holdtime|bridgedchanneluniqueid|ringtime)``: answered by ``agent``.
- ``COMPLETECALLER`` / ``COMPLETEAGENT(holdtime|calltime|origposition)``, ``AGENTDUMP``, ``SYSCOMPAT``: ended.
- ``ABANDON(position|origposition|waittime)``: abandoned. ``EXITWITHTIMEOUT``, ``EXITEMPTY``,
  ``EXITWITHKEY(key|…)``: exited for a timeout, for no agents, by key.
- ``TRANSFER`` / ``BLINDTRANSFER(extension|context|…)``, ``ATTENDEDTRANSFER(method|method-data|…)``: the call
  leaves the queue for a dialplan extension (``extension@context``): transferred out, the call ends here
  unless it enters a queue again, as a caller transferred to another queue does (a new ``ENTERQUEUE``).
- ``ADDMEMBER``, ``UNPAUSE``, ``UNPAUSEALL``, ``AGENTLOGIN``: the agent is available; ``PAUSE``, ``PAUSEALL``
  (``reason``): on a break; ``REMOVEMEMBER``, ``AGENTLOGOFF``: offline.
- ``QUEUESTART``, ``CONFIGRELOAD``, ``RINGNOANSWER``, ``RINGCANCELED``, ``INFO``, ``DID`` and events unknown
  here have no bearing on calls or agents: left out.

The agent field is an interface (``PJSIP/1001``, ``SIP/1001-0000a1f2``, ``Local/1001@agents``, ``Agent/1001``)
or a member name: the agent is found by its code (the extension in the interface) or its name. Each event's
id is ``queue_log:<callid>:<sha1 of the line>``, so the same file imported twice adds nothing.
"""

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from civicdesk.telephony.adapters import CallEventIn, EventType


@dataclass(frozen=True)
class LineProblem:
    """A line that could not be read: its number in the file and what is wrong."""

    line: int
    message: str


class AgentNames:
    """Which agent a queue_log agent field means: by code, or by name (case and accents as written)."""

    _INTERFACE = re.compile(r"^(?:[A-Za-z0-9]+)/([^@/-]+)")

    def __init__(self, codes: Iterable[str], names: dict[str, str]):
        self.codes = set(codes)
        self.names = {name.casefold(): code for name, code in names.items() if name}

    def code_for(self, member: str) -> str | None:
        member = member.strip()
        if member in self.codes:
            return member
        found = self._INTERFACE.match(member)
        if found and found.group(1) in self.codes:
            return found.group(1)
        return self.names.get(member.casefold())


_CALL_EVENTS = {
    "ENTERQUEUE": EventType.OFFERED,
    "CONNECT": EventType.ANSWERED,
    "COMPLETECALLER": EventType.ENDED,
    "COMPLETEAGENT": EventType.ENDED,
    "AGENTDUMP": EventType.ENDED,
    "SYSCOMPAT": EventType.ENDED,
    "ABANDON": EventType.ABANDONED,
    "EXITWITHTIMEOUT": EventType.EXITED,
    "EXITEMPTY": EventType.EXITED,
    "EXITWITHKEY": EventType.EXITED,
    "TRANSFER": EventType.TRANSFERRED,
    "BLINDTRANSFER": EventType.TRANSFERRED,
    "ATTENDEDTRANSFER": EventType.TRANSFERRED,
}
_EXIT_REASONS = {"EXITWITHTIMEOUT": "timeout", "EXITEMPTY": "no_agents", "EXITWITHKEY": "exit_key"}
_AGENT_STATES = {
    "ADDMEMBER": "available",
    "UNPAUSE": "available",
    "UNPAUSEALL": "available",
    "AGENTLOGIN": "available",
    "AGENTCALLBACKLOGIN": "available",
    "PAUSE": "break",
    "PAUSEALL": "break",
    "REMOVEMEMBER": "offline",
    "AGENTLOGOFF": "offline",
    "AGENTCALLBACKLOGOFF": "offline",
}
_NO_CALL = ("", "NONE", "REALTIME")
_HIDDEN_CALLERS = ("", "anonymous", "unknown", "restricted")


class QueueLogReader:
    """Reads queue_log lines one by one (a file of any length), remembering what a later line needs (the
    number a call dialled, from its ``DID`` line)."""

    def __init__(self, *, queues: set[str], agents: AgentNames, time_zone: tzinfo):
        self.queues, self.agents, self.time_zone = queues, agents, time_zone
        self._dialled: dict[str, str] = {}

    def read(
        self, lines: Iterable[str], *, first_line: int = 1
    ) -> Iterator[tuple[int, CallEventIn | LineProblem | None]]:
        """For each line: its number and its event, a problem, or None for a line without bearing on calls."""
        for number, raw in enumerate(lines, start=first_line):
            line = raw.strip("\r\n")
            if not line.strip():
                yield number, None
                continue
            try:
                yield number, self._event(line)
            except _Problem as problem:
                yield number, LineProblem(number, str(problem))

    def _event(self, line: str) -> CallEventIn | None:
        fields = line.split("|")
        if len(fields) < 5:
            raise _Problem(f"expected time|callid|queuename|agent|event|…, found {len(fields)} field(s)")
        moment, call_id, queue, member, name = (field.strip() for field in fields[:5])
        data = [field.strip() for field in fields[5:]]
        name = name.upper()
        if not name:
            raise _Problem("no event name")
        at = self._time(moment)
        event_id = f"queue_log:{call_id[:60]}:{hashlib.sha1(line.encode(), usedforsecurity=False).hexdigest()}"
        if name == "DID":
            if call_id not in _NO_CALL and data and data[0]:
                self._dialled[call_id] = data[0]
            return None
        if name in _AGENT_STATES:
            code = self._agent(member)
            state_data = {"state": _AGENT_STATES[name]}
            if name in ("PAUSE", "PAUSEALL") and data and data[0]:
                state_data["reason"] = data[0][:40]
            return CallEventIn(event_id, EventType.AGENT_STATE, "", at, agent=code, data=state_data)
        kind = _CALL_EVENTS.get(name)
        if kind is None:
            return None
        if call_id in _NO_CALL:
            raise _Problem(f"{name} names no call (callid {call_id or 'empty'})")
        if queue in _NO_CALL:
            raise _Problem(f"{name} names no queue")
        if queue not in self.queues:
            raise _Problem(f"unknown queue {queue}")
        fields_in = {"queue": queue}
        if kind == EventType.OFFERED:
            caller = data[1] if len(data) > 1 else ""
            fields_in["caller_number"] = "" if caller.casefold() in _HIDDEN_CALLERS else caller[:32]
            fields_in["dialed_number"] = self._dialled.pop(call_id, "")[:32]
        elif kind == EventType.ANSWERED:
            fields_in["agent"] = self._agent(member)
        elif kind == EventType.EXITED:
            fields_in["data"] = {"reason": _EXIT_REASONS[name]}
            if name == "EXITWITHKEY" and data and data[0]:
                fields_in["data"]["key"] = data[0][:8]
        elif kind == EventType.ENDED:
            fields_in["data"] = {"ended_by": "caller" if name == "COMPLETECALLER" else "agent"}
        elif kind == EventType.TRANSFERRED:
            fields_in["target"] = self._transfer_target(name, data)
            fields_in["data"] = {"external": True}
        return CallEventIn(event_id, kind, call_id[:120], at, **fields_in)

    def _time(self, moment: str) -> datetime:
        try:
            return datetime.fromtimestamp(float(moment), UTC)
        except (ValueError, OverflowError, OSError):
            pass
        try:
            parsed = datetime.fromisoformat(moment)
        except ValueError:
            raise _Problem(f"unreadable time {moment[:40]}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.time_zone)

    def _agent(self, member: str) -> str:
        if member in _NO_CALL:
            raise _Problem("names no agent")
        code = self.agents.code_for(member)
        if code is None:
            raise _Problem(f"unknown agent {member[:60]}")
        return code

    @staticmethod
    def _transfer_target(name: str, data: list[str]) -> str:
        if name == "ATTENDEDTRANSFER":
            target = ":".join(part for part in data[:2] if part)
        else:
            extension, context = [*data, "", ""][:2]
            target = f"{extension}@{context}" if context else extension
        if not target:
            raise _Problem(f"{name} names no extension")
        return target[:120]


class _Problem(Exception):
    pass
