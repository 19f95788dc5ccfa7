"""Shared pieces of the benchmarks: which database to run against, a throwaway PostgreSQL database,
the machine description printed above every table, and the environment the app is served with.

The database is chosen by ``BENCH_DATABASE`` (``sqlite`` or ``postgres``; ``run.py --database`` sets it)
or, when that is unset, by ``BENCH_DATABASE_URL`` being present. ``BENCH_DATABASE_URL`` names the
PostgreSQL *server* to use (its database name is only used to connect for ``CREATE DATABASE``); the
benchmark works in its own ``civicdesk_bench_<pid>`` database and drops it afterwards.
"""

import os
import platform
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Variables of the caller's shell that would point the served app somewhere else than the bench database.
_FOREIGN_PREFIXES = ("CIVICDESK_", "DATABASE_", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_")


def database_kind() -> str:
    """``sqlite`` or ``postgres``."""
    kind = os.environ.get("BENCH_DATABASE", "").strip().lower()
    if kind:
        if kind not in {"sqlite", "postgres"}:
            raise SystemExit(f"BENCH_DATABASE must be sqlite or postgres, not {kind!r}.")
        return kind
    return "postgres" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"


def postgres_server_url() -> str:
    """The PostgreSQL server to create the bench database on; refuses anything but this machine."""
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_POSTGRES_URL
    host = urlsplit(url).hostname or ""
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"BENCH_DATABASE_URL must point at 127.0.0.1 (the benchmark drops databases), not {host!r}.")
    return url


def _with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]).split(" ")[0] if row else "?"


def database_label() -> str:
    """For the machine header: engine, version and where."""
    if database_kind() == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (WAL, temp file)"
    url = postgres_server_url()
    parts = urlsplit(url)
    return f"PostgreSQL {_postgres_version(url)} at {parts.hostname}:{parts.port or 5432} (temp database)"


@contextmanager
def temporary_postgres_database(suffix: str = "") -> Iterator[str]:
    """A fresh empty database ``civicdesk_bench_<pid>`` (``_<suffix>`` added when given); yields its URL and
    drops it afterwards."""
    import psycopg
    from psycopg import sql

    server_url = postgres_server_url()
    name = f"civicdesk_bench_{os.getpid()}" + (f"_{suffix}" if suffix else "")
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database_name(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def app_environment(var_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment the app is set up and served with: demo defaults, quiet logs, no Redis."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(_FOREIGN_PREFIXES)}
    environment.update(
        {
            "CIVICDESK_DEMO": "true",
            "CIVICDESK_VAR_DIR": str(var_dir),
            "CIVICDESK_LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "civicdesk.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if database_url:
        environment["DATABASE_URL"] = database_url
    return environment


def cpu_model() -> str:
    """The first ``model name`` of /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_count() -> int:
    """CPUs this process may run on (what ``nproc`` prints)."""
    return len(os.sched_getaffinity(0))


def _process_stats() -> Iterator[tuple[str, list[int]]]:
    """(command name, numeric fields of /proc/PID/stat from field 4 on) of each live process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        yield name, [int(value) for value in text[text.rindex(")") + 1 :].split()[1:]]


# Indexes into those fields (stat field number minus 4): pgrp 5, utime 14, stime 15, cutime 16, cstime 17.
_PGRP, _UTIME, _STIME, _CUTIME, _CSTIME = 1, 10, 11, 12, 13


def group_cpu_seconds(group_id: int) -> float:
    """User + system CPU seconds of the live processes of a process group (a server and its workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum((f[_UTIME] + f[_STIME]) / ticks for _, f in _process_stats() if f[_PGRP] == group_id)


def postgres_cpu_seconds() -> float:
    """CPU seconds of this machine's PostgreSQL processes, with backends already exited (the postmaster's
    children's time): the database's share of a run, to tell it apart from unrelated work."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(
        (f[_UTIME] + f[_STIME] + f[_CUTIME] + f[_CSTIME]) / ticks for name, f in _process_stats() if name == "postgres"
    )


def busy_cpu_seconds() -> float:
    """CPU seconds spent not idle, summed over all CPUs since boot (first line of /proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(busy_pct_limit: float = 25.0, max_wait: float = 60.0) -> float:
    """Wait (at most ``max_wait`` s) until the machine's other work uses under ``busy_pct_limit`` % of one
    CPU over a second, so other jobs distort the figures less; returns the last busy percentage seen."""
    deadline = time.monotonic() + max_wait
    while True:
        before = busy_cpu_seconds()
        time.sleep(1.0)
        busy_pct = 100 * (busy_cpu_seconds() - before)
        if busy_pct < busy_pct_limit or time.monotonic() >= deadline:
            break
    if busy_pct >= busy_pct_limit:
        print(f"  note: the machine stayed busy ({busy_pct:.0f} % of a CPU) for {max_wait:.0f} s", file=sys.stderr)
    return busy_pct


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    return {
        "nproc": str(cpu_count()),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "database": database_label(),
        "kernel": platform.release(),
        "load_average": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }
