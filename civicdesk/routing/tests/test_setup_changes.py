"""Supervisors change skills, queues and agents; agents may not."""

import pytest

from civicdesk.lib.errors import Forbidden, Invalid
from civicdesk.routing import services
from civicdesk.routing.models import AgentLanguage, AgentSkill


def test_a_supervisor_changes_an_agents_languages_skills_and_reinforcement(phone_world, supervisor):
    agent = phone_world.agents["1002"]
    skills = phone_world.skills
    services.agent_update(
        actor=supervisor,
        agent=agent,
        languages=["nb", "uk"],
        skills={skills["social"]: 5, skills["schools"]: 2},
        is_reinforcement=True,
        wrap_up_s=90,
    )
    agent.refresh_from_db()
    assert (agent.is_reinforcement, agent.wrap_up_s) == (True, 90)
    assert sorted(AgentLanguage.objects.filter(agent=agent).values_list("language", flat=True)) == ["nb", "uk"]
    assert sorted(AgentSkill.objects.filter(agent=agent).values_list("skill__key", "level")) == [
        ("schools", 2),
        ("social", 5),
    ]


def test_an_agent_needs_a_language(phone_world, supervisor):
    with pytest.raises(Invalid) as error:
        services.agent_update(actor=supervisor, agent=phone_world.agents["1002"], languages=[])
    assert error.value.field == "languages"


def test_an_agent_code_is_unique_in_the_centre(phone_world, supervisor):
    with pytest.raises(Invalid):
        services.agent_update(actor=supervisor, agent=phone_world.agents["1002"], code="1001")


def test_an_agent_cannot_change_their_own_skills(phone_world, agent):
    with pytest.raises(Forbidden):
        services.agent_update(actor=agent, agent=phone_world.agents["1001"], wrap_up_s=600)


def test_a_supervisor_changes_a_queues_thresholds_and_languages_in_order(phone_world, supervisor):
    queue = services.queue_update(
        actor=supervisor, queue=phone_world.queues["social"], alert_wait_s=60, languages=["pl", "nb", "pl"]
    )
    queue.refresh_from_db()
    assert (queue.alert_wait_s, queue.languages, queue.alert_length) == (60, ["pl", "nb"], 8)


def test_a_queue_threshold_below_one_second_is_refused(phone_world, supervisor):
    with pytest.raises(Invalid) as error:
        services.queue_update(actor=supervisor, queue=phone_world.queues["social"], alert_wait_s=0)
    assert error.value.field == "alert_wait_s"


def test_a_queue_may_become_one_municipalitys_own(phone_world, supervisor, gulen, orebro):
    queue = services.queue_update(actor=supervisor, queue=phone_world.queues["schools"], municipality=gulen)
    assert queue.municipality == gulen
    with pytest.raises(Invalid):
        services.queue_update(actor=supervisor, queue=queue, municipality=orebro)


def test_a_skill_is_renamed_but_keeps_its_key(phone_world, supervisor):
    skill = services.skill_update(actor=supervisor, skill=phone_world.skills["schools"], name="Skule")
    skill.refresh_from_db()
    assert (skill.key, skill.name) == ("schools", "Skule")


def test_an_agent_is_told_when_pulled_in(phone_world, supervisor):
    from datetime import timedelta

    from django.utils import timezone

    from civicdesk.organisations.models import Notification

    agent = phone_world.agents["1004"]
    services.reinforcement_pull_in(actor=supervisor, agent=agent, until=timezone.now() + timedelta(hours=1))
    assert Notification.objects.filter(user=agent.user, text__startswith="You are pulled in").count() == 1


def test_pulling_in_until_a_time_gone_by_is_refused(phone_world, supervisor):
    from django.utils import timezone

    with pytest.raises(Invalid) as error:
        services.reinforcement_pull_in(actor=supervisor, agent=phone_world.agents["1004"], until=timezone.now())
    assert error.value.field == "until"
