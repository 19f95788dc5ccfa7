"""Serving the app and loading it, shared by the HTTP benchmarks: a fresh gunicorn or uvicorn server per
measurement on a free 127.0.0.1 port, load from wrk (or the Python fallback, ``loadgen.py``) in its own
process, and the CPU the server, the load generator, PostgreSQL and unrelated processes used meanwhile.

Each measurement waits for a quiet machine and is repeated (up to ``ATTEMPTS`` times) while unrelated
processes took over ``OTHERS_PCT_LIMIT`` % of a CPU; the least disturbed one counts. Every request comes
on a new connection unless ``BENCH_KEEPALIVE=true`` (see bench/README.md on why).
"""

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import benchlib

BENCH_DIR = Path(__file__).resolve().parent
CONNECTIONS = 16
WARMUP_SECONDS = 2.0
TOKEN_COUNT = 20
READY_TIMEOUT_SECONDS = 60.0
ATTEMPTS = 3
OTHERS_PCT_LIMIT = 20.0


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    body_template: str = ""
    authenticated: bool = True


def gunicorn_command(port: int, app: str = "civicdesk.wsgi:application") -> list[str]:
    return [
        *(sys.executable, "-m", "gunicorn", app),
        *("-k", "gthread", "--workers", "2", "--threads", "4"),
        *("--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning"),
    ]


def uvicorn_command(port: int, app: str = "civicdesk.asgi:application") -> list[str]:
    return [
        *(sys.executable, "-m", "uvicorn", app, "--workers", "2"),
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--lifespan", "off", "--no-access-log", "--log-level", "warning"),
    ]


SERVERS: dict[str, Callable[..., list[str]]] = {"gunicorn": gunicorn_command, "uvicorn": uvicorn_command}
# Django's advice for ASGI: no persistent connections (each request's thread would keep its own). With the
# settings' default of 60 s, two uvicorn workers under 16 connections opened ~100 PostgreSQL connections
# and hit max_connections. SQLite is at 0 anyway.
SERVER_ENVIRONMENT: dict[str, dict[str, str]] = {"uvicorn": {"DATABASE_CONN_MAX_AGE": "0"}}

_CREATE_TOKENS = """
import io, sys
import django
django.setup()
from django.core.management import call_command
for number in range(int(sys.argv[1])):
    out = io.StringIO()
    call_command("create_api_token", municipality="gulen", permission=sys.argv[2:],
                 name=f"bench-{number}", stdout=out, stderr=io.StringIO())
    print(out.getvalue().strip())
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Setting up the app ---


def manage(environment: dict[str, str], *arguments: str) -> str:
    """``manage.py ARGUMENTS`` against the bench database; its stdout."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=benchlib.PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def create_tokens(environment: dict[str, str], count: int, permissions: tuple[str, ...]) -> list[str]:
    """``count`` tokens for gulen with ``permissions``, via the create_api_token command."""
    result = subprocess.run(
        [sys.executable, "-c", _CREATE_TOKENS, str(count), *permissions],
        cwd=benchlib.PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"create_api_token failed:\n{result.stderr[-2000:]}")
    tokens = result.stdout.split()
    if len(tokens) != count:
        raise RuntimeError(f"expected {count} tokens, got {len(tokens)}")
    return tokens


def prepare_app(environment: dict[str, str], permissions: tuple[str, ...]) -> list[str]:
    """Migrate, load the demo world and make the tokens; returns the token secrets."""
    Path(environment["CIVICDESK_VAR_DIR"], "static").mkdir(parents=True, exist_ok=True)
    say(f"  migrate, demo_data, create_api_token ×{TOKEN_COUNT} …")
    manage(environment, "migrate", "--no-input", "-v0")
    manage(environment, "demo_data")
    return create_tokens(environment, TOKEN_COUNT, permissions)


def write_tokens(var_dir: Path, tokens: list[str]) -> Path:
    """The tokens one a line in a file for the load generator (kept off its command line)."""
    tokens_file = var_dir / "tokens.txt"
    tokens_file.write_text("\n".join(tokens) + "\n")
    return tokens_file


def database_url() -> AbstractContextManager[str | None]:
    """None for SQLite (the demo default under the var dir), or a temporary PostgreSQL database's URL."""
    if benchlib.database_kind() == "postgres":
        return benchlib.temporary_postgres_database()
    return nullcontext(None)


# --- Serving ---


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthz_answers(port: int) -> bool:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def wait_ready(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log_path.read_text()[-2000:]}")
        if healthz_answers(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer /healthz within {READY_TIMEOUT_SECONDS:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (master and workers), SIGKILL if it lingers."""
    for sig, grace in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        try:
            os.killpg(process.pid, signal.SIGKILL)  # a worker left behind by its master
        except ProcessLookupError:
            pass
        return


@contextmanager
def serve(
    server: str, environment: dict[str, str], log_path: Path, app: str | None = None
) -> Iterator[tuple[int, int]]:
    """Start ``server`` (with ``app``, else civicdesk) on a free 127.0.0.1 port in its own process group;
    yields (port, group id)."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            SERVERS[server](port, app) if app else SERVERS[server](port),
            cwd=benchlib.PROJECT_DIR,
            env={**environment, **SERVER_ENVIRONMENT.get(server, {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_ready(process, port, log_path)
        yield port, process.pid
    finally:
        stop(process)


# --- Load ---


def use_wrk() -> bool:
    choice = os.environ.get("BENCH_LOADGEN", "").lower()
    if choice == "python":
        return False
    if shutil.which("wrk"):
        return True
    if choice == "wrk":
        raise SystemExit("BENCH_LOADGEN=wrk but wrk is not installed: apt-get install -y wrk")
    return False


def keep_alive() -> bool:
    return os.environ.get("BENCH_KEEPALIVE", "").lower() == "true"


def connection_mode() -> str:
    """``close`` by default: see the module docstring on keep-alive connections sticking to one worker."""
    return "keep-alive" if keep_alive() else "close"


def figure_prefix(name: str, server: str) -> str:
    """``api_read_gunicorn``; marked ``pyload_`` (fallback generator) and ``keepalive_`` when so measured."""
    marks = ("" if use_wrk() else "pyload_") + ("keepalive_" if keep_alive() else "")
    return f"{marks}{name}_{server}"


def wrk_command(
    port: int, endpoint: Endpoint, tokens_file: Path, label: str, seconds: int, connections: int
) -> list[str]:
    return [
        *("wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"),
        *("-s", str(BENCH_DIR / "wrk_request.lua"), f"http://127.0.0.1:{port}{endpoint.path}", "--"),
        *(endpoint.method, endpoint.path, endpoint.body_template, label, connection_mode()),
        *([str(tokens_file)] if endpoint.authenticated else []),
    ]


def python_load_command(
    port: int, endpoint: Endpoint, tokens_file: Path, label: str, seconds: int, connections: int
) -> list[str]:
    command = [
        *(sys.executable, str(BENCH_DIR / "loadgen.py"), "--port", str(port)),
        *("--method", endpoint.method, "--path", endpoint.path, "--body-template", endpoint.body_template),
        *("--run-label", label, "--connection", connection_mode()),
        *("--connections", str(connections), "--duration", str(seconds)),
    ]
    if endpoint.authenticated:
        command += ["--tokens-file", str(tokens_file)]
    return command


def load(
    port: int, endpoint: Endpoint, tokens_file: Path, label: str, seconds: int, connections: int = CONNECTIONS
) -> dict[str, float]:
    """Drive the endpoint for ``seconds`` from a separate process; the ``BENCH_JSON`` summary it prints."""
    if use_wrk():
        command = wrk_command(port, endpoint, tokens_file, label, seconds, connections)
    else:
        command = python_load_command(port, endpoint, tokens_file, label, seconds, connections)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"load generator gave no summary (exit {result.returncode}):\n{result.stderr[-2000:]}")


# --- One cell: a server and an endpoint ---


@dataclass
class Sample:
    """One measured run: the load generator's summary and the CPU seconds spent meanwhile."""

    summary: dict[str, float]
    server_cpu: float
    loadgen_cpu: float
    database_cpu: float
    machine_cpu: float


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def database_cpu_seconds() -> float:
    """PostgreSQL's CPU so far; 0 for SQLite, which works inside the server's processes."""
    return benchlib.postgres_cpu_seconds() if benchlib.database_kind() == "postgres" else 0.0


def measured_load(
    port: int, group_id: int, endpoint: Endpoint, tokens_file: Path, label: str, seconds: int, connections: int
) -> Sample:
    """``load`` while counting the CPU of the server, the load generator, the database and the machine."""
    server, loadgen, database = benchlib.group_cpu_seconds(group_id), children_cpu_seconds(), database_cpu_seconds()
    machine = benchlib.busy_cpu_seconds()
    summary = load(port, endpoint, tokens_file, label, seconds, connections)
    return Sample(
        summary=summary,
        server_cpu=benchlib.group_cpu_seconds(group_id) - server,
        loadgen_cpu=children_cpu_seconds() - loadgen,  # the load generator is the only child reaped meanwhile
        database_cpu=database_cpu_seconds() - database,
        machine_cpu=benchlib.busy_cpu_seconds() - machine,
    )


def others_pct(sample: Sample) -> float:
    """CPU used by unrelated processes on the machine meanwhile, in % of one CPU."""
    ours = sample.server_cpu + sample.loadgen_cpu + sample.database_cpu
    return 100 * max(0.0, sample.machine_cpu - ours) / sample.summary["duration_s"]


def least_disturbed_sample(
    port: int, group_id: int, endpoint: Endpoint, tokens_file: Path, server: str, seconds: int, connections: int
) -> Sample:
    """Measure after waiting for a quiet machine; again (at most ATTEMPTS times) while other processes
    took more than OTHERS_PCT_LIMIT % of a CPU meanwhile. Returns the least disturbed measurement."""
    samples: list[Sample] = []
    for attempt in range(1, ATTEMPTS + 1):
        benchlib.wait_for_quiet()
        label = f"{server}-{endpoint.name}-run{attempt}"
        samples.append(measured_load(port, group_id, endpoint, tokens_file, label, seconds, connections))
        if others_pct(samples[-1]) < OTHERS_PCT_LIMIT:
            break
        if attempt < ATTEMPTS:
            say(f"  other processes used {others_pct(samples[-1]):.0f} % of a CPU meanwhile; measuring again")
    return min(samples, key=others_pct)


def cell_figures(prefix: str, sample: Sample) -> dict[str, float]:
    seconds = sample.summary["duration_s"]
    successes = sample.summary["requests"] - sample.summary["status_errors"]
    figures = {
        f"{prefix}_rps": round(successes / seconds, 1),
        f"{prefix}_p50_ms": round(sample.summary["p50_ms"], 2),
        f"{prefix}_p95_ms": round(sample.summary["p95_ms"], 2),
        f"{prefix}_errors": sample.summary["status_errors"] + sample.summary["socket_errors"],
        f"{prefix}_server_cpu_pct": round(100 * sample.server_cpu / seconds, 1),
        f"{prefix}_other_cpu_pct": round(others_pct(sample), 1),
    }
    if benchlib.database_kind() == "postgres":
        figures[f"{prefix}_database_cpu_pct"] = round(100 * sample.database_cpu / seconds, 1)
    return figures


def measure_cell(
    server: str,
    endpoint: Endpoint,
    environment: dict[str, str],
    tokens_file: Path,
    seconds: int,
    *,
    connections: int = CONNECTIONS,
    app: str | None = None,
) -> dict[str, float]:
    """Fresh server (serving ``app``, else civicdesk), warm-up, a wait for a quiet machine, the measured run;
    the cell's figures."""
    log_path = Path(environment["CIVICDESK_VAR_DIR"]) / f"{server}-{endpoint.name}.log"
    with serve(server, environment, log_path, app) as (port, group_id):
        load(port, endpoint, tokens_file, f"{server}-{endpoint.name}-warm", max(1, round(WARMUP_SECONDS)), connections)
        sample = least_disturbed_sample(port, group_id, endpoint, tokens_file, server, seconds, connections)
    prefix = figure_prefix(endpoint.name, server)
    figures = cell_figures(prefix, sample)
    say(
        f"  {server:8} {endpoint.name:12} {figures[prefix + '_rps']:8.1f} req/s"
        f"  p50 {figures[prefix + '_p50_ms']:7.2f} ms  p95 {figures[prefix + '_p95_ms']:7.2f} ms"
        f"  errors {figures[prefix + '_errors']:.0f}  CPU: server {figures[prefix + '_server_cpu_pct']:.0f} %"
        f", load generator {100 * sample.loadgen_cpu / sample.summary['duration_s']:.0f} %"
        f", database {100 * sample.database_cpu / sample.summary['duration_s']:.0f} %"
        f", others {figures[prefix + '_other_cpu_pct']:.0f} %"
    )
    return figures
