"""The call events webhook: one event or a list, token-authenticated, idempotent, 422s naming the field."""

import json

import pytest
from openapi_spec_validator import validate

from civicdesk.organisations import services as organisation_services
from civicdesk.telephony.models import Call, CallEvent, QueueVisit

PROBLEM = "application/problem+json"
URL = "/api/telephony/events"


def post(client, body, **extra):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


def offered(call_id="w1", at="2026-03-02T09:00:00+01:00", **fields):
    return {
        "id": f"{call_id}:offered",
        "type": "call.offered",
        "call_id": call_id,
        "at": at,
        "dialed_number": "+4757786000",
        "caller_number": "+4791234567",
        "queue": "building",
        "ivr_choice": "1",
        **fields,
    }


def test_a_phone_system_sends_one_event_and_then_the_rest_of_the_call(client, phone_world):
    response = post(client, offered(), **phone_world.headers)
    assert response.status_code == 200
    assert response.json() == {"received": 1, "new": 1, "duplicates": 0}
    rest = [
        {"id": "w1:answered", "type": "call.answered", "call_id": "w1", "at": "2026-03-02T08:00:30Z", "agent": "1001"},
        {"id": "w1:ended", "type": "call.ended", "call_id": "w1", "at": "2026-03-02T09:05:30+01:00"},
    ]
    assert post(client, rest, **phone_world.headers).json() == {"received": 2, "new": 2, "duplicates": 0}
    call = Call.objects.get(call_id="w1")
    assert (call.status, call.agent.code, call.municipality.slug) == ("ended", "1001", "gulen")
    visit = QueueVisit.objects.get(call=call)
    assert (visit.wait_s, visit.talk_s) == (30.0, 300.0)


def test_sending_the_same_events_again_answers_duplicates_and_changes_nothing(client, phone_world):
    events = [
        offered(),
        {"id": "w1:abandoned", "type": "call.abandoned", "call_id": "w1", "at": "2026-03-02T08:01:00Z"},
    ]
    post(client, events, **phone_world.headers)
    before = list(Call.objects.values())
    again = post(client, events, **phone_world.headers)
    assert again.json() == {"received": 2, "new": 0, "duplicates": 2}
    assert list(Call.objects.values()) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"queue": "parking"}, "1.queue"),
        ({"agent": "9999"}, "1.agent"),
        ({"at": "2026-03-02T09:00:00"}, "1.at"),
        ({"at": "yesterday"}, "1.at"),
        ({"id": None}, "1.id"),
        ({"type": "call.teleported"}, "1.type"),
    ],
)
def test_a_bad_event_gets_422_naming_it_and_none_of_the_events_is_kept(client, phone_world, change, field):
    bad = {**offered("w2"), **change}
    if bad["id"] is None:
        del bad["id"]
    response = post(client, [offered("w1"), bad], **phone_world.headers)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not CallEvent.objects.exists() and not Call.objects.exists()


def test_a_missing_call_id_and_a_missing_queue_are_named(client, phone_world):
    no_call = {**offered(), "call_id": ""}
    response = post(client, no_call, **phone_world.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "0.call_id"
    no_queue = {**offered(), "queue": ""}
    assert post(client, no_queue, **phone_world.headers).json()["errors"][0]["field"] == "0.queue"


def test_a_number_straight_to_its_queue_needs_no_queue_named(client, phone_world):
    event = {**offered(), "dialed_number": "+4756192100", "queue": ""}
    assert post(client, event, **phone_world.headers).status_code == 200
    call = Call.objects.get(call_id="w1")
    assert (call.queue.key, call.municipality.slug) == ("switchboard", "osteroy")


def test_a_token_without_telephony_write_may_not_send_events(client, phone_world, system):
    _, secret = organisation_services.api_token_create(
        actor=system, name="read only", permissions=["read"], center=phone_world.center
    )
    response = post(client, offered(), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert not CallEvent.objects.exists()


def test_without_a_token_the_webhook_answers_401(client, phone_world):
    assert post(client, offered()).status_code == 401


def test_a_platform_admin_names_the_centre(client_for, platform_admin, phone_world):
    client = client_for(platform_admin)
    missing = post(client, offered())
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "center"
    assert post(client, offered(), QUERY_STRING="center=nordhordland").status_code == 200
    assert Call.objects.filter(call_id="w1", center=phone_world.center).exists()


def test_the_webhook_is_in_the_openapi_schema_with_its_summary(client):
    schema = client.get("/api/openapi.json").json()
    validate(schema)
    assert schema["paths"][URL]["post"]["summary"] == "Record call events"


def test_one_event_per_request_takes_a_handful_of_queries(client, phone_world, django_assert_max_num_queries):
    post(client, offered(), **phone_world.headers)  # the token and the call are known now
    ended = {"id": "w1:abandoned", "type": "call.abandoned", "call_id": "w1", "at": "2026-03-02T08:01:00Z"}
    # Here 14: the token, the centre's memberships and its queue, agent and number names are read each time, as
    # memos are not kept inside a test's transaction; a server reads them once (9 queries, savepoint included).
    with django_assert_max_num_queries(14):
        assert post(client, ended, **phone_world.headers).status_code == 200


def test_a_database_busy_with_other_writers_asks_the_phone_system_to_send_again(client, phone_world, monkeypatch):
    """SQLite under many batch senders: a request that waited past the busy timeout gets a 503 with
    Retry-After, not a 500, and nothing of it is kept."""
    from django.db import OperationalError

    from civicdesk.telephony.api import events as events_api

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(events_api.services, "call_events_record", locked)
    response = post(client, offered(), **phone_world.headers)
    assert response.status_code == 503 and response["Content-Type"] == PROBLEM
    assert response["Retry-After"] == "1" and "Send the events again" in response.json()["detail"]
    assert not CallEvent.objects.exists()


def test_other_database_errors_are_not_passed_off_as_busy(client, phone_world, monkeypatch):
    from django.db import OperationalError

    from civicdesk.telephony.api import events as events_api

    def broken(**kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(events_api.services, "call_events_record", broken)
    response = post(client, offered(), **phone_world.headers)
    assert response.status_code == 500 and "Retry-After" not in response
