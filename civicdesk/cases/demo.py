"""The demo world's contacts and cases: a fortnight of the shared centre's log (most inquiries about
building permits, surveying and planning, as in Nordhordland), some of it forwarded into cases, and the
inbound addresses. Built through the services, like everything else."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from civicdesk.cases import services
from civicdesk.cases.models import Status
from civicdesk.contacts.models import Channel, Outcome
from civicdesk.contacts.services import CallerDetails
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM

# Nordhordland's log: building permits, surveying and planning lead.
TOPIC_WEIGHTS = [
    ("building-permits", 30),
    ("surveying", 14),
    ("zoning-planning", 10),
    ("waste", 8),
    ("water-sewage", 7),
    ("roads-snow-clearing", 6),
    ("property-tax-fees", 6),
    ("daycare", 5),
    ("schools", 4),
    ("home-care", 4),
    ("internal-it", 6),
]
OUTCOME_WEIGHTS = [
    (Outcome.RESOLVED, 56),
    (Outcome.FORWARDED, 24),
    (Outcome.CASE_CREATED, 5),
    (Outcome.REFERRED, 10),
    (Outcome.MEETING_BOOKED, 5),
]
SUMMARIES = {
    "building-permits": "Spør om det trengs søknad for garasje under 50 m².",
    "surveying": "Vil ha oppmåling av tomtegrense mot nabo.",
    "zoning-planning": "Spør hva reguleringsplanen tillater på eiendommen.",
    "waste": "Søppeldunken ble ikke tømt på tirsdag.",
    "water-sewage": "Lavt vanntrykk i hele gaten siden i går.",
    "roads-snow-clearing": "Kommunal vei ikke brøytet i morges.",
    "property-tax-fees": "Spør om grunnlaget for eiendomsskatten.",
    "daycare": "Spør om ledig barnehageplass fra januar.",
    "schools": "Ønsker skolebytte for barnet sitt.",
    "home-care": "Pårørende vil søke hjemmetjeneste for mor.",
    "internal-it": "Ansatt finner ikke internnummeret til lønn.",
}
MAILBOXES = [
    ("gulen", "postmottak@gulen.demo.civicdesk.test", None),
    ("gulen", "byggesak@gulen.demo.civicdesk.test", "Byggesak"),
    ("holbaek", "servicedesk@holbaek.demo.civicdesk.test", "Servicedesk"),
    ("orebro", "kontaktcenter@orebro.demo.civicdesk.test", None),
]
OPENING_HOURS = {
    "holbaek": "mon-wed 08:00-15:00; thu 08:00-17:00; fri 08:00-13:00",
    "orebro": "mon-thu 08:00-17:00; fri 08:00-16:00",
}
CONTACTS = 80


def _pick(rng: random.Random, weighted):
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


@transaction.atomic
def build() -> None:
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, nothing secret
    municipalities = {m.slug: m for m in organisation_selectors.municipality_list(actor=SYSTEM)}
    for slug, spec in OPENING_HOURS.items():
        organisation_services.opening_hours_set(actor=SYSTEM, municipality=municipalities[slug], spec=spec)
    teams = {(t.municipality.slug, t.name): t for t in organisation_selectors.team_list(actor=SYSTEM)}
    for slug, address, team_name in MAILBOXES:
        services.mailbox_create(
            actor=SYSTEM,
            municipality=municipalities[slug],
            address=address,
            team=teams.get((slug, team_name)) if team_name else None,
        )
    agents = list(
        organisation_selectors.staff_list(
            actor=SYSTEM, center=organisation_selectors.center_get(actor=SYSTEM, slug="nordhordland")
        ).filter(roles__role="agent")
    )
    members = [municipalities[s] for s in ("gulen", "osteroy", "samnanger", "aurland")]
    topics = {t.key: t for t in organisation_selectors.topic_list(actor=SYSTEM)}
    now = timezone.now()
    cases = []
    for _ in range(CONTACTS):
        municipality = rng.choices(members, weights=[4, 4, 2, 1])[0]
        key = _pick(rng, TOPIC_WEIGHTS)
        outcome = _pick(rng, OUTCOME_WEIGHTS)
        started = now - dt.timedelta(days=rng.randint(2, 14), minutes=rng.randint(0, 7 * 60))
        team = teams.get((municipality.slug, "Byggesak" if key.startswith(("building", "zoning")) else "Oppmåling"))
        _contact, case = services.contact_record(
            actor=rng.choice(agents),
            municipality=municipality,
            channel=rng.choices(
                [Channel.PHONE, Channel.WALK_IN, Channel.EMAIL, Channel.WEB_CHAT], weights=[70, 10, 15, 5]
            )[0],
            outcome=outcome,
            topics=[topics[key]] if key in topics else [],
            summary=SUMMARIES[key],
            caller=CallerDetails(phone=f"+47 9{rng.randint(1000000, 9999999)}"),
            referred_to="NAV" if outcome == Outcome.REFERRED else "",
            forward_team=team if outcome in (Outcome.FORWARDED, Outcome.CASE_CREATED) else None,
            started_at=started,
            center=None,
        )
        if case is not None:
            cases.append(case)
    caseworker_municipality = municipalities["gulen"].pk
    caseworker = next(
        iter(organisation_selectors.staff_list(actor=SYSTEM, role="caseworker").filter(username="gulen.caseworker"))
    )
    for case in [c for c in cases if c.municipality_id == caseworker_municipality][:5]:
        services.case_status_set(actor=caseworker, case=case, status=Status.RESOLVED, tell_requester=False)
