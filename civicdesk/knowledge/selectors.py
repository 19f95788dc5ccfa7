"""Reading the knowledge base and the incident list as one municipality's callers see it: its own articles
and those its centre shares, a local variant in place of the shared article it answers differently; the
incidents going on now that affect it or the topic asked about, the most severe first."""

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.knowledge.models import AnswerFeedback, Article, ArticleVersion, Incident, SearchMiss
from civicdesk.lib.errors import NotFound
from civicdesk.lib.nordic_text import fold
from civicdesk.organisations import access
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, Topic

SEVERITY_ORDER = [Incident.Severity.CRITICAL, Incident.Severity.MAJOR, Incident.Severity.MINOR, Incident.Severity.INFO]


def articles_for(*, actor: Actor, municipality: Municipality, published_only: bool = True) -> QuerySet[Article]:
    """The articles that answer for ``municipality``: its own and its centre's shared ones, without a shared
    article that the municipality has a local variant of."""
    articles = access.visible(actor, Article.objects.all()).filter(access.owned_by(Article, [municipality.pk]))
    if published_only:
        articles = articles.filter(status=Article.Status.PUBLISHED)
    overridden = Article.objects.filter(municipality=municipality, variant_of__isnull=False)
    if published_only:
        overridden = overridden.filter(status=Article.Status.PUBLISHED)
    return articles.exclude(pk__in=overridden.values("variant_of_id"))


def article_for(*, actor: Actor, municipality: Municipality, slug: str) -> Article:
    """The article with ``slug`` as it answers for ``municipality``: the municipality's own if it has one by
    that slug or a local variant of it, else the shared one."""
    found = articles_for(actor=actor, municipality=municipality).filter(
        Q(slug=slug) | Q(variant_of__slug=slug, municipality=municipality)
    )
    ranked = sorted(found, key=lambda article: article.municipality_id is None)  # local first
    if not ranked:
        raise NotFound(_("Not found."))
    return ranked[0]


def article_get(*, actor: Actor, article_id: int) -> Article:
    return access.get_visible(actor, Article.objects.select_related("center", "municipality"), pk=article_id)


def article_versions(*, actor: Actor, article: Article) -> QuerySet[ArticleVersion]:
    access.require(actor, Action.VIEW, article)
    return article.versions.select_related("changed_by")


def article_diff(*, actor: Actor, article: Article, older: int, newer: int) -> list[str]:
    """What changed between two versions, line by line (unified diff of title and answer)."""
    versions = {v.version: v for v in article_versions(actor=actor, article=article).filter(version__in=[older, newer])}
    if older not in versions or newer not in versions:
        raise NotFound(_("Not found."))
    before, after = versions[older], versions[newer]
    return list(
        difflib.unified_diff(
            [before.title, "", *before.body.splitlines()],
            [after.title, "", *after.body.splitlines()],
            fromfile=f"v{older}",
            tofile=f"v{newer}",
            lineterm="",
        )
    )


def active_incidents(
    *,
    actor: Actor,
    municipality: Municipality | None = None,
    topics: list[Topic] = (),
    at: datetime | None = None,
) -> list[Incident]:
    """Incidents going on at ``at`` that the actor may see, affecting ``municipality`` or about one of
    ``topics`` (all going on when neither is given), the most severe and newest first."""
    at = at or timezone.now()
    incidents = access.visible(actor, Incident.objects.all()).filter(starts_at__lte=at, resolved_at__isnull=True)
    matches = Q()
    if municipality is not None:
        matches |= Q(municipalities=municipality) | Q(municipality=municipality)
    if topics:
        matches |= Q(topics__in=list(topics))
    if matches:
        incidents = incidents.filter(matches)
    incidents = incidents.distinct().prefetch_related("municipalities", "topics", "updates")
    return sorted(incidents, key=lambda i: (SEVERITY_ORDER.index(i.severity), -i.starts_at.timestamp()))


@dataclass(frozen=True)
class MissingKnowledge:
    """A question people keep asking without a good answer: what to write next."""

    query: str
    municipality: Municipality | None
    topic: Topic | None
    times: int
    last_asked: datetime


def missing_knowledge(
    *, actor: Actor, municipality: Municipality | None = None, since: datetime | None = None, limit: int = 50
) -> list[MissingKnowledge]:
    """Searches without a good hit, grouped by question (as folded), municipality and topic, most asked
    first; in the municipalities the actor reaches."""
    misses = access.visible(actor, SearchMiss.objects.all())
    if municipality is not None:
        misses = misses.filter(municipality=municipality)
    if since is not None:
        misses = misses.filter(at__gte=since)
    grouped: dict[tuple, list] = {}
    for miss in misses.select_related("municipality", "topic").order_by("-at")[:5000]:
        key = (fold(miss.query), miss.municipality_id, miss.topic_id)
        if key not in grouped:
            grouped[key] = [miss, 0]
        grouped[key][1] += 1
    ranked = sorted(grouped.values(), key=lambda pair: (-pair[1], -pair[0].at.timestamp()))[:limit]
    return [MissingKnowledge(m.query, m.municipality, m.topic, times, m.at) for m, times in ranked]


def answer_rates(*, actor: Actor, articles) -> dict[int, tuple[int, int]]:
    """For each article: (times it helped, times it did not)."""
    rates: dict[int, list[int]] = {}
    for article_id, helped in access.visible(actor, AnswerFeedback.objects.filter(article__in=articles)).values_list(
        "article_id", "helped"
    ):
        counts = rates.setdefault(article_id, [0, 0])
        counts[0 if helped else 1] += 1
    return {article_id: (up, down) for article_id, (up, down) in rates.items()}
