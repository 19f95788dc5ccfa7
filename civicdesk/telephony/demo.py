"""The demo's phones: each municipality's public number with its IVR menu (one key per queue of the centre
serving it, 9 for English, 0 for the switchboard; Gulen's menu follows its opening hours), phone duty now
for a few agents of each centre so the demo is live whenever it runs, and the past days' calls played by
the phone simulator (``CIVICDESK_DEMO_CALL_DAYS``, 7 by default) so figures and the wallboard are filled."""

import datetime as dt
import os

from django.utils import timezone

from civicdesk.organisations import access
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Municipality, ServiceCenter
from civicdesk.routing import selectors as routing_selectors
from civicdesk.routing import services as routing_services
from civicdesk.telephony import services
from civicdesk.telephony.services import CallEventIn
from civicdesk.telephony.simulator import runs

NUMBERS = {
    "gulen": ("+4757786000", "Gulen kommune"),
    "osteroy": ("+4756192100", "Osterøy kommune"),
    "samnanger": ("+4756587000", "Samnanger kommune"),
    "aurland": ("+4757629900", "Aurland kommune"),
    "orebro": ("+4619211000", "Örebro kommun"),
}
FIRST_DIGITS = {"building": "1", "social": "2", "schools": "3", "switchboard": "0"}
GREETINGS = {
    "nb": "Velkommen til %(m)s. Vel blant desse tenestene.",
    "sv": "Välkommen till %(m)s. Välj bland följande.",
    "da": "Velkommen til %(m)s. Vælg blandt følgende.",
    "en": "Welcome to %(m)s. Please choose from the following.",
}
CLOSED = {
    "nb": "Servicetorget er stengt no. Vi opnar igjen klokka 08.00.",
    "en": "The service centre is closed now. We open again at 8 am.",
}
LIVE_AGENTS_PER_CENTRE = 4


def _digits(queues) -> dict:
    """A key per queue: the usual ones first, then the rest in order, the switchboard on 0."""
    chosen, free = {}, [d for d in "123456" if d not in FIRST_DIGITS.values()]
    for queue in queues:
        digit = FIRST_DIGITS.get(queue.key)
        if digit is None and ("switch" in queue.key or queue.key in ("vaxel", "sentralbord")):
            digit = "0"
        chosen[queue] = digit if digit and digit not in chosen.values() else (free.pop(0) if free else None)
    return {queue: digit for queue, digit in chosen.items() if digit}


def _menu(municipality: Municipality, center: ServiceCenter) -> None:
    queues = list(routing_selectors.queue_list(actor=SYSTEM, center=center).filter(channel="phone"))
    queues = [q for q in queues if q.municipality_id in (None, municipality.pk)]
    if not queues:
        return
    language = municipality.language
    greeting = {lang: text % {"m": municipality.name} for lang, text in GREETINGS.items() if lang in (language, "en")}
    follows = municipality.slug == "gulen"
    menu = services.menu_create(
        actor=SYSTEM,
        municipality=municipality,
        label=f"{municipality.name}",
        announcements=greeting,
        closed_announcements=CLOSED if follows else {},
        follows_opening_hours=follows,
    )
    digits = _digits(queues)
    for queue, digit in sorted(digits.items(), key=lambda item: item[1]):
        services.menu_step_add(actor=SYSTEM, parent=menu, digit=digit, label=queue.name, queue=queue)
    switchboard = next((q for q, d in digits.items() if d == "0"), None)
    if switchboard is not None and language != "en":
        services.menu_step_add(
            actor=SYSTEM,
            parent=menu,
            digit="9",
            label="English",
            queue=switchboard,
            sets_language="en",
            announcements={"en": "You will be answered in English."},
        )
    number, label = NUMBERS[municipality.slug]
    services.phone_number_add(actor=SYSTEM, municipality=municipality, number=number, label=label, menu=menu)


def _live_duty(center: ServiceCenter) -> None:
    """Phone duty from now for a few agents (the demo logins nh.agent … first), so the simulator has agents at
    any hour and a person signed in as one of them is rung."""
    now = timezone.now()
    agents = sorted(routing_selectors.agent_list(actor=SYSTEM, center=center), key=lambda a: a.user.username)
    on_duty = [a for a in agents if routing_selectors.is_on_phone_duty(a, now)]
    for agent in [a for a in agents if a not in on_duty][: max(0, LIVE_AGENTS_PER_CENTRE - len(on_duty))]:
        routing_services.shift_add(
            actor=SYSTEM,
            agent=agent,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=20),
            note="Demo: on the phones whenever the demo runs",
        )


class _ServiceLine:
    """The past days go straight to the events service: old calls open no contacts (the demo's contact log
    has its own), which the webhook would do for every answered call."""

    def __init__(self, center: ServiceCenter):
        self.center = center

    def send(self, events: list[dict]) -> dict:
        parsed = [
            CallEventIn(
                event_id=e["id"],
                type=e["type"],
                call_id=e.get("call_id", ""),
                at=dt.datetime.fromisoformat(e["at"]),
                dialed_number=e.get("dialed_number", ""),
                caller_number=e.get("caller_number", ""),
                queue=e.get("queue", ""),
                ivr_choice=e.get("ivr_choice", ""),
                agent=e.get("agent", ""),
                language=e.get("language", ""),
                data=e.get("data", {}),
            )
            for e in events
        ]
        recorded = services.call_events_record(actor=SYSTEM, center=self.center, events=parsed, open_contacts=False)
        return {"new": recorded.new, "duplicates": recorded.duplicates}

    def route(self, question: dict) -> dict:
        raise NotImplementedError


def build() -> None:
    days = float(os.environ.get("CIVICDESK_DEMO_CALL_DAYS", "7"))
    for center in ServiceCenter.objects.filter(is_internal=False).order_by("slug"):
        for municipality in Municipality.objects.filter(pk__in=access.current_member_ids([center.pk])):
            if municipality.slug in NUMBERS:
                _menu(municipality, center)
        # Örebro's 50 agents are not all on the phones at once: about a third answer, so 70–80 % of calls
        # are answered within 120 s, as in the seed article.
        on_phones = 0.3 if center.slug == "orebro" else 1.0
        if days > 0:
            runs.history_send(line=_ServiceLine(center), center=center, days=days, on_phones=on_phones)
        _live_duty(center)
