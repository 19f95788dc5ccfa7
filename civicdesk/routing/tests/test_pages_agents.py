"""A centre's agents as pages: Nordhordland's supervisor sees each agent's state, languages, skills with levels
and whether they reinforce; enrols a new colleague as an agent and changes an agent's code, languages (sign
language too), skill levels and wrap-up time; the centre's agents read; others find nothing."""

import re

import pytest
from django.urls import reverse

from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Role, User
from civicdesk.routing.models import Agent

CENTER = "?center=nordhordland"
LIST = reverse("routing:agent_list")
ENROL = reverse("routing:agent_enrol")


def _edit(code) -> str:
    return reverse("routing:agent_edit", args=[code]) + CENTER


@pytest.fixture
def newcomer(phone_world):
    """A new agent of the centre, not in the router yet."""
    user = organisation_services.staff_create(actor=SYSTEM, username="nh.agent5", first_name="Liv", last_name="Eide")
    organisation_services.role_grant(actor=SYSTEM, user=user, role=Role.AGENT, center=phone_world.center)
    return user


def _form(phone_world, **fields) -> dict:
    skills = phone_world.skills
    return {
        "code": "1005",
        "languages": ["nb", "nsl"],
        f"skill_{skills['building'].pk}": "2",
        f"skill_{skills['schools'].pk}": "",
        f"skill_{skills['social'].pk}": "5",
        f"skill_{skills['switchboard'].pk}": "",
        "wrap_up_s": "90",
        **fields,
    }


def test_the_supervisor_sees_the_agents_with_state_languages_skills_and_reinforcement(
    phone_world, client_for, supervisor, django_assert_max_num_queries
):
    client = client_for(supervisor)
    client.get(LIST)
    with django_assert_max_num_queries(14):
        page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption>Agents of Nordhordland" in html
    row = re.search(r"Sigrid Hope</th>(.*?)</tr>", html, re.S).group(1)
    assert "<td>1003</td>" in row and "Offline" in row and "Norwegian Bokmål, Polish" in row
    assert "Helse og sosial: 3" in row and "Sentralbord: 5" in row and "<td>No</td>" in row and "60 s" in row
    assert "<td>Yes</td>" in re.search(r"Nils Aurdal</th>(.*?)</tr>", html, re.S).group(1)
    assert f'href="{ENROL}{CENTER}"' in html and f'href="{_edit("1003")}"' in html


def test_the_agent_list_reads_the_same_queries_for_more_agents(
    phone_world, client_for, supervisor, newcomer, django_assert_max_num_queries
):
    from civicdesk.routing import services

    client = client_for(supervisor)
    client.get(LIST)
    with django_assert_max_num_queries(14) as few:
        client.get(LIST)
    services.agent_enrol(
        actor=SYSTEM,
        user=newcomer,
        center=phone_world.center,
        code="1005",
        languages=["nb", "en"],
        skills={phone_world.skills["schools"]: 4},
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Skule og barnehage: 4" in client.get(LIST).content.decode()


def test_an_agent_of_the_centre_reads_but_does_not_change(phone_world, client_for, agent, newcomer):
    client = client_for(agent)
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sigrid Hope" in html and ENROL not in html and "/edit/" not in html
    assert client.get(ENROL).status_code == 403
    assert client.post(ENROL, {**_form(phone_world), "user": newcomer.pk}).status_code == 403
    assert client.get(_edit("1001")).status_code == 403
    assert client.post(_edit("1001"), _form(phone_world, code="1001")).status_code == 403
    assert not Agent.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("username", ["gulen.caseworker", "gulen.admin", "holbaek.agent"])
def test_others_find_nothing_of_the_centres_agents(phone_world, client_for, username, newcomer):
    client = client_for(User.objects.get(username=username))
    assert client.get(LIST + CENTER).status_code == 404
    assert client.get(ENROL + CENTER).status_code == 404
    assert client.post(ENROL + CENTER, {**_form(phone_world), "user": newcomer.pk}).status_code == 404
    assert client.get(_edit("1001")).status_code == 404
    assert client.post(_edit("1001"), _form(phone_world, code="1001")).status_code == 404
    assert not Agent.objects.filter(user=newcomer).exists()


def test_the_supervisor_enrols_a_newcomer_and_changes_them(phone_world, client_for, supervisor, newcomer):
    client = client_for(supervisor)
    page = client.get(ENROL + CENTER).content.decode()
    assert f'value="{newcomer.pk}"' in page and "Liv Eide (nh.agent5)" in page
    assert "Ola Haugland" not in page  # already an agent
    assert "Norwegian Sign Language" in page

    response = client.post(ENROL + CENTER, {**_form(phone_world), "user": newcomer.pk})
    assert response.status_code == 302 and response.url == LIST + CENTER
    agent = Agent.objects.get(user=newcomer)
    assert (agent.code, agent.center, agent.wrap_up_s, agent.is_reinforcement) == (
        "1005",
        phone_world.center,
        90,
        False,
    )
    assert sorted(agent.languages.values_list("language", flat=True)) == ["nb", "nsl"]
    assert {row.skill.key: row.level for row in agent.skills.all()} == {"building": 2, "social": 5}

    page = client.get(_edit("1005")).content.decode()
    assert 'value="1005"' in page and re.search(r'value="nsl"[^>]*checked', page)
    assert re.search(rf'name="skill_{phone_world.skills["social"].pk}"[^>]*>.*?value="5" selected', page, re.S)
    response = client.post(
        _edit("1005"),
        _form(
            phone_world,
            code="1055",
            languages=["nb", "en", "nsl"],
            is_reinforcement="on",
            wrap_up_s="30",
            **{f"skill_{phone_world.skills['building'].pk}": "", f"skill_{phone_world.skills['schools'].pk}": "4"},
        ),
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.code, agent.wrap_up_s, agent.is_reinforcement) == ("1055", 30, True)
    assert sorted(agent.languages.values_list("language", flat=True)) == ["en", "nb", "nsl"]
    assert {row.skill.key: row.level for row in agent.skills.all()} == {"schools": 4, "social": 5}
    row = re.search(r"Liv Eide</th>(.*?)</tr>", client.get(LIST + CENTER).content.decode(), re.S).group(1)
    assert "<td>1055</td>" in row and "Norwegian Sign Language" in row and "<td>Yes</td>" in row


def test_no_language_is_said_beside_the_languages_and_what_was_typed_stays(
    phone_world, client_for, supervisor, newcomer
):
    response = client_for(supervisor).post(
        ENROL + CENTER, {**_form(phone_world, languages=[], code="1077"), "user": newcomer.pk}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_languages_error"' in html and "Choose at least one language." in html
    assert 'value="1077"' in html and 'value="90"' in html
    assert re.search(rf'value="{newcomer.pk}"[^>]*selected', html)
    assert re.search(rf'name="skill_{phone_world.skills["social"].pk}"[^>]*>.*?value="5" selected', html, re.S)
    assert not Agent.objects.filter(user=newcomer).exists()


def test_a_code_in_use_is_refused_and_what_was_typed_stays(phone_world, client_for, supervisor):
    response = client_for(supervisor).post(_edit("1003"), _form(phone_world, code="1001", languages=["nb", "pl"]))
    assert response.status_code == 422
    html = response.content.decode()
    assert "already exists" in html and 'value="1001"' in html and re.search(r'value="pl"[^>]*checked', html)
    assert Agent.objects.get(user__username="nh.agent3").code == "1003"
