"""The agent's knowledge search: while the caller talks, the incidents going on in their municipality at the
top, then the answers, incidents and directory entries matching what the agent types, each answer open in
place; the agent says whether an answer helped, and what found nothing is kept as missing knowledge.

Missing knowledge is recorded for *finished* searches only, never for the requests made as the agent types:
a search finished with Enter or the Search button (with or without JavaScript) that finds no answer, or the
agent pressing "Nothing here answered it" under the results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from civicdesk.directory import selectors as directory_selectors
from civicdesk.knowledge import markdown, selectors, services
from civicdesk.knowledge.models import Language
from civicdesk.knowledge.views.public import article_links
from civicdesk.lib.errors import Forbidden
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import is_staff_actor

PAGE = "knowledge/search.html"
RESULTS_TARGET = "knowledge-results"
RESULT_LIMIT = 10
DIRECTORY_LIMIT = 5
LAST_CHOICE = "knowledge_search_municipality"  # the session remembers the agent's last municipality


@login_required
@require_http_methods(["GET", "POST"])
def knowledge_search(request):
    """GET searches (``finished=1`` when the agent submitted the search); POST is "Nothing here answered it"."""
    if not is_staff_actor(request.actor):
        return _citizens_help(request)
    data = request.POST if request.method == "POST" else request.GET
    context = _search_context(request, data)
    municipality, query = context["municipality"], context["query"]
    if municipality is not None and query:
        nothing_found = not context["found"]
        if request.method == "POST" or (data.get("finished") and nothing_found):
            services.search_miss_record(
                actor=request.actor,
                query=query,
                municipality=municipality,
                topic=context["topic"],
                language=context["language"],
            )
            context["miss_recorded"] = True
    if request.method == "POST" and not request.htmx:
        messages.success(request, _("Noted: this question is on the list of missing knowledge."))
        return redirect(_search_url(municipality, query, context["language"], context["topic"]))
    if request.htmx and request.htmx.target == RESULTS_TARGET:
        return render(request, PAGE + "#results", context)
    return render(request, PAGE, context)


@login_required
@require_POST
def answer_feedback(request, pk: int):
    """The agent says whether the article answered the caller's question."""
    article = selectors.article_get(actor=request.actor, article_id=pk)
    slug = request.POST.get("m", "")
    municipality = organisation_selectors.municipality_get(actor=request.actor, slug=slug) if slug else None
    query = request.POST.get("q", "").strip()[:200]
    helped = request.POST.get("helped") == "yes"
    services.answer_feedback_give(
        actor=request.actor, article=article, helped=helped, municipality=municipality, query=query
    )
    if request.htmx:
        return render(request, PAGE + "#feedback-given", {"article": article, "helped": helped})
    messages.success(request, _("Thank you: your answer is noted."))
    return redirect(_search_url(municipality, query, request.POST.get("answers", ""), None))


def _search_context(request, data) -> dict:
    """What the page shows for the municipality, language, topic and question chosen in ``data``."""
    municipalities = list(organisation_selectors.municipality_list(actor=request.actor).order_by("name"))
    slug = data.get("m") or request.session.get(LAST_CHOICE, "")
    municipality = next((m for m in municipalities if m.slug == slug), municipalities[0] if municipalities else None)
    if municipality is not None and data.get("m") == municipality.slug != request.session.get(LAST_CHOICE):
        request.session[LAST_CHOICE] = municipality.slug
    language = data.get("answers", "")
    if language not in Language.values:
        language = municipality.language if municipality is not None else ""
    topics = list(organisation_selectors.topic_list(actor=request.actor, municipality=municipality))
    key = data.get("topic", "")
    topic = next((t for t in topics if t.key == key), None) if key and municipality is not None else None
    query = " ".join(data.get("q", "").split())[:200]
    context = {
        "municipalities": municipalities,
        "municipality": municipality,
        "answer_languages": Language.choices,
        "language": language,
        "topics": topics,
        "topic": topic,
        "query": query,
        "found": [],
        "directory": [],
        "incidents": [],
        "miss_recorded": False,
    }
    if municipality is None:
        return context
    incidents = selectors.active_incidents(actor=request.actor, municipality=municipality)
    if topic is not None:  # every incident of the municipality stays; those about the topic come first
        incidents.sort(key=lambda incident: topic not in incident.topics.all())
    context["incidents"] = incidents
    if query:
        found = selectors.knowledge_search(
            actor=request.actor, query=query, municipality=municipality, language=language, limit=RESULT_LIMIT
        )
        context["found"] = _hits(request.actor, found)
        context["directory"], _forgiven = directory_selectors.directory_search(
            actor=request.actor, query=query, municipality=municipality, limit=DIRECTORY_LIMIT
        )
    return context


def _hits(actor, found) -> list[dict]:
    """Each hit with the whole article (its answer rendered) or incident behind it."""
    rows = selectors.found_in_full(actor=actor, found=found)
    hits = []
    for hit in found:
        key = ("article", hit.entry.article_id) if hit.kind == "article" else ("incident", hit.entry.incident_id)
        row = rows.get(key)
        if row is None:
            continue
        if hit.kind == "article":
            hits.append({"hit": hit, "row": row, "answer": markdown.render(row.body), "links": article_links(row)})
        else:
            hits.append({"hit": hit, "row": row})
    return hits


def _search_url(municipality, query: str, language: str, topic) -> str:
    params = {"q": query}
    if municipality is not None:
        params["m"] = municipality.slug
    if language:
        params["answers"] = language
    if topic is not None:
        params["topic"] = topic.key
    return reverse("knowledge:search") + "?" + urlencode(params)


def _citizens_help(request):
    """Citizens and employees read their municipality's public help pages; the agent's search is for staff."""
    home = organisation_selectors.home_municipality(actor=request.actor)
    if home is None:
        raise Forbidden(_("You do not have permission to do that."))
    return HttpResponseRedirect(reverse("knowledge:help_index", args=[home.slug]))
