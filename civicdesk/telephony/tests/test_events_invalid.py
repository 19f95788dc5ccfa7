"""Bad input: every event is checked before any is kept, and the first wrong one is named as
<index>.<field>; the others in the batch are not half-applied."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import services as organisation_services
from civicdesk.routing.models import Agent
from civicdesk.telephony import services
from civicdesk.telephony.models import Call, CallEvent
from civicdesk.telephony.services import CallEventIn

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
GOOD = CallEventIn("c1:offered", "call.offered", "c1", T0, queue="building")


def refused(phone_world, system, bad) -> str:
    with pytest.raises(Invalid) as error:
        services.call_events_record(actor=system, center=phone_world.center, events=[GOOD, bad])
    return error.value.field


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (CallEventIn("", "call.offered", "c2", T0, queue="building"), "1.id"),
        (CallEventIn("x", "call.rang", "c2", T0), "1.type"),
        (CallEventIn("x", "call.answered", "", T0, agent="1001"), "1.call_id"),
        (CallEventIn("x", "call.offered", "c2", T0.replace(tzinfo=None), queue="building"), "1.at"),
        (CallEventIn("x", "call.offered", "c2", T0, queue="parking"), "1.queue"),
        (CallEventIn("x", "call.offered", "c2", T0), "1.queue"),
        (CallEventIn("x", "call.answered", "c2", T0, agent="1099"), "1.agent"),
        (CallEventIn("x", "call.ended", "c2", T0, dialed_number="+4711111111"), "1.dialed_number"),
        (CallEventIn("x", "call.offered", "c2", T0, queue="building", language="xx"), "1.language"),
        (CallEventIn("x", "call.exited", "c2", T0, data={"reason": "bored"}), "1.data.reason"),
        (CallEventIn("x", "call.hold", "c2", T0, data={"hold_s": -3}), "1.data.hold_s"),
        (CallEventIn("x", "call.ended", "c2", T0, data={"wrap_s": "long"}), "1.data.wrap_s"),
        (CallEventIn("x", "call.transferred", "c2", T0, target="nowhere"), "1.target"),
        (CallEventIn("x", "agent.state", "", T0, agent="1001", data={}), "1.data.state"),
        (CallEventIn("x" * 121, "call.offered", "c2", T0, queue="building"), "1.id"),
        (CallEventIn("x", "call.offered", "c2", T0, queue="building", caller_number="1" * 33), "1.caller_number"),
    ],
)
def test_a_bad_event_is_named_and_nothing_of_the_batch_is_kept(phone_world, system, bad, field):
    assert refused(phone_world, system, bad) == field
    assert not CallEvent.objects.exists() and not Call.objects.exists()


def test_a_refused_batch_leaves_the_agents_as_they_were(phone_world, system):
    at = timezone.now() + timedelta(seconds=5)
    answered = CallEventIn("c1:answered", "call.answered", "c1", at, agent="1001")
    with pytest.raises(Invalid):
        services.call_events_record(
            actor=system,
            center=phone_world.center,
            events=[GOOD, answered, CallEventIn("x", "call.answered", "c1", at, agent="1099")],
        )
    assert Agent.objects.get(code="1001").state == "offline"


def test_a_token_of_another_centre_cannot_send_this_centres_events(phone_world, system):
    from civicdesk.organisations.models import ServiceCenter

    other = ServiceCenter.objects.exclude(pk=phone_world.center.pk).filter(is_internal=False).first()
    token, _ = organisation_services.api_token_create(
        actor=system, name="other phones", permissions=["read", "telephony:write"], center=other
    )
    with pytest.raises(NotFound):
        services.call_events_record(actor=token, center=phone_world.center, events=[GOOD])


def test_an_agent_may_not_send_phone_events(phone_world, agent):
    from civicdesk.lib.errors import Forbidden

    with pytest.raises(Forbidden):
        services.call_events_record(actor=agent, center=phone_world.center, events=[GOOD])
