"""The wallboard: the centre's queues, agents and today's figures, kept current over a websocket; and the
same board for a TV on the wall (``?display=wall``): large, nothing to click, dark."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from civicdesk.organisations import access
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.views.choosing import center_chosen
from civicdesk.routing.models import AgentState
from civicdesk.telephony.selectors import wallboard as wallboard_selectors


def _center(request):
    centers = organisation_selectors.centers_of_actor(actor=request.actor)
    center = center_chosen(request, centers)
    if center is None:
        raise Http404
    return centers, center


@login_required
def wallboard(request):
    centers, center = _center(request)
    snapshot = wallboard_selectors.wallboard_snapshot(actor=request.actor, center=center)
    wall = request.GET.get("display") == "wall"
    for agent in snapshot["agents"]:
        agent["state_label"] = AgentState(agent["state"]).label
    context = {
        "labels": _labels(),
        "centers": centers.order_by("name"),
        "center": center,
        "snapshot": snapshot,
        "wall": wall,
        "is_supervisor": access.is_supervisor_of(request.actor, center),
    }
    return render(request, "telephony/wallboard_wall.html" if wall else "telephony/wallboard.html", context)


def _labels() -> dict:
    """The words the page's script needs when it redraws the board from a snapshot."""
    return {
        "states": {state.value: str(state.label) for state in AgentState},
        "alert_length": _("%(queue)s: %(n)s calls waiting. Reinforcements are widened in."),
        "alert_wait": _("%(queue)s: a caller has waited %(s)s s. Reinforcements are widened in."),
        "no_calls": _("No calls yet today."),
        "no_agents": _("No agent is logged in."),
        "live": _("Live. Figures at"),
        "reconnecting": _("Connection lost; reconnecting…"),
    }
