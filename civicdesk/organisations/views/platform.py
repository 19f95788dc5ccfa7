"""The platform admin's pages: centres and who they serve, the audit log, API tokens."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.errors import DomainError
from civicdesk.organisations import access, selectors, services
from civicdesk.organisations.forms import ApiTokenForm, AuditSearchForm, MembershipForm


def _require_platform_admin(request) -> None:
    if not access.reach(request.actor).everything:
        raise PermissionDenied


def _membership_form(request, data=None):
    return MembershipForm(
        data,
        municipalities=selectors.municipality_list(actor=request.actor).order_by("name"),
        centers=selectors.center_list(actor=request.actor),
    )


def _platform_page(request, form=None):
    centers = [
        {"center": c, "memberships": selectors.center_memberships(actor=request.actor, center=c)}
        for c in selectors.center_list(actor=request.actor)
    ]
    context = {
        "centers": centers,
        "municipalities": selectors.municipality_list(actor=request.actor).order_by("name"),
        "form": form or _membership_form(request),
    }
    return render(request, "organisations/platform.html", context, status=422 if form and form.errors else 200)


@login_required
def platform(request):
    _require_platform_admin(request)
    return _platform_page(request)


@login_required
@require_POST
def membership_change(request):
    """One form, two buttons: join or leave."""
    _require_platform_admin(request)
    form = _membership_form(request, request.POST)
    if form.is_valid():
        municipality, center = form.cleaned_data["municipality"], form.cleaned_data["center"]
        change = (
            services.municipality_leave_center
            if request.POST.get("change") == "leave"
            else services.municipality_join_center
        )
        try:
            change(actor=request.actor, municipality=municipality, center=center)
            messages.success(request, _("Saved."))
            return redirect("organisations:platform")
        except DomainError as error:
            form.add_error(None, error.message)
    return _platform_page(request, form)


@login_required
def audit_search(request):
    """Search the audit log; it can only be read, never changed."""
    _require_platform_admin(request)
    form = AuditSearchForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        zone = timezone.get_current_timezone()
        filters = {k: data[k] for k in ("action", "actor_label", "object_type", "object_id") if data[k]}
        if data["since"]:
            filters["since"] = dt.datetime.combine(data["since"], dt.time.min, tzinfo=zone)
        if data["until"]:
            filters["until"] = dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    events = selectors.audit_search(actor=request.actor, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "organisations/audit_search.html", {"form": form, "page": page, "query": query.urlencode()})


def _token_form(request, data=None):
    return ApiTokenForm(
        data,
        municipalities=selectors.municipality_list(actor=request.actor).order_by("name"),
        centers=selectors.center_list(actor=request.actor),
    )


def _tokens_page(request, form=None, secret=None, status=200):
    context = {
        "tokens": selectors.api_token_list(actor=request.actor),
        "form": form or _token_form(request),
        "secret": secret,
    }
    return render(request, "organisations/api_token_list.html", context, status=status)


@login_required
def api_token_list(request):
    _require_platform_admin(request)
    return _tokens_page(request)


@login_required
@require_POST
def api_token_create(request):
    _require_platform_admin(request)
    form = _token_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _token, secret = services.api_token_create(
                actor=request.actor,
                name=data["name"],
                permissions=data["permissions"],
                center=data["center"],
                municipality=data["municipality"],
            )
            return _tokens_page(request, secret=secret, status=201)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return _tokens_page(request, form=form, status=422)


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    _require_platform_admin(request)
    token = selectors.api_token_get(actor=request.actor, token_id=token_id)
    services.api_token_revoke(actor=request.actor, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("organisations:api_token_list")
