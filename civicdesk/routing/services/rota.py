"""The duty rota: who is on the phones, on chat, at the desk or at other work, when."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import ServiceCenter
from civicdesk.routing import selectors
from civicdesk.routing.models import Agent, Duty, DutyShift

__all__ = ["MAX_SHIFT", "rota_copy_week", "shift_add", "shift_remove"]

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


@transaction.atomic
def shift_remove(*, actor: Actor, shift: DutyShift) -> None:
    """A supervisor takes a shift off the rota."""
    access.require(actor, Action.CHANGE, shift)
    audit.record(actor=actor, action="shift.remove", obj=shift)
    shift.delete()


def _moved(moment: datetime, days: int, zone) -> datetime:
    """The same wall-clock time ``days`` later in the centre's time zone (a shift at 08:00 stays at 08:00 across a
    change to or from summer time)."""
    local = moment.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=zone)


@transaction.atomic
def rota_copy_week(
    *,
    actor: Actor,
    center: ServiceCenter,
    from_week: date | None = None,
    to_week: date | None = None,
    week_start: date | None = None,
) -> list[DutyShift]:
    """Copy every shift of the week starting on Monday ``from_week`` (``week_start`` is the same) to the week
    starting on Monday ``to_week`` (default: the week after), at the same local times. Shifts the target week
    has already (same agent, duty and times) stay as they are and are not copied twice."""
    access.require_add_center_kind(actor, DutyShift, center)
    from_week = from_week or week_start
    if from_week is None:
        raise Invalid(_("Choose the week to copy."), field="from_week")
    to_week = to_week or from_week + timedelta(days=7)
    if to_week.weekday() != 0:
        raise Invalid(_("Choose a Monday."), field="to_week")
    if to_week == from_week:
        raise Invalid(_("Choose another week to copy to."), field="to_week")
    zone = selectors.center_time_zone(center)
    start, end = selectors.week_bounds(from_week, zone)
    target_start, target_end = selectors.week_bounds(to_week, zone)
    days = (to_week - from_week).days
    there = set(
        DutyShift.objects.filter(center=center, starts_at__gte=target_start, starts_at__lt=target_end).values_list(
            "agent_id", "duty", "starts_at", "ends_at"
        )
    )
    copies = []
    for shift in DutyShift.objects.filter(center=center, starts_at__gte=start, starts_at__lt=end).order_by("starts_at"):
        starts_at, ends_at = _moved(shift.starts_at, days, zone), _moved(shift.ends_at, days, zone)
        if (shift.agent_id, shift.duty, starts_at, ends_at) in there:
            continue
        copies.append(
            DutyShift(
                center=center,
                agent_id=shift.agent_id,
                duty=shift.duty,
                starts_at=starts_at,
                ends_at=ends_at,
                note=shift.note,
            )
        )
    DutyShift.objects.bulk_create(copies)
    audit.record(
        actor=actor,
        action="rota.copy_week",
        obj=center,
        details={"from_week": from_week.isoformat(), "to_week": to_week.isoformat(), "copied": len(copies)},
    )
    return copies
