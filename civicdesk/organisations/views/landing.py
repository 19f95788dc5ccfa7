"""The first page of each role: agent's desk, supervisor's centre, caseworker's team, the portal."""

import zoneinfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from civicdesk.organisations import selectors
from civicdesk.organisations.models import Role


def _require_role(request, *roles: str) -> None:
    if not set(roles) & set(selectors.landing_roles(actor=request.actor)):
        raise PermissionDenied


def _with_local_time(municipalities):
    now = timezone.now()
    rows = []
    for municipality in municipalities:
        rows.append(
            {
                "municipality": municipality,
                "local_time": now.astimezone(zoneinfo.ZoneInfo(municipality.time_zone)),
            }
        )
    return rows


@login_required
def desk(request):
    """The agent's desk: which municipalities the centre answers for now, and the topic finder."""
    _require_role(request, Role.AGENT, Role.SUPERVISOR, Role.PLATFORM_ADMIN)
    centers = selectors.centers_of_actor(actor=request.actor)
    municipalities = selectors.municipality_list(actor=request.actor).order_by("name")
    query = request.GET.get("q", "")
    topics = selectors.topic_list(actor=request.actor, search=query)[:30] if query else []
    context = {
        "centers": centers,
        "rows": _with_local_time(municipalities),
        "query": query,
        "topics": topics,
    }
    return render(request, "organisations/desk.html", context)


@login_required
def topic_search(request):
    """Search-as-you-type over topics in every language (HTMX swaps in the results)."""
    _require_role(request, Role.AGENT, Role.SUPERVISOR, Role.CASEWORKER, Role.MUNICIPALITY_ADMIN, Role.PLATFORM_ADMIN)
    query = request.GET.get("q", "").strip()
    topics = selectors.topic_list(actor=request.actor, search=query)[:30] if query else []
    page = "organisations/desk.html"
    context = {"query": query, "topics": topics}
    if request.htmx:
        return render(request, page + "#topic-results", context)
    return desk(request)


@login_required
def supervisor(request):
    """The supervisor's centre: who it serves (with history) and who works in it."""
    _require_role(request, Role.SUPERVISOR, Role.PLATFORM_ADMIN)
    centers = []
    for center in selectors.centers_of_actor(actor=request.actor).order_by("name"):
        centers.append(
            {
                "center": center,
                "memberships": selectors.center_memberships(actor=request.actor, center=center),
                "staff": selectors.staff_list(actor=request.actor, center=center),
            }
        )
    return render(request, "organisations/supervisor.html", {"centers": centers})


@login_required
def casework(request):
    """The caseworker's team page: their department and teams, and colleagues."""
    _require_role(request, Role.CASEWORKER)
    assignments = [a for a in selectors.role_assignments_of(actor=request.actor) if a.role == Role.CASEWORKER]
    municipality = assignments[0].municipality if assignments else None
    colleagues = (
        selectors.staff_list(actor=request.actor, municipality=municipality, role=Role.CASEWORKER)
        if municipality
        else []
    )
    departments = selectors.department_list(actor=request.actor, municipality=municipality) if municipality else []
    context = {
        "assignments": assignments,
        "municipality": municipality,
        "colleagues": colleagues,
        "departments": departments,
    }
    return render(request, "organisations/casework.html", context)


@login_required
def portal(request):
    """A citizen's or employee's first page: their municipality and what they can ask about."""
    municipality = selectors.home_municipality(actor=request.actor)
    topics = selectors.topic_list(actor=request.actor, municipality=municipality) if municipality else []
    roots = [t for t in topics if t.parent_id is None]
    children: dict[int, list] = {}
    for topic in topics:
        if topic.parent_id:
            children.setdefault(topic.parent_id, []).append(topic)
    areas = [{"topic": root, "children": children.get(root.pk, [])} for root in roots]
    return render(request, "organisations/portal.html", {"municipality": municipality, "areas": areas})


@login_required
def no_role(request):
    """A staff member without a role yet is told whom to ask, rather than shown an empty page."""
    return render(request, "organisations/no_role.html")
