"""The wallboard live, against real servers: two ASGI worker processes sharing Redis (a screen on one
hears a call reported to the other), and in Chromium the supervisor's wallboard updating when a simulated
call arrives while an agent answers it and logs the contact."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import ROOT, _free_port, manage, sign_in, wait_ready

pytestmark = pytest.mark.browser

REDIS_URL = os.environ.get("CIVICDESK_TEST_REDIS_URL") or "redis://127.0.0.1:6379/12"

_SESSION = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
user = get_user_model().objects.get(username="{username}")
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""
_PHONES = """
from civicdesk.routing.models import Queue
from civicdesk.telephony.models import PhoneNumber
queue = Queue.objects.filter(center__slug="nordhordland", channel="phone", municipality=None).order_by("key").first()
number = PhoneNumber.objects.get(municipality__slug="gulen")
print(queue.key, number.number, queue.name.replace(" ", "_"))
"""


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def event(call_id: str, queue: str, number: str, kind: str = "call.offered", **fields) -> dict:
    return {
        "id": f"{call_id}:{kind}",
        "type": kind,
        "call_id": call_id,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "dialed_number": number,
        "caller_number": "+4791112222",
        "queue": queue,
        "ivr_choice": "1",
        **fields,
    }


def post_events(base_url: str, secret: str, events: list[dict]) -> dict:
    request = urllib.request.Request(
        f"{base_url}/api/telephony/events",
        data=json.dumps(events).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def phones(demo_environment):
    secret = manage(
        demo_environment,
        "create_api_token",
        "--center",
        "nordhordland",
        "--name",
        "phone system (tests)",
        "--permission",
        "read",
        "--permission",
        "telephony:write",
    ).split()[-1]
    queue, number, name = manage(demo_environment, "shell", "-v", "0", "-c", _PHONES).split()
    return {"secret": secret, "queue": queue, "number": number, "queue_name": name.replace("_", " ")}


@pytest.fixture(scope="module")
def two_workers(demo_environment):
    """Two uvicorn processes on the same database, their channel layer in Redis."""
    if not _redis_answers():
        pytest.fail(f"Redis must answer at {REDIS_URL} for the wallboard's worker test.")
    env = {**demo_environment, "REDIS_URL": REDIS_URL}
    servers, urls = [], []
    for _ in range(2):
        port = _free_port()
        command = [sys.executable, "-m", "uvicorn", "civicdesk.asgi:application", "--port", str(port)]
        server = subprocess.Popen([*command, "--log-level", "warning", "--lifespan", "off"], env=env, cwd=ROOT)
        servers.append(server)
        urls.append(f"http://127.0.0.1:{port}")
    for url, server in zip(urls, servers, strict=True):
        wait_ready(url, server)
    yield urls
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def test_a_screen_on_one_worker_hears_a_call_reported_to_the_other(demo_environment, two_workers, phones):
    from websockets.sync.client import connect

    first, second = two_workers
    session = manage(demo_environment, "shell", "-v", "0", "-c", _SESSION.format(username="nh.supervisor")).split()[-1]
    ws_url = second.replace("http://", "ws://") + "/ws/wallboard/nordhordland/"
    with connect(ws_url, additional_headers={"Cookie": f"sessionid={session}", "Origin": second}) as screen:
        before = json.loads(screen.recv(timeout=10))["snapshot"]
        waiting = {q["key"]: q["waiting"] for q in before["queues"]}[phones["queue"]]

        sent_at = time.monotonic()
        answer = post_events(first, phones["secret"], [event("live-two-workers", phones["queue"], phones["number"])])
        assert answer["new"] == 1
        while True:
            snapshot = json.loads(screen.recv(timeout=max(0.1, 5 - (time.monotonic() - sent_at))))["snapshot"]
            if {q["key"]: q["waiting"] for q in snapshot["queues"]}[phones["queue"]] == waiting + 1:
                break
        assert time.monotonic() - sent_at < 5


_ONLY_NH_AGENT_ANSWERS = """
from datetime import timedelta
from django.utils import timezone
from civicdesk.organisations.access import SYSTEM
from civicdesk.routing import services
from civicdesk.routing.models import Agent
agent = Agent.objects.get(user__username="nh.agent")
for other in Agent.objects.filter(center=agent.center).exclude(pk=agent.pk).exclude(state="offline"):
    services.agent_state_set(actor=SYSTEM, agent=other, state="offline")
now = timezone.now()
services.shift_add(actor=SYSTEM, agent=agent, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3))
print(agent.code)
"""


def route(base_url: str, secret: str, question: dict) -> dict:
    request = urllib.request.Request(
        f"{base_url}/api/telephony/route",
        data=json.dumps(question).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_the_wallboard_updates_live_while_an_agent_answers_a_simulated_call_and_logs_it(
    browser, page, demo_server, demo_environment, phones
):
    from tests.browser.conftest import axe_violations

    code = manage(demo_environment, "shell", "-v", "0", "-c", _ONLY_NH_AGENT_ANSWERS).split()[-1]
    sign_in(page, "nh.supervisor")
    page.goto("/telephony/wallboard/?center=nordhordland")
    page.wait_for_selector("[data-wallboard][data-live='true']")
    assert axe_violations(page) == []
    row = page.locator("[data-rows='queues'] tr", has=page.locator("th", has_text=phones["queue_name"]))
    waiting_before = int(row.locator("td").nth(0).inner_text())

    agent_context = browser.new_context(base_url=demo_server, locale="en-GB")
    desk = agent_context.new_page()
    desk.set_default_timeout(15000)
    sign_in(desk, "nh.agent")
    desk.goto("/contacts/new/")
    desk.select_option("#phone-state", "available")
    desk.click("text=Change state")
    desk.wait_for_selector("#phone >> text=Available")

    call_id = f"browser-{int(time.time())}"
    post_events(demo_server, phones["secret"], [event(call_id, phones["queue"], phones["number"])])
    page.wait_for_function(
        "([name, n]) => [...document.querySelectorAll('[data-rows=queues] tr')].some("
        "r => r.querySelector('th').textContent.trim() === name && r.querySelector('td').textContent.trim() === n)",
        arg=[phones["queue_name"], str(waiting_before + 1)],
    )
    decision = route(
        demo_server,
        phones["secret"],
        {
            "call_id": call_id,
            "dialed_number": phones["number"],
            "caller_number": "+4791112222",
            "queue": phones["queue"],
        },
    )
    assert decision["agent"] == code, decision["reasons"]

    desk.wait_for_selector("text=Incoming call", timeout=10000)
    assert axe_violations(desk) == []
    desk.click("#phone button:has-text('Answer')")
    desk.wait_for_selector("h1:has-text('Log the call')")
    desk.fill("#id_summary", "Asked how long a building permit takes.")
    desk.click("button[name=outcome][value=resolved]")
    desk.wait_for_selector("text=Logged.")
    page.wait_for_function(
        "([name, n]) => [...document.querySelectorAll('[data-rows=queues] tr')].some("
        "r => r.querySelector('th').textContent.trim() === name && r.querySelector('td').textContent.trim() === n)",
        arg=[phones["queue_name"], str(waiting_before)],
    )
    agent_context.close()
