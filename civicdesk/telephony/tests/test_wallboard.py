"""The wallboard: the centre's live picture, and the websocket that keeps screens current. (Two ASGI worker
processes sharing Redis are tested against a running server in tests/browser/test_wallboard_live.py.)"""

import asyncio
import datetime as dt
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.utils import timezone

from civicdesk.organisations.access import SYSTEM
from civicdesk.telephony import consumers
from civicdesk.telephony.selectors.wallboard import wallboard_snapshot
from civicdesk.telephony.services import CallEventIn, call_events_record


class WebsocketCommunicator(ApplicationCommunicator):
    """A websocket client for an ASGI application in this process (Channels' own needs Daphne, which we do
    not run)."""

    def __init__(self, application, path: str, headers: list):
        scope = {
            "type": "websocket",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": headers,
            "subprotocols": [],
            "scheme": "ws",
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 5000),
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 5):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, None

    async def receive_from(self, timeout: float = 5) -> str:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return response["text"]

    async def disconnect(self, code: int = 1000, timeout: float = 5):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def offered(phone_world, call_id: str, *, queue: str = "building", seconds_ago: float = 30) -> None:
    call_events_record(
        actor=SYSTEM,
        center=phone_world.center,
        events=[
            CallEventIn(
                event_id=f"{call_id}:offered",
                type="call.offered",
                call_id=call_id,
                at=timezone.now() - dt.timedelta(seconds=seconds_ago),
                dialed_number="+4757786000",
                caller_number="+4791234567",
                queue=queue,
                ivr_choice="1",
            )
        ],
    )


def test_snapshot_counts_calls_waiting_per_queue_and_the_longest_wait(phone_world, supervisor):
    offered(phone_world, "w-1", seconds_ago=95)
    offered(phone_world, "w-2", seconds_ago=20)
    offered(phone_world, "w-3", queue="social", seconds_ago=40)

    snapshot = wallboard_snapshot(actor=supervisor, center=phone_world.center)

    queues = {q["key"]: q for q in snapshot["queues"]}
    assert (queues["building"]["waiting"], queues["social"]["waiting"], queues["schools"]["waiting"]) == (2, 1, 0)
    assert 95 <= queues["building"]["longest_wait_s"] <= 100
    assert snapshot["waiting"] == 3
    assert snapshot["longest_wait_s"] == queues["building"]["longest_wait_s"]


def test_snapshot_shows_agents_by_state_and_the_reinforcements_free_to_pull_in(phone_world, supervisor):
    from civicdesk.routing import services as routing_services

    for code in ("1001", "1002"):
        routing_services.agent_state_set(actor=SYSTEM, agent=phone_world.agents[code], state="available")
    routing_services.agent_state_set(actor=SYSTEM, agent=phone_world.agents["1004"], state="other_work")

    snapshot = wallboard_snapshot(actor=supervisor, center=phone_world.center)

    assert snapshot["agents_by_state"]["available"] == 2
    assert snapshot["agents_by_state"]["other_work"] == 1
    assert snapshot["logged_in"] == 3
    assert [r["code"] for r in snapshot["reinforcements"]] == ["1004"]  # off phone duty, at other work


def test_a_caseworker_cannot_read_a_centres_wallboard(phone_world, caseworker):
    from civicdesk.lib.errors import NotFound

    with pytest.raises(NotFound):  # they see the centre serving their municipality, not its phones
        wallboard_snapshot(actor=caseworker, center=phone_world.center)


def test_wallboard_page_shows_the_board_and_a_wall_display(phone_world, supervisor, client_for):
    from civicdesk.routing import services as routing_services

    offered(phone_world, "w-page")
    routing_services.agent_state_set(actor=SYSTEM, agent=phone_world.agents["1004"], state="other_work")
    client = client_for(supervisor)

    page = client.get("/telephony/wallboard/")
    wall = client.get("/telephony/wallboard/?display=wall")

    assert page.status_code == 200 and wall.status_code == 200
    text = page.content.decode()
    assert "Byggesak, oppmåling og plan" in text and 'data-center="nordhordland"' in text
    assert "Pull in reinforcements" in text and 'name="agents" value="1004"' in text
    assert 'data-color-scheme="dark"' in wall.content.decode() and "cd-nav" not in wall.content.decode()


# --- the websocket ----------------------------------------------------------------------------------------------


@pytest.fixture
def same_connection(monkeypatch):
    """Let Channels read the database on the test's own connection, inside its transaction: its thread-
    sensitive calls run on this thread already; only its closing of "old" connections must not close it."""
    import channels.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)
    monkeypatch.setattr(consumers, "SETTLE_S", 0.0)


def _cookie(client, user) -> bytes:
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _communicator(cookie: bytes):
    from civicdesk.asgi import application

    return WebsocketCommunicator(
        application,
        "/ws/wallboard/nordhordland/",
        headers=[(b"cookie", cookie), (b"origin", b"http://testserver"), (b"host", b"testserver")],
    )


def test_a_screen_gets_the_snapshot_at_once_and_again_after_a_change(
    phone_world, supervisor, client, same_connection, django_capture_on_commit_callbacks
):
    cookie = _cookie(client, supervisor)

    async def watch():
        screen = _communicator(cookie)
        connected, _ = await screen.connect()
        assert connected
        first = json.loads(await screen.receive_from(timeout=5))
        await sync_to_async(offered, thread_sensitive=True)(phone_world, "w-live")
        await sync_to_async(consumers.wallboard_changed, thread_sensitive=True)(phone_world.center.pk)
        second = json.loads(await screen.receive_from(timeout=5))
        await screen.disconnect()
        return first, second

    first, second = async_to_sync(watch)()

    assert first["type"] == "snapshot" and first["snapshot"]["waiting"] == 0
    assert second["snapshot"]["waiting"] == 1
    assert {q["key"] for q in second["snapshot"]["queues"]} == {"building", "social", "schools", "switchboard"}


def test_every_screen_of_the_centre_gets_the_same_update_and_the_hub_goes_with_the_last(
    phone_world, supervisor, agent, client, same_connection
):
    from django.test import Client

    cookies = [_cookie(client, supervisor), _cookie(Client(), agent)]

    async def watch():
        screens = [_communicator(cookie) for cookie in cookies]
        for screen in screens:
            assert (await screen.connect())[0]
            await screen.receive_from(timeout=5)
        await sync_to_async(offered, thread_sensitive=True)(phone_world, "w-both")
        await sync_to_async(consumers.wallboard_changed, thread_sensitive=True)(phone_world.center.pk)
        updates = [json.loads(await screen.receive_from(timeout=5)) for screen in screens]
        hubs_while_watching = len(consumers._hubs)
        for screen in screens:
            await screen.disconnect()
        await asyncio.sleep(0)
        return updates, hubs_while_watching, len(consumers._hubs)

    updates, watching, after = async_to_sync(watch)()

    assert updates[0] == updates[1] and updates[0]["snapshot"]["waiting"] == 1
    assert (watching, after) == (1, 0)


@pytest.mark.parametrize("who", ["outsider agent", "caseworker", "anonymous"])
def test_only_the_centres_staff_may_watch_its_wallboard(phone_world, client, same_connection, who):
    from django.contrib.auth import get_user_model

    users = {
        "outsider agent": "orebro.agent01",
        "caseworker": "gulen.caseworker",
    }

    cookie = b"" if who == "anonymous" else _cookie(client, get_user_model().objects.get(username=users[who]))

    async def watch():
        screen = _communicator(cookie)
        connected, code = await screen.connect()
        return {"type": "websocket.accept"} if connected else {"type": "websocket.close", "code": code}

    output = async_to_sync(watch)()

    assert output["type"] == "websocket.close" and output.get("code") == 4403


def test_a_supervisor_pulls_in_a_reinforcement_from_the_wallboard(phone_world, supervisor, client_for):
    from civicdesk.routing import services as routing_services

    routing_services.agent_state_set(actor=SYSTEM, agent=phone_world.agents["1004"], state="other_work")

    response = client_for(supervisor).post(
        "/routing/reinforcements/", {"center": "nordhordland", "agents": ["1004"], "minutes": "60"}, follow=True
    )

    agent = phone_world.agents["1004"]
    agent.refresh_from_db()
    assert agent.pulled_in_until is not None
    assert 3500 <= (agent.pulled_in_until - timezone.now()).total_seconds() <= 3600
    assert "1 agent pulled in to the phones." in response.content.decode()


def test_an_agent_cannot_pull_in_reinforcements(phone_world, agent, client_for):
    from civicdesk.routing import services as routing_services

    routing_services.agent_state_set(actor=SYSTEM, agent=phone_world.agents["1004"], state="other_work")

    response = client_for(agent).post(
        "/routing/reinforcements/", {"center": "nordhordland", "agents": ["1004"], "minutes": "60"}, follow=True
    )

    phone_world.agents["1004"].refresh_from_db()
    assert phone_world.agents["1004"].pulled_in_until is None
    assert "You do not have permission to do that." in response.content.decode()
