"""A municipality's phone numbers and IVR menus as pages: the numbers (added, changed, removed), the menu
editor (the tree of steps, a step added under a step, changed or removed) and the announcements editor (what
callers hear at a step, per language, open and closed). The municipality's admins keep them; the staff of the
centre serving it read them."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.errors import Conflict, Invalid, NotFound
from civicdesk.organisations import access
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import Action
from civicdesk.organisations.views.choosing import municipality_chosen
from civicdesk.routing import selectors as routing_selectors
from civicdesk.telephony import selectors, services
from civicdesk.telephony.forms import (
    AnnouncementsForm,
    MenuCreateForm,
    MenuStepForm,
    PhoneNumberForm,
    language_label,
)
from civicdesk.telephony.models import IVRNode, PhoneNumber


def _form_errors(form, error: Invalid, rename: dict | None = None) -> None:
    """A service's complaint beside the field it names (the form's name for it), else above the form."""
    rename = rename or {}
    for field, texts in (error.detail or {error.field: [error.message]}).items():
        field = rename.get(field, field)
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _municipalities(request):
    """The municipalities whose numbers and menus the reader keeps (their admins) or reads (the staff of a
    centre serving them), by name. Others, caseworkers among them, have none here."""
    reach = access.reach(request.actor)
    municipalities = organisation_selectors.municipality_list(actor=request.actor)
    if not reach.everything:
        municipalities = municipalities.filter(pk__in={*reach.admin_of, *access.current_member_ids(reach.center_ids)})
    return municipalities.order_by("name")


def _municipality(request):
    """The municipality the page is about (``?m=slug``); 404 for one the reader has nothing to do with."""
    municipality = municipality_chosen(request, _municipalities(request))
    if municipality is None:
        raise Http404
    return municipality


def _require_here(request, municipality_id: int) -> None:
    if not _municipalities(request).filter(pk=municipality_id).exists():
        raise NotFound(_("Not found."))


def _can_change(request, municipality) -> bool:
    return access.can(request.actor, Action.CHANGE, PhoneNumber(municipality=municipality))


def _queues(request, municipality) -> list:
    """The phone queues that serve the municipality: its own and those its centres share."""
    serving = access.centers_serving_ids({municipality.pk})
    return [
        queue
        for center in organisation_selectors.center_list(actor=request.actor).filter(pk__in=serving).order_by("name")
        for queue in routing_selectors.queue_list(actor=request.actor, center=center, channel="phone")
        if queue.municipality_id in (None, municipality.pk)
    ]


def _queue(request, municipality, key: str):
    """The queue chosen by its key, as the API finds it; an error beside the field when it does not serve."""
    if not key:
        return None
    try:
        return selectors.queue_serving(actor=request.actor, municipality=municipality, key=key)
    except NotFound as error:
        raise Invalid(error.message, field="queue") from None


def _list_url(municipality) -> str:
    return reverse("telephony:number_list") + f"?m={municipality.slug}"


# --- Numbers ------------------------------------------------------------------------------------------------------


@login_required
def number_list(request):
    """The municipality's numbers, where each leads, and its menus."""
    municipalities = _municipalities(request)
    municipality = _municipality(request)
    context = {
        "municipalities": municipalities,
        "municipality": municipality,
        "numbers": selectors.phone_number_list(actor=request.actor, municipality=municipality),
        "menus": selectors.menu_list(actor=request.actor, municipality=municipality),
        "can_change": _can_change(request, municipality),
    }
    return render(request, "telephony/number_list.html", context)


def _number_form(request, municipality, data=None, initial=None) -> PhoneNumberForm:
    return PhoneNumberForm(
        data,
        initial=initial,
        menus=selectors.menu_list(actor=request.actor, municipality=municipality),
        queues=_queues(request, municipality),
    )


@login_required
def number_add(request):
    municipality = _municipality(request)
    access.require_add(request.actor, PhoneNumber, municipality)
    form = _number_form(request, municipality, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            number = services.phone_number_add(
                actor=request.actor,
                municipality=municipality,
                number=data["number"],
                label=data["label"],
                menu=data["menu"],
                queue=_queue(request, municipality, data["queue"]),
            )
            messages.success(request, _("The number %(n)s is added.") % {"n": number.number})
            return redirect(_list_url(municipality))
        except Invalid as error:
            _form_errors(form, error)
    context = {"form": form, "municipality": municipality, "number": None}
    return render(request, "telephony/number_form.html", context, status=422 if form.errors else 200)


def _number_to_change(request, pk: int) -> PhoneNumber:
    number = selectors.phone_number_get(actor=request.actor, number_id=pk)
    _require_here(request, number.municipality_id)
    access.require(request.actor, Action.CHANGE, number)
    return number


@login_required
def number_edit(request, pk: int):
    number = _number_to_change(request, pk)
    municipality = number.municipality
    initial = {"number": number.number, "label": number.label, "menu": number.menu_id, "is_active": number.is_active}
    initial["queue"] = number.queue.key if number.queue_id else ""
    form = _number_form(request, municipality, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        try:
            changes["queue"] = _queue(request, municipality, changes["queue"])
            services.phone_number_update(actor=request.actor, phone_number=number, **changes)
            messages.success(request, _("The number %(n)s is changed.") % {"n": number.number})
            return redirect(_list_url(municipality))
        except Invalid as error:
            _form_errors(form, error)
    context = {"form": form, "municipality": municipality, "number": number}
    return render(request, "telephony/number_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def number_remove(request, pk: int):
    number = _number_to_change(request, pk)
    services.phone_number_remove(actor=request.actor, phone_number=number)
    messages.success(request, _("The number %(n)s is removed.") % {"n": number.number})
    return redirect(_list_url(number.municipality))


# --- Menus --------------------------------------------------------------------------------------------------------


@login_required
def menu_create(request):
    municipality = _municipality(request)
    access.require_add(request.actor, PhoneNumber, municipality)
    form = MenuCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            menu = services.menu_create(
                actor=request.actor,
                municipality=municipality,
                label=form.cleaned_data["label"],
                announcements={},
                follows_opening_hours=form.cleaned_data["follows_opening_hours"],
            )
            messages.success(request, _("The menu is created. Write what callers hear, then add its keys."))
            return redirect("telephony:menu_detail", pk=menu.pk)
        except Invalid as error:
            _form_errors(form, error)
    context = {"form": form, "municipality": municipality}
    return render(request, "telephony/menu_form.html", context, status=422 if form.errors else 200)


def _step(request, pk: int, change: bool = False):
    step = selectors.menu_step_get(actor=request.actor, step_id=pk)
    _require_here(request, step.municipality_id)
    if change:
        access.require(request.actor, Action.CHANGE, step)
    return step


def _root(step):
    """The menu (first step) a step belongs to: at most four steps up."""
    while step.parent_id is not None:
        step = step.parent
    return step


@dataclass(frozen=True)
class StepShown:
    """A step of the tree as the page shows it: what callers hear with the languages named."""

    step: IVRNode
    depth: int
    steps: tuple["StepShown", ...]
    announcements: list[tuple[str, str]]
    closed: list[tuple[str, str]]


def _shown(tree: selectors.MenuTree) -> StepShown:
    def named(texts: dict) -> list[tuple[str, str]]:
        return [(language_label(code), text) for code, text in sorted(texts.items())]

    step = tree.step
    below = tuple(_shown(child) for child in tree.steps)
    return StepShown(step, tree.depth, below, named(step.announcements), named(step.closed_announcements))


@login_required
def menu_detail(request, pk: int):
    """The menu editor: the tree of steps, each with its key, where it leads and what callers hear."""
    menu = _root(_step(request, pk))
    context = {
        "menu": menu,
        "municipality": menu.municipality,
        "tree": _shown(selectors.menu_tree(actor=request.actor, menu=menu)),
        "max_depth": services.MAX_DEPTH,
        "numbers": selectors.phone_number_list(actor=request.actor, municipality=menu.municipality).filter(menu=menu),
        "can_change": _can_change(request, menu.municipality),
    }
    page = "telephony/menu_detail.html"
    return render(request, page + "#menu-tree" if request.htmx else page, context)


@login_required
def menu_step_add(request, pk: int):
    """A step under step ``pk``, reached by a key."""
    parent = _step(request, pk, change=True)
    form = MenuStepForm(
        request.POST if request.method == "POST" else None, queues=_queues(request, parent.municipality)
    )
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            data["queue"] = _queue(request, parent.municipality, data["queue"])
            services.menu_step_add(actor=request.actor, parent=parent, **data)
            messages.success(request, _("The step %(step)s is added.") % {"step": data["label"]})
            return redirect("telephony:menu_detail", pk=_root(parent).pk)
        except Invalid as error:
            _form_errors(form, error)
    context = {"form": form, "parent": parent, "step": None, "menu": _root(parent)}
    return render(request, "telephony/menu_step_form.html", context, status=422 if form.errors else 200)


@login_required
def menu_step_edit(request, pk: int):
    step = _step(request, pk, change=True)
    initial = {
        "digit": step.digit,
        "label": step.label,
        "queue": step.queue.key if step.queue_id else "",
        "sets_language": step.sets_language,
        "follows_opening_hours": step.follows_opening_hours,
        "position": step.position,
    }
    data = request.POST if request.method == "POST" else None
    form = MenuStepForm(
        data, initial=initial, queues=_queues(request, step.municipality), is_root=step.parent_id is None
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            changes["queue"] = _queue(request, step.municipality, changes["queue"])
            services.menu_step_update(actor=request.actor, step=step, **changes)
            messages.success(request, _("The step %(step)s is changed.") % {"step": step.label})
            return redirect("telephony:menu_detail", pk=_root(step).pk)
        except Invalid as error:
            _form_errors(form, error)
    context = {"form": form, "parent": step.parent, "step": step, "menu": _root(step)}
    return render(request, "telephony/menu_step_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def menu_step_remove(request, pk: int):
    """The step and every step under it; a menu a number still starts at stays (the reason is said)."""
    step = _step(request, pk, change=True)
    menu = _root(step)
    try:
        gone = services.menu_step_remove(actor=request.actor, step=step)
        messages.success(request, _("%(step)s is removed (%(n)d steps).") % {"step": step.label, "n": gone})
    except (Conflict, Invalid) as error:
        messages.error(request, error.message)
        return redirect("telephony:menu_detail", pk=menu.pk)
    if menu.pk == step.pk:
        return redirect(_list_url(step.municipality))
    return redirect("telephony:menu_detail", pk=menu.pk)


@login_required
def menu_announcements(request, pk: int):
    """What callers hear at a step, per language: written, translated, or (emptied) taken away."""
    step = _step(request, pk, change=True)
    posted = request.method == "POST"
    adding = posted and bool(request.POST.get("add_language"))
    added = (request.POST.getlist("add") if adding else request.GET.getlist("add"))[:1]
    form = AnnouncementsForm(request.POST if posted else None, step=step, added=added)
    if posted and not adding and form.is_valid():
        try:
            _announcements_set(request, step, form)
            messages.success(request, _("What callers hear at %(step)s is saved.") % {"step": step.label})
            return redirect("telephony:menu_detail", pk=_root(step).pk)
        except Invalid:
            pass  # said beside the text it is about
    context = {"form": form, "step": step, "menu": _root(step)}
    return render(request, "telephony/menu_announcements.html", context, status=422 if form.errors else 200)


def _announcements_set(request, step, form) -> None:
    """Every changed text, all or none; an error beside the text it is about."""
    with transaction.atomic():
        for name, language, closed, text in form.changed_texts():
            try:
                services.announcement_set(actor=request.actor, step=step, language=language, text=text, closed=closed)
            except Invalid as error:
                form.add_error(name, error.message)
                raise
