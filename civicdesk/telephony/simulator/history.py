"""Days of past calls for the demo, played out in simulated time with SimPy: callers arrive as the pattern
says, wait in their queue for a free agent of it (longest idle first), hang up when their patience runs
out, talk, and the agent wraps up. What happens is written as the phone system's events, which the demo
sends through the same webhook as live calls."""

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

import simpy

from civicdesk.telephony.simulator.callers import HOURLY_SHARES, CallerSource


@dataclass(frozen=True)
class QueueStaff:
    """A queue, the menu digits that lead to it and the agents answering it while the centre is open."""

    key: str
    digits: tuple[str, ...]
    agents: tuple[str, ...]


def _event(call, kind: str, at: dt.datetime, **fields) -> dict:
    return {
        "id": f"{call.call_id}:{kind}",
        "type": kind,
        "call_id": call.call_id,
        "at": at.isoformat(),
        "dialed_number": call.dialed_number,
        "caller_number": call.caller_number,
        **fields,
    }


def history_events(
    *,
    source: CallerSource,
    queues: list[QueueStaff],
    start: dt.datetime,
    end: dt.datetime,
    time_zone: str,
    wrap_up_s: float = 45.0,
) -> Iterator[dict]:
    """The events of every call from ``start`` to ``end`` (aware datetimes), in time order."""
    zone = zoneinfo.ZoneInfo(time_zone)
    env = simpy.Environment()
    by_digit = {digit: queue for queue in queues for digit in queue.digits}
    idle = {}
    for queue in queues:
        idle[queue.key] = simpy.Store(env)
        idle[queue.key].items.extend(queue.agents)
    out: list[tuple[float, int, dict]] = []

    def at(seconds: float) -> dt.datetime:
        return start + dt.timedelta(seconds=seconds)

    def emit(seconds: float, event: dict) -> None:
        out.append((seconds, len(out), event))

    def call(caller):
        queue = by_digit.get(caller.ivr_choice) or queues[0]
        emit(
            env.now,
            _event(
                caller,
                "call.offered",
                at(env.now),
                queue=queue.key,
                ivr_choice=caller.ivr_choice,
                language=caller.language,
            ),
        )
        request = idle[queue.key].get()
        result = yield request | env.timeout(caller.patience_s)
        if request not in result:
            request.cancel()
            emit(env.now, _event(caller, "call.abandoned", at(env.now), queue=queue.key))
            return
        agent = result[request]
        emit(env.now, _event(caller, "call.answered", at(env.now), queue=queue.key, agent=agent))
        yield env.timeout(caller.talk_s)
        emit(env.now, _event(caller, "call.ended", at(env.now), queue=queue.key, agent=agent))
        yield env.timeout(wrap_up_s)
        idle[queue.key].put(agent)

    def arrivals():
        total = (end - start).total_seconds()
        while env.now < total:
            local = at(env.now).astimezone(zone)
            rate = source.pattern.rate_per_s(local.weekday(), local.hour)
            if rate <= 0 or local.hour not in HOURLY_SHARES:
                next_hour = (local.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)).astimezone(
                    dt.UTC
                )
                yield env.timeout(max(1.0, (next_hour - at(env.now)).total_seconds()))
                continue
            gap = source.gap_s(rate)
            hour_left = 3600 - (local.minute * 60 + local.second + local.microsecond / 1e6)
            if gap >= hour_left:  # the rate changes with the hour: draw anew from there
                yield env.timeout(hour_left)
                continue
            yield env.timeout(gap)
            if env.now < total:
                env.process(call(source.caller()))

    env.process(arrivals())
    env.run(until=(end - start).total_seconds() + 3 * 3600)  # let the last calls end
    # Calls still going on at ``end`` are left out whole: the live simulator takes over from there.
    total = (end - start).total_seconds()
    unfinished = {e["call_id"] for s, _, e in out if s > total and e["type"] in ("call.ended", "call.abandoned")}
    for seconds, _, event in sorted(out, key=lambda item: (item[0], item[1])):
        if event["call_id"] not in unfinished and seconds <= total:
            yield event
