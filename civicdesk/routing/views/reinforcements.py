"""Routing's pages: pulling in reinforcements from the wallboard."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from civicdesk.lib.errors import DomainError
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.views.choosing import center_chosen
from civicdesk.routing import selectors, services

PULL_IN_MINUTES = (30, 60, 120)


@login_required
@require_POST
def reinforcements_pull_in(request):
    """The supervisor's button on the wallboard: the ticked reinforcements go on the phones for a while."""
    center = center_chosen(request, organisation_selectors.centers_of_actor(actor=request.actor))
    if center is None:
        raise Http404
    minutes = int(request.POST.get("minutes", "60")) if request.POST.get("minutes", "").isdigit() else 60
    until = timezone.now() + timedelta(minutes=minutes if minutes in PULL_IN_MINUTES else 60)
    pulled = 0
    try:
        for code in request.POST.getlist("agents")[:200]:
            agent = selectors.agent_by_code(actor=request.actor, center=center, code=code)
            services.reinforcement_pull_in(actor=request.actor, agent=agent, until=until)
            pulled += 1
    except DomainError as error:
        messages.error(request, error.message)
    if pulled:
        messages.success(
            request,
            ngettext("%(n)d agent pulled in to the phones.", "%(n)d agents pulled in to the phones.", pulled)
            % {"n": pulled},
        )
    elif not request.POST.getlist("agents"):
        messages.error(request, _("Tick the agents to pull in."))
    return redirect(reverse("telephony:wallboard") + f"?center={center.slug}")
