"""The demo's routing: each centre's skills and queues, its agents with their languages and skill levels, and
this week's duty rota (weekdays 08:00–16:00 local time, in rotating turns so that on any day some agents are
off the phones doing other work; a few of them are reinforcements). Örebro answers in 18 languages,
Swedish sign language included, spread over its 50 agents. Built through the services."""

import datetime as dt
import itertools

from django.db import transaction
from django.utils import timezone

from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Role, RoleAssignment, ServiceCenter, User
from civicdesk.routing import selectors, services

# centre -> [(key, name, languages (first: the fallback), municipality slug or None)]
QUEUES = {
    "nordhordland": [
        ("building", "Byggesak, oppmåling og plan", ["nb", "nn", "en"], None),
        ("social", "Helse og sosial", ["nb", "nn", "en", "pl", "uk"], None),
        ("schools", "Skule og barnehage", ["nb", "nn", "en"], None),
        ("switchboard", "Sentralbord", ["nb", "nn", "en", "pl", "uk", "de"], None),
    ],
    "orebro": [
        ("building", "Bygglov och lantmäteri", ["sv", "en"], None),
        ("social", "Ekonomiskt bistånd och socialtjänst", ["sv", "en", "ar", "so", "ti", "fa", "prs", "ku"], None),
        ("care", "Vård och omsorg", ["sv", "en", "fi", "swl"], None),
        ("schools", "Förskola och skola", ["sv", "en", "ar", "so", "uk"], None),
        ("switchboard", "Växel", [], None),  # any language: the switchboard finds an agent who speaks it
    ],
    "holbaek": [
        ("it", "IT og telefoni", ["da", "en"], None),
        ("payroll", "Løn og personale", ["da", "en"], None),
        ("hr", "HR og arbejdsmiljø", ["da"], None),
    ],
}
SKILL_NAMES = {("orebro", "switchboard"): "Växel och vägledning", ("nordhordland", "switchboard"): "Sentralbord"}

# centre -> [(username, code, languages, {skill: level}, reinforcement)]
NORDHORDLAND = [
    ("nh.supervisor", "1000", ["nb", "nn", "en"], {"building": 5, "social": 5, "schools": 5, "switchboard": 5}, True),
    ("nh.agent", "1001", ["nb", "nn", "en"], {"building": 4, "switchboard": 3}, False),
    ("nh.agent2", "1002", ["nb", "nn"], {"building": 2, "social": 4, "schools": 3}, False),
    ("nh.agent3", "1003", ["nb", "pl", "uk"], {"social": 3, "switchboard": 5}, False),
    ("nh.agent4", "1004", ["nb", "nn", "de"], {"building": 3, "schools": 4, "switchboard": 2}, True),
]
HOLBAEK = [
    ("holbaek.supervisor", "100", ["da", "en"], {"it": 4, "payroll": 5, "hr": 5}, True),
    ("holbaek.agent", "101", ["da", "en"], {"it": 5, "payroll": 3}, False),
]
# Örebro's languages beyond Swedish, and how many of the 50 agents speak each (sign language by three).
OREBRO_LANGUAGES = [
    ("en", 30),
    ("ar", 5),
    ("so", 3),
    ("ti", 2),
    ("fa", 3),
    ("prs", 2),
    ("ku", 2),
    ("tr", 2),
    ("sh", 3),
    ("es", 3),
    ("fr", 2),
    ("th", 2),
    ("fi", 4),
    ("de", 3),
    ("pl", 3),
    ("uk", 3),
    ("ru", 2),
    ("swl", 3),
]
OREBRO_SKILLS = ["building", "social", "care", "schools", "switchboard"]
SHIFT_HOURS = (8, 16)
TURNS = 3  # on a weekday two turns of agents are on the phones and one at other work


def _skills_and_queues(center: ServiceCenter) -> dict:
    skills = {}
    for key, name, languages, _municipality in QUEUES[center.slug]:
        skill_name = SKILL_NAMES.get((center.slug, key), name)
        skills[key] = services.skill_create(actor=SYSTEM, center=center, key=key, name=skill_name)
        services.queue_create(actor=SYSTEM, center=center, key=key, name=name, skill=skills[key], languages=languages)
    return skills


def _enrol(center: ServiceCenter, people, skills) -> list:
    users = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in people])}
    agents = []
    for username, code, languages, levels, reinforcement in people:
        if username not in users:
            continue
        agents.append(
            services.agent_enrol(
                actor=SYSTEM,
                user=users[username],
                center=center,
                code=code,
                languages=languages,
                skills={skills[key]: level for key, level in levels.items()},
                is_reinforcement=reinforcement,
            )
        )
    return agents


def _orebro_people() -> list:
    """50 agents: everyone Swedish, the other languages dealt out in turn, two or three skills each (levels 2–5),
    every tenth a reinforcement. The supervisor knows every queue."""
    spoken = {number: ["sv"] for number in range(1, 51)}
    dealer = itertools.cycle(range(1, 51))
    for language, count in OREBRO_LANGUAGES:
        for _ in range(count):
            spoken[next(dealer)].append(language)
    people = [("orebro.supervisor", "2000", ["sv", "en"], dict.fromkeys(OREBRO_SKILLS, 5), True)]
    for number in range(1, 51):
        first = OREBRO_SKILLS[number % len(OREBRO_SKILLS)]
        second = OREBRO_SKILLS[(number * 2 + 1) % len(OREBRO_SKILLS)]
        levels = {first: 2 + number % 4, second: 2 + (number + 2) % 4}
        if number % 3 == 0:
            levels["switchboard"] = 3
        if "swl" in spoken[number]:
            levels["care"] = 4  # sign-language calls mostly concern care and support
        people.append((f"orebro.agent{number:02d}", f"2{number:03d}", spoken[number], levels, number % 10 == 0))
    return people


def _rota(center: ServiceCenter, agents: list, today: dt.date) -> None:
    """This week's weekdays, 08:00–16:00 local time: in turn, one agent in three is at other work each day
    (the supervisor keeps to supervising and is a reinforcement)."""
    zone = selectors.center_time_zone(center)
    monday = today - dt.timedelta(days=today.weekday())
    start, end = (dt.time(hour) for hour in SHIFT_HOURS)
    supervisors = set(
        RoleAssignment.objects.filter(role=Role.SUPERVISOR, center=center).values_list("user_id", flat=True)
    )
    workers = [agent for agent in agents if agent.user_id not in supervisors]
    for offset in range(5):
        day = monday + dt.timedelta(days=offset)
        for index, agent in enumerate(workers):
            duty = "other" if (index + offset) % TURNS == 0 else "phone"
            services.shift_add(
                actor=SYSTEM,
                agent=agent,
                duty=duty,
                starts_at=dt.datetime.combine(day, start, tzinfo=zone),
                ends_at=dt.datetime.combine(day, end, tzinfo=zone),
            )


@transaction.atomic
def build(*, today: dt.date | None = None) -> None:
    """Called by routing's ``demo_build`` (``manage.py demo_data``) once the centres and their staff exist."""
    people = {"nordhordland": NORDHORDLAND, "holbaek": HOLBAEK, "orebro": _orebro_people()}
    for center in ServiceCenter.objects.filter(slug__in=list(QUEUES)).order_by("slug"):
        skills = _skills_and_queues(center)
        agents = _enrol(center, people[center.slug], skills)
        day = today or timezone.localdate(timezone.now(), selectors.center_time_zone(center))
        _rota(center, agents, day)
