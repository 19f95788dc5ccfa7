"""The agent's one-screen contact log: what it was about, who asked, how it ended — beside it, the
caller's earlier contacts, and above it the incidents going on for the caller's municipality and topics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicdesk.cases import services
from civicdesk.cases.forms import ContactLogForm
from civicdesk.contacts import selectors as contact_selectors
from civicdesk.contacts.identity import IdentityError, phone_normalise
from civicdesk.contacts.models import Contact, Outcome
from civicdesk.contacts.services import CallerDetails
from civicdesk.directory import selectors as directory_selectors
from civicdesk.directory import services as directory_services
from civicdesk.knowledge import selectors as knowledge_selectors
from civicdesk.lib.errors import DomainError, Invalid
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.models import Role

PAGE = "cases/contact_log.html"
BANNER = "cases/incident_banner.html"
BANNER_TARGET = "incident-banner"
TICKED_TOPICS_MATCHED = 20  # ticked topics looked at for incidents (agents tick a few)


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


def _municipality_chosen(request, data):
    chosen = data.get("municipality")
    if not chosen or not str(chosen).isdigit():
        return None
    return organisation_selectors.municipality_list(actor=request.actor).filter(pk=chosen).first()


def _referrals(request, data) -> list:
    """Who handles each ticked topic (the first three) in the chosen municipality, open now or not."""
    municipality = _municipality_chosen(request, data)
    ticked = [t for t in data.getlist("topics") if t.isdigit()][:3]
    if municipality is None or not ticked:
        return []
    topics = organisation_selectors.topic_list(actor=request.actor, municipality=municipality).filter(pk__in=ticked)
    return [
        (
            topic,
            directory_selectors.referral_for(
                actor=request.actor, municipality=municipality, topic=topic, language=data.get("language", "")
            ),
        )
        for topic in topics.order_by("key")
    ]


def _found(request, data) -> list:
    query = (data.get("forward_q") or "").strip()[:200]
    if not query:
        return []
    found, _forgiven = directory_selectors.directory_search(
        actor=request.actor, query=query, municipality=_municipality_chosen(request, data), limit=8
    )
    return found


def _incidents(request, data, municipality=None) -> dict:
    """The incidents going on for the caller's municipality or the ticked topics, the most severe first, each
    with its latest note for agents; when neither is chosen yet, how many are going on at all."""
    municipality = municipality or _municipality_chosen(request, data)
    ticked = [t for t in data.getlist("topics") if t.isdigit()][:TICKED_TOPICS_MATCHED]
    topics = list(organisation_selectors.topic_list(actor=request.actor).filter(pk__in=ticked)) if ticked else []
    if municipality is None and not topics:
        return {"incidents": [], "incidents_going_on": len(knowledge_selectors.active_incidents(actor=request.actor))}
    incidents = knowledge_selectors.active_incidents(actor=request.actor, municipality=municipality, topics=topics)
    return {
        "incidents": [
            (incident, next((update for update in incident.updates.all() if update.agent_note), None))
            for incident in incidents
        ]
    }


def _page(request, form, data, status: int):
    """The form again with everything typed, and what was beside it: earlier contacts, who handles the
    topics, the directory entries found."""
    return render(
        request,
        PAGE,
        {
            "form": form,
            "previous": _previous(request, data),
            "referrals": _referrals(request, data),
            "found": _found(request, data),
            "forward_to": data.get("forward_to", ""),
            "forward_q": data.get("forward_q", ""),
            "desk_panels": DESK_PANELS,
            "call_contact": _open_contact(request, data.get("contact", "")),
            **_incidents(request, data),
        },
        status=status,
    )


def _directory_forward(request, data) -> dict:
    """What the directory entry the agent chose means for the record: the team (and person) a case goes
    to, the text of a referral. Kept as chosen in the form when they are given there."""
    forward_team, forward_person, referred_to = data["forward_team"], data["forward_person"], data["referred_to"]
    target = None
    if data["forward_to"]:
        target = directory_selectors.forward_target(actor=request.actor, key=data["forward_to"])
        if data["outcome"] in (Outcome.FORWARDED, Outcome.CASE_CREATED) and not (forward_team or forward_person):
            if target.team is None and target.person is None:
                raise Invalid(
                    _("%(name)s takes no cases here: refer the caller to it instead (Referred).")
                    % {"name": target.label},
                    field="forward_to",
                )
            forward_team, forward_person = target.team, target.person
        if data["outcome"] == Outcome.REFERRED and not referred_to:
            referred_to = target.label[:200]
    if data["send_directory_link"] and target is None:
        raise Invalid(_("Choose the directory entry to send."), field="forward_to")
    if data["send_directory_link"] and not data["caller_email"]:
        raise Invalid(_("Give the caller's e-mail address to send them the entry."), field="caller_email")
    return {
        "forward_team": forward_team,
        "forward_person": forward_person,
        "referred_to": referred_to,
        "target": target,
    }


# Panels beside the log that higher packages add (the agent's phone: state, ringing and current call).
DESK_PANELS: list[str] = []


def register_desk_panel(url_name: str) -> None:
    """Called from a higher package's ``AppConfig.ready``: the panel's URL answers an HTMX fragment."""
    if url_name not in DESK_PANELS:
        DESK_PANELS.append(url_name)


def _open_contact(request, contact_id) -> Contact | None:
    """The open contact of an answered call, when the page is about one (``?contact=<id>``)."""
    if not str(contact_id or "").isdigit():
        return None
    contact = contact_selectors.contact_get(actor=request.actor, contact_id=int(contact_id))
    return contact if contact.outcome == Outcome.OPEN else None


def _call_page(request, contact):
    """The form filled in from the contact the answered call opened: municipality, language, the topic the
    menu choice suggests, the caller's number and their earlier contacts."""
    form = _form(request)
    form.initial.update(
        {
            "contact": contact.pk,
            "municipality": contact.municipality_id,
            "channel": contact.channel,
            "language": contact.language,
            "topics": [topic.pk for topic in contact.topics.all()],
            "caller_phone": contact.caller_phone,
        }
    )
    previous = []
    if contact.caller_phone:
        previous = [
            c
            for c in contact_selectors.previous_contacts(actor=request.actor, phone=contact.caller_phone)
            if c.pk != contact.pk
        ]
    context = {"form": form, "previous": previous, "call_contact": contact, "desk_panels": DESK_PANELS}
    return render(request, PAGE, {**context, **_incidents(request, request.GET, contact.municipality)})


def _fresh_page(request):
    """An empty form for the next contact (for ``?municipality=<id>``: a call for that municipality), with the
    incidents going on for its municipality above it."""
    contact = _open_contact(request, request.GET.get("contact", ""))
    if contact is not None:
        return _call_page(request, contact)
    form = _form(request)
    chosen = _municipality_chosen(request, request.GET)
    if chosen is not None:
        form.initial.update({"municipality": chosen.pk, "language": chosen.language})
    elif form.initial.get("municipality"):
        chosen = form.fields["municipality"].queryset.get(pk=form.initial["municipality"])
    context = {"form": form, "previous": [], "desk_panels": DESK_PANELS}
    return render(request, PAGE, {**context, **_incidents(request, request.GET, chosen)})


@login_required
def contact_log(request):
    """GET shows an empty form (for ``?municipality=<id>`` when given: a call for that municipality) with the
    incidents going on above it; the incidents alone when HTMX asks as the municipality or topics change.
    POST logs the contact (and forwards it) and gives a fresh form for the next."""
    if request.method != "POST" and request.htmx and request.htmx.target == BANNER_TARGET:
        return render(request, BANNER, _incidents(request, request.GET))
    if request.method != "POST":
        return _fresh_page(request)
    form = _form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            open_contact = _open_contact(request, data["contact"])
            if data["contact"] and open_contact is None:
                raise Invalid(_("This call is logged already."), field=None)
            forward = _directory_forward(request, data)
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
                referred_to=forward["referred_to"],
                forward_team=forward["forward_team"],
                forward_person=forward["forward_person"],
                callback=data["callback"],
                open_contact=open_contact,
            )
            if data["send_directory_link"]:
                directory_services.entry_link_send(
                    actor=request.actor, entry=forward["target"].entry, email=data["caller_email"]
                )
            if case is not None:
                messages.success(
                    request,
                    _("Logged and forwarded as %(number)s to %(to)s.")
                    % {"number": case.number, "to": case.assignee or case.team or case.municipality},
                )
            else:
                messages.success(request, _("Logged."))
            if data["send_directory_link"]:
                messages.success(
                    request, _("The directory entry went to %(address)s.") % {"address": data["caller_email"]}
                )
            return redirect("cases:contact_log")
        except DomainError as error:
            field = {"phone": "caller_phone", "email": "caller_email", "national_id": "caller_national_id"}.get(
                error.field, error.field
            )
            form.add_error(field if field in form.fields else None, error.message)
    return _page(request, form, request.POST, status=422)


@login_required
def forward_suggestions(request):
    """Who handles the ticked topics, swapped in as topics are ticked."""
    return render(
        request,
        PAGE + "#forward-suggestions",
        {"referrals": _referrals(request, request.GET), "forward_to": request.GET.get("forward_to", "")},
    )


@login_required
def forward_search(request):
    """Directory entries as the agent types, to forward or refer to."""
    return render(
        request,
        PAGE + "#forward-found",
        {
            "found": _found(request, request.GET),
            "forward_to": request.GET.get("forward_to", ""),
            "forward_q": request.GET.get("forward_q", ""),
        },
    )


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
