"""HTTP stack: requests/s and p50/p95 latency of gunicorn (WSGI) and uvicorn (ASGI) on three endpoints.

Servers, both with two worker processes, one per core of the 2-core machine:

- ``gunicorn civicdesk.wsgi:application -k gthread --workers 2 --threads 4`` (what production runs)
- ``uvicorn civicdesk.asgi:application --workers 2`` (uvloop + httptools, no access log, and
  ``DATABASE_CONN_MAX_AGE=0`` as Django advises under ASGI; see ``SERVER_ENVIRONMENT``)

Endpoints: ``GET /healthz`` (no database), ``GET /api/municipalities`` (bearer token: one token lookup,
one query) and ``POST /api/topics`` (bearer token: inserts a topic row and an audit row, 201; every
request has a new key).

Each of the six cells gets a freshly started server, a 2 s warm-up, then ``duration`` seconds of load
from 16 concurrent connections driven by wrk (one thread) in its own process. Figures: successful
responses per second, p50/p95 latency, errors (non-2xx answers and socket errors), the CPU the server's
processes used, on PostgreSQL the CPU of its processes, and the CPU unrelated processes on the machine
used meanwhile (100 % = one core). Other work skews the figures on a 2-core machine, so each measurement
waits (up to 60 s) for a quiet machine and is repeated (up to 3 times) while others took over 20 % of a
CPU; the least disturbed one counts. Fallback when wrk is missing: a Python load generator
(``loadgen.py``); its figures are prefixed ``pyload_``.

Every request comes on a new connection (``Connection: close``, as nginx proxies to an upstream by
default). With keep-alive, the 16 connections wrk opens at once are accepted by whichever worker wakes
first and stay there: often all 16 on one worker, leaving a core idle, so figures swung by 2x from run
to run. ``BENCH_KEEPALIVE=true`` measures with keep-alive anyway; those figures are prefixed
``keepalive_``.

The API throttles each token at 1,200 requests/minute, counted in the per-process local-memory cache
(no Redis). The benchmark rotates 20 tokens (made with ``manage.py create_api_token``), one per request,
and restarts the server for each cell, so the throttle allows 24,000 requests a minute per worker:
more than the endpoints reach here. A non-zero ``_errors`` figure would show it biting.

The app runs from a fresh database the benchmark creates: SQLite under a temporary
``CIVICDESK_VAR_DIR``, or a temporary PostgreSQL database (``--database postgres`` or
``BENCH_DATABASE_URL``), with ``manage.py migrate`` and ``manage.py demo_data``.
"""

import os
import tempfile
from pathlib import Path

import benchlib
from serving import (
    CONNECTIONS,
    SERVERS,
    TOKEN_COUNT,
    Endpoint,
    connection_mode,
    database_url,
    measure_cell,
    prepare_app,
    say,
    use_wrk,
    write_tokens,
)

WRITE_BODY = '{"municipality": "gulen", "key": "{key}", "name_en": "Benchmark topic"}'
ENDPOINTS = (
    Endpoint("healthz", "GET", "/healthz", authenticated=False),
    Endpoint("api_read", "GET", "/api/municipalities"),
    Endpoint("api_write", "POST", "/api/topics", body_template=WRITE_BODY),
)


def describe_load_generator() -> None:
    if use_wrk():
        say(
            f"  load: wrk, 1 thread, {CONNECTIONS} concurrent connections ({connection_mode()});"
            f" {TOKEN_COUNT} tokens rotated per request"
        )
        return
    if os.environ.get("BENCH_LOADGEN", "").lower() == "python":
        say("  BENCH_LOADGEN=python: using the Python fallback load generator instead of wrk.")
    else:
        say("  wrk is not installed (Debian/Ubuntu: apt-get install -y wrk); using the Python fallback load generator.")
    say("  FALLBACK: figures are prefixed pyload_ and are capped by the generator itself (GIL).")
    say(f"  load: {CONNECTIONS} concurrent connections ({connection_mode()}); {TOKEN_COUNT} tokens rotated")


def run(duration: float) -> dict[str, float]:
    seconds = max(1, round(duration))
    describe_load_generator()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="civicdesk-bench-") as temp:
        var_dir = Path(temp)
        with database_url() as url:
            environment = benchlib.app_environment(var_dir, url)
            tokens_file = write_tokens(var_dir, prepare_app(environment, ("read", "topics:write")))
            for server in SERVERS:
                for endpoint in ENDPOINTS:
                    figures.update(measure_cell(server, endpoint, environment, tokens_file, seconds))
    return figures
