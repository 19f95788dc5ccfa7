"""The incident list: raised by a supervisor for the municipalities affected, matched to the caller's
municipality or topic, public or for staff only, updated and resolved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.knowledge import selectors, services
from civicdesk.knowledge.models import Incident
from civicdesk.lib.errors import Forbidden, Invalid
from civicdesk.organisations.models import Topic


@pytest.fixture
def water():
    return Topic.objects.get(municipality=None, key="water-sewage")


@pytest.fixture
def outage(supervisor, nordhordland, gulen, osteroy, water):
    return services.incident_raise(
        actor=supervisor,
        center=nordhordland,
        municipalities=[gulen, osteroy],
        title="Vannbrudd i Eivindvik",
        public_message="Vatnet er stengt i Eivindvik til kl. 15.",
        agent_script="Seie at NGIR jobbar med saka; ingen treng melde frå.",
        severity=Incident.Severity.MAJOR,
        topics=[water],
    )


def test_a_supervisor_raises_an_incident_for_the_municipalities_of_the_centre(outage, gulen, osteroy):
    assert outage.center.slug == "nordhordland" and outage.municipality is None
    assert set(outage.municipalities.all()) == {gulen, osteroy}


def test_it_shows_for_the_callers_municipality_or_topic_and_not_elsewhere(agent, outage, gulen, water):
    samnanger = gulen.__class__.objects.get(slug="samnanger")
    assert selectors.active_incidents(actor=agent, municipality=gulen) == [outage]
    assert selectors.active_incidents(actor=agent, municipality=samnanger) == []
    assert selectors.active_incidents(actor=agent, topics=[water]) == [outage]


def test_the_most_severe_comes_first(supervisor, agent, gulen, outage):
    storm = services.incident_raise(
        actor=supervisor, municipalities=[gulen], title="Storm: ferjer innstilt", severity=Incident.Severity.CRITICAL
    )
    assert selectors.active_incidents(actor=agent, municipality=gulen) == [storm, outage]


def test_citizens_see_public_incidents_only(citizen, municipality_admin, gulen, outage):
    internal = services.incident_raise(
        actor=municipality_admin, municipalities=[gulen], title="Fagsystem nede", is_public=False
    )
    seen = selectors.active_incidents(actor=citizen, municipality=gulen)
    assert outage in seen and internal not in seen


def test_resolved_and_future_incidents_are_not_active(supervisor, agent, gulen, outage):
    services.incident_resolve(actor=supervisor, incident=outage, public_message="Vatnet er tilbake.")
    later = services.incident_raise(
        actor=supervisor,
        municipalities=[gulen],
        title="Planlagt stenging",
        starts_at=timezone.now() + timedelta(days=1),
    )
    assert selectors.active_incidents(actor=agent, municipality=gulen) == []
    assert later.pk


def test_updates_replace_the_public_message_and_keep_the_history(supervisor, outage):
    services.incident_update(
        actor=supervisor, incident=outage, public_message="Venta opning kl. 17.", agent_note="Bil på veg"
    )
    outage.refresh_from_db()
    assert outage.public_message == "Venta opning kl. 17."
    assert outage.updates.first().agent_note == "Bil på veg"


def test_agents_do_not_raise_incidents_and_the_centre_must_serve_every_municipality(
    agent, supervisor, nordhordland, gulen, orebro
):
    with pytest.raises(Forbidden):
        services.incident_raise(actor=agent, municipalities=[gulen], title="Vegen stengd")
    with pytest.raises(Invalid):
        services.incident_raise(actor=supervisor, center=nordhordland, municipalities=[gulen, orebro], title="Storm")
