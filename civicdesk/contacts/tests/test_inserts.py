"""One-row inserts with SQL built once, and a row with the rows that point at it, all or none."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from civicdesk.contacts.models import Contact
from civicdesk.lib.insert import insert, insert_many, insert_together
from civicdesk.organisations import audit
from civicdesk.organisations.models import AuditEvent, Topic


def _contact(municipality):
    now = timezone.now()
    return Contact(
        municipality=municipality, channel="phone", summary="Asked about waste", started_at=now, ended_at=now
    )


def test_insert_stores_the_row_as_save_would(gulen):
    contact = insert(_contact(gulen))
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.summary, stored.municipality_id, stored.outcome) == ("Asked about waste", gulen.pk, "open")
    assert stored.created_at is not None and stored.updated_at is not None  # auto_now(_add) filled in


def test_insert_many_stores_the_rows_in_one_go_and_sets_each_key(gulen):
    contacts = [_contact(gulen) for _ in range(3)]
    for number, contact in enumerate(contacts):
        contact.summary = f"Asked {number}"
    insert_many(contacts)
    stored = Contact.objects.in_bulk([contact.pk for contact in contacts])
    assert [stored[contact.pk].summary for contact in contacts] == ["Asked 0", "Asked 1", "Asked 2"]


def test_insert_together_links_the_rows_to_the_new_one(gulen, system):
    topics = list(Topic.objects.filter(municipality=None).order_by("pk")[:2])
    contact = _contact(gulen)
    event = audit.event(actor=system, action="contact.log", obj=contact)
    links = [(Contact.topics.through(topic_id=topic.pk), "contact") for topic in topics]
    insert_together(contact, [*links, (event, "object_id")])
    assert list(Contact.objects.get(pk=contact.pk).topics.order_by("pk")) == topics
    stored_event = AuditEvent.objects.get(pk=event.pk)
    assert (stored_event.object_type, stored_event.object_id) == ("contacts.contact", str(contact.pk))


def test_insert_together_stores_nothing_when_a_linked_row_fails(gulen):
    topic = Topic.objects.filter(municipality=None).first()
    before = Contact.objects.count()
    twice = [(Contact.topics.through(topic_id=topic.pk), "contact") for _ in range(2)]  # the same link twice
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(_contact(gulen), twice)
    assert Contact.objects.count() == before
