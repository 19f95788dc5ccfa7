"""The directory's search page: units and people found as the agent types, with their number and whether
they answer now."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from civicdesk.directory import selectors
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import is_staff_actor

PAGE = "directory/directory.html"
RESULT_LIMIT = 12


def found_for(request) -> dict:
    """What a results list needs from ``?q=`` (and ``?m=`` a municipality slug), for any page showing one."""
    query = request.GET.get("q", "").strip()[:200]
    slug = request.GET.get("m", "")
    municipality = None
    if slug:
        municipality = organisation_selectors.municipality_list(actor=request.actor).filter(slug=slug).first()
    found, forgiven = ([], False)
    if query:
        found, forgiven = selectors.directory_search(
            actor=request.actor, query=query, municipality=municipality, limit=RESULT_LIMIT
        )
    return {"query": query, "found": found, "typos_forgiven": forgiven, "chosen_municipality": slug}


@login_required
def directory(request):
    context = found_for(request)
    if request.htmx:
        return render(request, PAGE + "#results", context)
    context["municipalities"] = organisation_selectors.municipality_list(actor=request.actor).order_by("name")
    context["staff"] = is_staff_actor(request.actor)
    context["admin"] = organisation_selectors.municipalities_administered(actor=request.actor).exists()
    return render(request, PAGE, context)
