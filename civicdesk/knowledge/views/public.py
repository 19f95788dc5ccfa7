"""A municipality's public help pages, open without signing in: its incidents, a search, its published public
answers by topic, and "did this answer your question?". Everyone reads them as the municipality's public
visitor (``access.public_visitor``), signed in or not, so a citizen sees just what anyone else sees: never
internal, agents-only or draft answers, non-public incidents, or another municipality's local variants."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicdesk.knowledge import markdown, selectors, services
from civicdesk.knowledge.models import Article, Language
from civicdesk.lib.http import ratelimited
from civicdesk.lib.ratelimit import window_hit
from civicdesk.lib.request_context import client_address
from civicdesk.organisations import access, reference
from civicdesk.organisations.models import Municipality

FEEDBACK_RATE = "10/m"  # "did this answer your question?" per client address
MISS_RATE = "30/m"  # searches without an answer kept as missing knowledge per client address
RESULT_LIMIT = 10
RESOLVED_SHOWN_FOR = timedelta(days=14)


def _visited(slug: str) -> tuple[Municipality, access.PublicVisitor]:
    municipality = reference.municipality_by_slug(slug)
    if municipality is None:
        raise Http404(_("Not found."))
    return municipality, access.public_visitor(municipality)


def _within(request, group: str, rate: str) -> bool:
    """Count this request against the client address's limit for ``group``: is it still within it?"""
    address = client_address.get() or request.META.get("REMOTE_ADDR", "")
    count, limit = window_hit(group, address, rate)
    return count <= limit


@require_GET
def help_index(request, municipality: str):
    municipality, visitor = _visited(municipality)
    query = " ".join(request.GET.get("q", "").split())[:200]
    language = request.GET.get("lang", "")
    if language not in Language.values:
        language = municipality.language
    found = []
    if query:
        found = selectors.knowledge_search(
            actor=visitor, query=query, municipality=municipality, language=language, limit=RESULT_LIMIT
        )
        if not found and _within(request, "help-miss", MISS_RATE):
            services.search_miss_record(actor=visitor, query=query, municipality=municipality, language=language)
    articles = selectors.articles_for(actor=visitor, municipality=municipality).prefetch_related("topics")
    context = {
        "municipality": municipality,
        "brand": municipality,
        "incidents": selectors.active_incidents(actor=visitor, municipality=municipality),
        "query": query,
        "language": language,
        "answer_languages": Language.choices,
        "found": found,
        "groups": _by_topic(articles),
    }
    return render(request, "knowledge/help_index.html", context)


@require_GET
def help_incidents(request, municipality: str):
    municipality, visitor = _visited(municipality)
    since = timezone.now() - RESOLVED_SHOWN_FOR
    context = {
        "municipality": municipality,
        "brand": municipality,
        "incidents": selectors.active_incidents(actor=visitor, municipality=municipality),
        "resolved": selectors.incidents_resolved(actor=visitor, municipality=municipality, since=since),
    }
    return render(request, "knowledge/help_incidents.html", context)


@require_GET
def help_article(request, municipality: str, slug: str):
    municipality, visitor = _visited(municipality)
    article = selectors.article_for(actor=visitor, municipality=municipality, slug=slug)
    context = {
        "municipality": municipality,
        "brand": municipality,
        "article": article,
        "answer": markdown.render(article.body),
        "links": article_links(article),
        "related": selectors.articles_related_for(actor=visitor, municipality=municipality, article=article),
        "json_ld": markdown.faq_json_ld([(article.title, article.body)]),
        "answered": request.GET.get("answered") == "1",
    }
    return render(request, "knowledge/help_article.html", context)


@require_POST
def help_feedback(request, municipality: str, slug: str):
    """Whether the answer helped, from anyone: limited per client address."""
    municipality, visitor = _visited(municipality)
    if not _within(request, "help-feedback", FEEDBACK_RATE):
        return ratelimited(request, None)
    article = selectors.article_for(actor=visitor, municipality=municipality, slug=slug)
    services.answer_feedback_give(
        actor=visitor,
        article=article,
        helped=request.POST.get("helped") == "yes",
        municipality=municipality,
        query=request.POST.get("q", ""),
    )
    if request.htmx:
        context = {"municipality": municipality, "article": article, "answered": True}
        return render(request, "knowledge/help_article.html#feedback-body", context)
    url = reverse("knowledge:help_article", args=[municipality.slug, article.slug])
    return redirect(url + "?answered=1#help-feedback")


def article_links(article: Article) -> list[dict]:
    """The article's links to forms and bookings that are safe to show: http(s), or a path on this site."""
    shown = []
    for link in article.links or []:
        if not isinstance(link, dict):
            continue
        url = str(link.get("url") or link.get("href") or "").strip()
        parts = urlsplit(url)
        on_site = not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith(("//", "/\\"))
        if (parts.scheme in ("http", "https") and parts.netloc) or on_site:
            label = str(link.get("label") or link.get("title") or link.get("text") or url)
            shown.append({"url": url, "label": label})
    return shown


def _by_topic(articles) -> list[tuple[str, list[Article]]]:
    """The articles under each of their topics (an article may be under several), topics by name; those
    without a topic last."""
    groups: dict[str, list[Article]] = {}
    loose = []
    for article in articles:
        topics = list(article.topics.all())
        for topic in topics:
            groups.setdefault(topic.name, []).append(article)
        if not topics:
            loose.append(article)
    ordered = [(name, sorted(items, key=lambda a: a.title.lower())) for name, items in sorted(groups.items())]
    if loose:
        ordered.append((_("Other answers"), sorted(loose, key=lambda a: a.title.lower())))
    return ordered
