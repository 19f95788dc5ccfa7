"""A centre's queues and skills as pages: Nordhordland's supervisor creates a queue with the skill and languages
it needs and its thresholds, changes it and takes it out of use, and adds skills; the centre's agents read;
a caseworker, a municipality admin and another centre's agent find nothing."""

import re

import pytest
from django.urls import reverse

from civicdesk.organisations.models import User
from civicdesk.routing.models import Queue, Skill

CENTER = "?center=nordhordland"
LIST = reverse("routing:queue_list")
CREATE = reverse("routing:queue_create")
SKILLS = reverse("routing:skill_list")


def _edit(key) -> str:
    return reverse("routing:queue_edit", args=[key]) + CENTER


def _form(phone_world, **fields) -> dict:
    return {
        "key": "planning",
        "name": "Plan og oppmåling",
        "skill": phone_world.skills["building"].pk,
        "languages": ["nb", "en"],
        "service_level_s": "60",
        "short_abandon_s": "5",
        "alert_wait_s": "120",
        "alert_length": "6",
        "callback_offer_s": "240",
        **fields,
    }


def test_the_supervisor_sees_every_queue_with_its_skill_languages_and_thresholds(
    phone_world, client_for, supervisor, django_assert_max_num_queries
):
    client = client_for(supervisor)
    client.get(LIST)
    with django_assert_max_num_queries(12):
        page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption>Queues of Nordhordland" in html and 'scope="row"' in html
    row = re.search(r"Helse og sosial <span[^>]*>\(social\)</span></th>(.*?)</tr>", html, re.S).group(1)
    assert "Norwegian Bokmål, Polish, English" in row and "120 s" in row and "a caller waits 180 s or 8 wait" in row
    assert f'href="{CREATE}{CENTER}"' in html and f'href="{_edit("social")}"' in html


def test_the_queue_list_reads_the_same_queries_for_more_queues(
    phone_world, client_for, supervisor, system, django_assert_max_num_queries
):
    from civicdesk.routing import services

    client = client_for(supervisor)
    client.get(LIST)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for n in range(5):
        services.queue_create(
            actor=system,
            center=phone_world.center,
            key=f"extra-{n}",
            name=f"Ekstra {n}",
            skill=phone_world.skills["schools"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).content.decode().count("(extra-") == 5


def test_supervisors_find_queues_agents_and_the_rota_in_the_navigation(phone_world, client_for, supervisor):
    html = client_for(supervisor).get(LIST).content.decode()
    for name in ("routing:queue_list", "routing:agent_list", "routing:rota_week"):
        assert f'href="{reverse(name)}"' in html


def test_an_agent_of_the_centre_reads_but_does_not_change(phone_world, client_for, agent):
    client = client_for(agent)
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Skule og barnehage" in html and CREATE not in html and "/edit/" not in html
    assert client.get(SKILLS).status_code == 200 and "Sentralbord" in client.get(SKILLS).content.decode()
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _form(phone_world)).status_code == 403
    assert client.get(_edit("social")).status_code == 403
    assert client.post(SKILLS, {"key": "culture", "name": "Kultur"}).status_code == 403
    assert not Queue.objects.filter(key="planning").exists() and not Skill.objects.filter(key="culture").exists()


@pytest.mark.parametrize("username", ["gulen.caseworker", "gulen.admin", "holbaek.agent"])
def test_others_find_nothing_of_the_centres_queues(phone_world, client_for, username):
    client = client_for(User.objects.get(username=username))
    for path in (LIST, CREATE, SKILLS, reverse("routing:queue_edit", args=["social"])):
        assert client.get(path + CENTER).status_code == 404, path
    assert client.post(CREATE + CENTER, _form(phone_world)).status_code == 404
    assert client.post(SKILLS + CENTER, {"key": "culture", "name": "Kultur"}).status_code == 404
    assert not Queue.objects.filter(key="planning").exists()


def test_the_supervisor_creates_changes_and_retires_a_queue(phone_world, client_for, supervisor, gulen):
    client = client_for(supervisor)
    response = client.post(CREATE + CENTER, _form(phone_world, municipality=gulen.pk))
    assert response.status_code == 302 and response.url == LIST + CENTER
    queue = Queue.objects.get(center=phone_world.center, key="planning")
    assert (queue.name, queue.skill, queue.municipality, queue.languages) == (
        "Plan og oppmåling",
        phone_world.skills["building"],
        gulen,
        ["nb", "en"],
    )
    assert (queue.service_level_s, queue.alert_wait_s, queue.alert_length, queue.callback_offer_s) == (60, 120, 6, 240)

    page = client.get(_edit("planning")).content.decode()
    assert 'value="Plan og oppmåling"' in page and re.search(r'value="en"[^>]*checked', page)
    response = client.post(
        _edit("planning"),
        _form(
            phone_world, name="Plan", languages=["nb", "pl"], alert_length="4", municipality=gulen.pk, is_active="on"
        ),
    )
    assert response.status_code == 302
    queue.refresh_from_db()
    assert (queue.name, queue.languages, queue.alert_length, queue.municipality, queue.is_active) == (
        "Plan",
        ["nb", "pl"],
        4,
        gulen,
        True,
    )

    client.post(_edit("planning"), _form(phone_world, name="Plan", municipality=gulen.pk))  # "In use" not ticked
    queue.refresh_from_db()
    assert not queue.is_active
    row = re.search(r"Plan <span[^>]*>\(planning\)</span></th>(.*?)</tr>", client.get(LIST).content.decode(), re.S)
    assert "<td>No</td>" in row.group(1)


def test_a_bad_key_is_said_beside_the_key_and_what_was_typed_stays(phone_world, client_for, supervisor):
    response = client_for(supervisor).post(CREATE + CENTER, _form(phone_world, key="plan og bygg", name="Plan"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_key_error"' in html and 'value="plan og bygg"' in html and 'value="Plan"' in html
    assert re.search(r'value="en"[^>]*checked', html) and 'value="240"' in html
    assert not Queue.objects.filter(name="Plan").exists()


def test_a_threshold_of_zero_is_said_beside_it(phone_world, client_for, supervisor):
    response = client_for(supervisor).post(CREATE + CENTER, _form(phone_world, alert_length="0"))
    assert response.status_code == 422
    assert 'id="id_alert_length_error"' in response.content.decode()
    assert not Queue.objects.filter(key="planning").exists()


def test_the_supervisor_adds_a_skill_and_a_bad_key_is_said_beside_it(phone_world, client_for, supervisor):
    client = client_for(supervisor)
    response = client.post(SKILLS + CENTER, {"key": "culture", "name": "Kultur og idrett"})
    assert response.status_code == 302 and response.url == SKILLS + CENTER
    assert Skill.objects.get(center=phone_world.center, key="culture").name == "Kultur og idrett"
    assert "Kultur og idrett" in client.get(SKILLS + CENTER).content.decode()

    response = client.post(SKILLS + CENTER, {"key": "kultur og idrett", "name": "Idrett"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_key_error"' in html and 'value="kultur og idrett"' in html and 'value="Idrett"' in html
