"""Wallboard: how soon a change reaches 500 wallboard screens connected over websockets.

Setup: the demo world in a temporary database, Nordhordland's phones from bench_routing's ``PHONE_WORLD``
(six queues, 50 agents on duty in mixed states, three numbers), a centre token that may send phone events,
and a session of the demo supervisor ``nh.supervisor`` (made with Django's test client's ``force_login``
in a subprocess: the same database-backed session a browser gets from the login page). Redis: a database
of its own (``BENCH_REDIS_DB``, default 11; refused unless empty, emptied afterwards) shared by the servers.

Servers, as production runs them: ``uvicorn civicdesk.asgi:application --workers 2`` for the websockets
and ``gunicorn … -k gthread --workers 2 --threads 4`` for the webhook, so a change travels from the
webhook's process to the screens' processes through Redis (Channels' group of the centre; each uvicorn
worker's hub reads one snapshot and sends it to all its screens).

Load: one client process (Python ``websockets``, asyncio) opens ``BENCH_SCREENS`` screens (default 500)
on ``/ws/wallboard/nordhordland/`` with the session cookie and ``Origin: http://127.0.0.1:<port>``, 25 at
a time, and waits for every screen's first snapshot; four unmeasured events warm the servers up. Then,
``max(10, --duration / 1.5)`` times, 1.5 s apart, it posts one ``call.offered`` event (a new call waiting)
to ``POST /api/telephony/events`` and notes when each screen receives the first snapshot whose ``waiting``
count includes that call. When the project has not connected ``calls_changed`` to
``consumers.wallboard_changed``, the client sends that ping itself as soon as the webhook answers (what the
connection would do on commit), and says so.

Figures: ``fanout_p50_ms``, ``fanout_p99_ms``, ``fanout_max_ms`` from posting the event to each screen's
update, over all screens and events (target: all 500 within 1,000 ms), ``within_1s_pct``, ``missed`` (no
update within 5 s), ``first_screen_ms`` and ``last_screen_ms`` (per event, the first and the last screen's
update; the median over the events), ``webhook_ms`` (the webhook's answer, median), ``clients`` (screens
still connected at the end), ``snapshot_chars`` (one snapshot's JSON) and ``client_cpu_pct`` (the client
process's CPU while the events went out: near 100 % it would be its own bottleneck, and the times an upper
bound).
"""

import json
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

import benchlib
from bench_routing import PHONE_WORLD, python_script
from serving import database_url, manage, say, serve

SCREENS = int(os.environ.get("BENCH_SCREENS", "500"))
AGENTS = 50
SPACING_S = 1.5

_SETUP = r"""
import random, sys
import django
django.setup()
exec(compile(sys.argv[1], "phone_world", "exec"))
from django.conf import settings
from django.test import Client
from civicdesk.organisations.models import User
rng = random.Random(8)
center = ServiceCenter.objects.get(slug="nordhordland")
queues = phone_queues(center)
phone_numbers(center, queues)
phone_agents(center, queues, int(sys.argv[2]), rng, history_days=0)
calls_waiting(center, queues, 20, rng)
_token, secret = organisation_services.api_token_create(
    actor=SYSTEM, name="phone system", permissions=["read", "telephony:write"], center=center
)
client = Client()
client.force_login(User.objects.get(username="nh.supervisor"))
print("TOKEN", secret)
print("SESSION", settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
print("CENTER", center.pk)
"""

_SCREENS = r"""
import asyncio, http.client, json, resource, statistics, sys, time
from datetime import UTC, datetime

import django
django.setup()
from channels.layers import get_channel_layer
from websockets.asyncio.client import connect

from civicdesk.telephony import consumers
from civicdesk.telephony.models import Call
from civicdesk.telephony.signals import calls_changed

ws_port, http_port, cookie, token, center_id, screens, events, spacing = sys.argv[1:9]
screens, events, spacing, center_id = int(screens), int(events), float(spacing), int(center_id)
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * screens + 256)), hard))
wired = calls_changed.has_listeners(Call)
URL = f"ws://127.0.0.1:{ws_port}/ws/wallboard/nordhordland/"
TIMEOUT = 5.0

seen = [[] for _ in range(screens)]  # per screen: (monotonic time, waiting) of each snapshot
first = [asyncio.Event() for _ in range(screens)]
waiters = []  # (level, asyncio.Event, set of screens still to see it)
sizes = [0]  # characters of the last snapshot received


async def screen(number, ready):
    async with connect(URL, origin=f"http://127.0.0.1:{ws_port}", additional_headers={"Cookie": cookie},
                       max_size=None, open_timeout=60, ping_interval=None) as websocket:
        ready.set()
        async for message in websocket:
            now = time.monotonic()
            sizes[0] = len(message)
            waiting = json.loads(message)["snapshot"]["waiting"]
            seen[number].append((now, waiting))
            first[number].set()
            for level, done, left in waiters:
                if waiting >= level and number in left:
                    left.discard(number)
                    if not left:
                        done.set()


def post_event(number):
    body = json.dumps({
        "id": f"wallboard-{number}", "type": "call.offered", "call_id": f"wallboard-{number}",
        "at": datetime.now(UTC).isoformat(), "dialed_number": "+4757786000", "caller_number": "+4791234567",
        "queue": "switchboard", "language": "nb",
    })
    connection = http.client.HTTPConnection("127.0.0.1", int(http_port), timeout=30)
    try:
        connection.request("POST", "/api/telephony/events", body=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


async def main():
    tasks = []
    started = time.monotonic()
    for start in range(0, screens, 25):
        readies = []
        for number in range(start, min(screens, start + 25)):
            ready = asyncio.Event()
            readies.append(ready)
            tasks.append(asyncio.create_task(screen(number, ready)))
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    await asyncio.wait_for(asyncio.gather(*(f.wait() for f in first)), 120)
    print(f"  {screens} screens connected in {time.monotonic() - started:.1f} s, each has its first snapshot"
          + ("" if wired else "; calls_changed has no listener: the client pings wallboard_changed itself"),
          file=sys.stderr)
    for number in range(-4, 0):  # warm-up: each webhook worker's first request, the hubs' first change
        await asyncio.to_thread(post_event, number)
        await asyncio.sleep(0.3)
    await asyncio.sleep(2.0)
    base = max(w for s in seen for _, w in s[-1:])
    layer = get_channel_layer()
    latencies, missed, webhook, firsts, lasts = [], 0, [], [], []
    usage, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    for number in range(1, events + 1):
        level = base + number
        left = set(range(screens))
        done = asyncio.Event()
        waiters.append((level, done, left))
        t0 = time.monotonic()
        status = await asyncio.to_thread(post_event, number)
        webhook.append((time.monotonic() - t0) * 1000)
        if status != 200:
            raise SystemExit(f"the webhook answered {status}")
        if not wired:
            await layer.group_send(consumers.group_name(center_id), {"type": "wallboard.changed"})
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT)
        except TimeoutError:
            pass
        this_event = []
        for index in range(screens):
            times = [t for t, w in seen[index] if w >= level and t >= t0]
            if times:
                this_event.append((min(times) - t0) * 1000)
            else:
                missed += 1
        latencies += this_event
        if this_event:
            firsts.append(min(this_event))
            lasts.append(max(this_event))
            print(f"  event {number}: webhook {webhook[-1]:.0f} ms, first screen {min(this_event):.0f} ms, last"
                  f" {max(this_event):.0f} ms ({len(this_event)} screens)", file=sys.stderr)
        waiters.pop()
        await asyncio.sleep(max(0.0, t0 + spacing - time.monotonic()))
    after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime) / (time.monotonic() - wall)
    connected = sum(1 for task in tasks if not task.done())
    ended = [task for task in tasks if task.done()]
    reasons = {}
    for task in ended:
        error = task.exception()
        reasons[repr(error)[:200]] = reasons.get(repr(error)[:200], 0) + 1
    for reason, count in reasons.items():
        print(f"  {count} screens were closed: {reason}", file=sys.stderr)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] if latencies else 0.0
    print(json.dumps({
        "clients": connected, "events": events, "p50": pct(50), "p99": pct(99),
        "max": latencies[-1] if latencies else 0.0, "missed": missed,
        "within_1s": 100 * sum(1 for v in latencies if v <= 1000) / (screens * events),
        "first_ms": statistics.median(firsts) if firsts else 0.0,
        "last_ms": statistics.median(lasts) if lasts else 0.0,
        "webhook_ms": statistics.median(webhook), "wired": wired, "snapshot_chars": sizes[0],
        "client_cpu_pct": 100 * client_cpu,
    }))


asyncio.run(main())
"""


def redis_database() -> tuple[str, object]:
    """The Redis URL of the benchmark's own database, and a client to empty it afterwards."""
    import redis

    number = int(os.environ.get("BENCH_REDIS_DB", "11"))
    client = redis.Redis(host="127.0.0.1", port=6379, db=number, socket_connect_timeout=5)
    client.ping()
    if client.dbsize():
        raise SystemExit(f"Redis database {number} is not empty; choose a free one with BENCH_REDIS_DB.")
    return f"redis://127.0.0.1:6379/{number}", client


def channel_socket_timeout_override(var_dir: Path) -> dict[str, str]:
    """With ``BENCH_CHANNEL_SOCKET_TIMEOUT`` (seconds, or ``none``): the environment of a settings module that
    gives the channel layer's Redis connections that socket timeout instead of redis-py's default (5 s since
    redis-py 8, as long as channels_redis's blocking BZPOPMIN: a consumer's receive then fails with
    "Timeout reading from 127.0.0.1:6379" and its websocket closes). For measuring with and without."""
    value = os.environ.get("BENCH_CHANNEL_SOCKET_TIMEOUT", "").strip().lower()
    if not value:
        return {}
    timeout = "None" if value == "none" else repr(float(value))
    (var_dir / "bench_wallboard_settings.py").write_text(
        "from civicdesk.settings import *  # noqa: F403\n"
        "if REDIS_URL:  # noqa: F405\n"
        f"    CHANNEL_LAYERS['default']['CONFIG']['hosts'] = [{{'address': REDIS_URL, 'socket_timeout': {timeout}}}]\n"
    )
    say(f"  the channel layer's Redis connections get socket_timeout={timeout} (BENCH_CHANNEL_SOCKET_TIMEOUT)")
    python_path = os.pathsep.join(filter(None, [str(var_dir), str(benchlib.PROJECT_DIR), os.environ.get("PYTHONPATH")]))
    return {"DJANGO_SETTINGS_MODULE": "bench_wallboard_settings", "PYTHONPATH": python_path}


def run(duration: float) -> dict[str, float]:
    events = max(10, round(duration / SPACING_S))
    redis_url, redis_client = redis_database()
    try:
        with tempfile.TemporaryDirectory(prefix="civicdesk-bench-") as temp, ExitStack() as stack:
            var_dir = Path(temp)
            environment = benchlib.app_environment(var_dir, stack.enter_context(database_url()))
            environment["REDIS_URL"] = redis_url
            override = channel_socket_timeout_override(var_dir)
            if override:
                environment.update(override)
            Path(var_dir, "static").mkdir()
            say(f"  migrate, demo_data, phones ({AGENTS} agents), a token and nh.supervisor's session …")
            manage(environment, "migrate", "--no-input", "-v0")
            manage(environment, "demo_data")
            lines = dict(
                line.split(" ", 1) for line in python_script(environment, _SETUP, PHONE_WORLD, str(AGENTS)).splitlines()
            )
            cookie_name, cookie_value = lines["SESSION"].split()
            ws_port, _ws_group = stack.enter_context(serve("uvicorn", environment, var_dir / "uvicorn.log"))
            http_port, _http_group = stack.enter_context(serve("gunicorn", environment, var_dir / "gunicorn.log"))
            benchlib.wait_for_quiet()
            say(f"  {SCREENS} screens, then {events} events {SPACING_S} s apart …")
            output = python_script(
                environment,
                _SCREENS,
                *(str(ws_port), str(http_port), f"{cookie_name}={cookie_value}", lines["TOKEN"], lines["CENTER"]),
                *(str(SCREENS), str(events), str(SPACING_S)),
            )
            result = json.loads(output.splitlines()[-1])
            if result["clients"] < SCREENS or result["missed"]:
                for name in ("uvicorn.log", "gunicorn.log"):
                    tail = (var_dir / name).read_text(errors="replace").splitlines()[-15:]
                    say(f"  the end of {name}:\n" + "\n".join(f"    {line[:300]}" for line in tail))
    finally:
        redis_client.flushdb()
    figures = {
        "clients": float(result["clients"]),
        "events": float(result["events"]),
        "fanout_p50_ms": round(result["p50"], 1),
        "fanout_p99_ms": round(result["p99"], 1),
        "fanout_max_ms": round(result["max"], 1),
        "within_1s_pct": round(result["within_1s"], 2),
        "missed": float(result["missed"]),
        "first_screen_ms": round(result["first_ms"], 1),
        "last_screen_ms": round(result["last_ms"], 1),
        "webhook_ms": round(result["webhook_ms"], 1),
        "webhook_wired": 1.0 if result["wired"] else 0.0,
        "snapshot_chars": float(result["snapshot_chars"]),
        "client_cpu_pct": round(result["client_cpu_pct"], 1),
    }
    say(
        f"  {result['clients']} screens, {result['events']} events: p50 {result['p50']:.0f} ms, p99 "
        f"{result['p99']:.0f} ms, max {result['max']:.0f} ms (target: all within 1,000 ms); "
        f"{result['within_1s']:.1f} % within 1 s, {result['missed']} missed"
    )
    return figures
