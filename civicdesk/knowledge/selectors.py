"""Reading the knowledge base and the incident list as one municipality's callers see it: its own articles
and those its centre shares, a local variant in place of the shared article it answers differently; the
incidents going on now that affect it or the topic asked about, the most severe first."""

import difflib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.knowledge import store
from civicdesk.knowledge.analysis import language_code
from civicdesk.knowledge.models import (
    AnswerFeedback,
    Article,
    ArticleVersion,
    Incident,
    SearchEntry,
    SearchMiss,
    SynonymGroup,
)
from civicdesk.lib.errors import Forbidden, NotFound
from civicdesk.lib.nordic_text import fold
from civicdesk.organisations import access
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, ServiceCenter, Topic

SNIPPET_LOOKS_AT = 4000  # characters of an article a snippet is looked for in
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


def incidents_resolved(*, actor: Actor, municipality: Municipality, since: datetime) -> list[Incident]:
    """Incidents that affected ``municipality`` and were resolved since ``since``, as far as the actor may see
    them, the latest resolved first: what the public pages keep showing for a while."""
    incidents = access.visible(actor, Incident.objects.all()).filter(resolved_at__gte=since)
    incidents = incidents.filter(Q(municipalities=municipality) | Q(municipality=municipality)).distinct()
    return list(incidents.prefetch_related("updates").order_by("-resolved_at"))


def found_in_full(*, actor: Actor, found: list["Found"]) -> dict[tuple[str, int], Article | Incident]:
    """The whole articles and incidents behind search hits, keyed ``("article", id)`` or ``("incident", id)``,
    in two queries and as far as the actor may see them: for showing an answer in full where it was found."""
    article_ids = [hit.entry.article_id for hit in found if hit.entry.article_id]
    incident_ids = [hit.entry.incident_id for hit in found if hit.entry.incident_id]
    rows: dict[tuple[str, int], Article | Incident] = {}
    if article_ids:
        for article in access.visible(actor, Article.objects.filter(pk__in=article_ids)).prefetch_related("topics"):
            rows["article", article.pk] = article
    if incident_ids:
        incidents = access.visible(actor, Incident.objects.filter(pk__in=incident_ids)).prefetch_related("updates")
        for incident in incidents:
            rows["incident", incident.pk] = incident
    return rows


def articles_related_for(*, actor: Actor, municipality: Municipality, article: Article) -> QuerySet[Article]:
    """The articles related to ``article`` as they answer for ``municipality``: a related shared article is
    given as the municipality's local variant of it where there is one."""
    own = [article.pk] + ([article.variant_of_id] if article.variant_of_id else [])
    related = Q(related__in=own) | Q(variant_of__related__in=own)
    return (
        articles_for(actor=actor, municipality=municipality)
        .filter(related)
        .exclude(pk__in=own)
        .exclude(variant_of_id__in=own)
        .distinct()
        .order_by("title")
    )


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


@dataclass(frozen=True)
class Found:
    """A search hit: an article or an incident, with a snippet where the question's words are marked."""

    kind: str  # "article" or "incident"
    slug: str
    title: str
    snippet: str  # HTML: escaped text with <mark> around the words that matched
    score: float
    entry: SearchEntry


def knowledge_search(
    *, actor: Actor, query: str, municipality: Municipality | None = None, language: str = "", limit: int = 10
) -> list[Found]:
    """Articles and incidents answering ``query`` for ``municipality`` (all the actor reaches when None):
    what its callers may read, a local variant in place of the shared article it answers, in any of the
    Nordic languages or English, typos forgiven, with the synonyms the municipality keeps; best first."""
    reached = access.visible_municipality_ids(actor)
    if municipality is not None:
        reached &= {municipality.pk}
    language = language_code(language or (municipality.language if municipality else "nb"))
    if not reached or not query.strip():
        return []
    asked = store.question(query, language, store.analyzer_for(municipality.pk if municipality else None))
    if not asked.words:
        return []
    scope = access.visible(actor, SearchEntry.objects.filter(access.owned_by(SearchEntry, reached), is_live=True))
    ids = store.candidates(asked.words, scope, wanted=limit)
    candidates = list(
        SearchEntry.objects.filter(pk__in=ids).values_list(
            "pk", "terms", "language", "municipality_id", "variant_of_id", "article_id"
        )
    )
    if municipality is not None:  # a local variant answers instead of the shared article
        answered = {row[4] for row in candidates if row[3] == municipality.pk and row[4]}
        candidates = [row for row in candidates if row[5] not in answered]
    ranked = store.rank([row[:3] for row in candidates], asked.words, language=language)[:limit]
    entries = SearchEntry.objects.select_related("article", "incident").only(
        "title", "text", "article_id", "incident_id", "municipality_id", "article__slug"
    )
    shown = {entry.pk: entry for entry in entries.filter(pk__in=[pk for _score, pk in ranked])}
    return [
        Found(
            kind="article" if entry.article_id else "incident",
            slug=entry.article.slug if entry.article_id else str(entry.incident_id),
            title=entry.title,
            snippet=snippet_of(entry.text, asked.marked),
            score=round(score, 4),
            entry=entry,
        )
        for score, pk in ranked
        if (entry := shown.get(pk)) is not None
    ]


def snippet_of(text: str, words: list[str], length: int = 220) -> str:
    """The part of ``text`` around the first of ``words`` found (as folded), escaped, the words marked."""
    text = text[:SNIPPET_LOOKS_AT]
    folded = fold(text)
    starts = [folded.find(word) for word in words if word and folded.find(word) >= 0]
    start = max(0, min(starts) - 60) if starts else 0
    piece = text[start : start + length]
    shown = escape(piece)
    for word in sorted({w for w in words if len(w) > 2}, key=len, reverse=True):
        shown = _mark(shown, word)
    return ("…" if start else "") + shown + ("…" if start + length < len(text) else "")


def _mark(html: str, word: str) -> str:
    folded = fold(html)
    if len(folded) != len(html):  # folding changed lengths (æ → a stays, aa → a shrinks): leave unmarked
        return html
    out, position = [], 0
    while (found := folded.find(word, position)) >= 0:
        out += [html[position:found], "<mark>", html[found : found + len(word)], "</mark>"]
        position = found + len(word)
    return "".join(out) + html[position:]


# --- The editing pages ------------------------------------------------------------------------------------------

REVIEW_DUE_WITHIN_DAYS = 14


def review_due_by(today: date | None = None) -> date:
    """Articles to review by this day count as due: those whose review date is past or within two weeks."""
    return (today or timezone.localdate()) + timedelta(days=REVIEW_DUE_WITHIN_DAYS)


def article_list(
    *,
    actor: Actor,
    search: str = "",
    status: str = "",
    language: str = "",
    audience: str = "",
    municipality: Municipality | None = None,
    shared_only: bool = False,
    review_due: bool = False,
) -> QuerySet[Article]:
    """The articles the actor may see, for those who keep them: the centre's shared ones and the local ones of
    the municipalities reached. ``municipality`` narrows to that municipality's own, ``shared_only`` to the
    shared ones; ``review_due`` to those not archived whose review date is within two weeks or past."""
    articles = access.visible(actor, Article.objects.all())
    for word in search.split():
        articles = articles.filter(title__icontains=word)
    if status:
        articles = articles.filter(status=status)
    if language:
        articles = articles.filter(language=language)
    if audience:
        articles = articles.filter(audience=audience)
    if shared_only:
        articles = articles.filter(municipality__isnull=True)
    elif municipality is not None:
        articles = articles.filter(municipality=municipality)
    if review_due:
        articles = articles.filter(review_at__lte=review_due_by()).exclude(status=Article.Status.ARCHIVED)
    return articles.select_related("center", "municipality", "owner_team", "owner_person").order_by("title", "pk")


def article_review_due_count(*, actor: Actor) -> int:
    """How many of the articles the actor may see are due for review (see ``article_list``)."""
    return article_list(actor=actor, review_due=True).count()


@dataclass(frozen=True)
class Scope:
    """Where a new article (or synonym group) can go: shared by a centre, or one municipality's own."""

    center: ServiceCenter | None
    municipality: Municipality | None

    @property
    def key(self) -> str:
        return f"m{self.municipality.pk}" if self.municipality else f"c{self.center.pk}"


def scopes_to_add(*, actor: Actor, model: type = Article) -> list[Scope]:
    """The scopes the actor may add ``model`` rows to (articles, synonyms): centres' shared ones first."""
    scopes = []
    for center in access.visible(actor, ServiceCenter.objects.all()).order_by("name"):
        if access.can(actor, Action.CHANGE, model(center=center)):
            scopes.append(Scope(center, None))
    for municipality in access.visible(actor, Municipality.objects.all()).order_by("name"):
        if access.can(actor, Action.CHANGE, model(municipality=municipality)):
            scopes.append(Scope(None, municipality))
    return scopes


def can_change(*, actor: Actor, obj) -> bool:
    """May the actor change this article (or synonym group)? Pages show their buttons only then."""
    return access.can(actor, Action.CHANGE, obj)


def shared_article_list(*, actor: Actor, municipality: Municipality | None = None) -> QuerySet[Article]:
    """Shared articles the actor may see (of a centre serving ``municipality`` when given): what a local
    variant may answer."""
    articles = access.visible(actor, Article.objects.filter(municipality__isnull=True))
    if municipality is not None:
        articles = articles.filter(access.owned_by(Article, [municipality.pk]))
    return articles.select_related("center").order_by("title")


def article_related(*, actor: Actor, article: Article) -> QuerySet[Article]:
    access.require(actor, Action.VIEW, article)
    return access.visible(actor, article.related.all()).select_related("municipality").order_by("title")


def article_variants(*, actor: Actor, article: Article) -> QuerySet[Article]:
    """The municipalities' local variants of a shared article that the actor may see."""
    access.require(actor, Action.VIEW, article)
    return access.visible(actor, article.variants.all()).select_related("municipality").order_by("municipality__name")


def synonym_list(*, actor: Actor) -> QuerySet[SynonymGroup]:
    return access.visible(actor, SynonymGroup.objects.select_related("center", "municipality")).order_by(
        "municipality__name", "terms"
    )


def synonym_get(*, actor: Actor, group_id: int) -> SynonymGroup:
    return access.get_visible(actor, SynonymGroup.objects.select_related("center", "municipality"), pk=group_id)


# --- The incident list pages --------------------------------------------------------------------------------

INCIDENT_RELATED = ("municipalities", "topics", "updates__by")


def incident_get(*, actor: Actor, incident_id: int) -> Incident:
    """One incident with its municipalities, topics and updates (newest first); ``NotFound`` when it is
    missing or not the actor's to see."""
    incidents = Incident.objects.select_related("center", "municipality", "created_by")
    return access.get_visible(actor, incidents.prefetch_related(*INCIDENT_RELATED), pk=incident_id)


def incident_list(*, actor: Actor, municipality: Municipality | None = None, resolved: bool = False) -> QuerySet:
    """The incidents the actor may see that affect ``municipality`` (all when None): those going on, newest
    first, or with ``resolved`` those resolved, the latest resolved first. ``active_incidents`` gives the
    ones going on in the order agents read them."""
    incidents = access.visible(actor, Incident.objects.all()).filter(resolved_at__isnull=not resolved)
    if municipality is not None:
        incidents = incidents.filter(Q(municipalities=municipality) | Q(municipality=municipality)).distinct()
    order = ["-resolved_at", "-pk"] if resolved else ["-starts_at", "-pk"]
    return incidents.prefetch_related(*INCIDENT_RELATED).order_by(*order)


@dataclass(frozen=True)
class IncidentScopes:
    """Where the actor may raise incidents: the municipalities (each its own incident) and the centres
    (an incident of several of the municipalities they serve)."""

    municipalities: list[Municipality]
    centers: list[ServiceCenter]

    def center_for(self, municipalities: list[Municipality]) -> ServiceCenter | None:
        """The first of the centres that serves all of ``municipalities``, or None."""
        wanted = {municipality.pk for municipality in municipalities}
        for center in self.centers:
            if wanted <= access.current_member_ids([center.pk]):
                return center
        return None


def incident_scopes(*, actor: Actor) -> IncidentScopes:
    """The municipalities and centres the actor may raise incidents for (municipality admins: their own;
    supervisors: those their centre serves, and the centre's). ``Forbidden`` when there are none: agents
    read the incident list, they do not keep it."""
    municipalities = [
        municipality
        for municipality in access.visible(actor, Municipality.objects.order_by("name"))
        if access.can(actor, Action.CHANGE, Incident(municipality=municipality))
    ]
    centers = [
        center
        for center in access.visible(actor, ServiceCenter.objects.order_by("name"))
        if access.can(actor, Action.CHANGE, Incident(center=center))
    ]
    if not municipalities:
        raise Forbidden(_("You do not have permission to do that."))
    return IncidentScopes(municipalities, centers)


def incident_can_change(*, actor: Actor, incident: Incident) -> bool:
    """May the actor post news on the incident and resolve it? Pages show their forms only then."""
    return access.can(actor, Action.CHANGE, incident)


def incidents_can_raise(*, actor: Actor) -> bool:
    """Does the actor keep incidents anywhere (the "Raise an incident" button)?"""
    try:
        incident_scopes(actor=actor)
    except Forbidden:
        return False
    return True
