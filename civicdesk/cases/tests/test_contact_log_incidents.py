"""The incidents going on, at the top of the agent's contact log: those of the caller's municipality first
thing, those about a ticked topic as it is ticked (the HTMX refresh), none of other municipalities, none
resolved."""

import pytest
from django.urls import reverse

from civicdesk.knowledge import selectors as knowledge_selectors
from civicdesk.knowledge import services as knowledge_services
from civicdesk.knowledge.models import Incident
from civicdesk.organisations.models import Municipality, Topic

LOG = reverse("cases:contact_log")
BANNER = {"HX-Request": "true", "HX-Target": "incident-banner"}


@pytest.fixture
def water():
    return Topic.objects.get(municipality=None, key="water-sewage")


@pytest.fixture
def samnanger(db):
    return Municipality.objects.get(slug="samnanger")


@pytest.fixture
def outage(supervisor, gulen):
    incident = knowledge_services.incident_raise(
        actor=supervisor,
        municipalities=[gulen],
        title="Vannbrudd i Eivindvik",
        severity=Incident.Severity.MAJOR,
        agent_script="Seie at kommunen jobbar med saka; ingen treng melde frå.",
    )
    knowledge_services.incident_update(actor=supervisor, incident=incident, agent_note="Venta ferdig kl. 17.")
    return incident


@pytest.fixture
def road(supervisor, osteroy):
    return knowledge_services.incident_raise(
        actor=supervisor, municipalities=[osteroy], title="Stengd veg på Osterøy", agent_script="Køyr om Hamre."
    )


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def test_the_incident_of_the_callers_municipality_is_the_first_thing_on_the_contact_log(
    client_for, agent, gulen, outage, road
):
    response = client_for(agent).get(LOG, {"municipality": gulen.pk})
    assert response.status_code == 200
    main = _main(response)
    assert main.index("Vannbrudd i Eivindvik") < main.index("Log a contact</h1>")
    assert "Severity: Major" in main and "Seie at kommunen jobbar med saka" in main and "Venta ferdig kl. 17." in main
    assert "Stengd veg på Osterøy" not in main
    assert f'<option value="{gulen.pk}" selected>' in main


def test_the_banner_follows_the_municipality_chosen(client_for, agent, gulen, osteroy, outage, road):
    client = client_for(agent)
    for_osteroy = client.get(LOG, {"municipality": osteroy.pk}, headers=BANNER).content.decode()
    assert "Stengd veg på Osterøy" in for_osteroy and "Vannbrudd i Eivindvik" not in for_osteroy
    assert "<html" not in for_osteroy  # only the banner is swapped in


def test_an_incident_about_a_ticked_topic_appears_when_the_topic_is_ticked(
    client_for, supervisor, agent, samnanger, outage, water
):
    flood = knowledge_services.incident_raise(
        actor=supervisor, municipalities=[samnanger], title="Kokevarsel: drikkevatn", topics=[water]
    )
    client = client_for(agent)
    osteroy_pk = Municipality.objects.get(slug="osteroy").pk
    before = client.get(LOG, {"municipality": osteroy_pk}, headers=BANNER).content.decode()
    assert flood.title not in before
    ticked = client.get(LOG, {"municipality": osteroy_pk, "topics": [water.pk]}, headers=BANNER).content.decode()
    assert flood.title in ticked and "Vannbrudd i Eivindvik" not in ticked


def test_a_resolved_incident_is_gone_from_the_contact_log(client_for, supervisor, agent, gulen, outage):
    knowledge_services.incident_resolve(actor=supervisor, incident=outage)
    client = client_for(agent)
    assert "Vannbrudd i Eivindvik" not in _main(client.get(LOG, {"municipality": gulen.pk}))
    assert "Vannbrudd i Eivindvik" not in client.get(LOG, {"municipality": gulen.pk}, headers=BANNER).content.decode()


def test_before_a_municipality_is_chosen_the_agent_is_told_how_many_are_going_on(client_for, agent, outage, road):
    going_on = len(knowledge_selectors.active_incidents(actor=agent))
    main = _main(client_for(agent).get(LOG))
    assert f"{going_on} incidents are going on." in main and "Vannbrudd i Eivindvik" not in main


def test_the_banner_stays_when_the_form_comes_back_with_errors(client_for, agent, gulen, outage):
    response = client_for(agent).post(LOG, {"municipality": gulen.pk, "channel": "phone", "outcome": "bogus"})
    assert response.status_code == 422
    assert "Vannbrudd i Eivindvik" in _main(response)


def test_the_refresh_is_wired_to_the_municipality_and_topic_choices(client_for, agent):
    main = _main(client_for(agent).get(LOG))
    banner = main[main.index('id="incident-banner"') :][:600]
    assert 'aria-live="polite"' in banner and f'hx-get="{LOG}"' in banner
    assert "event.target.name===&#x27;topics&#x27;" in banner or "event.target.name==='topics'" in banner
