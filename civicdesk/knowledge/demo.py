"""The demo world's knowledge: the retrieval test set's 73 articles (bench/knowledge_set: Danish for Holbæk,
Swedish for Örebro, Norwegian and English for Nordhordland, with Gulen's and Samnanger's own bulky-waste
answers as local variants of the shared one), synonyms, incidents going on, and a few searches that found
nothing. Built through the import and the services, like everything else."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from civicdesk.knowledge import formats, imports, services
from civicdesk.knowledge.models import Article, Incident
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Municipality, ServiceCenter, Topic

SET_DIR = Path(settings.BASE_DIR) / "bench" / "knowledge_set" / "articles"
CENTRE_OF_LANGUAGE = {"da": "holbaek", "sv": "orebro", "nb": "nordhordland", "en": "nordhordland"}
VARIANTS = {"grovavfall-henting-gulen": "grovavfall-henting", "grovavfall-henting-samnanger": "grovavfall-henting"}
SYNONYMS = {
    "holbaek": ["storskrald = grovaffald = storaffald", "genbrugsplads = containerplads"],
    "orebro": ["grovsopor = grovavfall = skrymmande avfall", "återvinningscentral = tippen"],
    "gulen": ["grovavfall = skrammel"],
}
MISSES = {
    "gulen": ["båtplass i hamna", "leige av grendahus", "kvar kan eg kaste asbest"],
    "holbaek": ["hundeskov åbningstider", "leje af festlokale"],
    "orebro": ["båtplats hamnen", "fiskekort Hjälmaren"],
}


@transaction.atomic
def build() -> None:
    if not SET_DIR.is_dir():
        return  # an installed package without the repository's bench folder
    files = {path.name: path.read_text(encoding="utf-8") for path in sorted(SET_DIR.glob("*.md"))}
    records, _problems = formats.read_markdown_files(files)
    centres = {centre.slug: centre for centre in ServiceCenter.objects.all()}
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    by_centre: dict[str, list] = {}
    for record in records:
        centre = CENTRE_OF_LANGUAGE[record.language]
        by_centre.setdefault(centre, []).append(record)
    for slug, centre_records in by_centre.items():
        if slug in centres:
            imports.knowledge_import(actor=SYSTEM, center=centres[slug], records=centre_records, only_valid=True)
    for local_slug, shared_slug in VARIANTS.items():
        local = Article.objects.filter(slug=local_slug, municipality__isnull=False).first()
        shared = Article.objects.filter(slug=shared_slug, municipality__isnull=True).first()
        if local and shared:
            services.article_variant_set(actor=SYSTEM, article=local, variant_of=shared)
    _reviews_due()
    for slug, groups in SYNONYMS.items():
        for terms in groups:
            services.synonyms_set(actor=SYSTEM, municipality=municipalities[slug], terms=terms)
    _incidents(centres, municipalities)
    for slug, questions in MISSES.items():
        for number, question in enumerate(questions):
            for _time in range(len(questions) - number):
                services.search_miss_record(
                    actor=SYSTEM,
                    query=question,
                    municipality=municipalities[slug],
                    language=municipalities[slug].language,
                )


def _reviews_due() -> None:
    """A few answers due for review soon, so the list's reminder count and the reminders show something."""
    today = timezone.localdate()
    shared = Article.objects.filter(municipality__isnull=True).order_by("slug")[:3]
    for days, article in zip((-3, 5, 12), shared, strict=False):
        services.article_update(actor=SYSTEM, article=article, review_at=today + timedelta(days), note="Demo")


def _incidents(centres: dict, municipalities: dict) -> None:
    now = timezone.now()
    water = Topic.objects.filter(key="water-sewage", municipality__isnull=True).first()
    services.incident_raise(
        actor=SYSTEM,
        title="Vassbrot i Eivindvik",
        municipalities=[municipalities["gulen"]],
        public_message="Det er brot på vassleidningen i Eivindvik sentrum. Kok vatnet før du drikk det når det "
        "kjem att.",
        agent_script="Reparasjonen er i gang; vatnet er venta tilbake kl. 18. Ta imot adresse ved melding om "
        "lågt trykk.",
        severity=Incident.Severity.MAJOR,
        topics=[water] if water else [],
        areas="Eivindvik, 5966",
        starts_at=now - timedelta(hours=2),
        expected_end_at=now + timedelta(hours=5),
    )
    services.incident_raise(
        actor=SYSTEM,
        title="Kraftig vind i heile Nordhordland",
        municipalities=[municipalities[slug] for slug in ("gulen", "osteroy", "samnanger", "aurland")],
        center=centres["nordhordland"],
        public_message="Meteorologisk institutt varslar sterk vind i kveld. Sikre laust utstyr.",
        agent_script="Vis til 110 ved brann og 113 ved fare for liv. Meld tre over veg til vegvakta.",
        severity=Incident.Severity.MINOR,
        starts_at=now - timedelta(minutes=30),
    )
    services.incident_raise(
        actor=SYSTEM,
        title="Driftsstop på selvbetjeningen",
        municipalities=[municipalities["holbaek"]],
        public_message="Selvbetjeningen på holbaek.dk er nede. Ring Borgerservice.",
        agent_script="Tilbyd at tage ansøgningen over telefonen og send kvittering på mail.",
        severity=Incident.Severity.MINOR,
        is_public=True,
        starts_at=now - timedelta(hours=1),
    )
