"""Helpers of routing's tests, on top of the root conftest's ``phone_world``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.organisations.access import SYSTEM
from civicdesk.routing import services


@pytest.fixture
def t0():
    """A moment just after ``phone_world`` was built (its agents' states start at enrolment), well inside the
    phone shifts of 1001–1003."""
    return timezone.now().replace(microsecond=0) + timedelta(minutes=10)


@pytest.fixture
def make_available(phone_world):
    """``make_available("1001", at)``: the agent becomes available at ``at``."""

    def make(code, at):
        return services.agent_state_set(actor=SYSTEM, agent=phone_world.agents[code], state="available", at=at)

    return make


@pytest.fixture
def route(phone_world):
    """``route("building", at, call_id="c1", language="nb", ...)`` as the phone system's token asks."""

    def ask(queue, at, *, call_id="c1", language="nb", waiting_ahead=0, longest_wait_s=0, **kwargs):
        return services.route(
            actor=phone_world.token,
            queue=phone_world.queues[queue],
            language=language,
            call_id=call_id,
            waiting_ahead=waiting_ahead,
            longest_wait_s=longest_wait_s,
            at=at,
            **kwargs,
        )

    return ask
