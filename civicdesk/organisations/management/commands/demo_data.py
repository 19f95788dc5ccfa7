"""manage.py demo_data: the demo world (modelled on the organisations in shared/seeds), built through the services.

Centres [slugs]: Nordhordland servicetorg [nordhordland] for Gulen, Osterøy and Samnanger, with Aurland
joining later; Holbæk's internal service function [holbaek] with its six service areas; Örebro's
contact centre [orebro] with 50 agents. Every role has a login; all share the demo password.
"""

import datetime as dt
import itertools

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from civicdesk.organisations import services
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Role, ServiceCenter, User

DEMO_PASSWORD = "civicdesk-demo"
UTC = dt.UTC

MUNICIPALITIES = [
    # slug, name, country, brand colour
    ("gulen", "Gulen", "NO", "#0062ba"),
    ("osteroy", "Osterøy", "NO", "#1e6b3a"),
    ("samnanger", "Samnanger", "NO", "#a4123f"),
    ("aurland", "Aurland", "NO", "#005a70"),
    ("holbaek", "Holbæk", "DK", "#00594f"),
    ("orebro", "Örebro", "SE", "#a4123f"),
]

CENTERS = [
    # slug, name, internal, [(municipality, joined)]
    (
        "nordhordland",
        "Nordhordland servicetorg",
        False,
        [
            ("gulen", dt.datetime(2021, 9, 1, 6, tzinfo=UTC)),
            ("osteroy", dt.datetime(2021, 9, 1, 6, tzinfo=UTC)),
            ("samnanger", dt.datetime(2021, 9, 1, 6, tzinfo=UTC)),
            ("aurland", dt.datetime(2026, 10, 1, 6, tzinfo=UTC)),
        ],
    ),
    ("holbaek", "Holbæk Intern Service", True, [("holbaek", dt.datetime(2023, 1, 2, 7, tzinfo=UTC))]),
    ("orebro", "Örebro kontaktcenter", False, [("orebro", dt.datetime(2024, 9, 2, 6, tzinfo=UTC))]),
]

NORWEGIAN_DEPARTMENTS = {
    "Plan, bygg og oppmåling": ["Byggesak", "Oppmåling", "Plan"],
    "Oppvekst": ["Barnehage", "Skole"],
    "Helse og omsorg": ["Heimeteneste", "Sjukeheim"],
    "Teknisk drift": ["Veg og brøyting", "Vatn og avløp"],
}
DEPARTMENTS = {
    "gulen": NORWEGIAN_DEPARTMENTS,
    "osteroy": NORWEGIAN_DEPARTMENTS,
    "samnanger": NORWEGIAN_DEPARTMENTS,
    "aurland": NORWEGIAN_DEPARTMENTS,
    # Holbæk's six service areas of the internal portal.
    "holbaek": {
        "IT og telefoni": ["Servicedesk", "Telefoni"],
        "Løn og personale": ["Løn"],
        "HR og arbejdsmiljø": ["HR"],
        "Digitalisering": ["Digitalisering"],
        "Økonomi": ["Bogholderi"],
        "Indkøb og udbud": ["Indkøb"],
    },
    "orebro": {
        "Stadsbyggnad": ["Bygglov", "Lantmäteri", "Planering"],
        "Förskola och skola": ["Förskola", "Grundskola"],
        "Vård och omsorg": ["Hemtjänst", "Särskilt boende"],
        "Social välfärd": ["Ekonomiskt bistånd"],
        "Tekniska förvaltningen": ["Gata och park", "Avfall"],
    },
}

SWEDISH_FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Mikael"]
SWEDISH_LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson"]
OREBRO_AGENTS = 50

# username, first, last, role, place (center slug, municipality slug or (municipality, department, team))
LOGINS = [
    ("admin", "Pia", "Plattform", Role.PLATFORM_ADMIN, None),
    ("nh.supervisor", "Kari", "Nordmann", Role.SUPERVISOR, "nordhordland"),
    ("nh.agent", "Ola", "Haugland", Role.AGENT, "nordhordland"),
    ("nh.agent2", "Ingrid", "Brekke", Role.AGENT, "nordhordland"),
    ("nh.agent3", "Sigrid", "Hope", Role.AGENT, "nordhordland"),
    ("nh.agent4", "Nils", "Aurdal", Role.AGENT, "nordhordland"),
    (
        "gulen.caseworker",
        "Trond",
        "Byggmester",
        Role.CASEWORKER,
        ("gulen", "Plan, bygg og oppmåling", "Byggesak"),
    ),
    ("gulen.admin", "Solveig", "Gulen", Role.MUNICIPALITY_ADMIN, "gulen"),
    (
        "osteroy.caseworker",
        "Per",
        "Oppmåler",
        Role.CASEWORKER,
        ("osteroy", "Plan, bygg og oppmåling", "Oppmåling"),
    ),
    ("holbaek.supervisor", "Mette", "Hansen", Role.SUPERVISOR, "holbaek"),
    ("holbaek.agent", "Jens", "Jensen", Role.AGENT, "holbaek"),
    ("holbaek.caseworker", "Lone", "Larsen", Role.CASEWORKER, ("holbaek", "IT og telefoni", "Servicedesk")),
    ("holbaek.admin", "Søren", "Holm", Role.MUNICIPALITY_ADMIN, "holbaek"),
    ("orebro.supervisor", "Birgitta", "Lind", Role.SUPERVISOR, "orebro"),
    ("orebro.caseworker", "Gustav", "Berg", Role.CASEWORKER, ("orebro", "Stadsbyggnad", "Bygglov")),
    ("orebro.admin", "Astrid", "Ek", Role.MUNICIPALITY_ADMIN, "orebro"),
]
PORTAL_LOGINS = [
    ("gulen.citizen", "Astrid", "Innbygger", User.Kind.CITIZEN, "gulen"),
    ("orebro.citizen", "Lisa", "Medborgare", User.Kind.CITIZEN, "orebro"),
    ("holbaek.employee", "Kasper", "Medarbejder", User.Kind.EMPLOYEE, "holbaek"),
]


class Command(BaseCommand):
    help = "Build the demo world (idempotent: does nothing when it exists) and print the demo logins."

    def handle(self, *args, **options):
        if ServiceCenter.objects.filter(slug="nordhordland").exists():
            self.stdout.write("The demo world exists already.")
        else:
            build_demo_world()
            self.stdout.write("The demo world is built.")
        self.stdout.write(logins_text())


def logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for username, first, last, role, place in LOGINS:
        where = place if isinstance(place, str) else (" / ".join(place) if place else "everything")
        lines.append(f"  {role.label:<20} {username:<20} {first} {last} · {where}")
    for username, first, last, kind, municipality in PORTAL_LOGINS:
        lines.append(f"  {kind.label:<20} {username:<20} {first} {last} · {municipality}")
    lines.append(f"  {'Agent':<20} orebro.agent01 … orebro.agent{OREBRO_AGENTS:02d} · orebro")
    return "\n".join(lines)


@transaction.atomic
def build_demo_world(*, without: tuple[str, ...] = ()) -> None:
    """Everything goes through the services, as the real onboarding would. ``without``: app labels whose
    part of the demo is left out."""
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: 70 logins need not cost 70 hashes
    services.default_topics_install(actor=SYSTEM)
    municipalities = {
        slug: services.municipality_create(actor=SYSTEM, slug=slug, name=name, country=country, brand_colour=colour)
        for slug, name, country, colour in MUNICIPALITIES
    }
    centers = {}
    for slug, name, internal, members in CENTERS:
        centers[slug] = services.center_create(actor=SYSTEM, slug=slug, name=name, is_internal=internal)
        for municipality_slug, joined in members:
            services.municipality_join_center(
                actor=SYSTEM, municipality=municipalities[municipality_slug], center=centers[slug], at=joined
            )
    teams = {}
    for municipality_slug, departments in DEPARTMENTS.items():
        for department_name, team_names in departments.items():
            department = services.department_create(
                actor=SYSTEM, municipality=municipalities[municipality_slug], name=department_name
            )
            for team_name in team_names:
                team = services.team_create(actor=SYSTEM, department=department, name=team_name)
                teams[(municipality_slug, department_name, team_name)] = team
    _local_topics(municipalities)
    for username, first, last, role, place in LOGINS:
        user = services.staff_create(
            actor=SYSTEM,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.civicdesk.test",
            password_hash=password_hash,
        )
        if role == Role.PLATFORM_ADMIN:
            user.is_staff = user.is_superuser = True  # Django admin access
            user.save(update_fields=["is_staff", "is_superuser"])
            services.role_grant(actor=SYSTEM, user=user, role=role)
        elif role in (Role.AGENT, Role.SUPERVISOR):
            services.role_grant(actor=SYSTEM, user=user, role=role, center=centers[place])
        elif role == Role.CASEWORKER:
            services.role_grant(actor=SYSTEM, user=user, role=role, team=teams[place])
        else:
            services.role_grant(actor=SYSTEM, user=user, role=role, municipality=municipalities[place])
    for username, first, last, kind, municipality_slug in PORTAL_LOGINS:
        services.portal_user_create(
            actor=SYSTEM,
            username=username,
            kind=kind,
            municipality=municipalities[municipality_slug],
            first_name=first,
            last_name=last,
            email=f"{username}@demo.civicdesk.test",
            password_hash=password_hash,
        )
    names = itertools.cycle(itertools.product(SWEDISH_LAST, SWEDISH_FIRST))
    for number in range(1, OREBRO_AGENTS + 1):
        last, first = next(names)
        user = services.staff_create(
            actor=SYSTEM,
            username=f"orebro.agent{number:02d}",
            first_name=first,
            last_name=last,
            language="sv",
            password_hash=password_hash,
        )
        services.role_grant(actor=SYSTEM, user=user, role=Role.AGENT, center=centers["orebro"])
    # Each higher package adds its part of the demo (contacts and cases, …) through an AppConfig hook,
    # so this command needs no import of theirs.
    for app_config in apps.get_app_configs():
        hook = getattr(app_config, "demo_build", None)
        if hook is not None and app_config.label not in without:
            hook()


def _local_topics(municipalities) -> None:
    """A few topics municipalities added themselves, beside the shared set."""
    services.topic_create(
        actor=SYSTEM,
        municipality=municipalities["gulen"],
        key="ferry-quay-permits",
        parent_key="building-property",
        names={"nb": "Kaianlegg og naust", "en": "Quays and boathouses"},
    )
    services.topic_create(
        actor=SYSTEM,
        municipality=municipalities["aurland"],
        key="tourism-nature",
        parent_key=None,
        names={"nb": "Reiseliv og verneområde", "en": "Tourism and protected areas"},
    )
    services.topic_create(
        actor=SYSTEM,
        municipality=municipalities["orebro"],
        key="sign-language-interpreting",
        parent_key="citizen-services",
        names={"sv": "Teckenspråkstolkning", "en": "Sign language interpreting"},
    )
