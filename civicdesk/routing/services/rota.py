"""The duty rota: who is on the phones, on chat, at the desk or at other work, when."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Actor
from civicdesk.routing.models import Agent, Duty, DutyShift

__all__ = ["MAX_SHIFT", "shift_add"]

MAX_SHIFT = timedelta(hours=24)  # the router looks for duty among the shifts that started within this


@transaction.atomic
def shift_add(
    *, actor: Actor, agent: Agent, starts_at: datetime, ends_at: datetime, duty: str = Duty.PHONE, note: str = ""
) -> DutyShift:
    """One stretch of duty for an agent of the centre; it ends after it starts, at most 24 hours later."""
    access.require_add_center_kind(actor, DutyShift, agent.center)
    if ends_at <= starts_at:
        raise Invalid(_("The shift must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise Invalid(_("A shift lasts at most 24 hours."), field="ends_at")
    shift = DutyShift(center=agent.center, agent=agent, duty=duty, starts_at=starts_at, ends_at=ends_at, note=note)
    clean(shift, exclude=["center", "agent"])
    shift.save()
    audit.record(actor=actor, action="shift.add", obj=shift)
    return shift
