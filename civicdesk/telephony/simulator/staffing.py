"""What the simulated phone system reads from civicdesk about a centre: its numbers, which agents it may play
(those nobody has signed in as) and whether a call routed to a person was answered in the browser."""

from django.utils import timezone

from civicdesk.organisations import access
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import ServiceCenter
from civicdesk.routing import selectors as routing_selectors
from civicdesk.routing.models import Agent
from civicdesk.telephony.models import Call, CallStatus, PhoneNumber
from civicdesk.telephony.simulator.live import Staffing


def _bots(center: ServiceCenter):
    return routing_selectors.agent_list(actor=SYSTEM, center=center).filter(user__last_login__isnull=True)


def bots_on_duty(center: ServiceCenter) -> dict[str, int]:
    on_duty = _bots(center).filter(routing_selectors.on_phone_duty_q(timezone.now()))
    return dict(on_duty.values_list("code", "wrap_up_s"))


def bots_off_duty(center: ServiceCenter) -> set[str]:
    on_duty = routing_selectors.on_phone_duty_q(timezone.now())
    return set(_bots(center).exclude(on_duty).values_list("code", flat=True))


def answered_by_human(center: ServiceCenter, call_id: str) -> bool:
    calls = access.visible(SYSTEM, Call.objects.filter(center=center, call_id=call_id))
    return calls.filter(status__in=[CallStatus.TALKING, CallStatus.ENDED], answered_at__isnull=False).exists()


def staffing_of(center: ServiceCenter) -> Staffing:
    return Staffing(
        bots_on_duty=lambda: bots_on_duty(center),
        bots_off_duty=lambda: bots_off_duty(center),
        answered_by_human=lambda call_id: answered_by_human(center, call_id),
    )


def numbers_of(center: ServiceCenter) -> dict[str, float]:
    """The public numbers of the municipalities the centre serves, weighted equally."""
    members = access.current_member_ids([center.pk])
    numbers = PhoneNumber.objects.filter(municipality_id__in=members, is_active=True).values_list("number", flat=True)
    return dict.fromkeys(numbers, 1.0)


def agents_of(center: ServiceCenter) -> list[Agent]:
    return list(routing_selectors.agent_list(actor=SYSTEM, center=center))
