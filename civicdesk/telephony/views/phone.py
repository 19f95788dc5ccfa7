"""The agent's phone beside the contact log: their state (changed here), the call ringing for them and the
call they are on, with a link to log it. With the simulated phone system (the demo) the agent also answers
and hangs up here, which the simulated phone system reports through the same events as a real one."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.errors import DomainError
from civicdesk.organisations.access import SYSTEM
from civicdesk.routing import services as routing_services
from civicdesk.routing.models import AgentState
from civicdesk.telephony import services
from civicdesk.telephony.selectors import phone as phone_selectors
from civicdesk.telephony.services.events import CallEventIn

PAGE = "telephony/phone.html"
SCREEN_STATES = (AgentState.AVAILABLE, AgentState.OTHER_WORK, AgentState.BREAK, AgentState.OFFLINE)


def _render(request, panel, status=200):
    """The whole page; for HTMX the panel (into the contact log), or its inside when the panel asks."""
    page = PAGE
    if request.htmx:
        page = PAGE + ("#phone-inner" if request.htmx.target == "phone" else "#phone-panel")
    context = {
        "panel": panel,
        "screen_states": [(state.value, state.label) for state in SCREEN_STATES],
        "simulated": settings.PHONE_SIMULATOR,
    }
    return render(request, page, context, status=status)


@login_required
def my_phone(request):
    """The panel (HTMX asks every few seconds with the version it shows: 204 when nothing changed)."""
    panel = phone_selectors.phone_panel(actor=request.actor)
    if request.htmx and request.GET.get("v") == panel.version:
        return HttpResponse(status=204)
    return _render(request, panel)


def _back(request):
    if request.htmx:
        return _render(request, phone_selectors.phone_panel(actor=request.actor))
    return redirect(request.POST.get("next") or "telephony:my_phone")


@login_required
@require_POST
def agent_state_set(request):
    panel = phone_selectors.phone_panel(actor=request.actor)
    if panel.agent is None:
        raise Http404
    state = request.POST.get("state", "")
    if state not in SCREEN_STATES:
        messages.error(request, _("Choose a state."))
        return _back(request)
    try:
        routing_services.agent_state_set(actor=request.actor, agent=panel.agent, state=state, reason="screen")
    except DomainError as error:
        messages.error(request, error.message)
    return _back(request)


def _simulated_event(panel, kind: str, call) -> None:
    """What the simulated phone system reports when the agent answers or hangs up in the browser."""
    now = timezone.now()
    services.call_events_record(
        actor=SYSTEM,
        center=panel.agent.center,
        events=[
            CallEventIn(
                event_id=f"softphone:{call.call_id}:{kind}",
                type=kind,
                call_id=call.call_id,
                at=now,
                queue=call.queue.key if call.queue else "",
                agent=panel.agent.code,
            )
        ],
    )


@login_required
@require_POST
def call_answer(request):
    panel = phone_selectors.phone_panel(actor=request.actor)
    if not settings.PHONE_SIMULATOR or panel.agent is None:
        raise Http404
    if panel.ringing is None:
        messages.error(request, _("The call is gone: the caller hung up or it went to a colleague."))
        return _back(request)
    _simulated_event(panel, "call.answered", panel.ringing)
    answered = phone_selectors.phone_panel(actor=request.actor).current
    target = reverse("cases:contact_log")
    if answered is not None and answered.contact_id:
        target += f"?contact={answered.contact_id}"
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@login_required
@require_POST
def call_hang_up(request):
    panel = phone_selectors.phone_panel(actor=request.actor)
    if not settings.PHONE_SIMULATOR or panel.agent is None:
        raise Http404
    if panel.current is not None:
        _simulated_event(panel, "call.ended", panel.current)
    return _back(request)
