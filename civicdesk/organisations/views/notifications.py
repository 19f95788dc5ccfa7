"""A staff member's notifications: newest first, marked read when they say so."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from civicdesk.organisations import selectors, services


@login_required
def notification_list(request):
    notifications = selectors.notifications_of(actor=request.actor)[:100]
    return render(request, "organisations/notification_list.html", {"notifications": notifications})


@login_required
@require_POST
def notifications_mark_read(request):
    services.notifications_mark_read(actor=request.actor)
    return redirect("organisations:notification_list")
