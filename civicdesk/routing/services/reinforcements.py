"""Reinforcements: a supervisor pulls an agent off their other work to the phones for a while, and lets
them go again. (The router also widens to the reinforcement pool by itself when a queue passes its
thresholds: see ``route``.)"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid
from civicdesk.organisations import access, audit
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import Action, Actor
from civicdesk.routing import selectors
from civicdesk.routing.models import Agent
from civicdesk.routing.signals import agent_state_changed

__all__ = ["reinforcement_pull_in", "reinforcement_release"]


@transaction.atomic
def reinforcement_pull_in(*, actor: Actor, agent: Agent, until: datetime) -> Agent:
    """A supervisor puts the agent on the phones until ``until`` (later than now), whatever their rota says;
    the agent is told."""
    access.require(actor, Action.CHANGE, agent)
    if until <= timezone.now():
        raise Invalid(_("Choose a time later than now."), field="until")
    agent.pulled_in_until = until
    agent.save(update_fields=["pulled_in_until", "updated_at"])
    audit.record(actor=actor, action="agent.pull_in", obj=agent, details={"until": until.isoformat()})
    local = until.astimezone(selectors.center_time_zone(agent.center))
    organisation_services.notify(
        user=agent.user, text=_("You are pulled in to the phones until %(time)s.") % {"time": time_format(local)}
    )
    transaction.on_commit(lambda: agent_state_changed.send(sender=Agent, agent=agent))
    return agent


@transaction.atomic
def reinforcement_release(*, actor: Actor, agent: Agent) -> Agent:
    """A supervisor lets a pulled-in agent go back to their other work; from then the rota decides again."""
    access.require(actor, Action.CHANGE, agent)
    if agent.pulled_in_until is None:
        return agent
    agent.pulled_in_until = None
    agent.save(update_fields=["pulled_in_until", "updated_at"])
    audit.record(actor=actor, action="agent.release", obj=agent)
    transaction.on_commit(lambda: agent_state_changed.send(sender=Agent, agent=agent))
    return agent
