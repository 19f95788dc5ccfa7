"""The duty rota as a page: a week of the centre's agents by day, each day listing the agent's shifts (duty and
times, in the centre's local time); a shift added or removed; the week copied to the next. HTMX swaps the
week in place; without JavaScript every form posts and comes back to the week."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from civicdesk.lib.errors import Invalid
from civicdesk.routing import selectors, services
from civicdesk.routing.forms import ShiftForm
from civicdesk.routing.views.choosing import center_url, form_errors, is_keeper, page_center

PAGE = "routing/rota_week.html"


def _week_start(request, zone) -> dt.date:
    """The Monday of the week asked for (``?week=`` or the posted ``week``, any day of it), else this week's."""
    try:
        day = dt.date.fromisoformat(request.GET.get("week") or request.POST.get("week") or "")
    except ValueError:
        day = timezone.now().astimezone(zone).date()
    return day - dt.timedelta(days=day.weekday())


def _shift_form(rota, data=None) -> ShiftForm:
    agents = [row.agent for row in rota.rows]
    return ShiftForm(data, agents=agents, zone=rota.time_zone, initial={"day": rota.week_start})


def _render(request, centers, center, rota, form=None, status=200):
    context = {
        "centers": centers,
        "center": center,
        "rota": rota,
        "week_number": rota.week_start.isocalendar().week,
        "previous_week": rota.week_start - dt.timedelta(days=7),
        "next_week": rota.week_start + dt.timedelta(days=7),
        "can_change": is_keeper(request, center),
        "form": form or _shift_form(rota),
    }
    if request.htmx:  # HTMX swaps in only what succeeds; the form with its errors is swapped in as a 200
        return render(request, PAGE + "#rota", context)
    return render(request, PAGE, context, status=status)


def _rota(request, center):
    zone = selectors.center_time_zone(center)
    return selectors.rota_week(actor=request.actor, center=center, week_start=_week_start(request, zone))


@login_required
def rota_week(request):
    centers, center = page_center(request)
    return _render(request, centers, center, _rota(request, center))


def _back(request, centers, center, rota):
    """After a change: the week again (HTMX swaps it in), or a redirect to it."""
    if request.htmx:
        return _render(request, centers, center, _rota(request, center))
    return redirect(center_url("routing:rota_week", center, query=f"week={rota.week_start.isoformat()}"))


@login_required
@require_POST
def shift_add(request):
    centers, center = page_center(request)
    rota = _rota(request, center)
    form = _shift_form(rota, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.shift_add(
                actor=request.actor,
                agent=data["agent"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                duty=data["duty"],
                note=data["note"],
            )
            messages.success(request, _("The shift is added."))
            return _back(request, centers, center, rota)
        except Invalid as error:
            form_errors(form, error, rename={"starts_at": "starts", "ends_at": "ends"})
    return _render(request, centers, center, rota, form=form, status=422)


@login_required
@require_POST
def shift_remove(request, pk: int):
    centers, center = page_center(request)
    rota = _rota(request, center)
    shift = selectors.shift_get(actor=request.actor, center=center, shift_id=pk)
    services.shift_remove(actor=request.actor, shift=shift)
    messages.success(request, _("The shift is removed."))
    return _back(request, centers, center, rota)


@login_required
@require_POST
def rota_copy_week(request):
    """Every shift of the week, a week later (what is there already stays)."""
    centers, center = page_center(request)
    rota = _rota(request, center)
    copied = services.rota_copy_week(actor=request.actor, center=center, week_start=rota.week_start)
    messages.success(
        request,
        ngettext("%(n)d shift copied to next week.", "%(n)d shifts copied to next week.", len(copied))
        % {"n": len(copied)},
    )
    return _back(request, centers, center, rota)
