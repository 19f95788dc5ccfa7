"""A municipality admin's case settings: opening hours (the SLA clock), SLA policies, inbound mailboxes and
the mail that could not be taken in."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.cases import selectors, services
from civicdesk.cases.forms import MailboxForm, OpeningHoursForm, SlaPolicyForm
from civicdesk.lib.errors import DomainError
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations import services as organisation_services

PAGE = "cases/case_settings.html"


def _municipality(request):
    municipalities = organisation_selectors.municipalities_administered(actor=request.actor)
    slug = request.GET.get("m") or request.POST.get("m")
    chosen = municipalities.filter(slug=slug).first() if slug else municipalities.first()
    if chosen is None:
        raise PermissionDenied
    return chosen


def _page(request, municipality, status=200, **forms):
    actor = request.actor
    teams = organisation_selectors.team_list(actor=actor, municipality=municipality).order_by(
        "department__name", "name"
    )
    context = {
        "municipality": municipality,
        "policies": selectors.sla_policies(actor=actor, municipality=municipality),
        "mailboxes": selectors.mailbox_list(actor=actor, municipality=municipality),
        "quarantine": selectors.quarantine_list(actor=actor, municipality=municipality)[:50],
        "hours_form": forms.get("hours_form")
        or OpeningHoursForm(
            prefix="hours",
            initial={"opening_hours": organisation_selectors.opening_hours_text(municipality=municipality)},
        ),
        "sla_form": forms.get("sla_form")
        or SlaPolicyForm(
            prefix="sla", topics=organisation_selectors.topic_list(actor=actor, municipality=municipality)
        ),
        "mailbox_form": forms.get("mailbox_form") or MailboxForm(prefix="mailbox", teams=teams),
    }
    return render(request, PAGE, context, status=status)


def _back(municipality):
    return redirect(f"{reverse('cases:case_settings')}?m={municipality.slug}")


@login_required
def case_settings(request):
    return _page(request, _municipality(request))


@login_required
@require_POST
def opening_hours_set(request):
    municipality = _municipality(request)
    form = OpeningHoursForm(request.POST, prefix="hours")
    if form.is_valid():
        try:
            organisation_services.opening_hours_set(
                actor=request.actor, municipality=municipality, spec=form.cleaned_data["opening_hours"]
            )
            messages.success(request, _("Saved."))
            return _back(municipality)
        except DomainError as error:
            form.add_error("opening_hours", error.message)
    return _page(request, municipality, status=422, hours_form=form)


def _minutes(hours: Decimal | None) -> int | None:
    return int(hours * 60) if hours else None


@login_required
@require_POST
def sla_policy_set(request):
    municipality = _municipality(request)
    topics = organisation_selectors.topic_list(actor=request.actor, municipality=municipality)
    form = SlaPolicyForm(request.POST, prefix="sla", topics=topics)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.sla_policy_set(
                actor=request.actor,
                municipality=municipality,
                topic=data["topic"],
                priority=data["priority"],
                resolve_minutes=_minutes(data["resolve_hours"]) or 0,
                first_response_minutes=_minutes(data["first_response_hours"]),
            )
            messages.success(request, _("Saved."))
            return _back(municipality)
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(request, municipality, status=422, sla_form=form)


@login_required
@require_POST
def mailbox_create(request):
    municipality = _municipality(request)
    teams = organisation_selectors.team_list(actor=request.actor, municipality=municipality)
    form = MailboxForm(request.POST, prefix="mailbox", teams=teams)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.mailbox_create(
                actor=request.actor,
                municipality=municipality,
                address=data["address"],
                team=data["team"],
                display_name=data["display_name"],
                imap_host=data["imap_host"],
                imap_username=data["imap_username"],
                imap_password=data["imap_password"],
            )
            messages.success(request, _("Saved."))
            return _back(municipality)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return _page(request, municipality, status=422, mailbox_form=form)
