"""A centre's agents as pages: their state, languages, skills with levels and whether they reinforce; a staff
member of the centre enrolled as an agent; an agent's code, languages, skills and wrap-up time changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.routing import selectors, services
from civicdesk.routing.forms import AgentForm
from civicdesk.routing.views.choosing import center_url, form_errors, is_keeper, kept_center, page_center


@login_required
def agent_list(request):
    """The centre's agents, by code."""
    centers, center = page_center(request)
    context = {
        "centers": centers,
        "center": center,
        "agents": selectors.agent_list(actor=request.actor, center=center),
        "can_change": is_keeper(request, center),
    }
    return render(request, "routing/agent_list.html", context)


def _fields(form) -> dict:
    data = form.cleaned_data
    return {
        "code": data["code"],
        "languages": data["languages"],
        "skills": form.skill_levels(),
        "is_reinforcement": data["is_reinforcement"],
        "wrap_up_s": data["wrap_up_s"],
    }


@login_required
def agent_enrol(request):
    """A staff member of the centre becomes an agent the phone system knows by a code."""
    center = kept_center(request)
    users = organisation_selectors.staff_list(actor=request.actor, center=center).filter(agent__isnull=True)
    skills = selectors.skill_list(actor=request.actor, center=center)
    form = AgentForm(request.POST if request.method == "POST" else None, skills=skills, users=users)
    if request.method == "POST" and form.is_valid():
        try:
            agent = services.agent_enrol(
                actor=request.actor, center=center, user=form.cleaned_data["user"], **_fields(form)
            )
            messages.success(request, _("%(agent)s is enrolled as an agent.") % {"agent": agent})
            return redirect(center_url("routing:agent_list", center))
        except Invalid as error:
            form_errors(form, error)
    context = {"form": form, "center": center, "agent": None}
    return render(request, "routing/agent_form.html", context, status=422 if form.errors else 200)


@login_required
def agent_edit(request, code: str):
    center = kept_center(request)
    agent = selectors.agent_by_code(actor=request.actor, center=center, code=code)
    skills = selectors.skill_list(actor=request.actor, center=center)
    initial = {
        "code": agent.code,
        "languages": [row.language for row in agent.languages.all()],
        "is_reinforcement": agent.is_reinforcement,
        "wrap_up_s": agent.wrap_up_s,
        **{f"skill_{row.skill_id}": row.level for row in agent.skills.all()},
    }
    form = AgentForm(request.POST if request.method == "POST" else None, initial=initial, skills=skills)
    if request.method == "POST" and form.is_valid():
        try:
            services.agent_update(actor=request.actor, agent=agent, **_fields(form))
            messages.success(request, _("%(agent)s is changed.") % {"agent": agent})
            return redirect(center_url("routing:agent_list", center))
        except Invalid as error:
            form_errors(form, error)
    context = {"form": form, "center": center, "agent": agent}
    return render(request, "routing/agent_form.html", context, status=422 if form.errors else 200)
