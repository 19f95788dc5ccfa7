"""The agent's own phone, as their screen shows it: their state, whether they are on phone duty, the call
ringing for them (the router reserved them for it) and the call they are on."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from civicdesk.organisations import access
from civicdesk.organisations.access import Actor
from civicdesk.routing import selectors as routing_selectors
from civicdesk.routing.models import Agent, AgentState
from civicdesk.telephony.models import Call, CallStatus

__all__ = ["PhonePanel", "phone_panel"]


@dataclass(frozen=True)
class PhonePanel:
    agent: Agent | None
    state: str = AgentState.OFFLINE
    on_duty: bool = False
    pulled_in_until: dt.datetime | None = None
    wrap_up_left_s: int = 0
    ringing: Call | None = None
    current: Call | None = None

    @property
    def version(self) -> str:
        """Changes whenever what the panel shows changes (the screen asks again only then)."""
        if self.agent is None:
            return "none"
        parts = (
            self.state,
            self.on_duty,
            self.pulled_in_until,
            self.wrap_up_left_s > 0,
            self.ringing.pk if self.ringing else None,
            self.current.pk if self.current else None,
        )
        return str(abs(hash(parts)))


def phone_panel(*, actor: Actor, at: dt.datetime | None = None) -> PhonePanel:
    """The signed-in agent's phone; an empty panel for staff who take no calls."""
    now = at or timezone.now()
    agent = (
        access.visible(actor, Agent.objects.filter(user_id=getattr(actor, "pk", None)))
        .select_related("center", "user")
        .first()
    )
    if agent is None:
        return PhonePanel(agent=None)
    calls = access.visible(actor, Call.objects.filter(center_id=agent.center_id)).select_related(
        "municipality", "queue", "contact"
    )
    ringing = None
    if agent.reserved_for and agent.reserved_until and agent.reserved_until > now:
        ringing = calls.filter(call_id=agent.reserved_for, status=CallStatus.WAITING).first()
    current = calls.filter(agent=agent, status=CallStatus.TALKING).order_by("-answered_at").first()
    state = agent.state
    wrap_up_left = 0
    if state == AgentState.WRAP_UP and agent.wrap_up_until:
        wrap_up_left = max(0, int((agent.wrap_up_until - now).total_seconds()))
    return PhonePanel(
        agent=agent,
        state=state,
        on_duty=routing_selectors.is_on_phone_duty(agent, now),
        pulled_in_until=agent.pulled_in_until if agent.pulled_in_until and agent.pulled_in_until > now else None,
        wrap_up_left_s=wrap_up_left,
        ringing=ringing,
        current=current,
    )
