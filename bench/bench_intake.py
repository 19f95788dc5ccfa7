"""Intake: contacts and cases created per second through the API, next to a bare Django + django-ninja
endpoint that inserts one row, measured in the same run under the same server.

Server: ``gunicorn … -k gthread --workers 2 --threads 4`` (what production runs), one worker per core of
the 2-core machine. Load: wrk with 8 concurrent connections (the issue's "8 concurrent clients"), every
request on a new connection, 20 bearer tokens rotated request by request.

Cells, each on a freshly started server after a 2 s warm-up:

- ``contacts``: ``POST /api/contacts``, a phone contact for Gulen with one topic, a summary and the
  outcome "resolved in first line" (201);
- ``cases``: ``POST /api/cases``, a case for Gulen with a title, description, topic and team, numbered
  ``GUL-YYYY-NNNNNN`` and given an SLA due date (201);
- ``bare_insert``: ``POST /api/rows`` of ``bench/bare/``, a Django project with startproject's settings and
  one django-ninja route that inserts one row (201), in a database of its own on the same engine.

``contacts_vs_bare_pct`` is the contacts rate in % of the bare insert rate (target: ≥ 50 %, and
≥ 400 contacts/s on PostgreSQL). Both apps are set up fresh: civicdesk with ``migrate`` and
``demo_data``, the bare app with ``migrate --run-syncdb``.
"""

import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import benchlib
from serving import Endpoint, database_url, figure_prefix, manage, measure_cell, prepare_app, say, use_wrk, write_tokens

CONNECTIONS = 8
SERVER = "gunicorn"
BARE_APP = "bench.bare.wsgi:application"
PERMISSIONS = ("read", "contacts:write", "cases:write")
CONTACT_BODY = (
    '{"municipality": "gulen", "channel": "phone", "topics": ["TOPIC"], "caller_kind": "citizen",'
    ' "language": "nb", "summary": "Asked when the next waste collection is ({key}).", "outcome": "resolved"}'
)
CASE_BODY = (
    '{"municipality": "gulen", "title": "Broken street light ({key})", "topic": "TOPIC", "team_id": TEAM,'
    ' "description": "The street light outside number 4 has been dark for a week."}'
)
_GULEN_TEAM_AND_TOPIC = """
import django
django.setup()
from civicdesk.organisations.models import Team, Topic
team = Team.objects.filter(municipality__slug="gulen").order_by("pk").first()
topic = Topic.objects.filter(municipality=None).order_by("pk").first()
print(team.pk, topic.key)
"""


def gulen_team_and_topic(environment: dict[str, str]) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-c", _GULEN_TEAM_AND_TOPIC],
        cwd=benchlib.PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    team_id, topic_key = result.stdout.split()
    return int(team_id), topic_key


def bare_environment(var_dir: Path, url: str | None) -> dict[str, str]:
    environment = benchlib.app_environment(var_dir, url)
    environment["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
    return environment


def prepare_bare(environment: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "--no-input", "-v0"],
        cwd=benchlib.PROJECT_DIR,
        env=environment,
        capture_output=True,
        timeout=300,
        check=True,
    )


def bare_database_url(stack: ExitStack, var_dir: Path) -> str | None:
    """A database of the bare app's own: a second temporary PostgreSQL database, or a file beside civicdesk's."""
    if benchlib.database_kind() == "postgres":
        return stack.enter_context(benchlib.temporary_postgres_database(suffix="bare"))
    return f"sqlite:///{var_dir / 'bare.sqlite3'}"


def run(duration: float) -> dict[str, float]:
    seconds = max(1, round(duration))
    generator = "wrk, 1 thread" if use_wrk() else "the Python fallback generator (figures prefixed pyload_)"
    say(f"  load: {generator}, {CONNECTIONS} concurrent connections; server {SERVER}")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="civicdesk-bench-") as temp, ExitStack() as stack:
        var_dir = Path(temp)
        environment = benchlib.app_environment(var_dir, stack.enter_context(database_url()))
        tokens_file = write_tokens(var_dir, prepare_app(environment, PERMISSIONS))
        team_id, topic_key = gulen_team_and_topic(environment)
        bare = bare_environment(var_dir, bare_database_url(stack, var_dir))
        say("  bare app: migrate --run-syncdb …")
        prepare_bare(bare)
        contacts = Endpoint("contacts", "POST", "/api/contacts", CONTACT_BODY.replace("TOPIC", topic_key))
        cases = Endpoint(
            "cases", "POST", "/api/cases", CASE_BODY.replace("TOPIC", topic_key).replace("TEAM", str(team_id))
        )
        bare_insert = Endpoint("bare_insert", "POST", "/api/rows", '{"key": "{key}"}', authenticated=False)
        for endpoint in (bare_insert, contacts, cases):
            app = BARE_APP if endpoint is bare_insert else None
            environment_for = bare if endpoint is bare_insert else environment
            figures.update(
                measure_cell(SERVER, endpoint, environment_for, tokens_file, seconds, connections=CONNECTIONS, app=app)
            )
        manage(environment, "check")  # the served app's database is still sound after the load
    contacts_rps = figures[figure_prefix("contacts", SERVER) + "_rps"]
    bare_rps = figures[figure_prefix("bare_insert", SERVER) + "_rps"]
    figures["contacts_vs_bare_pct"] = round(100 * contacts_rps / bare_rps, 1) if bare_rps else 0.0
    share = figures["contacts_vs_bare_pct"]
    say(f"  contacts/s {contacts_rps:.0f} = {share:.0f} % of the bare insert's {bare_rps:.0f}/s")
    return figures
