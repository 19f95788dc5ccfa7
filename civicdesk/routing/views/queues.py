"""A centre's queues (the skill and languages each needs, its thresholds) and its skills, as pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicdesk.contacts.models import ContactLanguage
from civicdesk.lib.errors import Invalid
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.routing import selectors, services
from civicdesk.routing.forms import QueueForm, SkillForm
from civicdesk.routing.views.choosing import center_url, form_errors, is_keeper, kept_center, page_center

LANGUAGE_NAMES = dict(ContactLanguage.choices)


@login_required
def queue_list(request):
    """Every queue of the centre with the skill and languages it needs and its thresholds."""
    centers, center = page_center(request)
    queues = selectors.queue_list(actor=request.actor, center=center, include_inactive=True)
    rows = [(queue, [str(LANGUAGE_NAMES.get(code, code)) for code in queue.languages]) for queue in queues]
    context = {"centers": centers, "center": center, "rows": rows, "can_change": is_keeper(request, center)}
    return render(request, "routing/queue_list.html", context)


def _queue_form(request, center, data=None, initial=None) -> QueueForm:
    return QueueForm(
        data,
        initial=initial,
        skills=selectors.skill_list(actor=request.actor, center=center),
        municipalities=organisation_selectors.municipality_list(actor=request.actor, center=center).order_by("name"),
        topics=organisation_selectors.topic_list(actor=request.actor).order_by("key"),
    )


@login_required
def queue_create(request):
    center = kept_center(request)
    form = _queue_form(request, center, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active")
        try:
            queue = services.queue_create(actor=request.actor, center=center, **data)
            messages.success(request, _("The queue %(queue)s is created.") % {"queue": queue.name})
            return redirect(center_url("routing:queue_list", center))
        except Invalid as error:
            form_errors(form, error)
    context = {"form": form, "center": center, "queue": None}
    return render(request, "routing/queue_form.html", context, status=422 if form.errors else 200)


@login_required
def queue_edit(request, key: str):
    center = kept_center(request)
    queue = selectors.queue_by_key(actor=request.actor, center=center, key=key)
    initial = {name: getattr(queue, name) for name in QueueForm.base_fields if name != "topics"}
    initial["topics"] = list(queue.topics.all())
    form = _queue_form(request, center, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.queue_update(actor=request.actor, queue=queue, **form.cleaned_data)
            messages.success(request, _("The queue %(queue)s is changed.") % {"queue": queue.name})
            return redirect(center_url("routing:queue_list", center))
        except Invalid as error:
            form_errors(form, error)
    context = {"form": form, "center": center, "queue": queue}
    return render(request, "routing/queue_form.html", context, status=422 if form.errors else 200)


@login_required
def skill_list(request):
    """The centre's skills; its supervisors add one here (POST)."""
    centers, center = page_center(request)
    keeper = is_keeper(request, center)
    form = SkillForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.skill_create(actor=request.actor, center=center, **form.cleaned_data)
            messages.success(request, _("The skill %(skill)s is added.") % {"skill": skill.name})
            return redirect(center_url("routing:skill_list", center))
        except Invalid as error:
            form_errors(form, error)
    skills = selectors.skill_list(actor=request.actor, center=center)
    context = {"centers": centers, "center": center, "skills": skills, "form": form if keeper else None}
    return render(request, "routing/skill_list.html", context, status=422 if form.errors else 200)
