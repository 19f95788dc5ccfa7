"""Routing: how long the router takes to pick an agent for an offered call, with 2,000 agents online and 200
calls waiting in one centre.

The benchmark builds the demo world in a temporary database and gives Nordhordland its phones through
routing's and telephony's services (``PHONE_WORLD``, also used by the call-events and wallboard
benchmarks): six skills and queues with their languages (Norwegian everywhere; English, Polish, Ukrainian,
Arabic on some), and ``BENCH_AGENTS`` agents (default 2,000) with two or three skills at levels 1–5 and one
to three languages (Norwegian sign language too), 90 % on phone duty now (a shift from 4 h ago to 4 h ahead;
the rest on other work, half of those in the reinforcement pool) beside four weeks of past shifts and a week
planned ahead (72,000 shift rows). States of a busy centre: 8 % available (idle up to 15 min), 70 % on a
call, 15 % in wrap-up (a third of those with the timer run out), the rest at other work or on a break.
VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite); then ``BENCH_WAITING`` calls (default 200) are offered through
``call_events_record`` over the last 2 minutes and wait in the queues.

It times ``routing.services.route`` in the process for ``--duration`` seconds (at least 1,000 decisions,
after 200 unmeasured ones), with the centre's token as the actor: a queue and a caller's language drawn at
random (70 % Norwegian; 2 % Somali, which no queue answers, so it is routed in the queue's first language),
the queue's real number of calls waiting and its longest wait. Five queues are under their alert thresholds;
the switchboard keeps the defaults (8 calls, 180 s), so its decisions widen to the reinforcement pool with
its alert open. After each decision the chosen agent's reservation is released (outside the timing), so the
agents to choose from stay the same and the figure is steady.

Then the same again with half the agents available (``route_half_free_…``): a quiet hour's mix, and the
worst case for a query whose cost follows the free agents.

Figures: ``route_p50_ms``, ``route_p95_ms``, ``route_p99_ms`` (target p99 ≤ 5 ms), the p99 of widened
decisions and of those that found no agent, the queries per decision, and for each scenario the candidates
query's plan on stderr (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).
"""

import json
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import benchlib
from serving import database_url, manage, say

# Nordhordland's phones, through the services: imported (exec'd) by the setup scripts of the phone benchmarks.
PHONE_WORLD = r'''
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Municipality, Role, ServiceCenter
from civicdesk.routing import services as routing
from civicdesk.routing.models import Agent, AgentState, Duty, DutyShift, Queue, Skill
from civicdesk.telephony import services as telephony
from civicdesk.telephony.models import PhoneNumber

# key, name, languages (first: the fallback), under the alert thresholds (else the defaults: 8 calls, 180 s)
QUEUES = [
    ("building", "Byggesak, oppmåling og plan", ["nb", "en"], True),
    ("social", "Helse og sosial", ["nb", "pl", "en"], True),
    ("schools", "Skule og barnehage", ["nb"], True),
    ("health", "Heimeteneste og sjukeheim", ["nb", "en", "uk"], True),
    ("tax", "Eigedomsskatt og gebyr", ["nb", "en", "pl", "uk", "ar"], True),
    ("switchboard", "Sentralbord", ["nb", "en"], False),
]
SPOKEN = [("en", 0.6), ("pl", 0.1), ("uk", 0.06), ("ar", 0.03), ("nsl", 0.02)]
NUMBERS = {"gulen": "+4757786000", "osteroy": "+4756192100", "samnanger": "+4756589000"}


def phone_queues(center):
    """The centre's skills and queues: the demo's when it made them (with their languages), else made here;
    the alert thresholds set here either way (the calm ones' above what waits in them)."""
    queues = {}
    for key, name, languages, calm in QUEUES:
        skill = Skill.objects.filter(center=center, key=key).first() or routing.skill_create(
            actor=SYSTEM, center=center, key=key, name=name
        )
        thresholds = {"alert_length": 50, "alert_wait_s": 300} if calm else {"alert_length": 8, "alert_wait_s": 180}
        queue = Queue.objects.filter(center=center, key=key).first()
        if queue is None:
            queue = routing.queue_create(
                actor=SYSTEM, center=center, key=key, name=name, skill=skill, languages=languages, **thresholds
            )
        else:
            queue = routing.queue_update(actor=SYSTEM, queue=queue, **thresholds)
        queues[key] = queue
    return queues


def phone_numbers(center, queues):
    """A public number for each municipality the centre serves (straight to the switchboard)."""
    for slug, number in NUMBERS.items():
        municipality = Municipality.objects.get(slug=slug)
        if not PhoneNumber.objects.filter(municipality=municipality).exists():
            telephony.phone_number_add(
                actor=SYSTEM, municipality=municipality, number=number, label=municipality.name,
                queue=queues["switchboard"],
            )
    return {p.municipality.slug: p.number for p in PhoneNumber.objects.select_related("municipality")}


def phone_agents(center, queues, total, rng, *, history_days=28):
    """``total`` agents in the centre (the demo's and new ones), with skills, languages, shifts and states.
    One commit per 250 agents: the setup's time is not what is measured."""
    skills = [queue.skill for queue in queues.values()]
    now = timezone.now()
    existing = Agent.objects.filter(center=center).count()
    numbers = list(range(existing, total))
    for start in range(0, len(numbers), 250):
        with transaction.atomic():
            for number in numbers[start : start + 250]:
                agent_added(center, skills, number, rng)
    agents = list(Agent.objects.filter(center=center).order_by("code"))
    past = []
    with transaction.atomic():
        shifts_added(center, agents, rng, now, history_days, past)
    DutyShift.objects.bulk_create(past, batch_size=2000)
    return agents_stated(agents, rng)


def agent_added(center, skills, number, rng):
    user = organisation_services.staff_create(
        actor=SYSTEM, username=f"bench.agent{number:04d}", first_name="Agent", last_name=f"{number:04d}",
        password_hash="!",
    )
    organisation_services.role_grant(actor=SYSTEM, user=user, role=Role.AGENT, center=center)
    spoken = ["nb"] + [code for code, share in SPOKEN if rng.random() < share]
    levels = {skill: rng.randint(1, 5) for skill in rng.sample(skills, rng.choice([2, 2, 3]))}
    return routing.agent_enrol(
        actor=SYSTEM, user=user, center=center, code=str(5000 + number), languages=spoken, skills=levels,
        is_reinforcement=rng.random() < 0.05,
    )


def shifts_added(center, agents, rng, now, history_days, past):
    """Phone duty now for 90 % (other work for the rest, half of them reinforcements); the rota's past and
    next week as rows (appended to ``past``)."""
    for agent in agents:
        phones = rng.random() < 0.9
        if not phones and rng.random() < 0.5:
            Agent.objects.filter(pk=agent.pk).update(is_reinforcement=True)
        routing.shift_add(
            actor=SYSTEM, agent=agent, duty=Duty.PHONE if phones else Duty.OTHER,
            starts_at=now - timedelta(hours=4), ends_at=now + timedelta(hours=4),
        )
        for day in [*range(-history_days, 0), *range(1, 8)]:
            start = now.replace(hour=7, minute=30, second=0, microsecond=0) + timedelta(days=day)
            past.append(
                DutyShift(
                    center=center, agent=agent, duty=rng.choice([Duty.PHONE, Duty.PHONE, Duty.OTHER]),
                    starts_at=start, ends_at=start + timedelta(hours=rng.choice([4, 8])),
                )
            )


def agents_stated(agents, rng):
    """States of a busy centre: 8 % available (idle up to 15 min), 70 % on a call, 15 % in wrap-up (a third
    of those run out), the rest at other work or on a break."""
    at = timezone.now()
    draws = [(0.08, AgentState.AVAILABLE), (0.78, AgentState.ON_CALL), (0.93, AgentState.WRAP_UP),
             (0.97, AgentState.OTHER_WORK), (1.0, AgentState.BREAK)]
    with transaction.atomic():
        for agent in agents:
            draw = rng.random()
            state = next(state for limit, state in draws if draw < limit)
            routing.agent_state_set(actor=SYSTEM, agent=agent, state=state, at=max(at, agent.state_since))
            if state == AgentState.AVAILABLE:  # idle for a while: the router orders by it
                Agent.objects.filter(pk=agent.pk).update(idle_since=at - timedelta(seconds=rng.uniform(0, 900)))
            elif state == AgentState.WRAP_UP and rng.random() < 0.33:  # the timer has run out
                ran_out = at - timedelta(seconds=rng.uniform(1, 120))
                Agent.objects.filter(pk=agent.pk).update(wrap_up_until=ran_out, idle_since=ran_out)
    return agents


def calls_waiting(center, queues, count, rng, prefix="waiting", spread_s=240):
    """``count`` calls offered in the last ``spread_s`` seconds and still waiting, through call_events_record."""
    now = timezone.now()
    events = []
    for number in range(count):
        key = rng.choice(list(queues))
        events.append(
            telephony.CallEventIn(
                event_id=f"{prefix}-{number}-offered", type="call.offered", call_id=f"{prefix}-{number}",
                at=now - timedelta(seconds=rng.uniform(0, spread_s)), queue=key,
                caller_number=f"+47{rng.randint(40000000, 99999999)}", language=rng.choice(["nb"] * 8 + ["en", "pl"]),
            )
        )
    return telephony.call_events_record(actor=SYSTEM, center=center, events=events)
'''

_RUN = r"""
import json, os, random, statistics, sys, time
from contextlib import nullcontext
from datetime import timedelta
import django
django.setup()
exec(compile(sys.argv[4], "phone_world", "exec"))
from django.db import connection
from django.db.models import Count, Min
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from civicdesk.organisations import services as organisation_services
from civicdesk.telephony.models import QueueVisit

agents_total, waiting_total, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
rng = random.Random(6)
center = ServiceCenter.objects.get(slug="nordhordland")
started = time.monotonic()
queues = phone_queues(center)
agents = phone_agents(center, queues, agents_total, rng)
token, _secret = organisation_services.api_token_create(
    actor=SYSTEM, name="phone system", permissions=["read", "telephony:write", "routing:write"], center=center
)
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
else:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
# After the vacuum, which can take a minute: the longest waits stay under the calm queues' 300 s.
calls_waiting(center, queues, waiting_total, rng, spread_s=120)
built_s = time.monotonic() - started
print(f"  built in {built_s:.0f} s: {len(agents):,} agents, "
      f"{QueueVisit.objects.filter(outcome='waiting').count()} calls waiting, "
      f"{DutyShift.objects.count():,} shifts", file=sys.stderr)

now = timezone.now()
waiting = {
    row["queue_id"]: (row["n"], (now - row["oldest"]).total_seconds())
    for row in QueueVisit.objects.filter(outcome="waiting")
    .values("queue_id")
    .annotate(n=Count("id"), oldest=Min("entered_at"))
}
languages = ["nb"] * 70 + ["en"] * 15 + ["pl"] * 6 + ["uk"] * 4 + ["ar"] * 3 + ["so"] * 2
queue_list = list(queues.values())


def decide(number, captured=None):
    queue = rng.choice(queue_list)
    ahead, longest = waiting.get(queue.pk, (0, 0.0))
    language = rng.choice(languages)
    started = time.perf_counter()
    with captured if captured is not None else nullcontext():
        decision = routing.route(
            actor=token, queue=queue, language=language, call_id=f"decision-{number}",
            waiting_ahead=ahead, longest_wait_s=longest,
        )
    elapsed = (time.perf_counter() - started) * 1000
    if decision.agent is not None:
        Agent.objects.filter(pk=decision.agent.pk).update(reserved_until=None, reserved_for="")
    return elapsed, decision


def explain(label):
    # The queries of one decision, and the plan of the longest (the candidates query), on stderr.
    captured = CaptureQueriesContext(connection)
    decide(-1000, captured)
    queries = [q["sql"] for q in captured.captured_queries]
    print(f"  {label}: one decision, {len(queries)} queries", file=sys.stderr)
    for sql in queries:
        print("    " + sql[:300] + (" …" if len(sql) > 300 else ""), file=sys.stderr)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + max(queries, key=len))
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + max(queries, key=len))
        plan = ["    " + " | ".join(str(c) for c in row) for row in cursor.fetchall()]
    print("  the candidates query's plan:\n" + "\n".join(plan), file=sys.stderr)
    return len(queries)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else 0.0


def measure(label):
    # Decisions for ``seconds`` (at least 1,000) after 200 unmeasured ones.
    for number in range(200):  # warm-up: caches, the alert raised once, the statements' first plans
        decide(-1 - number)
    queries = explain(label)
    timings, widened, no_agent, eligible = [], [], [], []
    deadline = time.monotonic() + seconds
    number = 0
    while time.monotonic() < deadline or number < 1000:
        elapsed, decision = decide(number)
        timings.append(elapsed)
        eligible.append(decision.eligible)
        if decision.widened:
            widened.append(elapsed)
        if decision.agent is None:
            no_agent.append(elapsed)
        number += 1
    free = Agent.objects.filter(center=center, state="available").count()
    print(f"  {label}: {len(timings):,} decisions with {free} agents available, p50 {pct(timings, 50):.2f} ms, "
          f"p99 {pct(timings, 99):.2f} ms", file=sys.stderr)
    return {
        "decisions": len(timings), "available": free,
        "p50": pct(timings, 50), "p95": pct(timings, 95), "p99": pct(timings, 99), "max": max(timings),
        "widened": len(widened), "widened_p99": pct(widened, 99),
        "no_agent": len(no_agent), "no_agent_p99": pct(no_agent, 99),
        "eligible_median": statistics.median(eligible), "queries": queries,
    }


busy = measure("busy")
# The same centre with half its agents free (idle up to 15 min): a query whose cost follows the free agents
# is measured at its worst here.
now = timezone.now()
with transaction.atomic():
    for agent in Agent.objects.filter(center=center).order_by("code")[::2]:
        Agent.objects.filter(pk=agent.pk).update(
            state="available", state_since=now, wrap_up_until=None, current_call="",
            idle_since=now - timedelta(seconds=rng.uniform(0, 900)),
        )
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
half_free = measure("half free")
print(json.dumps({
    "busy": busy, "half_free": half_free,
    "agents": len(agents), "waiting": sum(n for n, _ in waiting.values()),
}))
"""


def python_script(environment: dict[str, str], code: str, *arguments: str, timeout: int = 900) -> str:
    """Run ``code`` with the app's environment; its stdout. What it says on stderr (progress, the query
    plans) goes to ours."""
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=benchlib.PROJECT_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the benchmark's script failed (exit {result.returncode}); its errors are above")
    return result.stdout.strip()


def run(duration: float) -> dict[str, float]:
    agents = int(os.environ.get("BENCH_AGENTS", "2000"))
    waiting = int(os.environ.get("BENCH_WAITING", "200"))
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="civicdesk-bench-") as temp, ExitStack() as stack:
        environment = benchlib.app_environment(Path(temp), stack.enter_context(database_url()))
        Path(temp, "static").mkdir()
        say(f"  migrate, demo_data, then {agents:,} agents and {waiting} calls waiting …")
        manage(environment, "migrate", "--no-input", "-v0")
        manage(environment, "demo_data")
        benchlib.wait_for_quiet()
        output = python_script(environment, _RUN, str(agents), str(waiting), str(duration), PHONE_WORLD)
        result = json.loads(output.splitlines()[-1])
    figures["agents"] = float(result["agents"])
    figures["calls_waiting"] = float(result["waiting"])
    for scenario, prefix in (("busy", "route"), ("half_free", "route_half_free")):
        found = result[scenario]
        figures[f"{prefix}_agents_available"] = float(found["available"])
        figures[f"{prefix}_decisions"] = float(found["decisions"])
        figures[f"{prefix}_queries"] = float(found["queries"])
        figures[f"{prefix}_eligible_median"] = float(found["eligible_median"])
        for name in ("p50", "p95", "p99", "max"):
            figures[f"{prefix}_{name}_ms"] = round(found[name], 3)
        figures[f"{prefix}_widened_decisions"] = float(found["widened"])
        figures[f"{prefix}_widened_p99_ms"] = round(found["widened_p99"], 3)
        figures[f"{prefix}_no_agent_decisions"] = float(found["no_agent"])
        figures[f"{prefix}_no_agent_p99_ms"] = round(found["no_agent_p99"], 3)
        say(
            f"  {scenario.replace('_', ' ')}: {found['decisions']:,} decisions, {found['available']} agents available:"
            f" p50 {found['p50']:.2f} ms, p95 {found['p95']:.2f} ms, p99 {found['p99']:.2f} ms (target ≤ 5 ms);"
            f" widened p99 {found['widened_p99']:.2f} ms, no agent p99 {found['no_agent_p99']:.2f} ms"
        )
    return figures
