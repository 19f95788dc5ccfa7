"""The router's queries: the agents free to take a call, best first; keeping one for the call; how many are on
the phones for a queue. Kept apart from the rules in ``router.py`` because they are tuned for speed.

The candidates query is built by the ORM once per shape (widened or not, with a preferred agent or not, with
a language or not) from stand-in values, and its SQL kept; each decision swaps in its own values. Django
compiles a query of this size in about as long as PostgreSQL takes to run it, and a decision must stay well
under 5 ms with 2,000 agents online. The query starts from the agents free now (index ``agent_available`` on
centre, state and idle time: when calls wait, few are) and checks skill, language and phone duty per row with
the (agent, skill) and (agent, language) unique indexes and ``shift_agent_start``; its cost follows the free
agents, not the agents online."""

import datetime as dt

from django.db import connections, router
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When, Window

from civicdesk.routing.models import Agent, AgentLanguage, AgentState, Duty, DutyShift, Queue
from civicdesk.routing.selectors.handling import EstimateMemo
from civicdesk.routing.services.rota import MAX_SHIFT

__all__ = ["CANDIDATES", "RESERVE_FOR", "candidates", "reserve", "staffed"]

RESERVE_FOR = dt.timedelta(seconds=20)  # how long an offered agent is kept for the call before others may have them
CANDIDATES = 5  # rows read per attempt: the best, and a few to fall back on if another decision reserved it first
STAFFED_KEEP_S = 10
# How many are on the phones for each queue and language: an estimate for the expected wait, counted for the
# whole centre at most every STAFFED_KEEP_S seconds per process (with hundreds of agents it is the one costly
# count, and waiting calls ask for it often).
STAFFED = EstimateMemo("routing-staffed", keep_s=STAFFED_KEEP_S)

# Stand-ins the statements are built with, and swapped for each decision's values.
_CENTER, _SKILL, _PREFER = -7_000_001, -7_000_002, -7_000_003
_LANGUAGE, _CALL = "\x01language", "\x01call"
_AT = dt.datetime(1901, 1, 2, tzinfo=dt.UTC)
_SINCE = _AT - MAX_SHIFT
_statements: dict[tuple, tuple[str, list]] = {}


def _ready_q(at, call_id) -> Q:
    """Free to take ``call_id`` at ``at``: available, or out of wrap-up, and not kept for another call."""
    ready = Q(state=AgentState.AVAILABLE) | Q(state=AgentState.WRAP_UP, wrap_up_until__lte=at)
    free = Q(reserved_until__isnull=True) | Q(reserved_until__lte=at) | Q(reserved_for=call_id)
    return ready & free


def _on_duty_q(at) -> Q:
    """On a phone shift (one that started within the longest a shift lasts) or pulled in by a supervisor."""
    shifts = DutyShift.objects.filter(
        agent_id=OuterRef("pk"), starts_at__gt=at - MAX_SHIFT, starts_at__lte=at, ends_at__gt=at, duty=Duty.PHONE
    )
    return Q(Exists(shifts)) | Q(pulled_in_until__gt=at)


def _matching(center_id, skill_id, language, at, *, widened: bool):
    """The centre's agents with the skill and the language, on phone duty (or, widened, reinforcements)."""
    agents = Agent.objects.filter(center_id=center_id, skills__skill_id=skill_id)
    if language:
        agents = agents.filter(Exists(AgentLanguage.objects.filter(agent_id=OuterRef("pk"), language=language)))
    on_duty = _on_duty_q(at)
    return agents.filter(on_duty | Q(is_reinforcement=True) if widened else on_duty)


def _candidates_query(center_id, skill_id, language, call_id, at, *, widened: bool, prefer_id):
    agents = (
        _matching(center_id, skill_id, language, at, widened=widened)
        .filter(_ready_q(at, call_id))
        .annotate(level=F("skills__level"), eligible=Window(Count("pk")))
    )
    order = []
    if prefer_id is not None:
        agents = agents.annotate(
            is_preferred=Case(When(pk=prefer_id, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        order.append("-is_preferred")
    if widened:
        # A Case, not the bare condition: NULL (no pull-in) would sort first on PostgreSQL.
        agents = agents.annotate(
            on_phone_duty=Case(When(_on_duty_q(at), then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        order.append("-on_phone_duty")
    order += ["idle_since", "-level", "code"]
    return agents.order_by(*order)[:CANDIDATES]


def _statement(alias: str, *, widened: bool, prefer: bool, language: bool) -> tuple[str, list]:
    key = (alias, widened, prefer, language)
    found = _statements.get(key)
    if found is None:
        query = _candidates_query(
            _CENTER,
            _SKILL,
            _LANGUAGE if language else "",
            _CALL,
            _AT,
            widened=widened,
            prefer_id=_PREFER if prefer else None,
        )
        sql, params = query.query.get_compiler(using=alias).as_sql()
        found = _statements[key] = (sql, list(params))
    return found


def candidates(
    *, queue: Queue, language: str, call_id: str, at: dt.datetime, widened: bool, prefer_agent: Agent | None
) -> list[Agent]:
    """The agents free to take the call now, best first (at most ``CANDIDATES``): the caller's last agent, then
    (widened) those on phone duty before reinforcements, then the longest idle, then the higher skill level.
    Each carries ``level``, ``eligible`` (how many are free in all) and, widened, ``on_phone_duty``."""
    alias = router.db_for_read(Agent)
    ops = connections[alias].ops
    sql, template = _statement(alias, widened=widened, prefer=prefer_agent is not None, language=bool(language))
    swap = {
        _CENTER: queue.center_id,
        _SKILL: queue.skill_id,
        _PREFER: prefer_agent.pk if prefer_agent is not None else None,
        _LANGUAGE: language,
        _CALL: call_id,
        ops.adapt_datetimefield_value(_AT): ops.adapt_datetimefield_value(at),
        ops.adapt_datetimefield_value(_SINCE): ops.adapt_datetimefield_value(at - MAX_SHIFT),
    }
    params = [swap.get(value, value) if not isinstance(value, bool) else value for value in template]
    return list(Agent.objects.using(alias).raw(sql, params))


def reserve(agent: Agent, call_id: str, at: dt.datetime) -> bool:
    """Keep the agent for the call (until ``at`` + ``RESERVE_FOR``) in one conditional UPDATE, unless another
    decision did first or the agent is no longer free: two decisions never get the same agent."""
    until = at + RESERVE_FOR
    taken = Agent.objects.filter(_ready_q(at, call_id), pk=agent.pk).update(reserved_until=until, reserved_for=call_id)
    if taken:
        agent.reserved_until, agent.reserved_for = until, call_id
    return bool(taken)


def staffed(*, queue: Queue, language: str, at: dt.datetime, widened: bool) -> int:
    """How many agents are on the phones for the queue and language (free, on a call or in wrap-up): what the
    expected wait is divided by."""
    key = (queue.center_id, widened, bool(language))
    counts = STAFFED.get(key, lambda: _staffed_counts(queue.center_id, at, widened=widened, by_language=bool(language)))
    return counts.get((queue.skill_id, language), 0)


def _staffed_counts(center_id: int, at: dt.datetime, *, widened: bool, by_language: bool) -> dict:
    """Agents on the phones in the centre by (skill, language), or by (skill, "") in any language: one grouped
    query for every queue of the centre at once."""
    states = [AgentState.AVAILABLE, AgentState.ON_CALL, AgentState.WRAP_UP]
    on_duty = _on_duty_q(at)
    agents = Agent.objects.filter(center_id=center_id, state__in=states).filter(
        on_duty | Q(is_reinforcement=True) if widened else on_duty
    )
    if by_language:
        rows = agents.values_list("skills__skill_id", "languages__language").annotate(n=Count("pk")).order_by()
        return {(skill_id, language): n for skill_id, language, n in rows}
    rows = agents.values_list("skills__skill_id").annotate(n=Count("pk")).order_by()
    return {(skill_id, ""): n for skill_id, n in rows}
