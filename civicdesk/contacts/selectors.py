"""Reads of the contact log, narrowed by the access layer; full personal details are audited reads."""

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from civicdesk.contacts import identity
from civicdesk.contacts.models import Contact, Person
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality, Topic


def contact_list(
    *,
    actor: Actor,
    municipality: Municipality | None = None,
    channel: str = "",
    outcome: str = "",
    topic: Topic | None = None,
    handled_by_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    search: str = "",
) -> QuerySet[Contact]:
    """Contacts the actor may see, newest first."""
    contacts = access.visible(actor, Contact.objects.all())
    if municipality is not None:
        contacts = contacts.filter(municipality=municipality)
    if channel:
        contacts = contacts.filter(channel=channel)
    if outcome:
        contacts = contacts.filter(outcome=outcome)
    if topic is not None:
        contacts = contacts.filter(topics=topic)
    if handled_by_id:
        contacts = contacts.filter(handled_by_id=handled_by_id)
    if since:
        contacts = contacts.filter(started_at__gte=since)
    if until:
        contacts = contacts.filter(started_at__lt=until)
    if search:
        contacts = contacts.filter(Q(summary__icontains=search) | Q(person__name__icontains=search))
    return (
        contacts.select_related("municipality", "handled_by", "person", "forwarded_to_team")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.only("id", "key", "name_en", "name_da", "name_sv", "name_nb"))
        )
        .order_by("-started_at", "-id")
    )


def contact_get(*, actor: Actor, contact_id: int) -> Contact:
    return access.get_visible(
        actor,
        Contact.objects.select_related("municipality", "person", "handled_by", "forwarded_to_team"),
        pk=contact_id,
    )


def previous_contacts(
    *,
    actor: Actor,
    municipality_ids: list[int] | None = None,
    phone: str = "",
    person: Person | None = None,
    limit: int = 10,
) -> list[Contact]:
    """The caller's earlier contacts (same phone number or same person), newest first, for the agent to see
    while talking."""
    if not phone and person is None:
        return []
    match = Q()
    if phone:
        match |= Q(caller_phone=phone)
    if person is not None:
        match |= Q(person=person)
    contacts = access.visible(actor, Contact.objects.filter(match))
    if municipality_ids is not None:
        contacts = contacts.filter(municipality_id__in=municipality_ids)
    return list(
        contacts.select_related("municipality", "forwarded_to_team")
        .prefetch_related("topics")
        .order_by("-started_at")[:limit]
    )


def person_get(*, actor: Actor, person_id: int) -> Person:
    """One person with full details: an audited read of personal data."""
    person = access.get_visible(actor, Person.objects.all(), pk=person_id)
    audit.record_read(actor=actor, obj=person, fields=["name", "phone", "email", "national_id"])
    return person


def masked(person: Person | None) -> dict:
    """What a list may show of a person."""
    if person is None:
        return {}
    return {
        "name": person.name,
        "phone": identity.phone_display(person.phone),
        "national_id": identity.national_id_masked(person.national_id),
    }
