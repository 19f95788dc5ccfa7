"""Call events: what the phone system's webhook takes per second, one event a request and in batches, next
to a bare Django insert endpoint measured in the same run, and a check that no event was lost or doubled.

Setup: the demo world in a temporary database, Nordhordland's phones from bench_routing's ``PHONE_WORLD``
(six queues, 100 agents, a number for Gulen, Osterøy and Samnanger) and 20 centre tokens made with
``create_api_token --center nordhordland --permission read --permission telephony:write``. Server:
``gunicorn … -k gthread --workers 2 --threads 4``, as the intake benchmark.

Cells, each on a freshly started server after a 2 s warm-up:

- ``bare_insert``: ``POST /api/rows`` of ``bench/bare/`` (one row, 201), the yardstick, with wrk and 8
  connections;
- ``events_single``: ``POST /api/telephony/events`` with one ``call.offered`` event (a new id and call id
  every request, from wrk's ``{key}``), wrk and 8 connections; ``events_vs_bare_pct`` is its rate in % of
  the yardstick's (target ≥ 50 %);
- ``events_batch``: 8 Python clients (threads, a new connection per request) post batches of 498 events
  (166 calls each offered, answered by one of the agents and ended, fresh ids) for ``--duration`` seconds:
  ``batch_events_per_s`` is events accepted (200 answers × events each) per second (target ≥ 5,000 on
  PostgreSQL). Every answered call opens a contact, as in production.

Afterwards the database is checked: the stored events of each measured run against the events accepted
(``events_lost``: accepted but not stored; ``events_unacknowledged``: stored from requests that got no 200
— possible only for wrk's requests in flight when it stopped; ``events_doubled``: an id stored twice), then
one batch is sent again (``replay_new_events`` must be 0) and a copy of a batch with other call ids is sent
in reverse order in two requests (ended events first): ``reorder_mismatches`` counts the calls whose record
or queue visits differ from the batch sent in order (must be 0).
"""

import http.client
import json
import random
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import benchlib
import serving
from bench_intake import BARE_APP, bare_database_url, bare_environment, prepare_bare
from bench_routing import PHONE_WORLD, python_script
from serving import (
    TOKEN_COUNT,
    WARMUP_SECONDS,
    Endpoint,
    Sample,
    cell_figures,
    database_url,
    figure_prefix,
    load,
    manage,
    measured_load,
    others_pct,
    say,
    serve,
    use_wrk,
    write_tokens,
)

CONNECTIONS = 8
SERVER = "gunicorn"
ATTEMPTS = 3
OTHERS_PCT_LIMIT = 20.0
AGENTS = 100
CALLS_PER_BATCH = 166  # × offered, answered, ended = 498 events
EVENTS_PATH = "/api/telephony/events"
SINGLE_BODY = (
    '{"id": "{key}", "type": "call.offered", "call_id": "{key}", "at": "AT", "dialed_number": "+4757786000",'
    ' "caller_number": "+479{number}", "queue": "building", "language": "nb"}'
)

_SETUP = r"""
import io, random, sys
import django
django.setup()
exec(compile(sys.argv[2], "phone_world", "exec"))
from django.core.management import call_command
rng = random.Random(7)
center = ServiceCenter.objects.get(slug="nordhordland")
queues = phone_queues(center)
phone_numbers(center, queues)
agents = phone_agents(center, queues, int(sys.argv[3]), rng, history_days=0)
for number in range(int(sys.argv[1])):
    out = io.StringIO()
    call_command("create_api_token", center="nordhordland", permission=["read", "telephony:write"],
                 name=f"bench-{number}", stdout=out, stderr=io.StringIO())
    print("TOKEN " + out.getvalue().strip())
print("AGENTS " + " ".join(agent.code for agent in agents))
"""

_CHECK = r"""
import json, sys
import django
django.setup()
from django.db.models import Count
from civicdesk.organisations.models import ServiceCenter
from civicdesk.telephony.models import Call, CallEvent, QueueVisit

prefixes = json.loads(sys.argv[1])
pairs = json.loads(sys.argv[2])
center = ServiceCenter.objects.get(slug="nordhordland")
events = CallEvent.objects.filter(center=center)
stored = {prefix: events.filter(event_id__startswith=prefix).count() for prefix in prefixes}
doubled = events.values("event_id").annotate(n=Count("id")).filter(n__gt=1).count()


def record(call_id):
    call = Call.objects.select_related("queue", "agent").get(center=center, call_id=call_id)
    visits = [
        (v.seq, v.queue.key, v.agent.code if v.agent else None, v.entered_at.isoformat(),
         v.answered_at and v.answered_at.isoformat(), v.left_at and v.left_at.isoformat(),
         v.ended_at and v.ended_at.isoformat(), v.outcome, v.wait_s, v.talk_s, v.wrap_s, v.transferred)
        for v in QueueVisit.objects.filter(call=call).select_related("queue", "agent").order_by("seq")
    ]
    return (call.status, call.queue.key if call.queue else None, call.agent.code if call.agent else None,
            call.started_at.isoformat(), call.answered_at and call.answered_at.isoformat(),
            call.ended_at and call.ended_at.isoformat(), call.dialed_number, call.caller_number, call.language,
            call.municipality_id, call.contact_id is not None, visits)


mismatches = sum(1 for ordered, reordered in pairs if record(ordered) != record(reordered))
print(json.dumps({"stored": stored, "doubled": doubled, "mismatches": mismatches, "compared": len(pairs)}))
"""


def setup_phones(environment: dict[str, str]) -> tuple[list[str], list[str]]:
    """Nordhordland's queues, numbers and agents, and the centre's tokens; (tokens, agent codes)."""
    output = python_script(environment, _SETUP, str(TOKEN_COUNT), PHONE_WORLD, str(AGENTS))
    tokens = [line.split()[1] for line in output.splitlines() if line.startswith("TOKEN ")]
    codes = next(line.split()[1:] for line in output.splitlines() if line.startswith("AGENTS "))
    if len(tokens) != TOKEN_COUNT:
        raise RuntimeError(f"expected {TOKEN_COUNT} tokens, got {len(tokens)}")
    return tokens, codes


# --- wrk cells: as serving.measure_cell, remembering which run counted ---


@contextmanager
def numbered_callers(var_dir: Path) -> Iterator[None]:
    """Let wrk's request script put a caller's number in the body too: ``{number}`` becomes 7 digits that differ
    from request to request. (With one number for all, every event would be a repeat call of the same caller,
    and the repeat check reads all of that caller's calls of the last 30 minutes.) serving builds wrk's
    command from ``serving.BENCH_DIR``; this points it at a copy of the script with that one line added. The
    Python fallback generator leaves ``{number}`` as it is: a number that cannot be dialled."""
    original = serving.BENCH_DIR
    script = (original / "wrk_request.lua").read_text(encoding="utf-8")
    substitution = 'body = string.gsub(body_template, "{key}", key)'
    if substitution not in script:
        raise RuntimeError("bench/wrk_request.lua changed: numbered_callers cannot add {number}")
    number = 'string.format("%07d", (thread_id * 7919 + counter * 104729) % 10000000)'
    script = script.replace(substitution, f'{substitution}\n    body = string.gsub(body, "{{number}}", {number})')
    directory = var_dir / "wrk"
    directory.mkdir()
    (directory / "wrk_request.lua").write_text(script, encoding="utf-8")
    (directory / "loadgen.py").symlink_to(original / "loadgen.py")
    serving.BENCH_DIR = directory
    try:
        yield
    finally:
        serving.BENCH_DIR = original


def least_disturbed(
    port: int, group_id: int, endpoint: Endpoint, tokens_file: Path, seconds: int
) -> tuple[Sample, str]:
    """serving.least_disturbed_sample, also returning the run label of the measurement that counts (its
    event ids start with ``bench-<label>-``)."""
    samples: list[tuple[Sample, str]] = []
    for attempt in range(1, ATTEMPTS + 1):
        benchlib.wait_for_quiet()
        label = f"{SERVER}-{endpoint.name}-run{attempt}"
        samples.append((measured_load(port, group_id, endpoint, tokens_file, label, seconds, CONNECTIONS), label))
        if others_pct(samples[-1][0]) < OTHERS_PCT_LIMIT:
            break
        if attempt < ATTEMPTS:
            say(f"  other processes used {others_pct(samples[-1][0]):.0f} % of a CPU meanwhile; measuring again")
    return min(samples, key=lambda pair: others_pct(pair[0]))


def wrk_cell(
    endpoint: Endpoint, environment: dict[str, str], tokens_file: Path, seconds: int, app: str | None = None
) -> tuple[dict[str, float], str, float]:
    """A fresh server, warm-up, the measured run; (figures, the counted run's label, its 2xx responses)."""
    log_path = Path(environment["CIVICDESK_VAR_DIR"]) / f"{SERVER}-{endpoint.name}.log"
    with serve(SERVER, environment, log_path, app) as (port, group_id):
        warm = f"{SERVER}-{endpoint.name}-warm"
        load(port, endpoint, tokens_file, warm, max(1, round(WARMUP_SECONDS)), CONNECTIONS)
        sample, label = least_disturbed(port, group_id, endpoint, tokens_file, seconds)
    prefix = figure_prefix(endpoint.name, SERVER)
    figures = cell_figures(prefix, sample)
    say(
        f"  {SERVER:8} {endpoint.name:13} {figures[prefix + '_rps']:8.1f} req/s"
        f"  p50 {figures[prefix + '_p50_ms']:7.2f} ms  p95 {figures[prefix + '_p95_ms']:7.2f} ms"
        f"  errors {figures[prefix + '_errors']:.0f}  CPU: server {figures[prefix + '_server_cpu_pct']:.0f} %"
        f", others {figures[prefix + '_other_cpu_pct']:.0f} %"
    )
    return figures, label, sample.summary["requests"] - sample.summary["status_errors"]


# --- Batches from 8 Python clients ---


def batch(prefix: str, start: datetime, agent_codes: list[str], rng: random.Random) -> list[dict]:
    """166 calls offered, answered and ended, one a tenth of a second apart from ``start``: 498 events with
    fresh ids."""
    events = []
    for number in range(CALLS_PER_BATCH):
        call_id = f"{prefix}-{number}"
        offered = start + timedelta(seconds=number / 10)
        answered = offered + timedelta(seconds=rng.uniform(5, 90))
        ended = answered + timedelta(seconds=rng.uniform(60, 400))
        common = {"call_id": call_id, "queue": rng.choice(["building", "social", "schools", "health", "tax"])}
        events += [
            {
                "id": f"{call_id}-offered",
                "type": "call.offered",
                "at": offered.isoformat(),
                "dialed_number": "+4757786000",
                "caller_number": f"+479{rng.randint(1000000, 9999999)}",
                "language": "nb",
                **common,
            },
            {
                "id": f"{call_id}-answered",
                "type": "call.answered",
                "at": answered.isoformat(),
                **common,
                "agent": rng.choice(agent_codes),
            },
            {"id": f"{call_id}-ended", "type": "call.ended", "at": ended.isoformat(), **common, "data": {"wrap_s": 30}},
        ]
    return events


def post(port: int, token: str, events: list[dict], timeout: float = 120) -> tuple[int, dict]:
    """POST the events on a new connection; (status, JSON answer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        body = json.dumps(events)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Connection": "close"}
        connection.request("POST", EVENTS_PATH, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, {"raw": data[:300].decode(errors="replace")}
    except OSError as error:
        return 0, {"error": str(error)}
    finally:
        connection.close()


class BatchClients:
    """8 clients, each posting batch after batch until the deadline; counts what came back 200."""

    def __init__(self, port: int, tokens: list[str], agent_codes: list[str], label: str):
        self.port, self.tokens, self.agent_codes, self.label = port, tokens, agent_codes, label
        self.lock = threading.Lock()
        self.accepted = self.requests = self.failed = 0
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def client(self, number: int, deadline: float) -> None:
        rng = random.Random(number)
        sent = 0
        while time.monotonic() < deadline:
            events = batch(f"bench-{self.label}-c{number}-b{sent}", datetime.now(UTC), self.agent_codes, rng)
            started = time.perf_counter()
            status, answer = post(self.port, self.tokens[(number + sent) % len(self.tokens)], events)
            elapsed = time.perf_counter() - started
            sent += 1
            with self.lock:
                self.requests += 1
                if status == 200 and answer.get("new") == len(events):
                    self.accepted += len(events)
                    self.latencies.append(elapsed * 1000)
                else:
                    self.failed += 1
                    if len(self.errors) < 5:
                        self.errors.append(f"{status} {json.dumps(answer)[:300]}")

    def run(self, seconds: float) -> float:
        """Post for ``seconds``; the wall time until the last answer came."""
        started = time.monotonic()
        deadline = started + seconds
        threads = [threading.Thread(target=self.client, args=(n, deadline)) for n in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - started


def batch_cell(
    environment: dict[str, str], tokens: list[str], agent_codes: list[str], seconds: int
) -> tuple[dict[str, float], str, int, dict]:
    """The batch measurement, then a replay and a reordered copy on the same server; (figures, the counted
    run's label, events accepted, the idempotency checks' answers)."""
    log_path = Path(environment["CIVICDESK_VAR_DIR"]) / f"{SERVER}-events_batch.log"
    with serve(SERVER, environment, log_path) as (port, group_id):
        BatchClients(port, tokens, agent_codes, "batch-warm").run(WARMUP_SECONDS)
        benchlib.wait_for_quiet()
        label = "batch-run"
        clients = BatchClients(port, tokens, agent_codes, label)
        server_cpu, database_cpu = benchlib.group_cpu_seconds(group_id), benchlib.postgres_cpu_seconds()
        machine_cpu = benchlib.busy_cpu_seconds()
        wall = clients.run(seconds)
        server_cpu = benchlib.group_cpu_seconds(group_id) - server_cpu
        database_cpu = benchlib.postgres_cpu_seconds() - database_cpu
        machine_cpu = benchlib.busy_cpu_seconds() - machine_cpu
        for error in clients.errors:
            say(f"  a batch failed: {error}")
        checks = idempotency(port, tokens[0], agent_codes)
    if clients.failed:
        errors = [line for line in log_path.read_text(errors="replace").splitlines() if "Error" in line]
        say("  the server's errors:\n" + "\n".join(f"    {line[:300]}" for line in dict.fromkeys(errors)))
    latencies = sorted(clients.latencies) or [0.0]
    figures = {
        "batch_events_per_s": round(clients.accepted / wall, 1),
        "batch_requests": float(clients.requests),
        "batch_failed_requests": float(clients.failed),
        "batch_p50_ms": round(latencies[len(latencies) // 2], 1),
        "batch_p95_ms": round(latencies[int(len(latencies) * 0.95)], 1),
        "batch_server_cpu_pct": round(100 * server_cpu / wall, 1),
        "batch_other_cpu_pct": round(100 * max(0.0, machine_cpu - server_cpu - database_cpu) / wall, 1),
    }
    if benchlib.database_kind() == "postgres":
        figures["batch_database_cpu_pct"] = round(100 * database_cpu / wall, 1)
    say(
        f"  {SERVER:8} events_batch  {figures['batch_events_per_s']:8.1f} events/s ({clients.requests} batches of"
        f" {3 * CALLS_PER_BATCH}, {clients.failed} failed)  p50 {figures['batch_p50_ms']:.0f} ms"
        f"  p95 {figures['batch_p95_ms']:.0f} ms  CPU: server {figures['batch_server_cpu_pct']:.0f} %"
        f", others {figures['batch_other_cpu_pct']:.0f} %"
    )
    return figures, label, clients.accepted, checks


def idempotency(port: int, token: str, agent_codes: list[str]) -> dict:
    """Send a batch, then the same batch again; send a copy of it with other call ids in reverse order, in two
    requests (the second half first). The answers, and the call id pairs to compare."""
    start = datetime.now(UTC)
    ordered = batch("bench-replay-ordered", start, agent_codes, random.Random(99))
    reordered = batch("bench-replay-reordered", start, agent_codes, random.Random(99))
    first = post(port, token, ordered)
    again = post(port, token, ordered)
    backwards = list(reversed(reordered))
    halves = [post(port, token, backwards[: len(backwards) // 2]), post(port, token, backwards[len(backwards) // 2 :])]
    shuffled = reordered[:]
    random.Random(5).shuffle(shuffled)
    replayed_shuffled = post(port, token, shuffled)  # all known already: nothing may change
    pairs = [[f"bench-replay-ordered-{n}", f"bench-replay-reordered-{n}"] for n in range(CALLS_PER_BATCH)]
    return {"first": first, "again": again, "halves": halves, "shuffled": replayed_shuffled, "pairs": pairs}


def run(duration: float) -> dict[str, float]:
    seconds = max(1, round(duration))
    generator = "wrk, 1 thread" if use_wrk() else "the Python fallback generator (figures prefixed pyload_)"
    say(f"  load: {generator}, {CONNECTIONS} concurrent connections; server {SERVER}")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="civicdesk-bench-") as temp, ExitStack() as stack:
        var_dir = Path(temp)
        environment = benchlib.app_environment(var_dir, stack.enter_context(database_url()))
        Path(var_dir, "static").mkdir()
        say(f"  migrate, demo_data, phones ({AGENTS} agents), create_api_token ×{TOKEN_COUNT} …")
        manage(environment, "migrate", "--no-input", "-v0")
        manage(environment, "demo_data")
        tokens, agent_codes = setup_phones(environment)
        tokens_file = write_tokens(var_dir, tokens)
        bare = bare_environment(var_dir, bare_database_url(stack, var_dir))
        say("  bare app: migrate --run-syncdb …")
        prepare_bare(bare)

        bare_insert = Endpoint("bare_insert", "POST", "/api/rows", '{"key": "{key}"}', authenticated=False)
        bare_figures, _label, _count = wrk_cell(bare_insert, bare, tokens_file, seconds, app=BARE_APP)
        figures.update(bare_figures)
        at = datetime.now(UTC).replace(microsecond=0).isoformat()
        single = Endpoint("events_single", "POST", EVENTS_PATH, SINGLE_BODY.replace("AT", at))
        with numbered_callers(var_dir):
            single_figures, single_label, single_accepted = wrk_cell(single, environment, tokens_file, seconds)
        figures.update(single_figures)
        batch_figures, batch_label, batch_accepted, checks = batch_cell(environment, tokens, agent_codes, seconds)
        figures.update(batch_figures)

        prefixes = [f"bench-{single_label}-", f"bench-{batch_label}-"]
        check = json.loads(
            python_script(environment, _CHECK, json.dumps(prefixes), json.dumps(checks["pairs"])).splitlines()[-1]
        )
        manage(environment, "check")
    stored_single, stored_batch = (check["stored"][prefix] for prefix in prefixes)
    say(
        f"  stored: {stored_single} single events for {single_accepted:.0f} accepted (wrk's last requests in flight"
        f" may be stored unanswered), {stored_batch} batch events for {batch_accepted} accepted"
    )
    figures["events_lost"] = float(max(0, single_accepted - stored_single) + max(0, batch_accepted - stored_batch))
    figures["events_unacknowledged"] = float(
        max(0, stored_single - single_accepted) + max(0, stored_batch - batch_accepted)
    )
    figures["events_doubled"] = float(check["doubled"])
    events_per_batch = 3 * CALLS_PER_BATCH
    first, again = checks["first"], checks["again"]
    say(f"  a batch: {first[0]} {first[1]}; the same again: {again[0]} {again[1]}")
    say(
        f"  a copy in reverse order, in two requests: {[h[0] for h in checks['halves']]} "
        f"{[h[1] for h in checks['halves']]}; shuffled again: {checks['shuffled'][0]} {checks['shuffled'][1]}"
    )
    ok = first[0] == 200 and first[1].get("new") == events_per_batch and again[0] == 200
    figures["replay_new_events"] = float(again[1].get("new", -1)) if ok else -1.0
    figures["reorder_mismatches"] = float(check["mismatches"])
    say(f"  {check['compared']} calls compared, ordered against reordered: {check['mismatches']} differ")

    events_rps = figures[figure_prefix("events_single", SERVER) + "_rps"]
    bare_rps = figures[figure_prefix("bare_insert", SERVER) + "_rps"]
    figures["events_vs_bare_pct"] = round(100 * events_rps / bare_rps, 1) if bare_rps else 0.0
    say(
        f"  one event a request: {events_rps:.0f}/s = {figures['events_vs_bare_pct']:.0f} % of the bare insert's "
        f"{bare_rps:.0f}/s (target ≥ 50 %); batches: {figures['batch_events_per_s']:.0f} events/s "
        f"(target ≥ 5,000 on PostgreSQL)"
    )
    return figures
