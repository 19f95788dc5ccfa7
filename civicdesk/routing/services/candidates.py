"""The router's queries: the agents free to take a call, best first; keeping one for the call; how many are on
the phones for a queue. Kept apart from the rules in ``router.py`` because they are tuned for speed.

Each statement (the candidates in their shapes: on duty, reinforcements, the caller's last agent, with a
language or not; the hold) is built by the ORM once from stand-in values, with its constants written in, and
kept; each decision swaps in its own values and runs it as a prepared statement (``lib/prepared.py``).
Compiling a query of this size costs about what running it does, and so does planning it on PostgreSQL;
a decision must stay well under 5 ms with 2,000 agents online.

The agents on duty are read in the order they are chosen in, along the partial index ``agent_ready`` (centre,
idle time; only available agents and those in wrap-up): the database walks the longest idle first, checks
skill, language and phone duty per row with the (agent, skill) and (agent, language) unique indexes and
``shift_agent_start``, and stops at the ``CANDIDATES``-th that fits. Its cost follows the agents it passes
over, not the agents online; so it does not count all who would fit. The caller's last agent and the
reinforcements off duty (when the queue is over its thresholds) are one small query each, asked only when
needed."""

import datetime as dt

from django.db import connections, router
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.sql import UpdateQuery

from civicdesk.lib.prepared import constants_inlined, prepared_cursor, prepared_objects
from civicdesk.routing.models import Agent, AgentLanguage, AgentSkill, AgentState, Duty, DutyShift, Queue
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
_UNTIL = _AT + dt.timedelta(days=1)
_statements: dict[tuple, tuple[str, list]] = {}

ON_DUTY, REINFORCEMENTS, PREFERRED, PREFERRED_WIDENED = "on duty", "reinforcements", "preferred", "preferred widened"


def _ready_q(at, call_id) -> Q:
    """Free to take ``call_id`` at ``at``: available, or out of wrap-up (an agent's ``idle_since`` is when their
    wrap-up ends), and not kept for another call. The condition on state is the partial index
    ``agent_ready``'s, so the database walks it from the longest idle."""
    ready = Q(state__in=[AgentState.AVAILABLE, AgentState.WRAP_UP], idle_since__lte=at)
    free = Q(reserved_until__isnull=True) | Q(reserved_until__lte=at) | Q(reserved_for=call_id)
    return ready & free


def _on_duty_q(at) -> Q:
    """On a phone shift (one that started within the longest a shift lasts) or pulled in by a supervisor."""
    shifts = DutyShift.objects.filter(
        agent_id=OuterRef("pk"), starts_at__gt=at - MAX_SHIFT, starts_at__lte=at, ends_at__gt=at, duty=Duty.PHONE
    )
    return Q(Exists(shifts)) | Q(pulled_in_until__gt=at)


def _candidates_query(shape: str, center_id, skill_id, language, call_id, at, prefer_id):
    """The free agents of the centre with the skill and the language, in one of the shapes: ``ON_DUTY`` (on
    phone duty or pulled in), ``REINFORCEMENTS`` (reinforcements off duty), ``PREFERRED`` (the one agent
    ``prefer_id`` if on duty) or ``PREFERRED_WIDENED`` (that agent on duty or a reinforcement); the longest
    idle first, then the higher skill level."""
    # Skill and language as scalar subqueries rather than a join and an EXISTS, which PostgreSQL would turn
    # into joins to plan in every order: this way it plans one table (0.25 ms instead of 0.8) and walks it.
    level = AgentSkill.objects.filter(agent_id=OuterRef("pk"), skill_id=skill_id).values("level")[:1]
    agents = Agent.objects.annotate(level=Subquery(level)).filter(
        _ready_q(at, call_id), center_id=center_id, level__isnull=False
    )
    if language:
        speaks = AgentLanguage.objects.filter(agent_id=OuterRef("pk"), language=language).values("pk")[:1]
        agents = agents.alias(speaks=Subquery(speaks)).filter(speaks__isnull=False)
    on_duty = _on_duty_q(at)
    if shape == REINFORCEMENTS:
        agents = agents.filter(~on_duty, is_reinforcement=True)
    elif shape == PREFERRED_WIDENED:
        agents = agents.filter(on_duty | Q(is_reinforcement=True), pk=prefer_id).annotate(
            on_phone_duty=Case(When(on_duty, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
    else:
        agents = agents.filter(on_duty, **({"pk": prefer_id} if shape == PREFERRED else {}))
    return agents.order_by("idle_since", "-level", "code")[: 1 if prefer_id is not None else CANDIDATES]


def _statement(alias: str, shape: str, *, language: bool) -> tuple[str, list]:
    key = (alias, shape, language)
    found = _statements.get(key)
    if found is None:
        prefer = _PREFER if shape in (PREFERRED, PREFERRED_WIDENED) else None
        query = _candidates_query(shape, _CENTER, _SKILL, _LANGUAGE if language else "", _CALL, _AT, prefer)
        found = _statements[key] = _kept(alias, *query.query.get_compiler(using=alias).as_sql())
    return found


def _kept(alias: str, sql: str, params) -> tuple[str, list]:
    """The statement with its constants written in, keeping the stand-ins as parameters."""
    ops = connections[alias].ops
    stand_ins = {_CENTER, _SKILL, _PREFER, _LANGUAGE, _CALL}
    stand_ins |= {ops.adapt_datetimefield_value(value) for value in (_AT, _SINCE, _UNTIL)}
    return constants_inlined(sql, list(params), varying=lambda value: value in stand_ins)


def _read(shape: str, *, queue: Queue, language: str, call_id: str, at: dt.datetime, prefer_id=None) -> list[Agent]:
    alias = router.db_for_read(Agent)
    ops = connections[alias].ops
    sql, template = _statement(alias, shape, language=bool(language))
    swap = {
        _CENTER: queue.center_id,
        _SKILL: queue.skill_id,
        _PREFER: prefer_id,
        _LANGUAGE: language,
        _CALL: call_id,
        ops.adapt_datetimefield_value(_AT): ops.adapt_datetimefield_value(at),
        ops.adapt_datetimefield_value(_SINCE): ops.adapt_datetimefield_value(at - MAX_SHIFT),
    }
    params = [swap.get(value, value) if not isinstance(value, bool) else value for value in template]
    return prepared_objects(Agent, alias, sql, params)


def candidates(
    *, queue: Queue, language: str, call_id: str, at: dt.datetime, widened: bool, prefer_agent: Agent | None
) -> list[Agent]:
    """The agents free to take the call now, best first (at most ``CANDIDATES``): the caller's last agent, then
    those on phone duty (or pulled in), then (widened) the reinforcements off duty; within each the longest
    idle, then the higher skill level. Each carries ``level`` and ``on_phone_duty``."""
    found: list[Agent] = []
    if prefer_agent is not None:
        shape = PREFERRED_WIDENED if widened else PREFERRED
        for agent in _read(shape, queue=queue, language=language, call_id=call_id, at=at, prefer_id=prefer_agent.pk):
            agent.on_phone_duty = bool(getattr(agent, "on_phone_duty", True))
            found.append(agent)
    for agent in _read(ON_DUTY, queue=queue, language=language, call_id=call_id, at=at):
        if prefer_agent is None or agent.pk != prefer_agent.pk:
            agent.on_phone_duty = True
            found.append(agent)
    if widened and len(found) < CANDIDATES:
        for agent in _read(REINFORCEMENTS, queue=queue, language=language, call_id=call_id, at=at):
            if prefer_agent is None or agent.pk != prefer_agent.pk:
                agent.on_phone_duty = False
                found.append(agent)
    return found[:CANDIDATES]


def reserve(agent: Agent, call_id: str, at: dt.datetime) -> bool:
    """Keep the agent for the call (until ``at`` + ``RESERVE_FOR``) in one conditional UPDATE, unless another
    decision did first or the agent is no longer free: two decisions never get the same agent."""
    alias = router.db_for_write(Agent)
    ops = connections[alias].ops
    sql, template = _reserve_statement(alias)
    until = at + RESERVE_FOR
    swap = {
        _PREFER: agent.pk,
        _CALL: call_id,
        ops.adapt_datetimefield_value(_AT): ops.adapt_datetimefield_value(at),
        ops.adapt_datetimefield_value(_UNTIL): ops.adapt_datetimefield_value(until),
    }
    with prepared_cursor(alias) as cursor:
        cursor.execute(sql, [swap.get(value, value) for value in template])
        taken = cursor.rowcount
    if taken:
        agent.reserved_until, agent.reserved_for = until, call_id
    return bool(taken)


def _reserve_statement(alias: str) -> tuple[str, list]:
    key = (alias, "reserve")
    found = _statements.get(key)
    if found is None:
        query = Agent.objects.filter(_ready_q(_AT, _CALL), pk=_PREFER).query.chain(UpdateQuery)
        query.add_update_values({"reserved_until": _UNTIL, "reserved_for": _CALL})
        found = _statements[key] = _kept(alias, *query.get_compiler(using=alias).as_sql())
    return found


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
