"""Zammad's generic CTI events (newCall, answer, hangup), so bridges written for Zammad can send to civicdesk."""

import json

from civicdesk.telephony.models import Call, CallEvent, QueueVisit

URL = "/api/telephony/cti/zammad"


def form(client, data, **extra):
    return client.post(URL, data, **extra)  # form-encoded, as Zammad's bridges send by default


def call_events(call_id):
    return list(CallEvent.objects.filter(call_id=call_id).order_by("at", "id").values_list("type", flat=True))


def test_a_call_from_new_call_to_hang_up_is_recorded_form_encoded(client, phone_world):
    new_call = {
        "event": "newCall",
        "from": "4791234567",
        "to": "4757786000",
        "direction": "in",
        "callId": "z-1",
        "user[]": ["Ola Haugland"],
        "queue": "building",
    }
    assert form(client, new_call, **phone_world.headers).json() == {}
    answer = {"event": "answer", "from": "4791234567", "to": "4757786000", "direction": "in", "callId": "z-1"}
    form(client, {**answer, "answeringNumber": "1001"}, **phone_world.headers)
    hangup = {**answer, "event": "hangup", "cause": "normalClearing", "answeringNumber": "1001"}
    assert form(client, hangup, **phone_world.headers).status_code == 200

    call = Call.objects.get(call_id="z-1")
    assert (call.status, call.agent.code, call.queue.key) == ("ended", "1001", "building")
    assert (call.municipality.slug, call.dialed_number, call.caller_number) == ("gulen", "4757786000", "4791234567")
    assert call_events("z-1") == ["call.offered", "call.answered", "call.ended"]
    assert QueueVisit.objects.get(call=call).outcome == "answered"


def test_json_events_and_the_token_in_the_address_are_taken_too(client, phone_world):
    body = {"event": "newCall", "from": "anonymous", "to": "+4756192100", "direction": "in", "callId": "z-2"}
    response = client.post(f"{URL}?token={phone_world.secret}", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    call = Call.objects.get(call_id="z-2")
    assert (call.queue.key, call.caller_number, call.status) == ("switchboard", "", "waiting")  # the number's queue


def test_a_hang_up_before_anyone_answered_is_an_abandoned_call(client, phone_world):
    form(
        client,
        {"event": "newCall", "from": "4791234567", "to": "4757786000", "callId": "z-3"},
        QUERY_STRING="queue=social",
        **phone_world.headers,
    )
    form(client, {"event": "hangup", "callId": "z-3", "cause": "cancel"}, **phone_world.headers)
    visit = QueueVisit.objects.get(call__call_id="z-3")
    assert (visit.queue.key, visit.outcome) == ("social", "abandoned")


def test_busy_and_unreachable_causes_are_no_agent_exits(client, phone_world):
    form(client, {"event": "newCall", "to": "4756192100", "callId": "z-4"}, **phone_world.headers)
    form(client, {"event": "hangup", "callId": "z-4", "cause": "congestion"}, **phone_world.headers)
    assert QueueVisit.objects.get(call__call_id="z-4").outcome == "no_agents"


def test_a_bridge_sending_an_event_again_changes_nothing(client, phone_world):
    new_call = {"event": "newCall", "to": "4756192100", "callId": "z-5"}
    form(client, new_call, **phone_world.headers)
    form(client, new_call, **phone_world.headers)
    assert CallEvent.objects.filter(call_id="z-5").count() == 1


def test_outbound_calls_are_accepted_and_left_out(client, phone_world):
    body = {"event": "newCall", "from": "4757786000", "to": "4791234567", "direction": "out", "callId": "z-6"}
    assert form(client, body, **phone_world.headers).status_code == 200
    assert not CallEvent.objects.filter(call_id="z-6").exists()


def test_an_unknown_answering_number_is_named_as_zammad_calls_it(client, phone_world):
    form(client, {"event": "newCall", "to": "4756192100", "callId": "z-7"}, **phone_world.headers)
    response = form(client, {"event": "answer", "callId": "z-7", "answeringNumber": "jdoe"}, **phone_world.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "answeringNumber"
    assert call_events("z-7") == ["call.offered"]


def test_a_new_call_to_a_menu_number_without_a_queue_is_refused_naming_the_queue(client, phone_world):
    response = form(client, {"event": "newCall", "to": "4757786000", "callId": "z-8"}, **phone_world.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "queue"


def test_without_a_token_zammad_events_get_401(client, phone_world):
    assert form(client, {"event": "newCall", "callId": "z-9"}).status_code == 401
    assert form(client, {"event": "newCall", "callId": "z-9"}, QUERY_STRING="token=cdk_wrong").status_code == 401
