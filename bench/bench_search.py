"""Directory search as you type over 50,000 people and 5,000 units: p50/p95 latency per keystroke.

The benchmark builds the demo world, then adds ``BENCH_PEOPLE`` people (default 50,000) and ``BENCH_UNITS``
units (default 5,000) to the four municipalities the Nordhordland centre serves, so an agent there searches
all of them: Nordic names (Sørensen, Mæland, Åsheim …), titles, a unit each, a mobile or direct number
each, queue numbers on the units and a topic on one unit in ten.

Then ``gunicorn … -k gthread --workers 2 --threads 4`` serves it, and one client types: a few hundred
targets drawn from that data (a person's name, a unit's name, a phone number), each typed a keystroke at a
time from the second character on, a third of them spelt differently (ø as o, å as aa, æ as ae) and a
third with a typo. Every keystroke is one request on a kept-alive connection, ``duration`` seconds per
door after a warm-up:

- ``api``: ``GET /api/directory/search?q=…`` with a bearer token (what the chatbot and other systems call);
- ``page``: ``GET /directory/?q=…`` as an HTMX request signed in as nh.agent: the results list the agent's
  screen swaps in.

Figures: p50/p95 latency in ms per keystroke (target: p95 ≤ 30 ms), how often the target was among the
results once fully typed (``found_pct``), and the time one worker takes to build the index of a
municipality of 12,500 people (``index_build_ms``, paid once per process after each directory change).
"""

import http.client
import json
import os
import random
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

import benchlib
from bench_case_list import python, session_cookie
from serving import database_url, manage, prepare_app, say, serve

SERVER = "gunicorn"
WARMUP_CONNECTIONS = 8
TARGETS = 400

_POPULATE = r"""
import json, random, sys, time
import django
django.setup()
from civicdesk.directory import search
from civicdesk.directory.models import Employee, PhoneNumber, Responsibility, Unit
from civicdesk.organisations.models import CenterMembership, Municipality, Topic

people, units = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(4)
served = list(Municipality.objects.filter(
    pk__in=CenterMembership.objects.filter(center__slug="nordhordland").values("municipality_id")
).order_by("pk"))
FIRST = ("Åse Ørjan Bjørn Kjersti Sigrid Håkon Ingrid Lars Mette Søren Jørgen Astrid Øystein Torbjørn Ragnhild "
    "Eirik Solveig Gunnhild Kåre Marit Nils Liv Tor Anne Kari Ola Jens Hege Per Trine Mads Sofie Emil Nora "
    "Aksel Ida Jonas Thea Frøydis Gøril Bård Åsmund Dagfinn Hallvard Ylva Märta Björn Göran Jönsson").split()
LAST = ("Sørensen Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen "
    "Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Halvorsen Henriksen "
    "Lund Sørheim Mæland Økland Åsheim Nygård Bakken Strand Brekke Kvamme Lie Solheim Fjeld Rønning Myklebust "
    "Aasen Sæther Vågen Øvrebø Tveit Hjelle Grønning Bø Nordvik Skaar Thorsen Lindqvist Åberg Söderström "
    "Bergström Holmgren Sjöberg Ekström Lundgren Håkansson").split()
TITLES = ("Saksbehandlar Rådgjevar Konsulent Fagleiar Einingsleiar Sjukepleiar Helsefagarbeidar Lærar "
    "Barnehagelærar Ingeniør Arkitekt Jurist Sekretær Driftsoperatør Vaktmeister Fysioterapeut Ergoterapeut "
    "Psykolog Miljøterapeut Økonomikonsulent Arkivar Controller Prosjektleiar Reinhaldar Kokk").split()
FUNCTIONS = ("Byggesak Barnehage Skule Sjukeheim Helsestasjon Heimeteneste Oppmåling Plan Landbruk Vatn "
    "Avløp Renovasjon Brann Bibliotek Kulturskule Legekontor NAV Skatt Eigedom Vegar Hamn Kyrkjegard "
    "Barnevern Psykiatri Rus Flyktning Økonomi Løn Innkjøp Arkiv IKT Personal Servicetorg Idrett").split()
PLACES = ("Sørbø Øvre Nedre Nordre Søre Vestre Austre Haugen Bakken Sletta Åsen Myra Vika Neset Holmen "
    "Lia Dalen Berget Strand Fjorden Kvernhus Mølla Brekka Tunet Garden").split()
def _mailbox(name):
    return ".".join(name.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ä": "a", "ö": "o"})).split())


started = time.monotonic()
made_units = []
for number in range(units):
    municipality = served[number % len(served)]
    function, place = FUNCTIONS[number % len(FUNCTIONS)], PLACES[(number // len(FUNCTIONS)) % len(PLACES)]
    name = f"{function} {place} {number // (len(FUNCTIONS) * len(PLACES)) + 1}"
    made_units.append(Unit(municipality=municipality, name=f"{name} {municipality.name}", kind="team",
                           description=f"{FUNCTIONS[number % len(FUNCTIONS)]} for {municipality.name}"))
Unit.objects.bulk_create(made_units, batch_size=2000)
by_municipality = {}
for unit in made_units:
    by_municipality.setdefault(unit.municipality_id, []).append(unit)
phones = [PhoneNumber(municipality_id=u.municipality_id, unit=u, number=f"+47{56000000 + i:08d}", purpose="queue")
          for i, u in enumerate(made_units)]
employees = []
for number in range(people):
    municipality = served[number % len(served)]
    name = f"{rng.choice(FIRST)} {rng.choice(FIRST) + ' ' if rng.random() < 0.3 else ''}{rng.choice(LAST)}"
    unit = rng.choice(by_municipality[municipality.pk])
    employees.append(Employee(municipality=municipality, unit=unit, name=name, title=rng.choice(TITLES),
                              email=f"{_mailbox(name)}.{number}@{municipality.slug}.kommune.no",
                              internal_only=number % 7 == 0))
Employee.objects.bulk_create(employees, batch_size=2000)
employees = list(Employee.objects.filter(email__contains=".kommune.no").order_by("pk"))
phones += [PhoneNumber(municipality_id=e.municipality_id, employee=e, number=f"+47{90000000 + i:08d}",
                       purpose="mobile" if i % 2 else "direct") for i, e in enumerate(employees)]
PhoneNumber.objects.bulk_create(phones, batch_size=5000)
topics = list(Topic.objects.filter(municipality=None, parent__isnull=False).order_by("pk"))
Responsibility.objects.bulk_create(
    [Responsibility(municipality_id=u.municipality_id, topic=topics[i % len(topics)], unit=u, rank=3)
     for i, u in enumerate(made_units) if i % 10 == 0], batch_size=2000)
took = time.monotonic() - started
build_started = time.monotonic()
index = search.build(served[0].pk)
build_ms = (time.monotonic() - build_started) * 1000
targets = rng.sample([e.name for e in employees], 200) + rng.sample([u.name for u in made_units], 120)
targets += rng.sample([p.number for p in phones], 80)
print(json.dumps({"took": round(took, 1), "build_ms": round(build_ms, 1), "entries": len(index.entries),
                  "targets": targets}))
"""

SPELLINGS = [("ø", "o"), ("å", "aa"), ("æ", "ae"), ("ö", "o"), ("ä", "a")]


def as_typed(target: str, rng: random.Random, way: int) -> str:
    """The target as an agent might type it: as written, with other Nordic spellings, or with a typo."""
    if target.startswith("+") or way == 0:
        return target
    if way == 1:
        for letter, other in SPELLINGS:
            target = target.replace(letter, other).replace(letter.upper(), other.capitalize())
        return target
    position = rng.randrange(2, max(3, len(target) - 1))
    if target[position] == " ":
        return target
    return target[:position] + target[position + 1 :]  # one letter left out


def keystrokes(targets: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """(query so far, target) for every keystroke of every target."""
    typed = []
    for number, target in enumerate(targets):
        text = as_typed(target, rng, number % 3)
        if text.startswith("+47"):
            text = text[3:]  # a number as people say it: without the country code
        typed += [(text[:length], target) for length in range(2, len(text) + 1) if not text[:length].endswith(" ")]
    return typed


def keystroke_latencies(port: int, path: str, headers: dict, typed: list[tuple[str, str]], seconds: float):
    """One request per keystroke on one kept-alive connection; latencies in ms and how often a fully typed
    target was found."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    measured, found, complete = [], 0, 0
    slowest: list[tuple[float, str]] = []
    deadline = time.monotonic() + seconds
    try:
        for position, (query, target) in enumerate(typed):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            connection.request("GET", path + urllib.parse.quote(query), headers=headers)
            response = connection.getresponse()
            body = response.read().decode()
            if response.getheader("Content-Type", "").startswith("application/json"):
                body = json.dumps(json.loads(body), ensure_ascii=False)
            measured.append((time.perf_counter() - started) * 1000)
            slowest = sorted([*slowest, (measured[-1], query)], reverse=True)[:5]
            if response.status != 200:
                raise RuntimeError(f"GET {path}{query} answered {response.status}: {body[:300]!r}")
            last = position + 1 == len(typed) or typed[position + 1][1] != target
            if last:
                complete += 1
                shown = target[3:] if target.startswith("+47") else target
                found += shown in body or _spaced(shown) in body
    finally:
        connection.close()
    say("  slowest keystrokes: " + ", ".join(f"{query!r} {ms:.0f} ms" for ms, query in slowest))
    return measured, (100.0 * found / complete if complete else 0.0)


def _spaced(number: str) -> str:
    return " ".join(number[i : i + 2] for i in range(0, len(number), 2))


WARMUP_QUERIES = ("warm", "byggesak", "ola sø", "bygesak", "900")


def warm(port: int, path: str, headers: dict) -> None:
    """Each worker builds its indexes on its first search and loads the public holidays on its first
    "open now?"; new connections reach both workers."""
    for _ in range(WARMUP_CONNECTIONS):
        for query in WARMUP_QUERIES:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", path + urllib.parse.quote(query), headers={**headers, "Connection": "close"})
            connection.getresponse().read()
            connection.close()


def run(duration: float) -> dict[str, float]:
    from bench_case_list import figures_of

    seconds = max(1.0, duration)
    people = int(os.environ.get("BENCH_PEOPLE", "50000"))
    units = int(os.environ.get("BENCH_UNITS", "5000"))
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="civicdesk-bench-") as temp, ExitStack() as stack:
        var_dir = Path(temp)
        environment = benchlib.app_environment(var_dir, stack.enter_context(database_url()))
        prepare_app(environment, ("read",))
        token = manage(environment, "create_api_token", "--center", "nordhordland", "--name", "bench-search").strip()
        say(f"  adding {people:,} people and {units:,} units …")
        made = json.loads(python(environment, _POPULATE, str(people), str(units)))
        say(f"  added in {made['took']} s; an index of {made['entries']:,} entries built in {made['build_ms']} ms")
        figures["index_build_ms"] = made["build_ms"]
        rng = random.Random(7)
        targets = made["targets"]
        rng.shuffle(targets)
        typed = keystrokes(targets, rng)
        doors = {
            "api": ("/api/directory/search?limit=10&q=", {"Authorization": f"Bearer {token}"}),
            "page": ("/directory/?q=", {**session_cookie(environment, "nh.agent"), "HX-Request": "true"}),
        }
        with serve(SERVER, environment, var_dir / "gunicorn-search.log") as (port, _group):
            for name, (path, headers) in doors.items():
                warm(port, path, headers)
                benchlib.wait_for_quiet()
                measured, found_pct = keystroke_latencies(port, path, headers, typed, seconds)
                figures.update(figures_of(name, measured, seconds))
                figures[f"{name}_found_pct"] = round(found_pct, 1)
    return figures
