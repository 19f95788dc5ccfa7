"""Case lists at 1,000,000 cases: p50/p95 latency of the team case list a caseworker opens, as a page and
through the API.

The benchmark builds the demo world, then adds ``BENCH_CASES`` cases (default 1,000,000) spread over every
team of the four demo municipalities and five years, in one SQL statement (``generate_series`` on
PostgreSQL, a recursive CTE on SQLite) and runs (VACUUM) ANALYZE. Like a back office years in: 95 % of the cases
are resolved or closed, 5 % open (new, open, waiting), a third of those assigned to someone.

Then ``gunicorn … -k gthread --workers 2 --threads 4`` serves it, and one client asks each list in turn on
a kept-alive connection, ``duration`` seconds per list after a warm-up of 20 requests:

- ``team_page``: ``GET /cases/`` as gulen.caseworker (signed in): the open cases of their team, sorted
  by due date, 50 a page, with the count for the pager: what the case list shows first;
- ``mine_page``: ``GET /cases/?view=mine``: the caseworker's own open cases;
- ``team_api``: ``GET /api/cases?team_id=…&status=open`` with a bearer token: the first 50 by cursor.

Figures: p50/p95 latency in ms and requests per second of the one client (target: team list p95 ≤ 100 ms).
"""

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import benchlib
from serving import database_url, prepare_app, say, serve

WARMUP_REQUESTS = 20
SERVER = "gunicorn"

_POPULATE = r"""
import sys, time
import django
django.setup()
from django.db import connection
from civicdesk.organisations.models import RoleAssignment, Team, User

count = int(sys.argv[1])
teams = list(Team.objects.order_by("pk").values_list("pk", "municipality_id"))
caseworker = User.objects.get(username="gulen.caseworker")
team = RoleAssignment.objects.filter(user=caseworker, team__isnull=False).values_list("team_id", flat=True).first()
values = ", ".join(f"({number}, {pk}, {municipality})" for number, (pk, municipality) in enumerate(teams))
started = time.monotonic()
if connection.vendor == "postgresql":
    series = f"SELECT i FROM generate_series(1, {count}) AS s(i)"
    cte = f"WITH teams(n, team_id, municipality_id) AS (VALUES {values}), series(i) AS ({series})"
    created = f"now() - make_interval(mins => (({count} - i)::bigint * 2629440 / {count})::int)"
    due = f"({created}) + interval '10 days'"
    number = "'BENCH-' || lpad(i::text, 9, '0')"
else:
    cte = (
        f"WITH RECURSIVE teams(n, team_id, municipality_id) AS (VALUES {values}), "
        f"series(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM series WHERE i < {count})"
    )
    created = f"datetime('now', '-' || ((({count} - i) * 2629440) / {count}) || ' minutes')"
    due = f"datetime({created}, '+10 days')"
    number = "'BENCH-' || printf('%09d', i)"
status = (
    "CASE WHEN i % 100 < 95 THEN (CASE WHEN i % 7 = 0 THEN 'resolved' ELSE 'closed' END) "
    "WHEN i % 4 = 0 THEN 'new' WHEN i % 4 = 1 THEN 'open' WHEN i % 4 = 2 THEN 'waiting_citizen' "
    "ELSE 'waiting_unit' END"
)
assignee = f"CASE WHEN i % 100 >= 95 AND i % 3 = 0 AND teams.team_id = {team} THEN {caseworker.pk} END"
priority = "CASE i % 10 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' WHEN 2 THEN 'low' ELSE 'normal' END"
sql = f'''{cte}
INSERT INTO cases_case (number, kind, title, description, language, priority, status, due_at, version,
    created_at, updated_at, municipality_id, team_id, assignee_id)
SELECT {number}, 'request', 'Benchmark case ' || i, '', 'nb', {priority}, {status}, {due}, 1,
    {created}, {created}, teams.municipality_id, teams.team_id, {assignee}
FROM series JOIN teams ON teams.n = i % {len(teams)}'''
with connection.cursor() as cursor:
    cursor.execute(sql)
    # What autovacuum does soon after a bulk load; SQLite has no visibility map to set.
    cursor.execute("VACUUM ANALYZE cases_case" if connection.vendor == "postgresql" else "ANALYZE")
    cursor.execute("SELECT count(*) FROM cases_case")
    total = cursor.fetchone()[0]
    cursor.execute(
        "SELECT count(*) FROM cases_case WHERE team_id = %s AND status IN ('new', 'open', 'waiting_citizen', "
        "'waiting_unit')",
        [team],
    )
    team_open = cursor.fetchone()[0]
print(total, team, team_open, round(time.monotonic() - started, 1))
"""

_SESSION = """
import sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from civicdesk.organisations.models import User

user = User.objects.get(username=sys.argv[1])
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(settings.SESSION_COOKIE_NAME, session.session_key)
"""


def session_cookie(environment: dict[str, str], username: str) -> dict[str, str]:
    """The Cookie header of a signed-in session of ``username``, made in the bench database."""
    cookie_name, session_key = python(environment, _SESSION, username).split()
    return {"Cookie": f"{cookie_name}={session_key}"}


def python(environment: dict[str, str], code: str, *arguments: str, timeout: int = 3600) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=benchlib.PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout.strip()


def latencies(port: int, path: str, headers: dict[str, str], seconds: float) -> list[float]:
    """Ask ``path`` again and again on one kept-alive connection; the latency of each answer in ms."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    measured: list[float] = []
    try:
        deadline = None
        count = 0
        while deadline is None or time.monotonic() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
            count += 1
            if count == WARMUP_REQUESTS:
                deadline = time.monotonic() + seconds
            elif count > WARMUP_REQUESTS:
                measured.append(elapsed)
    finally:
        connection.close()
    return measured


def figures_of(name: str, measured: list[float], seconds: float) -> dict[str, float]:
    cuts = statistics.quantiles(measured, n=100, method="inclusive")
    figures = {
        f"{name}_p50_ms": round(statistics.median(measured), 2),
        f"{name}_p95_ms": round(cuts[94], 2),
        f"{name}_rps": round(len(measured) / seconds, 1),
    }
    p50, p95 = figures[f"{name}_p50_ms"], figures[f"{name}_p95_ms"]
    say(f"  {name:10} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  ({len(measured)} requests)")
    return figures


def run(duration: float) -> dict[str, float]:
    seconds = max(1.0, duration)
    count = int(os.environ.get("BENCH_CASES", "1000000"))
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="civicdesk-bench-") as temp, ExitStack() as stack:
        var_dir = Path(temp)
        environment = benchlib.app_environment(var_dir, stack.enter_context(database_url()))
        token = prepare_app(environment, ("read",))[0]
        say(f"  adding {count:,} cases …")
        total, team, team_open, took = python(environment, _POPULATE, str(count)).split()
        say(f"  {int(total):,} cases in {took} s; the caseworker's team has {int(team_open):,} open")
        figures["cases_total"] = float(total)
        figures["team_open_cases"] = float(team_open)
        page_headers = session_cookie(environment, "gulen.caseworker")
        lists = {
            "team_page": ("/cases/", page_headers),
            "mine_page": ("/cases/?view=mine", page_headers),
            "team_api": (f"/api/cases?team_id={team}&status=open", {"Authorization": f"Bearer {token}"}),
        }
        with serve(SERVER, environment, var_dir / "gunicorn-case-list.log") as (port, _group):
            for name, (path, headers) in lists.items():
                benchlib.wait_for_quiet()
                figures.update(figures_of(name, latencies(port, path, headers, seconds), seconds))
    return figures
