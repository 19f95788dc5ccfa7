"""The agent's one-screen contact log: what it was about, who asked, how it ended — and, beside it, the
caller's earlier contacts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicdesk.cases import services
from civicdesk.cases.forms import ContactLogForm
from civicdesk.contacts import selectors as contact_selectors
from civicdesk.contacts.identity import IdentityError, phone_normalise
from civicdesk.contacts.services import CallerDetails
from civicdesk.lib.errors import DomainError
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.models import Role

PAGE = "cases/contact_log.html"


def _form(request, data=None):
    actor = request.actor
    municipalities = organisation_selectors.municipality_list(actor=actor).order_by("name")
    initial = {}
    if municipalities.count() == 1:
        only = municipalities.first()
        initial = {"municipality": only.pk, "language": only.language}
    else:
        first = municipalities.first()
        initial = {"language": first.language} if first else {}
    return ContactLogForm(
        data,
        initial=initial,
        municipalities=municipalities,
        topics=organisation_selectors.topic_list(actor=actor).order_by("key"),
        teams=organisation_selectors.team_list(actor=actor).order_by("municipality__name", "department__name", "name"),
        people=organisation_selectors.staff_list(actor=actor, role=Role.CASEWORKER),
    )


def _previous(request, form_data) -> list:
    phone = (form_data.get("caller_phone") or "").strip()
    if not phone:
        return []
    municipality = form_data.get("municipality")
    country = "NO"
    if municipality:
        chosen = organisation_selectors.municipality_list(actor=request.actor).filter(pk=municipality).first()
        country = chosen.country if chosen else country
    try:
        phone = phone_normalise(phone, country)
    except IdentityError:
        return []
    return contact_selectors.previous_contacts(actor=request.actor, phone=phone)


@login_required
def contact_log(request):
    """GET shows an empty form; POST logs the contact (and forwards it) and gives a fresh form for the next."""
    if request.method != "POST":
        return render(request, PAGE, {"form": _form(request), "previous": []})
    form = _form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _contact, case = services.contact_record(
                actor=request.actor,
                municipality=data["municipality"],
                channel=data["channel"],
                outcome=data["outcome"],
                topics=list(data["topics"]),
                summary=data["summary"],
                caller_kind=data["caller_kind"],
                language=data["language"],
                interpreter_used=data["interpreter_used"],
                caller=CallerDetails(
                    name=data["caller_name"],
                    phone=data["caller_phone"],
                    email=data["caller_email"],
                    national_id=data["caller_national_id"],
                ),
                referred_to=data["referred_to"],
                forward_team=data["forward_team"],
                forward_person=data["forward_person"],
                callback=data["callback"],
            )
            if case is not None:
                messages.success(
                    request,
                    _("Logged and forwarded as %(number)s to %(to)s.")
                    % {"number": case.number, "to": case.assignee or case.team or case.municipality},
                )
            else:
                messages.success(request, _("Logged."))
            return redirect("cases:contact_log")
        except DomainError as error:
            field = {"phone": "caller_phone", "email": "caller_email", "national_id": "caller_national_id"}.get(
                error.field, error.field
            )
            form.add_error(field if field in form.fields else None, error.message)
    return render(request, PAGE, {"form": form, "previous": _previous(request, request.POST)}, status=422)


@login_required
def previous_contacts(request):
    """The caller's earlier contacts, swapped in beside the form as the phone number is typed."""
    return render(request, PAGE + "#previous-contacts", {"previous": _previous(request, request.GET)})


@login_required
def topic_choices(request):
    """The topic checkboxes, narrowed as the agent types; topics already ticked stay ticked and shown."""
    query = request.GET.get("topic_q", "").strip()
    ticked = [t for t in request.GET.getlist("topics") if t.isdigit()]
    topics = organisation_selectors.topic_list(actor=request.actor, search=query, also_ids=[int(t) for t in ticked])
    form = _form(request, {"topics": ticked})
    form.fields["topics"].queryset = topics.order_by("key")
    return render(request, PAGE + "#topic-choices", {"form": form})
