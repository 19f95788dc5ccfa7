"""Recording what the phone system reports: call events kept once each, the calls and queue visits rebuilt from
all events of their call, the agents' states following the calls, and a contact opened for each answered call.

The same work for one event or a batch of thousands: each step is one or two queries for the whole batch (the
queues, agents and numbers it names; the new events; the calls it touches and all their events; the calls and
visits written back, in ``call_records``), so a phone system sending batches is not held up per event."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.contacts.models import ContactLanguage
from civicdesk.lib.errors import Invalid
from civicdesk.lib.memo import Memo
from civicdesk.organisations import access
from civicdesk.organisations.access import SYSTEM, Actor
from civicdesk.organisations.models import ServiceCenter
from civicdesk.routing import selectors as routing_selectors
from civicdesk.routing import services as routing_services
from civicdesk.routing.models import Agent, AgentState, Queue
from civicdesk.telephony.adapters import EXIT_REASONS, CallEventIn, EventType
from civicdesk.telephony.models import Call, CallEvent, PhoneNumber
from civicdesk.telephony.services import call_records
from civicdesk.telephony.services.call_records import CONTACT_OPEN_WITHIN, REPEAT_WINDOW
from civicdesk.telephony.signals import calls_changed

__all__ = ["CONTACT_OPEN_WITHIN", "REPEAT_WINDOW", "CallEventIn", "EventType", "EventsRecorded", "call_events_record"]

_TEXT_LIMITS = {"id": 120, "call_id": 120, "dialed_number": 32, "caller_number": 32, "ivr_choice": 40, "target": 120}
_LANGUAGES = frozenset(ContactLanguage.values)  # (an enum's .values builds its list anew on every read)
_AGENT_STATES = frozenset(AgentState.values)
_SENT_FIELDS = ("dialed_number", "caller_number", "queue", "ivr_choice", "agent", "target", "language")


@dataclass(frozen=True)
class EventsRecorded:
    """``new`` events kept, ``duplicates`` already known (or sent twice in the batch), and the calls they
    touched as rebuilt."""

    new: int
    duplicates: int
    calls: list[Call]


def call_events_record(
    *, actor: Actor, center: ServiceCenter, events: list[CallEventIn], open_contacts: bool = True
) -> EventsRecorded:
    """Keep each new event once (by its id, per centre) and rebuild every call it touches, with its queue
    visits, from all events of that call (``services.calls.call_fold``), so late, repeated and reordered
    events end in the same call. Every event is checked first: an unknown queue, agent or target, a missing
    field or a time without its offset is ``Invalid`` naming the field as ``<index>.<field>``, and then no
    event is kept: all or nothing.

    An answered call opens a contact for the agent who answered it (outcome open, once per call) when it was
    answered within ``CONTACT_OPEN_WITHIN``, unless ``open_contacts`` is false. The agents' states follow the
    new events (on call, wrap-up, what ``agent.state`` says); routing ignores what is older than an agent's
    state.

    Where the call was dialled: the number the events name when it is one of the centre's municipalities'
    (the call is that municipality's), or else the municipality of the queue it is offered to (a shared
    queue leaves it unknown). A number that is not the centre's is kept as the caller dialled it, but only
    on events that name a queue: Asterisk's queue_log names no number, and a bridge may send numbers in a
    form of its own; an event with neither a known number nor a queue is refused. ``call.offered`` needs a
    queue, unless the number dialled leads straight to one.

    A caller is calling again (``Call.is_repeat``) when the same number started a call to the centre within
    ``REPEAT_WINDOW`` before."""
    access.require_add_center_kind(actor, CallEvent, center)
    if not events:
        return EventsRecorded(0, 0, [])
    # Checked before the transaction starts, from memos that are only kept when read outside one.
    lookups = _Lookups.load(center)
    checked = [_checked(index, event, lookups) for index, event in enumerate(events)]
    unique: dict[str, tuple[CallEventIn, dict]] = {}
    for event, fields in checked:
        unique.setdefault(event.event_id, (event, fields))
    if len(unique) == 1 and call_records.offers_in_one_statement():
        [(event, fields)] = unique.values()
        if event.type == EventType.OFFERED:  # a call beginning, reported live: most often a new call
            call, new = call_records.offered_call_recorded(center, event, fields)
            if call is not None:
                transaction.on_commit(
                    lambda: calls_changed.send(sender=Call, center_id=center.pk, call_ids=[call.call_id])
                )
                return EventsRecorded(int(new), len(events) - int(new), [call])
    with transaction.atomic():
        return _recorded(center, unique, len(events), lookups, open_contacts)


def _recorded(center: ServiceCenter, unique: dict, received: int, lookups: "_Lookups", open_contacts: bool):
    new_ids = _insert_new(center, list(unique.values()))
    duplicates = received - len(new_ids)
    if not new_ids:
        return EventsRecorded(0, duplicates, [])
    new_events = [unique[event_id] for event_id in unique if event_id in new_ids]

    agents = lookups.agents_by_pk(center)
    calls = call_records.calls_rebuilt(center, new_events, agents, open_contacts)
    _agents_follow(new_events, calls, new_ids, agents)
    if calls:
        call_ids = [call.call_id for call in calls]
        transaction.on_commit(lambda: calls_changed.send(sender=Call, center_id=center.pk, call_ids=call_ids))
    return EventsRecorded(len(new_ids), duplicates, calls)


# --- Checking ---------------------------------------------------------------------------------------------------


class _AgentRef(NamedTuple):
    pk: int
    user_id: int
    wrap_up_s: int


# The centre's queues and agents by the names the phone system uses, and every public number: read on every
# event, changed seldom. Renewed when one of those rows changes (an agent's state changes are not that).
PHONE_NAMES = Memo("telephony-phone-names")


def _names_changed(sender, update_fields=None, **kwargs) -> None:
    if update_fields is None or sender is not Agent or {"code", "user", "wrap_up_s", "center"} & set(update_fields):
        PHONE_NAMES.bump()


for _model in (Queue, Agent, PhoneNumber):
    post_save.connect(_names_changed, sender=_model, dispatch_uid=f"telephony-names-save-{_model.__name__}")
    post_delete.connect(_names_changed, sender=_model, dispatch_uid=f"telephony-names-delete-{_model.__name__}")


@dataclass
class _Lookups:
    """The centre's queues and agents, and the numbers of the municipalities it serves now."""

    queues: dict[str, tuple[int, int | None]]  # key -> (id, municipality id)
    agents: dict[str, _AgentRef]  # code -> agent
    numbers: dict[str, tuple]  # number -> (id, municipality id, its own queue's id, that queue's municipality id)
    served: set[int]  # the municipalities the centre serves now: only their numbers are the centre's
    agents_pk: dict[int, tuple[str, _AgentRef]]  # pk -> (code, agent)

    @classmethod
    def load(cls, center: ServiceCenter) -> "_Lookups":
        def queues():
            rows = routing_selectors.queue_list(actor=SYSTEM, center=center, include_inactive=True)
            return {key: (pk, m) for key, pk, m in rows.values_list("key", "pk", "municipality_id")}

        def agents():
            rows = routing_selectors.agent_list(actor=SYSTEM, center=center).prefetch_related(None)
            by_code = {code: _AgentRef(*rest) for code, *rest in rows.values_list("code", "pk", "user_id", "wrap_up_s")}
            return by_code, {ref.pk: (code, ref) for code, ref in by_code.items()}

        def numbers():
            rows = PhoneNumber.objects.values_list(
                "number", "pk", "municipality_id", "queue_id", "queue__municipality_id"
            )
            return {number: tuple(rest) for number, *rest in rows}

        agents_by_code, agents_by_pk = PHONE_NAMES.get(("agents", center.pk), agents)
        return cls(
            PHONE_NAMES.get(("queues", center.pk), queues),
            agents_by_code,
            PHONE_NAMES.get("numbers", numbers),
            access.current_member_ids([center.pk]),
            agents_by_pk,
        )

    def number(self, dialled: str) -> tuple | None:
        """The centre's number the caller dialled, in whichever form the phone system sent it."""
        for form in _number_forms(dialled):
            found = self.numbers.get(form)
            if found is not None and found[1] in self.served:
                return found
        return None

    def agents_by_pk(self, center: ServiceCenter) -> "_AgentsByPk":
        """Agents to hand to routing (which reads each again, locked), by primary key: made when asked for, as
        a batch names a few of a centre's hundreds."""
        return _AgentsByPk(center, self.agents_pk)


class _AgentsByPk(Mapping):
    """The centre's agents by primary key, each an ``Agent`` with enough of the row to name it, made once
    when first asked for."""

    def __init__(self, center: ServiceCenter, refs: dict[int, tuple[str, _AgentRef]]):
        self._center, self._refs, self._made = center, refs, {}

    def __getitem__(self, pk: int) -> Agent:
        agent = self._made.get(pk)
        if agent is None:
            code, ref = self._refs[pk]
            agent = self._made[pk] = Agent(
                pk=pk, center=self._center, user_id=ref.user_id, code=code, wrap_up_s=ref.wrap_up_s
            )
        return agent

    def __contains__(self, pk) -> bool:
        return pk in self._refs

    def __iter__(self):
        return iter(self._refs)

    def __len__(self) -> int:
        return len(self._refs)


def _number_forms(number: str) -> list[str]:
    """The forms a dialled number may be stored in: as sent, and in +E.164 when sent without the plus."""
    compact = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    forms = [number, compact]
    if compact.startswith("00"):
        forms.append("+" + compact[2:])
    elif compact and not compact.startswith("+"):
        forms.append("+" + compact)
    return forms


def _checked(index: int, event: CallEventIn, lookups: _Lookups) -> tuple[CallEventIn, dict]:
    """The event's fields as kept: what was sent (non-empty) and the ids it names; ``Invalid`` naming the
    first field that is wrong."""

    def invalid(name: str, message: str) -> Invalid:
        return Invalid(message, field=f"{index}.{name}")

    if not event.event_id:
        raise invalid("id", _("Give every event an id (the same id is kept once)."))
    if event.type not in EventType.ORDER:
        raise invalid("type", _("Unknown event type %(type)s.") % {"type": event.type})
    if event.type in EventType.CALL_TYPES and not event.call_id:
        raise invalid("call_id", _("Say which call the event is about."))
    if not isinstance(event.at, datetime) or timezone.is_naive(event.at):
        raise invalid("at", _("Give the time with its offset from UTC, e.g. 2026-03-02T09:15:00+01:00."))
    for name, limit in _TEXT_LIMITS.items():
        value = event.event_id if name == "id" else getattr(event, name)
        if len(value) > limit:
            raise invalid(name, _("At most %(n)s characters.") % {"n": limit})
    if event.language and event.language not in _LANGUAGES:
        raise invalid("language", _("Unknown language %(language)s.") % {"language": event.language})
    if not isinstance(event.data, dict):
        raise invalid("data", _("Give data as an object."))

    fields: dict = {name: getattr(event, name) for name in _SENT_FIELDS if getattr(event, name)}
    if event.data:
        fields["data"] = event.data
    number = lookups.number(event.dialed_number) if event.dialed_number else None
    if number is not None:
        fields["number_id"], fields["number_municipality_id"] = number[:2]
    if event.type == EventType.OFFERED and not event.queue and number is not None and number[2] is not None:
        fields["queue_id"], fields["queue_municipality_id"] = number[2:]  # a number straight to its queue
    if event.queue:
        queue = lookups.queues.get(event.queue)
        if queue is None:
            raise invalid("queue", _("No queue with the key %(key)s in this centre.") % {"key": event.queue})
        fields["queue_id"], fields["queue_municipality_id"] = queue
    if event.dialed_number and number is None and not event.queue:
        message = _("%(number)s is not a number of this centre.") % {"number": event.dialed_number}
        raise invalid("dialed_number", message)
    if event.agent:
        agent = lookups.agents.get(event.agent)
        if agent is None:
            raise invalid("agent", _("No agent with the code %(code)s in this centre.") % {"code": event.agent})
        fields["agent_id"], fields["agent_wrap_s"] = agent.pk, agent.wrap_up_s
    _check_type_fields(event, fields, lookups, invalid)
    return event, fields


def _check_type_fields(event: CallEventIn, fields: dict, lookups: _Lookups, invalid) -> None:
    data = event.data
    if event.type == EventType.OFFERED and "queue_id" not in fields:
        raise invalid("queue", _("Say which queue the call entered."))
    elif event.type == EventType.AGENT_STATE:
        if not event.agent:
            raise invalid("agent", _("Say whose state it is."))
        if data.get("state") not in _AGENT_STATES:
            raise invalid("data.state", _("Give a state the router knows: %(states)s.") % {"states": _states()})
    elif event.type == EventType.EXITED and data.get("reason") not in EXIT_REASONS:
        raise invalid("data.reason", _("Give the reason: timeout, exit_key or no_agents."))
    elif event.type == EventType.HOLD and not _seconds_given(data.get("hold_s")):
        raise invalid("data.hold_s", _("Give the seconds on hold."))
    elif event.type == EventType.ENDED and data.get("wrap_s") is not None and not _seconds_given(data["wrap_s"]):
        raise invalid("data.wrap_s", _("Give the seconds of wrap-up."))
    elif event.type == EventType.TRANSFERRED:
        if not event.target:
            raise invalid("target", _("Say where the call was transferred to."))
        if event.target in lookups.queues:
            fields["target_queue_id"], fields["target_queue_municipality_id"] = lookups.queues[event.target]
        elif event.target in lookups.agents:
            agent = lookups.agents[event.target]
            fields["target_agent_id"], fields["target_agent_wrap_s"] = agent.pk, agent.wrap_up_s
        elif not data.get("external"):
            raise invalid(
                "target",
                _("%(target)s is neither a queue nor an agent of this centre (set data.external for a transfer out).")
                % {"target": event.target},
            )


def _states() -> str:
    return ", ".join(AgentState.values)


def _seconds_given(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


# --- Keeping events once -----------------------------------------------------------------------------------------


def _insert_new(center: ServiceCenter, rows: list[tuple[CallEventIn, dict]]) -> set[str]:
    """INSERT the events whose id the centre does not have yet; the ids that were new. One statement per 500
    events; a concurrent request that inserts the same id first simply wins (ON CONFLICT DO NOTHING, after
    waiting for it to commit). In the order of their ids, so that two requests with some of the same events
    wait for each other one way only, never crosswise."""
    rows = sorted(rows, key=lambda row: row[0].event_id)
    columns = ["center", "event_id", "call_id", "type", "at", "data", "received_at"]
    now = timezone.now()
    new: set[str] = set()
    for start in range(0, len(rows), call_records.ROWS_PER_STATEMENT):
        chunk = rows[start : start + call_records.ROWS_PER_STATEMENT]
        values = [[center.pk, e.event_id, e.call_id, e.type, e.at, stored, now] for e, stored in chunk]
        sql, params = call_records.insert_statement(
            CallEvent, columns, values, "ON CONFLICT (center_id, event_id) DO NOTHING RETURNING event_id"
        )
        new.update(row[0] for row in call_records.execute(CallEvent, sql, params))
    return new


# --- Agents' states -----------------------------------------------------------------------------------------------


def _agents_follow(
    new_events: list[tuple[CallEventIn, dict]], calls: list[Call], new_ids, agents: Mapping[int, Agent]
) -> None:
    """The agents' states the new events imply, oldest first: on call when answering, wrap-up when the call
    ended, and what ``agent.state`` events say. Routing ignores what is older than an agent's current state."""
    moves = [
        (at, agent_id, state, event_id, call.call_id)
        for call in calls
        for event_id, agent_id, state, at in call.folded.agent_moves
        if event_id in new_ids
    ]
    moves += [
        (event.at, fields["agent_id"], event.data["state"], event.event_id, "")
        for event, fields in new_events
        if event.type == EventType.AGENT_STATE
    ]
    if not moves:
        return
    # Routing locks the agents once, in one order (two batches about the same agents never wait for each other
    # crosswise), and decides every report in memory: what is older than an agent's state is ignored.
    reports = [
        routing_services.AgentReport(agents[agent_id], state, at, call_id)
        for at, agent_id, state, _event_id, call_id in sorted(moves, key=lambda m: (m[0], m[3]))
        if agent_id in agents
    ]
    routing_services.agent_phone_events(actor=SYSTEM, reports=reports)
