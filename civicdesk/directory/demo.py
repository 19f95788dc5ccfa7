"""The demo world's directory for the Nordhordland municipalities: a unit for each team (Byggesak Gulen,
Oppmåling Osterøy, …) with queue numbers, phone and desk hours, and who handles building permits,
surveying, planning and the other common topics. Built through the services, like everything else."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from civicdesk.directory import services
from civicdesk.directory.models import Channel, PhoneNumber, Unit
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Municipality, Team, Topic, User

# Each municipality's exchange (fictional numbers in its real area code).
MUNICIPALITIES = {"gulen": "5778", "osteroy": "5619", "samnanger": "5658", "aurland": "5763"}
TOPIC_TEAMS = {
    "building-permits": "Byggesak",
    "surveying": "Oppmåling",
    "zoning-planning": "Plan",
    "daycare": "Barnehage",
    "schools": "Skole",
    "home-care": "Heimeteneste",
    "roads-snow-clearing": "Veg og brøyting",
    "water-sewage": "Vatn og avløp",
}
PHONE_HOURS = "mon-fri 09:00-15:00"
DESK_HOURS = "mon-thu 10:00-14:00"


@transaction.atomic
def build() -> None:
    topics = {topic.key: topic for topic in Topic.objects.filter(municipality=None, key__in=TOPIC_TEAMS)}
    for slug, exchange in MUNICIPALITIES.items():
        municipality = Municipality.objects.get(slug=slug)
        units = {}
        for index, team in enumerate(Team.objects.filter(municipality=municipality).order_by("pk")):
            unit = services.unit_create(
                actor=SYSTEM,
                municipality=municipality,
                name=f"{team.name} {municipality.name}",
                kind=Unit.Kind.TEAM,
                team=team,
                department=team.department,
                email=f"{_mailbox(team.name)}@{slug}.kommune.example",
            )
            services.unit_hours_set(actor=SYSTEM, unit=unit, channel=Channel.PHONE, hours=PHONE_HOURS)
            services.unit_hours_set(actor=SYSTEM, unit=unit, channel=Channel.DESK, hours=DESK_HOURS)
            services.phone_add(
                actor=SYSTEM,
                unit=unit,
                number=f"{exchange}{21 + index:02d}00",
                purpose=PhoneNumber.Purpose.QUEUE,
            )
            units[team.name] = unit
        for key, team_name in TOPIC_TEAMS.items():
            if key in topics and team_name in units:
                services.responsibility_add(actor=SYSTEM, topic=topics[key], unit=units[team_name], rank=2)
    _gulen_caseworker()
    _people_and_internal_units()
    _upkeep()


def _mailbox(name: str) -> str:
    """ "Veg og brøyting" as veg.og.broeyting, the way Norwegian municipalities spell their addresses."""
    folded = name.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    return ".".join(folded.split())


def _gulen_caseworker() -> None:
    """Gulen's building caseworker by name, with a direct line, first for building permits in Gulen."""
    user = User.objects.get(username="gulen.caseworker")
    unit = Unit.objects.get(municipality__slug="gulen", name="Byggesak Gulen")
    employee = services.employee_create(
        actor=SYSTEM,
        municipality=unit.municipality,
        name=user.get_full_name() or user.username,
        title="Byggesakshandsamar",
        unit=unit,
        user=user,
        languages=["nb", "nn", "en"],
        handles="Byggesøknader, garasjar og tilbygg",
    )
    services.phone_add(actor=SYSTEM, employee=employee, number="57782010", purpose=PhoneNumber.Purpose.DIRECT)
    topic = Topic.objects.get(municipality=None, key="building-permits")
    services.responsibility_add(
        actor=SYSTEM, topic=topic, unit=unit, employee=employee, rank=1, note="Named caseworker"
    )


# People listed in each municipality's units (fictional; the letters agents type every way: ø, å, æ).
PEOPLE = [
    ("Åse Sørheim", "Rådgjevar"),
    ("Bjørn Økland", "Einingsleiar"),
    ("Kjersti Mæland", "Saksbehandlar"),
    ("Håkon Aasen", "Ingeniør"),
    ("Solveig Nygård", "Konsulent"),
    ("Ørjan Brekke", "Fagleiar"),
]


def _people_and_internal_units() -> None:
    """A few named people in each municipality's units with direct lines, and an internal-only IT support
    unit with an internal number: what employees ring the centre for and can look up themselves."""
    for slug, exchange in MUNICIPALITIES.items():
        municipality = Municipality.objects.get(slug=slug)
        # Not in Byggesak: there the named caseworker is the one person listed (Gulen's referral shows them).
        units = list(
            Unit.objects.filter(municipality=municipality, team__isnull=False)
            .exclude(name__startswith="Byggesak")
            .order_by("pk")
        )
        for index, (name, title) in enumerate(PEOPLE):
            unit = units[index % len(units)]
            person = services.employee_create(
                actor=SYSTEM,
                municipality=municipality,
                name=name,
                title=title,
                unit=unit,
                email=f"{_mailbox(name)}@{slug}.kommune.example",
                languages=["nb", "nn", "en"] if index % 2 else ["nb", "nn"],
            )
            services.phone_add(
                actor=SYSTEM,
                employee=person,
                number=f"{exchange}30{index + 10:02d}",
                purpose=PhoneNumber.Purpose.DIRECT,
            )
        support = services.unit_create(
            actor=SYSTEM,
            municipality=municipality,
            name=f"IT-brukarstøtte {municipality.name}",
            kind=Unit.Kind.FUNCTION,
            internal_only=True,
            description="PC, telefon, tilgangar og passord for tilsette",
        )
        services.unit_hours_set(actor=SYSTEM, unit=support, channel=Channel.PHONE, hours="mon-fri 08:00-15:30")
        services.phone_add(
            actor=SYSTEM,
            unit=support,
            number=f"{exchange}9900",
            purpose=PhoneNumber.Purpose.DIRECT,
            label="Internt",
            internal_only=True,
        )


def _upkeep() -> None:
    """Something for Osterøy's citizen service to do: two entries last confirmed over a year ago, and a
    change its surveying team has reported."""
    osteroy = Municipality.objects.get(slug="osteroy")
    long_ago = timezone.now() - timedelta(days=400)
    Unit.objects.filter(municipality=osteroy, name__in=["Plan Osterøy", "Barnehage Osterøy"]).update(
        confirmed_at=long_ago
    )
    unit = Unit.objects.filter(municipality=osteroy, name__startswith="Oppmåling").first()
    if unit is not None:
        services.change_request_submit(
            actor=User.objects.get(username="osteroy.caseworker"),
            municipality=osteroy,
            kind="unit_change",
            unit=unit,
            proposed={"email": "oppmaling.postmottak@osteroy.kommune.example"},
            note="Ny felles postkasse frå 1. januar.",
        )
