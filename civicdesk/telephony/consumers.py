"""The wallboard over websockets: ``/ws/wallboard/<centre>/``.

Each ASGI worker process keeps one hub per centre that has viewers. The hub, not each viewer, listens on
the channel layer (Redis in production, so every worker hears every change) and, when told that calls,
agents or alerts changed, reads the centre's snapshot once and sends the same JSON to all its viewers. So a
change costs one message per worker process and one snapshot per worker, whether 5 or 500 screens watch.
Changes arriving close together are taken as one (``SETTLE_S``); without changes the snapshot is renewed
every ``RENEW_S`` so waiting times and wrap-up timers move on.
"""

import asyncio
import json
import logging
import time

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

from civicdesk.organisations import access
from civicdesk.organisations.models import ServiceCenter

log = logging.getLogger(__name__)

SETTLE_S = 0.1
RENEW_S = 5.0


_last_ping: dict[int, float] = {}


def group_name(center_id: int) -> str:
    return f"wallboard.{center_id}"


def wallboard_changed(center_id: int) -> None:
    """Tell every worker's hub for the centre that something on its wallboard changed (from sync code,
    after commit)."""
    # One commit may announce a call and every agent it moved: the hubs wait SETTLE_S before reading anyway,
    # so one ping per centre in that time tells them all of it (the rest would cost a broker round trip each).
    now = time.monotonic()
    if now - _last_ping.get(center_id, -1.0) < SETTLE_S / 2:
        return
    _last_ping[center_id] = now
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name(center_id), {"type": "wallboard.changed"})
    except Exception:  # the wallboard is a view of the data: a broker hiccup must not fail the write
        log.warning("wallboard: could not tell the workers about a change", exc_info=True)


def _snapshot_json(center_id: int) -> str:
    from civicdesk.telephony.selectors.wallboard import wallboard_snapshot

    center = ServiceCenter.objects.get(pk=center_id)
    snapshot = wallboard_snapshot(actor=access.SYSTEM, center=center)
    return json.dumps({"type": "snapshot", "snapshot": snapshot}, cls=DjangoJSONEncoder)


class CenterHub:
    """One centre's viewers in this process, and the task that keeps them current."""

    def __init__(self, center_id: int):
        self.center_id = center_id
        self.viewers: set[AsyncWebsocketConsumer] = set()
        self.latest: str | None = None
        self.task: asyncio.Task | None = None
        self.changed = asyncio.Event()

    async def start(self) -> None:
        layer = get_channel_layer()
        self.channel = await layer.new_channel()
        await layer.group_add(group_name(self.center_id), self.channel)
        self.task = asyncio.create_task(self._listen(layer))
        self.renewer = asyncio.create_task(self._renew())

    async def stop(self) -> None:
        layer = get_channel_layer()
        for task in (self.task, self.renewer):
            if task is not None:
                task.cancel()
        await layer.group_discard(group_name(self.center_id), self.channel)

    async def _listen(self, layer) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("wallboard: channel layer receive failed", exc_info=True)
                await asyncio.sleep(1)
                continue
            if message.get("type") == "wallboard.changed":
                self.changed.set()

    async def _renew(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self.changed.wait(), timeout=RENEW_S)
                await asyncio.sleep(SETTLE_S)
            except TimeoutError:
                pass
            self.changed.clear()
            try:
                await self.publish()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("wallboard: could not read the snapshot", exc_info=True)

    async def publish(self) -> str:
        self.latest = await database_sync_to_async(_snapshot_json)(self.center_id)
        viewers = list(self.viewers)
        results = await asyncio.gather(
            *(viewer.send(text_data=self.latest) for viewer in viewers), return_exceptions=True
        )
        for viewer, result in zip(viewers, results, strict=True):
            if isinstance(result, Exception):
                self.viewers.discard(viewer)
        return self.latest


_hubs: dict[tuple[int, int], CenterHub] = {}


async def _hub_for(center_id: int) -> CenterHub:
    key = (id(asyncio.get_running_loop()), center_id)
    hub = _hubs.get(key)
    if hub is None:
        hub = _hubs[key] = CenterHub(center_id)
        await hub.start()
    return hub


async def _leave(center_id: int, viewer) -> None:
    key = (id(asyncio.get_running_loop()), center_id)
    hub = _hubs.get(key)
    if hub is None:
        return
    hub.viewers.discard(viewer)
    if not hub.viewers:
        del _hubs[key]
        await hub.stop()


def _center_seen_by(user, slug: str) -> int | None:
    """The centre's id when the signed-in user works there (or is a platform admin), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    center = ServiceCenter.objects.filter(slug=slug).first()
    return center.pk if center is not None and access.works_at(user, center) else None


class WallboardConsumer(AsyncWebsocketConsumer):
    """A wallboard screen: signed-in staff of the centre receive its snapshot now and after every change."""

    center_id: int | None = None

    async def connect(self):
        slug = self.scope["url_route"]["kwargs"]["center"]
        self.center_id = await database_sync_to_async(_center_seen_by)(self.scope.get("user"), slug)
        if self.center_id is None:
            await self.close(code=4403)
            return
        await self.accept()
        hub = await _hub_for(self.center_id)
        hub.viewers.add(self)
        if hub.latest is None:
            await hub.publish()  # the first screen: read the snapshot, which goes to every viewer
        else:
            await self.send(text_data=hub.latest)

    async def disconnect(self, code):
        if self.center_id is not None:
            await _leave(self.center_id, self)

    async def receive(self, text_data=None, bytes_data=None):
        pass  # screens only listen
