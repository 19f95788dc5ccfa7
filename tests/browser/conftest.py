"""A real demo server (its own database, built with the demo command) and Debian's Chromium driven by
Playwright. The server runs in a separate process, exactly as ``make demo`` runs it, against the same
kind of database as the rest of the run (SQLite, or PostgreSQL when DATABASE_URL points there)."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CIVICDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "civicdesk-demo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_database(url: str):
    """Create a database of its own for the browser server beside the test database; returns (url, drop)."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'civicdesk'}_browser_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@pytest.fixture(scope="session")
def demo_environment():
    """The environment of a demo database built with the demo command (its own SQLite file, or a PostgreSQL
    database beside the test database), for servers and commands run against it."""
    tmp = Path(tempfile.mkdtemp(prefix="civicdesk-browser-"))
    database_url = os.environ.get("DATABASE_URL", "")
    drop = None
    if database_url.startswith("postgres"):
        database_url, drop = _postgres_database(database_url)
    else:
        database_url = f"sqlite:///{tmp / 'demo.sqlite3'}"
    env = {
        **os.environ,
        "CIVICDESK_DEMO": "true",
        "DATABASE_URL": database_url,
        "CIVICDESK_VAR_DIR": str(tmp),
        "CIVICDESK_LOGIN_RATE": "10000/m",
        "CIVICDESK_LOG_LEVEL": "WARNING",
        "CIVICDESK_DEMO_CALL_DAYS": "1",  # a day of past calls is enough to fill the figures
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "demo_data"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    yield env
    if drop:
        drop()


def manage(env: dict, *arguments: str) -> str:
    """Run a management command against the demo database; its output."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *arguments], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return result.stdout.decode()


def wait_ready(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError("the demo server did not become ready")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def demo_server(demo_environment):
    """Base URL of a running demo server."""
    env = demo_environment
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "serve", "--no-worker", "--no-simulator", "--port", str(port)], env=env, cwd=ROOT
    )
    base_url = f"http://127.0.0.1:{port}"
    wait_ready(base_url, server)
    yield base_url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for the browser tests at {CHROMIUM} (make test installs it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, demo_server):
    context = browser.new_context(base_url=demo_server, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url, f"{username} could not sign in"


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A/AA violations on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_21_AA)
    lines = []
    for violation in results.response["violations"]:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return lines


LANGUAGES = ("da", "sv", "nb", "en")
SIGN_OUT = {"da": "Log ud", "sv": "Logga ut", "nb": "Logg ut", "en": "Sign out"}


def switch_language(page, code: str) -> None:
    """Use the language switch in the page header, as a person would."""
    page.select_option("#cd-language-select", code)
    page.click(".cd-language button[type=submit]")
    page.wait_for_load_state()


def assert_pages_accessible_in_every_language(page, paths: list, signed_in: bool = True) -> None:
    """Each page, in each of the four languages chosen with the switch: the right language, no WCAG 2.1 A/AA
    violation. A path may be ``(path, expected status)`` for error pages. Failures are collected so one run
    names every page that needs mending."""
    problems = []
    pages = [p if isinstance(p, tuple) else (p, 200) for p in paths]
    for code in LANGUAGES:
        page.goto(pages[0][0])
        switch_language(page, code)
        for path, expected_status in pages:
            response = page.goto(path)
            if response.status != expected_status:
                problems.append(f"[{code}] {path}: HTTP {response.status}")
                continue
            lang = page.get_attribute("html", "lang")
            if lang != code:
                problems.append(f"[{code}] {path}: page language is {lang}")
            if signed_in and page.locator(".cd-header button", has_text=SIGN_OUT[code]).count() != 1:
                problems.append(f"[{code}] {path}: the sign-out button does not read {SIGN_OUT[code]!r}")
            problems += [f"[{code}] {path}: {line}" for line in axe_violations(page)]
    assert not problems, "\n".join(problems)
