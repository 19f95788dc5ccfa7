"""The agent's phone beside the contact log: state changed from the screen, the call ringing for them, and
(with the simulated phone system) answering, logging and hanging up."""

import datetime as dt

from django.utils import timezone

from civicdesk.organisations.access import SYSTEM
from civicdesk.routing.models import AgentState
from civicdesk.telephony.models import Call, CallStatus
from civicdesk.telephony.services import CallEventIn, call_events_record, call_route


def ring(phone_world, call_id: str = "panel-1") -> dict:
    """A caller presses 1 for building at Gulen's number; the phone system asks where it goes."""
    call_events_record(
        actor=SYSTEM,
        center=phone_world.center,
        events=[
            CallEventIn(
                event_id=f"{call_id}:offered",
                type="call.offered",
                call_id=call_id,
                at=timezone.now() - dt.timedelta(seconds=5),
                dialed_number="+4757786000",
                caller_number="+4791234567",
                queue="building",
                ivr_choice="1",
            )
        ],
    )
    return call_route(
        actor=phone_world.token,
        call_id=call_id,
        dialed_number="+4757786000",
        caller_number="+4791234567",
        ivr_choice="1",
    )


def test_staff_who_take_no_calls_are_told_so(client_for, caseworker):
    page = client_for(caseworker).get("/telephony/phone/")

    assert "You take no calls" in page.content.decode()


def test_an_agent_changes_state_from_the_screen(phone_world, agent, client_for):
    client = client_for(agent)

    client.post("/telephony/phone/state/", {"state": "available"})

    phone_world.agents["1001"].refresh_from_db()
    assert phone_world.agents["1001"].state == AgentState.AVAILABLE
    page = client.get("/telephony/phone/").content.decode()
    assert "On phone duty." in page and '<option value="available" selected>' in page


def test_the_panel_answers_204_while_nothing_changed(phone_world, agent, client_for):
    client = client_for(agent)
    fragment = client.get("/telephony/phone/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="phone")
    version = fragment.content.decode().split('id="phone-version" name="v" value="')[1].split('"')[0]

    unchanged = client.get(f"/telephony/phone/?v={version}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="phone")
    client.post("/telephony/phone/state/", {"state": "available"})
    changed = client.get(f"/telephony/phone/?v={version}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="phone")

    assert unchanged.status_code == 204
    assert changed.status_code == 200 and "Available" in changed.content.decode()


def test_a_call_routed_to_the_agent_rings_on_their_screen_and_they_answer_log_and_hang_up(
    phone_world, agent, client_for, settings
):
    settings.PHONE_SIMULATOR = True
    client = client_for(agent)
    client.post("/telephony/phone/state/", {"state": "available"})

    decision = ring(phone_world)
    assert decision.agent.code == "1001"
    page = client.get("/telephony/phone/").content.decode()
    assert "Incoming call" in page and "Gulen" in page and "Byggesak" in page

    answered = client.post("/telephony/phone/answer/")
    call = Call.objects.get(call_id="panel-1")
    assert answered["Location"] == f"/contacts/new/?contact={call.contact_id}"
    log_page = client.get(answered["Location"]).content.decode()
    assert "Log the call" in log_page and "+4791234567" in log_page

    logged = client.post(
        "/contacts/new/",
        {
            "contact": call.contact_id,
            "municipality": call.municipality_id,
            "channel": "phone",
            "caller_kind": "citizen",
            "language": "nb",
            "summary": "Asked how long a building permit takes.",
            "outcome": "resolved",
        },
    )
    assert logged.status_code == 302
    call.contact.refresh_from_db()
    assert call.contact.outcome == "resolved" and call.contact.summary == "Asked how long a building permit takes."
    assert call.contact.handled_by == agent

    client.post("/telephony/phone/hang-up/")
    call.refresh_from_db()
    phone_world.agents["1001"].refresh_from_db()
    assert call.status == CallStatus.ENDED
    assert phone_world.agents["1001"].state == AgentState.WRAP_UP


def test_answering_in_the_browser_needs_the_simulated_phone_system(phone_world, agent, client_for, settings):
    settings.PHONE_SIMULATOR = False
    client = client_for(agent)
    client.post("/telephony/phone/state/", {"state": "available"})
    ring(phone_world)

    assert client.post("/telephony/phone/answer/").status_code == 404
    assert "Answer</button>" not in client.get("/telephony/phone/").content.decode()


def test_a_call_logged_already_is_not_logged_twice(phone_world, agent, client_for, settings):
    settings.PHONE_SIMULATOR = True
    client = client_for(agent)
    client.post("/telephony/phone/state/", {"state": "available"})
    ring(phone_world, "panel-twice")
    client.post("/telephony/phone/answer/")
    call = Call.objects.get(call_id="panel-twice")
    form = {
        "contact": call.contact_id,
        "municipality": call.municipality_id,
        "channel": "phone",
        "caller_kind": "citizen",
        "language": "nb",
        "outcome": "resolved",
    }
    client.post("/contacts/new/", form)

    again = client.post("/contacts/new/", form)

    assert again.status_code == 422 and "This call is logged already." in again.content.decode()
