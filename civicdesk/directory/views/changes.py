"""Keeping the directory current, as pages: staff report a change, the municipality admin reviews the
requests (approve, or reject with a reason), anyone on staff reads an entry's history, and the stale-entries
dashboard lists what has not been confirmed for too long, oldest first, with a button to confirm it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.directory import selectors, services
from civicdesk.directory.forms import FIELD_LABELS, ChangeRequestForm, ChangeRequestRejectForm, DirectoryPolicyForm
from civicdesk.directory.models import ChangeRequest
from civicdesk.lib.errors import DomainError, Invalid
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.views.choosing import municipality_chosen

ACTIONS = {
    "create": gettext_lazy("Added"),
    "update": gettext_lazy("Changed"),
    "hours": gettext_lazy("Opening hours set"),
    "phone.add": gettext_lazy("Number added"),
    "phone.remove": gettext_lazy("Number removed"),
    "confirm": gettext_lazy("Confirmed as current"),
    "remove": gettext_lazy("Removed"),
}


def _municipality(request):
    """The municipality the page is about: ``?m=slug`` among those the actor reaches, else the first."""
    municipalities = organisation_selectors.municipality_list(actor=request.actor).order_by("name")
    chosen = municipality_chosen(request, municipalities)
    if chosen is None:
        raise Http404
    return chosen, municipalities


def _back(url_name: str, municipality, **query) -> str:
    extra = "".join(f"&{key}={value}" for key, value in query.items() if value)
    return f"{reverse(url_name)}?m={municipality.slug}{extra}"


def _request_form(request, municipality, data=None):
    return ChangeRequestForm(
        data,
        units=selectors.unit_list(actor=request.actor, municipality=municipality),
        employees=selectors.employee_list(actor=request.actor, municipality=municipality),
        phones=selectors.phone_list(actor=request.actor, municipality=municipality),
    )


@login_required
def change_request_submit(request):
    municipality, municipalities = _municipality(request)
    form = _request_form(request, municipality, request.POST if request.method == "POST" else None)
    if request.method != "POST":  # from a unit's or person's page: the change is about them
        form.initial.update({key: request.GET[key] for key in ("unit", "employee", "kind") if request.GET.get(key)})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_submit(
                actor=request.actor,
                municipality=municipality,
                kind=form.cleaned_data["kind"],
                unit=form.cleaned_data["unit"],
                employee=form.cleaned_data["employee"],
                proposed=form.proposed(),
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Thank you. Citizen service will look at the change."))
            return redirect(_back("directory:change_request_list", municipality))
        except Invalid as error:
            for field, texts in (error.detail or {error.field: [error.message]}).items():
                for text in texts:
                    form.add_service_error(None if field == "__all__" else field, text)
    context = {"municipality": municipality, "municipalities": municipalities, "form": form}
    return render(request, "directory/change_request_form.html", context, status=422 if form.errors else 200)


def _proposed_rows(change_request: ChangeRequest, unit_names: dict, phone_numbers: dict) -> list:
    rows = []
    for name, value in change_request.proposed.items():
        if name == "unit_id":
            value = unit_names.get(value, value) if value else _("No unit")
        elif name == "replaces":
            value = phone_numbers.get(value, value)
        rows.append((FIELD_LABELS.get(name, name), value))
    return rows


def _review_page(request, municipality, municipalities, *, status: str, reject_forms=None, http_status=200):
    change_requests = list(
        selectors.change_request_list(actor=request.actor, municipality=municipality, status=status or None)
    )
    unit_names = dict(
        selectors.unit_list(actor=request.actor, municipality=municipality)
        .prefetch_related(None)
        .values_list("pk", "name")
    )
    phone_numbers = dict(
        selectors.phone_list(actor=request.actor, municipality=municipality).values_list("pk", "number")
    )
    reject_forms = reject_forms or {}
    items = [
        {
            "request": cr,
            "proposed": _proposed_rows(cr, unit_names, phone_numbers),
            "reject_form": reject_forms.get(cr.pk) or ChangeRequestRejectForm(prefix=f"reject-{cr.pk}"),
        }
        for cr in change_requests
    ]
    context = {
        "municipality": municipality,
        "municipalities": municipalities,
        "items": items,
        "status": status,
        "statuses": ChangeRequest.Status.choices,
        "can_decide": selectors.can_decide_changes(actor=request.actor, municipality=municipality),
    }
    return render(request, "directory/change_request_list.html", context, status=http_status)


@login_required
def change_request_list(request):
    municipality, municipalities = _municipality(request)
    status = request.GET.get("status", "")
    return _review_page(request, municipality, municipalities, status=status)


@login_required
@require_POST
def change_request_approve(request, pk: int):
    change_request = selectors.change_request_get(actor=request.actor, change_request_id=pk)
    try:
        services.change_request_approve(actor=request.actor, change_request=change_request)
        messages.success(request, _("Approved: the directory now shows the change."))
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    return redirect(_back("directory:change_request_list", change_request.municipality))


@login_required
@require_POST
def change_request_reject(request, pk: int):
    change_request = selectors.change_request_get(actor=request.actor, change_request_id=pk)
    form = ChangeRequestRejectForm(request.POST, prefix=f"reject-{pk}")
    if form.is_valid():
        try:
            services.change_request_reject(
                actor=request.actor, change_request=change_request, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Rejected. The directory stays as it was."))
            return redirect(_back("directory:change_request_list", change_request.municipality))
        except Invalid as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        except DomainError as error:
            if error.status == 404:
                raise
            messages.error(request, error.message)
            return redirect(_back("directory:change_request_list", change_request.municipality))
    municipality = change_request.municipality
    municipalities = organisation_selectors.municipality_list(actor=request.actor).order_by("name")
    return _review_page(request, municipality, municipalities, status="", reject_forms={pk: form}, http_status=422)


def _history_page(request, entry, kind: str):
    versions = selectors.entry_versions(actor=request.actor, entry=entry)
    rows = [
        {
            "version": v,
            "action": ACTIONS.get(v.action, v.action),
            "changes": [
                (FIELD_LABELS.get(name, name), before, after)
                for name, (before, after) in v.changes.items()
                if v.action != "create"
            ],
        }
        for v in versions
    ]
    context = {"entry": entry, "kind": kind, "rows": rows, "municipality": entry.municipality}
    return render(request, "directory/entry_versions.html", context)


@login_required
def unit_versions(request, pk: int):
    return _history_page(request, selectors.unit_get(actor=request.actor, unit_id=pk), "unit")


@login_required
def employee_versions(request, pk: int):
    return _history_page(request, selectors.employee_get(actor=request.actor, employee_id=pk), "employee")


def _stale_page(request, municipality, municipalities, policy_form=None):
    days = selectors.confirm_every_days(municipality=municipality)
    context = {
        "municipality": municipality,
        "municipalities": municipalities,
        "stale": selectors.stale_entries(actor=request.actor, municipality=municipality),
        "days": days,
        "can_decide": selectors.can_decide_changes(actor=request.actor, municipality=municipality),
        "policy_form": policy_form or DirectoryPolicyForm(initial={"confirm_every_days": days}),
    }
    status = 422 if policy_form is not None and policy_form.errors else 200
    return render(request, "directory/stale_entries.html", context, status=status)


@login_required
def stale_entries(request):
    municipality, municipalities = _municipality(request)
    return _stale_page(request, municipality, municipalities)


@login_required
@require_POST
def directory_policy_set(request):
    municipality, municipalities = _municipality(request)
    form = DirectoryPolicyForm(request.POST)
    if form.is_valid():
        try:
            services.directory_policy_set(
                actor=request.actor,
                municipality=municipality,
                confirm_every_days=form.cleaned_data["confirm_every_days"],
            )
            messages.success(request, _("Saved."))
            return redirect(_back("directory:stale_entries", municipality))
        except Invalid as error:
            form.add_error("confirm_every_days", error.message)
    return _stale_page(request, municipality, municipalities, policy_form=form)


def _confirm(request, entry):
    try:
        services.entry_confirm(actor=request.actor, entry=entry)
        messages.success(request, _("%(entry)s is confirmed as current.") % {"entry": entry})
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # confirmed from the entry's own page
    return redirect(_back("directory:stale_entries", entry.municipality))


@login_required
@require_POST
def unit_confirm(request, pk: int):
    return _confirm(request, selectors.unit_get(actor=request.actor, unit_id=pk))


@login_required
@require_POST
def employee_confirm(request, pk: int):
    return _confirm(request, selectors.employee_get(actor=request.actor, employee_id=pk))
