"""The incident list as pages: a supervisor raises an incident with one short form (one municipality makes it
that municipality's, several the centre's), posts news on it and resolves it; a municipality admin keeps
their own; agents read only; other municipalities' admins see nothing of it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.knowledge import selectors, services
from civicdesk.knowledge.models import Incident
from civicdesk.organisations.models import Municipality, Topic, User

RAISE = reverse("knowledge:incident_raise")
LIST = reverse("knowledge:incident_list")


def _detail(incident) -> str:
    return reverse("knowledge:incident_detail", args=[incident.pk])


def _form(**fields) -> dict:
    return {"title": "Vannbrudd i Eivindvik", "severity": "minor", "is_public": "on", **fields}


@pytest.fixture
def water():
    return Topic.objects.get(municipality=None, key="water-sewage")


@pytest.fixture
def local_outage(municipality_admin, gulen):
    return services.incident_raise(
        actor=municipality_admin,
        municipalities=[gulen],
        title="Vannbrudd i Eivindvik",
        public_message="Vatnet er stengt til kl. 15.",
        agent_script="Seie at kommunen jobbar med saka.",
    )


def test_the_raise_form_is_prefilled_with_the_municipality_named(client_for, supervisor, gulen):
    page = client_for(supervisor).get(RAISE + "?m=gulen")
    assert page.status_code == 200
    html = page.content.decode()
    checked = [line for line in html.split("<input") if 'name="municipalities"' in line and "checked" in line]
    assert len(checked) == 1 and f'value="{gulen.pk}"' in checked[0]
    assert 'value="minor"' in html and 'type="datetime-local"' in html


def test_a_supervisor_raises_an_incident_of_one_municipality_as_its_own(client_for, supervisor, gulen, water):
    response = client_for(supervisor).post(
        RAISE, _form(municipalities=[gulen.pk], agent_script="Seie at NGIR jobbar med saka.", topics=[water.pk])
    )
    incident = Incident.objects.get(title="Vannbrudd i Eivindvik")
    assert response.status_code == 302 and response.url == _detail(incident)
    assert incident.municipality == gulen and incident.center is None
    assert list(incident.topics.all()) == [water] and incident.is_public


def test_several_municipalities_make_it_the_centres_incident(client_for, supervisor, gulen, osteroy, nordhordland):
    response = client_for(supervisor).post(RAISE, _form(municipalities=[gulen.pk, osteroy.pk], severity="major"))
    assert response.status_code == 302
    incident = Incident.objects.get(title="Vannbrudd i Eivindvik")
    assert incident.center == nordhordland and incident.municipality is None
    assert set(incident.municipalities.all()) == {gulen, osteroy}
    assert incident.severity == Incident.Severity.MAJOR


def test_all_ticks_every_municipality_the_centre_serves(client_for, supervisor, nordhordland):
    client_for(supervisor).post(RAISE, _form(all_municipalities="on"))
    incident = Incident.objects.get(title="Vannbrudd i Eivindvik")
    served = set(Municipality.objects.filter(memberships__center=nordhordland, memberships__left_at=None))
    assert incident.center == nordhordland and set(incident.municipalities.all()) == served


def test_a_municipality_admin_raises_their_own_and_sees_only_their_municipality(client_for, municipality_admin, gulen):
    client = client_for(municipality_admin)
    page = client.get(RAISE).content.decode()
    assert page.count('name="municipalities"') == 1 and "checked" in page.split('name="municipalities"')[1][:80]
    assert client.post(RAISE, _form(municipalities=[gulen.pk])).status_code == 302
    assert Incident.objects.get(title="Vannbrudd i Eivindvik").municipality == gulen


def test_errors_show_beside_their_fields_and_nothing_typed_is_lost(client_for, supervisor, gulen, water):
    response = client_for(supervisor).post(
        RAISE,
        _form(
            title="",
            severity="critical",
            public_message="Vatnet er stengt.",
            agent_script="Seie at det er kjent.",
            areas="5957 Myking",
            topics=[water.pk],
            expected_end_at="not a time",
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_title_error"' in html and 'id="id_expected_end_at_error"' in html
    assert "Vatnet er stengt." in html and "Seie at det er kjent." in html and 'value="5957 Myking"' in html
    assert re.search(r'value="critical"[^>]*checked', html) and re.search(rf'value="{water.pk}"[^>]*checked', html)
    assert not Incident.objects.filter(public_message="Vatnet er stengt.").exists()


def test_no_municipality_chosen_is_said_beside_the_municipalities(client_for, supervisor):
    response = client_for(supervisor).post(RAISE, _form(public_message="Vatnet er stengt."))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_municipalities_error"' in html and "Choose the municipalities affected." in html
    assert 'href="#id_municipalities"' in html and '<fieldset class="ds-fieldset" id="id_municipalities"' in html
    assert 'value="Vannbrudd i Eivindvik"' in html


def test_an_expected_end_before_the_start_is_refused(client_for, supervisor, gulen):
    yesterday = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(supervisor).post(RAISE, _form(municipalities=[gulen.pk], expected_end_at=yesterday))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_expected_end_at_error"' in html and "must come after the start" in html
    assert f'value="{yesterday}"' in html
    assert not Incident.objects.filter(title="Vannbrudd i Eivindvik").exists()


def test_the_expected_end_is_read_in_the_municipalitys_time_zone(client_for, supervisor, gulen):
    assert gulen.time_zone == "Europe/Oslo"
    client_for(supervisor).post(RAISE, _form(municipalities=[gulen.pk], expected_end_at="2040-06-01T15:00"))
    incident = Incident.objects.get(title="Vannbrudd i Eivindvik")
    assert incident.expected_end_at == datetime(2040, 6, 1, 13, 0, tzinfo=UTC)  # 15:00 summer time in Oslo


def test_news_posted_shows_on_the_incident_page(client_for, supervisor, local_outage):
    client = client_for(supervisor)
    response = client.post(
        _detail(local_outage), {"public_message": "Vatnet er tilbake kl. 17.", "agent_note": "Reparert kl. 16."}
    )
    assert response.status_code == 302
    html = client.get(_detail(local_outage)).content.decode()
    assert "Vatnet er tilbake kl. 17." in html and "Reparert kl. 16." in html
    local_outage.refresh_from_db()
    assert local_outage.public_message == "Vatnet er tilbake kl. 17."


def test_empty_news_is_refused_beside_the_form(client_for, supervisor, local_outage):
    response = client_for(supervisor).post(_detail(local_outage), {"public_message": "", "agent_note": ""})
    assert response.status_code == 422 and "Write what is new." in response.content.decode()


def test_resolving_takes_it_off_the_active_list(client_for, supervisor, agent, gulen, local_outage):
    client = client_for(supervisor)
    url = reverse("knowledge:incident_resolve", args=[local_outage.pk])
    response = client.post(url, {"resolve-public_message": "Vatnet er tilbake."})
    assert response.status_code == 302
    assert local_outage not in selectors.active_incidents(actor=agent, municipality=gulen)
    html = client.get(LIST + "?m=gulen").content.decode()
    going_on, resolved = html.split('id="resolved-heading"')
    assert "Vannbrudd i Eivindvik" not in going_on and "Vannbrudd i Eivindvik" in resolved
    assert "Post an update" not in client.get(_detail(local_outage)).content.decode()


def test_the_list_puts_the_most_severe_first_and_filters_by_municipality(
    client_for, supervisor, gulen, osteroy, local_outage, django_assert_max_num_queries
):
    storm = services.incident_raise(
        actor=supervisor, municipalities=[gulen], title="Storm: ferjer innstilt", severity=Incident.Severity.CRITICAL
    )
    services.incident_raise(actor=supervisor, municipalities=[osteroy], title="Stengd veg på Osterøy")
    client = client_for(supervisor)
    with django_assert_max_num_queries(20):
        html = client.get(LIST + "?m=gulen").content.decode()
    assert html.index(storm.title) < html.index(local_outage.title)
    assert "Stengd veg på Osterøy" not in html
    assert "Severity: Critical" in html and "Severity: Minor" in html
    assert "Stengd veg på Osterøy" in client.get(LIST).content.decode()


def test_an_agent_reads_but_cannot_raise_or_change(client_for, agent, gulen, local_outage):
    client = client_for(agent)
    html = client.get(LIST).content.decode()
    assert "Vannbrudd i Eivindvik" in html and "Raise an incident" not in html
    detail = client.get(_detail(local_outage)).content.decode()
    assert "Seie at kommunen jobbar med saka." in detail and "Post an update" not in detail
    assert client.get(RAISE).status_code == 403
    assert client.post(RAISE, _form(municipalities=[gulen.pk])).status_code == 403
    assert client.post(_detail(local_outage), {"agent_note": "Hei"}).status_code == 403
    assert client.post(reverse("knowledge:incident_resolve", args=[local_outage.pk])).status_code == 403
    local_outage.refresh_from_db()
    assert local_outage.resolved_at is None and not local_outage.updates.exists()


def test_the_admin_of_another_municipality_does_not_find_gulens_incident(client_for, local_outage):
    client = client_for(User.objects.get(username="holbaek.admin"))
    assert client.get(_detail(local_outage)).status_code == 404
    assert client.post(reverse("knowledge:incident_resolve", args=[local_outage.pk])).status_code == 404
    assert "Vannbrudd i Eivindvik" not in client.get(LIST).content.decode()


def test_an_internal_incident_is_marked_and_hidden_from_citizens(client_for, supervisor, citizen, gulen):
    form = _form(municipalities=[gulen.pk], title="Fagsystem nede")
    form.pop("is_public")
    client_for(supervisor).post(RAISE, form)
    incident = Incident.objects.get(title="Fagsystem nede")
    assert not incident.is_public
    html = client_for(supervisor).get(LIST).content.decode()
    assert "Internal: not shown to the public" in html
    assert client_for(citizen).get(_detail(incident)).status_code == 404


def test_citizens_do_not_read_what_agents_say(client_for, citizen, local_outage):
    html = client_for(citizen).get(_detail(local_outage)).content.decode()
    assert "Vatnet er stengt til kl. 15." in html and "Seie at kommunen jobbar med saka." not in html
