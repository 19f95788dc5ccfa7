"""The incident list as pages: what is going on (the most severe first) and what was resolved lately; raising
an incident in under a minute; one incident with its news over time, posting news and resolving it. Those
who keep incidents (supervisors for their centre, municipality admins for their own) see the forms; agents
read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.knowledge import selectors, services
from civicdesk.knowledge.forms import IncidentForm, IncidentResolveForm, IncidentUpdateForm
from civicdesk.lib.errors import Invalid
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import is_internal_actor

RESOLVED_PER_PAGE = 20


def _form_errors(form, error: Invalid, rename: dict | None = None) -> None:
    """A service's complaint beside the field it names (the form's name for it), else above the form."""
    rename = rename or {}
    for field, texts in (error.detail or {error.field: [error.message]}).items():
        field = rename.get(field, field)
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


@login_required
def incident_list(request):
    municipalities = organisation_selectors.municipality_list(actor=request.actor).order_by("name")
    slug = request.GET.get("m", "")
    municipality = municipalities.filter(slug=slug).first() if slug else None
    active = selectors.active_incidents(actor=request.actor, municipality=municipality)
    resolved = selectors.incident_list(actor=request.actor, municipality=municipality, resolved=True)
    context = {
        "municipalities": municipalities,
        "municipality": municipality,
        "active": active,
        "resolved": Paginator(resolved, RESOLVED_PER_PAGE).get_page(request.GET.get("page")),
        "can_raise": selectors.incidents_can_raise(actor=request.actor),
        "internal": is_internal_actor(request.actor),
    }
    return render(request, "knowledge/incident_list.html", context)


def _raise_form(request, scopes, data=None) -> IncidentForm:
    """The municipalities the actor may raise incidents for, and every topic they reach."""
    municipalities = organisation_selectors.municipality_list(actor=request.actor)
    return IncidentForm(
        data,
        municipalities=municipalities.filter(pk__in=[m.pk for m in scopes.municipalities]).order_by("name"),
        topics=organisation_selectors.topic_list(actor=request.actor).order_by(
            F("municipality_id").asc(nulls_first=True), "key"
        ),
    )


@login_required
def incident_raise(request):
    """One short form; one municipality makes it that municipality's incident, several the centre's."""
    scopes = selectors.incident_scopes(actor=request.actor)
    form = _raise_form(request, scopes, request.POST if request.method == "POST" else None)
    if request.method != "POST":
        chosen = [m for m in scopes.municipalities if m.slug == request.GET.get("m")]
        if len(scopes.municipalities) == 1 or chosen:
            form.initial["municipalities"] = [(chosen or scopes.municipalities)[0].pk]
    elif form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_raise(
                actor=request.actor,
                title=data["title"],
                municipalities=data["municipalities"],
                center=scopes.center_for(data["municipalities"]) if len(data["municipalities"]) > 1 else None,
                public_message=data["public_message"],
                agent_script=data["agent_script"],
                severity=data["severity"],
                topics=list(data["topics"]),
                areas=data["areas"],
                is_public=data["is_public"],
                expected_end_at=data["expected_end_at"],
            )
            messages.success(request, _("The incident is raised. Agents see it at the top of the contact log."))
            return redirect("knowledge:incident_detail", pk=incident.pk)
        except Invalid as error:
            _form_errors(form, error, rename={"center": "municipalities", "starts_at": "expected_end_at"})
    status = 422 if form.errors else 200
    return render(request, "knowledge/incident_raise.html", {"form": form}, status=status)


def _detail_page(request, incident, update_form=None, resolve_form=None, status=200):
    context = {
        "incident": incident,
        "can_change": selectors.incident_can_change(actor=request.actor, incident=incident),
        "internal": is_internal_actor(request.actor),  # what agents say is for staff and employees only
        "update_form": update_form or IncidentUpdateForm(),
        "resolve_form": resolve_form or IncidentResolveForm(prefix="resolve"),
    }
    return render(request, "knowledge/incident_detail.html", context, status=status)


@login_required
def incident_detail(request, pk: int):
    """GET shows the incident; POST posts news on it."""
    incident = selectors.incident_get(actor=request.actor, incident_id=pk)
    if request.method != "POST":
        return _detail_page(request, incident)
    form = IncidentUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.incident_update(
                actor=request.actor,
                incident=incident,
                public_message=form.cleaned_data["public_message"],
                agent_note=form.cleaned_data["agent_note"],
            )
            messages.success(request, _("The news is posted."))
            return redirect("knowledge:incident_detail", pk=incident.pk)
        except Invalid as error:
            _form_errors(form, error)
    return _detail_page(request, incident, update_form=form, status=422)


@login_required
@require_POST
def incident_resolve(request, pk: int):
    incident = selectors.incident_get(actor=request.actor, incident_id=pk)
    form = IncidentResolveForm(request.POST, prefix="resolve")
    if form.is_valid():
        try:
            services.incident_resolve(
                actor=request.actor, incident=incident, public_message=form.cleaned_data["public_message"]
            )
            messages.success(request, _("The incident is resolved."))
            return redirect(reverse("knowledge:incident_list"))
        except Invalid as error:
            _form_errors(form, error)
    return _detail_page(request, incident, resolve_form=form, status=422)
