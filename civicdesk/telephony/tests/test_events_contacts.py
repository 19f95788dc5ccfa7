"""Every answered call opens a contact in the contact log of the agent who answered, once, pre-filled with the
municipality, the caller's number and the queue's topics as a guess."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.contacts.models import Contact
from civicdesk.organisations.models import Topic
from civicdesk.routing import services as routing_services
from civicdesk.telephony import services
from civicdesk.telephony.models import Call
from civicdesk.telephony.services import CallEventIn


@pytest.fixture
def t0():
    return timezone.now() - timedelta(minutes=10)


@pytest.fixture
def opened(db):
    """The contacts logged during the test (the demo world has its own)."""
    last = Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lambda: Contact.objects.filter(pk__gt=last)


def record(phone_world, system, *events, **options):
    return services.call_events_record(actor=system, center=phone_world.center, events=list(events), **options)


def offered(t0, call_id="c1", queue="building", **fields):
    fields = {"dialed_number": "+4757786000", "caller_number": "+4791234567", **fields}
    return CallEventIn(f"{call_id}:offered", "call.offered", call_id, t0, queue=queue, **fields)


def answered(t0, call_id="c1", agent="1001", s=30):
    return CallEventIn(f"{call_id}:answered", "call.answered", call_id, t0 + timedelta(seconds=s), agent=agent)


def test_an_answered_call_opens_a_contact_for_the_agent_who_answered(phone_world, system, t0, opened, agent, gulen):
    record(phone_world, system, offered(t0, language="en"), answered(t0))
    contact = opened().get()
    assert (contact.channel, contact.outcome, contact.external_id, contact.handled_by) == ("phone", "open", "c1", agent)
    assert (contact.municipality, contact.center, contact.language) == (gulen, phone_world.center, "en")
    assert (contact.started_at, contact.ended_at, contact.caller_phone) == (
        t0 + timedelta(seconds=30),
        None,
        "+4791234567",
    )
    assert Call.objects.get(call_id="c1").contact == contact


def test_the_contact_is_opened_once_whatever_follows(phone_world, system, t0, opened):
    record(phone_world, system, offered(t0), answered(t0))
    record(
        phone_world, system, CallEventIn("c1:hold", "call.hold", "c1", t0 + timedelta(seconds=60), data={"hold_s": 5})
    )
    record(phone_world, system, CallEventIn("c1:ended", "call.ended", "c1", t0 + timedelta(seconds=300)))
    record(phone_world, system, offered(t0), answered(t0))  # sent again
    assert opened().filter(external_id="c1").count() == 1
    assert Call.objects.get(call_id="c1").contact_id == opened().get().pk


def test_a_call_transferred_to_another_agent_keeps_the_first_agents_contact(phone_world, system, t0, opened, agent):
    transfer = CallEventIn("c1:transferred", "call.transferred", "c1", t0 + timedelta(seconds=90), target="1002")
    record(phone_world, system, offered(t0), answered(t0), transfer)
    assert opened().get().handled_by == agent


def test_unanswered_calls_open_no_contact(phone_world, system, t0, opened):
    record(
        phone_world, system, offered(t0), CallEventIn("c1:abandoned", "call.abandoned", "c1", t0 + timedelta(seconds=9))
    )
    assert not opened().exists()


def test_the_queues_topics_are_the_contacts_first_guess(phone_world, system, t0, opened):
    topics = list(Topic.objects.filter(municipality=None, is_active=True).order_by("pk")[:2])
    queue = routing_services.queue_create(
        actor=system,
        center=phone_world.center,
        key="permits",
        name="Byggesøknader",
        skill=phone_world.skills["building"],
        topics=topics,
    )
    record(phone_world, system, offered(t0, queue=queue.key), answered(t0))
    assert list(opened().get().topics.order_by("pk")) == topics


def test_a_caller_number_the_contact_log_cannot_read_still_opens_the_contact(phone_world, system, t0, opened):
    record(phone_world, system, offered(t0, caller_number="12x45"), answered(t0))
    assert opened().get().caller_phone == ""


def test_calls_answered_long_ago_and_calls_without_a_municipality_open_none(phone_world, system, t0, opened):
    old = t0 - timedelta(days=2)
    record(phone_world, system, offered(old, "old"), answered(old, "old"))
    record(phone_world, system, offered(t0, "nowhere", dialed_number=""), answered(t0, "nowhere"))
    record(phone_world, system, offered(t0, "quiet"), answered(t0, "quiet"), open_contacts=False)
    assert not opened().exists()
    assert Call.objects.filter(contact__isnull=False).count() == 0
