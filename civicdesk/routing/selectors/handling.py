"""How long agents have lately spent on a call and its wrap-up: what the router estimates waits with."""

import time
from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from civicdesk.lib.memo import Memo
from civicdesk.routing.models import AgentSkill, AgentState, AgentStateChange, Queue

__all__ = ["DEFAULT_HANDLE_S", "EstimateMemo", "recent_handle_s"]

DEFAULT_HANDLE_S = 180  # a queue without recent calls: three minutes a call, talk and wrap-up together
RECENT = timedelta(hours=2)
KEEP_S = 60


class EstimateMemo(Memo):
    """A memo of estimates (handling times, agents on the phones) the router divides by, each kept ``keep_s``
    seconds; kept even when read inside a transaction (the phone system's decision runs in one), since a count
    from a transaction later rolled back does no harm for those few seconds."""

    def __init__(self, name: str, *, keep_s: float):
        super().__init__(name)
        self.keep_s = keep_s

    def get(self, key, load, *, remember_none: bool = True):
        now = time.monotonic()
        kept = super().get(key, lambda: (load(), now))
        if now - kept[1] > self.keep_s:
            kept = (load(), now)
            self._values[key] = kept
        self._values.setdefault(key, kept)
        return kept[0]


HANDLE_S = EstimateMemo("routing-handle-s", keep_s=KEEP_S)


def recent_handle_s(*, queue: Queue, at: datetime) -> float:
    """Average handling time (talk + wrap-up) per call over the last two hours, of the centre's agents with the
    queue's skill; the default when there were none. Counted at most once a minute per queue and process."""
    return HANDLE_S.get(queue.pk, lambda: _handle_s(queue, at))


def _handle_s(queue: Queue, at: datetime) -> float:
    agents = AgentSkill.objects.filter(skill_id=queue.skill_id).values("agent_id")
    stretches = AgentStateChange.objects.filter(
        agent_id__in=agents,
        state__in=[AgentState.ON_CALL, AgentState.WRAP_UP],
        started_at__gte=at - RECENT,
        ended_at__isnull=False,
        ended_at__lte=at,
    )
    duration = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    found = stretches.aggregate(time=Sum(duration), calls=Count("pk", filter=Q(state=AgentState.ON_CALL)))
    total, calls = found["time"], found["calls"]
    if not calls or total is None:
        return float(DEFAULT_HANDLE_S)
    return total.total_seconds() / calls
