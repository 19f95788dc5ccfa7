"""Many phone contacts opened at once (the calls a phone system's batch answered): once per external id, with
their topics and audit events, by the rules of contact_log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.contacts import services
from civicdesk.contacts.models import Contact
from civicdesk.contacts.services import ContactOpening
from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations.models import AuditEvent, Topic


@pytest.fixture
def started():
    return timezone.now() - timedelta(minutes=2)


def opening(municipality, external_id, started, **fields):
    return ContactOpening(municipality=municipality, external_id=external_id, started_at=started, **fields)


def test_each_external_id_is_opened_once(system, agent, gulen, osteroy, nordhordland, started):
    openings = [
        opening(gulen, "call-1", started, handled_by=agent, center=nordhordland, caller_phone="91234567"),
        opening(gulen, "call-2", started, handled_by=agent, language="en"),
        opening(gulen, "call-1", started + timedelta(seconds=5)),  # sent twice: the first counts
        opening(osteroy, "call-3", started),
    ]
    ids = services.contacts_open(actor=system, openings=openings)
    assert set(ids) == {"call-1", "call-2", "call-3"}
    first = Contact.objects.get(pk=ids["call-1"])
    assert (first.channel, first.outcome, first.ended_at, first.handled_by, first.center) == (
        "phone",
        "open",
        None,
        agent,
        nordhordland,
    )
    assert (first.started_at, first.caller_phone, first.language) == (started, "+4791234567", gulen.language)
    assert Contact.objects.get(pk=ids["call-2"]).language == "en"

    again = services.contacts_open(actor=system, openings=[*openings, opening(gulen, "call-4", started)])
    assert {key: again[key] for key in ids} == ids
    assert Contact.objects.filter(external_id__in=["call-1", "call-2", "call-3", "call-4"]).count() == 4


def test_the_topics_and_an_audit_event_per_contact_named_after_who_handled_it(system, agent, gulen, started):
    topics = list(Topic.objects.filter(municipality=None).order_by("pk")[:2])
    ids = services.contacts_open(
        actor=system,
        openings=[
            opening(gulen, "call-1", started, handled_by=agent, topics=topics),
            opening(gulen, "call-2", started),
        ],
    )
    assert list(Contact.objects.get(pk=ids["call-1"]).topics.order_by("pk")) == topics
    assert not Contact.objects.get(pk=ids["call-2"]).topics.exists()
    events = AuditEvent.objects.filter(action="contact.log", object_id__in=[str(pk) for pk in ids.values()])
    assert sorted(events.values_list("object_id", "actor_user_id", "municipality_id", "details")) == sorted(
        [
            (str(ids["call-1"]), agent.pk, gulen.pk, {"outcome": "open", "channel": "phone"}),
            (str(ids["call-2"]), None, gulen.pk, {"outcome": "open", "channel": "phone"}),
        ]
    )
    services.contacts_open(actor=system, openings=[opening(gulen, "call-1", started, handled_by=agent)])
    assert events.count() == 2  # a contact already open is not logged again


def test_a_municipality_the_actor_does_not_reach_is_refused_and_nothing_is_opened(agent, gulen, orebro, started):
    with pytest.raises(NotFound):
        services.contacts_open(
            actor=agent, openings=[opening(gulen, "call-1", started), opening(orebro, "call-2", started)]
        )
    assert not Contact.objects.filter(external_id__in=["call-1", "call-2"]).exists()
    assert services.contacts_open(actor=agent, openings=[opening(gulen, "call-1", started)]).keys() == {"call-1"}


def test_field_rules_name_the_opening_and_a_number_of_no_country_is_left_out(system, gulen, started):
    with pytest.raises(Invalid) as error:
        services.contacts_open(
            actor=system, openings=[opening(gulen, "call-1", started), opening(gulen, "call-2", started, language="xx")]
        )
    assert error.value.field == "1.language"
    other = Topic.objects.exclude(municipality=None).exclude(municipality=gulen).first()
    with pytest.raises(Invalid) as error:
        services.contacts_open(actor=system, openings=[opening(gulen, "call-1", started, topics=[other])])
    assert error.value.field == "0.topics"
    ids = services.contacts_open(actor=system, openings=[opening(gulen, "call-1", started, caller_phone="12")])
    assert Contact.objects.get(pk=ids["call-1"]).caller_phone == ""
