"""The routing API: queues, agents and their states, the rota, pulling in reinforcements; errors as
problem+json naming the field."""

import datetime as dt

from django.utils import timezone

from civicdesk.routing.models import AgentState, DutyShift

PROBLEM = "application/problem+json"


def _iso(moment):
    return moment.isoformat()


def test_the_phone_systems_token_lists_its_centres_queues(client, phone_world):
    response = client.get("/api/routing/queues", **phone_world.headers)
    assert response.status_code == 200
    by_key = {queue["key"]: queue for queue in response.json()}
    assert set(by_key) == {"building", "social", "schools", "switchboard"}
    assert by_key["social"] | {"name": "Helse og sosial"} == {
        "key": "social",
        "name": "Helse og sosial",
        "municipality": None,
        "channel": "phone",
        "skill": "social",
        "languages": ["nb", "pl", "en"],
        "service_level_s": 120,
        "short_abandon_s": 5,
        "alert_wait_s": 180,
        "alert_length": 8,
        "callback_offer_s": 300,
        "is_active": True,
    }


def test_agents_are_listed_with_state_languages_skills_and_phone_duty(
    client_for, supervisor, phone_world, django_assert_max_num_queries
):
    client = client_for(supervisor)
    with django_assert_max_num_queries(12):
        response = client.get("/api/routing/agents")
    assert response.status_code == 200
    agents = {agent["code"]: agent for agent in response.json()}
    assert list(agents) == ["1000", "1001", "1002", "1003", "1004"]
    assert agents["1003"]["languages"] == ["nb", "pl"]
    assert agents["1003"]["skills"] == [{"skill": "social", "level": 3}, {"skill": "switchboard", "level": 5}]
    assert [code for code, agent in agents.items() if agent["on_phone_duty"]] == ["1001", "1002", "1003"]
    assert agents["1001"]["state"] == "offline"


def test_agents_are_filtered_by_skill_and_language(client_for, supervisor, phone_world):
    response = client_for(supervisor).get("/api/routing/agents?skill=building&language=en")
    assert [agent["code"] for agent in response.json()] == ["1000", "1001"]


def test_an_agent_becomes_available_from_their_screen(client_for, agent, phone_world):
    response = client_for(agent).post(
        "/api/routing/agents/1001/state", {"state": "available"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "available"
    assert response.json()["idle_since"] is not None


def test_an_agent_may_not_change_a_colleagues_state(client_for, agent, phone_world):
    response = client_for(agent).post(
        "/api/routing/agents/1002/state", {"state": "break"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


def test_a_supervisor_and_the_phone_systems_token_change_any_agents_state(client, client_for, supervisor, phone_world):
    response = client.post(
        "/api/routing/agents/1002/state", {"state": "break"}, content_type="application/json", **phone_world.headers
    )
    assert response.json()["state"] == "break"
    response = client_for(supervisor).post(
        "/api/routing/agents/1002/state",
        {"state": "other_work", "reason": "case work"},
        content_type="application/json",
    )
    assert response.json()["state"] == AgentState.OTHER_WORK


def test_an_unknown_state_or_agent_is_a_problem(client_for, supervisor, phone_world):
    client = client_for(supervisor)
    response = client.post("/api/routing/agents/1002/state", {"state": "asleep"}, content_type="application/json")
    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert response.json()["errors"][0]["field"] == "state"
    response = client.post("/api/routing/agents/9999/state", {"state": "break"}, content_type="application/json")
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)


def test_staff_of_another_centre_find_nothing(client_for, outsider, phone_world):
    assert client_for(outsider).get("/api/routing/agents").status_code == 404
    assert client_for(outsider).get("/api/routing/queues?center=nordhordland").status_code == 404


def test_a_platform_admin_names_the_centre(client_for, platform_admin, phone_world):
    client = client_for(platform_admin)
    response = client.get("/api/routing/queues")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "center")
    assert len(client.get("/api/routing/queues?center=nordhordland").json()) == 4


def test_shifts_are_listed_added_and_removed(client_for, supervisor, phone_world):
    client = client_for(supervisor)
    now = timezone.now().replace(microsecond=0)
    tomorrow = now + dt.timedelta(days=1)
    response = client.post(
        "/api/routing/shifts",
        {
            "agent": "1004",
            "duty": "phone",
            "starts_at": _iso(tomorrow),
            "ends_at": _iso(tomorrow + dt.timedelta(hours=8)),
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    added = response.json()
    assert (added["agent"], added["duty"]) == ("1004", "phone")
    listed = client.get(
        "/api/routing/shifts", {"from": _iso(now), "to": _iso(now + dt.timedelta(days=2)), "agent": "1004"}
    ).json()
    assert [(shift["duty"], shift["id"]) for shift in listed] == [
        ("other", DutyShift.objects.get(agent=phone_world.agents["1004"], duty="other").pk),
        ("phone", added["id"]),
    ]
    assert client.delete(f"/api/routing/shifts/{added['id']}").status_code == 204
    assert not DutyShift.objects.filter(pk=added["id"]).exists()


def test_an_agent_reads_the_rota_but_may_not_add_to_it(client_for, agent, phone_world):
    client = client_for(agent)
    now = timezone.now()
    assert (
        client.get("/api/routing/shifts", {"from": _iso(now), "to": _iso(now + dt.timedelta(days=1))}).status_code
        == 200
    )
    response = client.post(
        "/api/routing/shifts",
        {"agent": "1001", "starts_at": _iso(now), "ends_at": _iso(now + dt.timedelta(hours=1))},
        content_type="application/json",
    )
    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)


def test_a_shift_that_ends_before_it_starts_names_the_field(client_for, supervisor, phone_world):
    now = timezone.now()
    response = client_for(supervisor).post(
        "/api/routing/shifts",
        {"agent": "1001", "starts_at": _iso(now), "ends_at": _iso(now - dt.timedelta(hours=1))},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "ends_at")


def test_times_without_an_offset_or_too_long_a_stretch_are_refused(client_for, supervisor, phone_world):
    client = client_for(supervisor)
    response = client.get("/api/routing/shifts", {"from": "2026-03-02T08:00:00", "to": "2026-03-03T08:00:00"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "from")
    response = client.get(
        "/api/routing/shifts", {"from": "2026-03-02T08:00:00+01:00", "to": "2026-05-02T08:00:00+01:00"}
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "to")


def test_a_supervisor_pulls_in_a_reinforcement_and_lets_them_go(client_for, supervisor, phone_world):
    client = client_for(supervisor)
    until = timezone.now() + dt.timedelta(hours=1)
    response = client.post("/api/routing/agents/1004/pull-in", {"until": _iso(until)}, content_type="application/json")
    assert (response.status_code, response.json()["on_phone_duty"]) == (200, True)
    response = client.delete("/api/routing/agents/1004/pull-in")
    assert (response.json()["on_phone_duty"], response.json()["pulled_in_until"]) == (False, None)


def test_an_agent_may_not_pull_themself_in(client_for, phone_world):
    from civicdesk.organisations.models import User

    client = client_for(User.objects.get(username="nh.agent4"))
    until = timezone.now() + dt.timedelta(hours=1)
    response = client.post("/api/routing/agents/1004/pull-in", {"until": _iso(until)}, content_type="application/json")
    assert response.status_code == 403
