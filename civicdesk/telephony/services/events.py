"""Recording what the phone system reports: call events kept once each, the calls and queue visits rebuilt from
all events of their call, the agents' states following the calls, and a contact opened for each answered call.

The same work for one event or a batch of thousands: each step is one or two queries for the whole batch (the
queues, agents and numbers it names; the new events; the calls it touches and all their events; the calls and
visits written back), so a phone system sending batches is not held up per event."""

# ruff: noqa: S608 - the SQL is built from model metadata (quoted table and column names), never from input

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.contacts import services as contact_services
from civicdesk.contacts.models import Channel, ContactLanguage, Outcome
from civicdesk.contacts.services import CallerDetails
from civicdesk.lib.errors import Invalid
from civicdesk.lib.memo import Memo
from civicdesk.organisations import access, reference
from civicdesk.organisations.access import SYSTEM, Actor
from civicdesk.organisations.models import ServiceCenter, Topic, User
from civicdesk.routing import selectors as routing_selectors
from civicdesk.routing import services as routing_services
from civicdesk.routing.models import Agent, AgentState, Queue
from civicdesk.telephony.adapters import EXIT_REASONS, CallEventIn, EventType
from civicdesk.telephony.models import Call, CallEvent, PhoneNumber, QueueVisit
from civicdesk.telephony.services.calls import FoldedCall, StoredEvent, call_fold
from civicdesk.telephony.signals import calls_changed

__all__ = ["CONTACT_OPEN_WITHIN", "REPEAT_WINDOW", "CallEventIn", "EventType", "EventsRecorded", "call_events_record"]

# A caller who calls the centre again within this time is recognised as calling again.
REPEAT_WINDOW = timedelta(minutes=30)
# An answered call opens a contact in the agent's contact log when the answer is reported within this time:
# calls reported later (old calls played in, a phone system catching up after a long outage) would only leave
# open contacts nobody is going to complete.
CONTACT_OPEN_WITHIN = timedelta(hours=12)
_TEXT_LIMITS = {"id": 120, "call_id": 120, "dialed_number": 32, "caller_number": 32, "ivr_choice": 40, "target": 120}
_SENT_FIELDS = ("dialed_number", "caller_number", "queue", "ivr_choice", "agent", "target", "language")
_ROWS_PER_STATEMENT = 500


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
    with transaction.atomic():
        return _recorded(center, unique, len(events), lookups, open_contacts)


def _recorded(center: ServiceCenter, unique: dict, received: int, lookups: "_Lookups", open_contacts: bool):
    new_ids = _insert_new(center, list(unique.values()))
    duplicates = received - len(new_ids)
    if not new_ids:
        return EventsRecorded(0, duplicates, [])
    new_events = [unique[event_id] for event_id in unique if event_id in new_ids]

    calls = _calls_rebuilt(center, new_events, lookups, open_contacts)
    _agents_follow(center, new_events, calls, new_ids, lookups)
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

    @classmethod
    def load(cls, center: ServiceCenter) -> "_Lookups":
        def queues():
            rows = routing_selectors.queue_list(actor=SYSTEM, center=center, include_inactive=True)
            return {key: (pk, m) for key, pk, m in rows.values_list("key", "pk", "municipality_id")}

        def agents():
            rows = routing_selectors.agent_list(actor=SYSTEM, center=center).prefetch_related(None)
            return {code: _AgentRef(*rest) for code, *rest in rows.values_list("code", "pk", "user_id", "wrap_up_s")}

        def numbers():
            rows = PhoneNumber.objects.values_list(
                "number", "pk", "municipality_id", "queue_id", "queue__municipality_id"
            )
            return {number: tuple(rest) for number, *rest in rows}

        served = access.current_member_ids([center.pk])
        return cls(
            PHONE_NAMES.get(("queues", center.pk), queues),
            PHONE_NAMES.get(("agents", center.pk), agents),
            {n: row for n, row in PHONE_NAMES.get("numbers", numbers).items() if row[1] in served},
        )

    def number(self, dialled: str) -> tuple | None:
        """The centre's number the caller dialled, in whichever form the phone system sent it."""
        for form in _number_forms(dialled):
            found = self.numbers.get(form)
            if found is not None:
                return found
        return None

    def agents_by_pk(self, center: ServiceCenter) -> dict[int, Agent]:
        """Agents to hand to routing (which reads each again, locked): enough of the row to name it."""
        return {
            ref.pk: Agent(pk=ref.pk, center=center, user_id=ref.user_id, code=code, wrap_up_s=ref.wrap_up_s)
            for code, ref in self.agents.items()
        }


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
    if event.language and event.language not in ContactLanguage.values:
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
        if data.get("state") not in AgentState.values:
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


def _insert_statement(model, columns: list[str], rows: list[list], tail: str) -> tuple[str, list]:
    """An INSERT of ``rows`` (plain values, in ``columns`` order) and its parameters. On PostgreSQL the rows go as
    one JSON parameter read by ``jsonb_to_recordset``: the statement's text is the same whatever the number of
    rows, so it is parsed and planned once, and one JSON text costs the driver far less than thousands of
    parameters or arrays (3,500 placeholders cost more to parse than the rows cost to insert). Elsewhere rows of
    VALUES."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(quote(field.column) for field in fields)
    table = quote(model._meta.db_table)
    if connection.vendor == "postgresql":
        record = ", ".join(f"c{n} {field.db_type(connection)}" for n, field in enumerate(fields))
        picked = ", ".join(f"c{n}" for n in range(len(fields)))
        data = json.dumps([{f"c{n}": _json_value(v) for n, v in enumerate(values)} for values in rows])
        sql = f"INSERT INTO {table} ({names}) SELECT {picked} FROM jsonb_to_recordset(%s::jsonb) AS r({record}) {tail}"
        return sql, [data]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_save(value, connection=connection)
        for values in rows
        for field, value in zip(fields, values, strict=True)
    ]
    return f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(rows))} {tail}", params


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _execute(model, sql: str, params: list) -> list[tuple]:
    with connections[router.db_for_write(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _insert_new(center: ServiceCenter, rows: list[tuple[CallEventIn, dict]]) -> set[str]:
    """INSERT the events whose id the centre does not have yet; the ids that were new. One statement per 500
    events; a concurrent request that inserts the same id first simply wins (ON CONFLICT DO NOTHING)."""
    columns = ["center", "event_id", "call_id", "type", "at", "data", "received_at"]
    now = timezone.now()
    new: set[str] = set()
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        values = [[center.pk, e.event_id, e.call_id, e.type, e.at, stored, now] for e, stored in chunk]
        sql, params = _insert_statement(
            CallEvent, columns, values, "ON CONFLICT (center_id, event_id) DO NOTHING RETURNING event_id"
        )
        new.update(row[0] for row in _execute(CallEvent, sql, params))
    return new


# --- Rebuilding calls ---------------------------------------------------------------------------------------------


@dataclass
class _Held:
    """What the call row said before this batch, read while taking its lock."""

    pk: int
    is_new: bool
    contact_id: int | None
    caller_number: str
    started_at: datetime
    is_repeat: bool

    @property
    def repeat_key(self) -> tuple[str, datetime]:
        return self.caller_number, self.started_at


def _calls_locked(center: ServiceCenter, call_ids: list[str], first_seen: dict[str, datetime]) -> dict[str, _Held]:
    """Make sure a row exists for each call and lock it until the transaction ends (an upsert locks the row on
    PostgreSQL; SQLite has one writer anyway), so two requests about the same call rebuild it one after the
    other, the second from all events of both. A row made here has an empty status until it is written."""
    columns = [
        "center",
        "call_id",
        "dialed_number",
        "caller_number",
        "language",
        "ivr_choice",
        "status",
        "started_at",
        "is_repeat",
        "callback_requested",
        "transfers",
        "updated_at",
    ]
    now = timezone.now()
    held = {}
    for start in range(0, len(call_ids), _ROWS_PER_STATEMENT):
        chunk = call_ids[start : start + _ROWS_PER_STATEMENT]
        values = [[center.pk, c, "", "", "", "", "", first_seen[c], False, False, 0, now] for c in chunk]
        sql, params = _insert_statement(
            Call,
            columns,
            values,
            "ON CONFLICT (center_id, call_id) DO UPDATE SET updated_at = excluded.updated_at "
            "RETURNING id, call_id, status, contact_id, caller_number, started_at, is_repeat",
        )
        for pk, call_id, status, contact_id, caller, started_at, is_repeat in _execute(Call, sql, params):
            if isinstance(started_at, str):  # SQLite hands RETURNING values back raw
                started_at = Call._meta.get_field("started_at").to_python(started_at)
            if timezone.is_naive(started_at):
                started_at = timezone.make_aware(started_at, UTC)
            held[call_id] = _Held(pk, status == "", contact_id, caller, started_at, bool(is_repeat))
    return held


def _calls_rebuilt(
    center: ServiceCenter, new_events: list[tuple[CallEventIn, dict]], lookups: _Lookups, open_contacts: bool
) -> list[Call]:
    events: dict[str, list[StoredEvent]] = defaultdict(list)
    for event, fields in new_events:
        if event.type in EventType.CALL_TYPES:
            events[event.call_id].append(StoredEvent(event.event_id, event.type, event.at, fields))
    call_ids = sorted(events)
    if not call_ids:
        return []
    held = _calls_locked(center, call_ids, {c: min(e.at for e in events[c]) for c in call_ids})
    # A call that had a row before has events from earlier requests: read them all now that the call is locked
    # (a request that held the lock before us has committed its events). A call whose row was made just now
    # has none but these: every request that keeps a call's events makes or locks its row first.
    earlier = [call_id for call_id in call_ids if not held[call_id].is_new]
    if earlier:
        for call_id in earlier:
            events[call_id] = []
        for call_id, event_id, kind, at, fields in (
            CallEvent.objects.filter(center=center, call_id__in=earlier)
            .values_list("call_id", "event_id", "type", "at", "data")
            .order_by()
        ):
            events[call_id].append(StoredEvent(event_id, kind, at, fields))
    folded = {call_id: call_fold(events[call_id]) for call_id in call_ids}
    repeats = _repeat_flags(center, folded, held)
    contacts = _contacts_opened(center, folded, held, lookups) if open_contacts else {}

    now = timezone.now()
    rows = []
    for call_id in call_ids:
        f, before = folded[call_id], held[call_id]
        rows.append(
            [
                center.pk,
                call_id,
                f.municipality_id,
                f.number_id,
                f.dialed_number[:32],
                f.caller_number[:32],
                f.language,
                f.ivr_choice[:40],
                f.queue_id,
                f.agent_id,
                f.status,
                f.started_at,
                f.answered_at,
                f.ended_at,
                repeats.get(call_id, before.is_repeat),
                f.callback_requested,
                f.transfers,
                before.contact_id or contacts.get(call_id),
                now,
            ]
        )
    # Every row exists (locked above): the INSERT only ever takes its ON CONFLICT branch, one statement per 500.
    updated = ", ".join(f"{column} = excluded.{column}" for column in _CALL_COLUMNS[2:])
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        sql, params = _insert_statement(
            Call,
            _CALL_FIELDS,
            rows[start : start + _ROWS_PER_STATEMENT],
            f"ON CONFLICT (center_id, call_id) DO UPDATE SET {updated}",
        )
        _execute(Call, sql, params)

    if earlier:
        QueueVisit.objects.filter(call_id__in=[held[call_id].pk for call_id in earlier]).delete()
    visits = [
        [
            held[call_id].pk,
            v.seq,
            center.pk,
            folded[call_id].municipality_id,
            v.queue_id,
            v.agent_id,
            v.entered_at,
            v.answered_at,
            v.left_at,
            v.ended_at,
            v.outcome,
            v.wait_s,
            v.talk_s,
            v.hold_s,
            v.wrap_s,
            v.transferred,
            v.callback,
        ]
        for call_id in call_ids
        for v in folded[call_id].visits
    ]
    for start in range(0, len(visits), _ROWS_PER_STATEMENT):
        _execute(
            QueueVisit, *_insert_statement(QueueVisit, _VISIT_FIELDS, visits[start : start + _ROWS_PER_STATEMENT], "")
        )

    calls = []
    for values in rows:
        call = Call(pk=held[values[1]].pk, **dict(zip(_CALL_ATTRIBUTES, values, strict=True)))
        call._state.adding, call._state.db = False, router.db_for_write(Call)
        calls.append(call)
    for call in calls:
        call.folded = folded[call.call_id]  # the agents' states and the contact read it, not stored
    return calls


_CALL_FIELDS = [
    "center",
    "call_id",
    "municipality",
    "number",
    "dialed_number",
    "caller_number",
    "language",
    "ivr_choice",
    "queue",
    "agent",
    "status",
    "started_at",
    "answered_at",
    "ended_at",
    "is_repeat",
    "callback_requested",
    "transfers",
    "contact",
    "updated_at",
]
_CALL_COLUMNS = [Call._meta.get_field(name).column for name in _CALL_FIELDS]
_CALL_ATTRIBUTES = [Call._meta.get_field(name).attname for name in _CALL_FIELDS]
_VISIT_FIELDS = [
    "call",
    "seq",
    "center",
    "municipality",
    "queue",
    "agent",
    "entered_at",
    "answered_at",
    "left_at",
    "ended_at",
    "outcome",
    "wait_s",
    "talk_s",
    "hold_s",
    "wrap_s",
    "transferred",
    "callback",
]


def _dialable(number: str) -> bool:
    return sum(ch.isdigit() for ch in number) >= 3


def _repeat_flags(center: ServiceCenter, folded: dict[str, FoldedCall], held: dict[str, _Held]) -> dict[str, bool]:
    """Which calls are the caller calling again (the same number started a call to the centre within
    ``REPEAT_WINDOW`` before), for the touched calls; calls after them whose answer changes are updated here.
    Nothing is read when no touched call's number or start changed."""
    changed = {
        call_id: f
        for call_id, f in folded.items()
        if _dialable(f.caller_number)
        and (held[call_id].is_new or (f.caller_number, f.started_at) != held[call_id].repeat_key)
    }
    if not changed:
        return {}
    starts = [f.started_at for f in changed.values()] + [held[c].started_at for c in changed]
    rows = Call.objects.filter(
        center=center,
        caller_number__in={f.caller_number for f in changed.values()},
        started_at__gte=min(starts) - REPEAT_WINDOW,
        started_at__lte=max(starts) + REPEAT_WINDOW,
    ).values_list("pk", "call_id", "caller_number", "started_at", "is_repeat")
    timeline: dict[str, dict[str, datetime]] = defaultdict(dict)
    stored = {}
    for pk, call_id, caller, started_at, is_repeat in rows:
        if call_id not in folded:
            timeline[caller][call_id] = started_at
            stored[call_id] = (pk, caller, started_at, is_repeat)
    for call_id, f in folded.items():
        if _dialable(f.caller_number):
            timeline[f.caller_number][call_id] = f.started_at

    def repeat(caller: str, call_id: str, started_at: datetime) -> bool:
        return any(
            other != call_id and started_at - REPEAT_WINDOW <= at < started_at for other, at in timeline[caller].items()
        )

    flags = {call_id: repeat(f.caller_number, call_id, f.started_at) for call_id, f in changed.items()}
    # Calls that started just after a changed call may have become (or stopped being) repeats.
    windows = [(f.caller_number, s) for c, f in changed.items() for s in (f.started_at, held[c].started_at)]
    for call_id, (pk, caller, started_at, is_repeat) in stored.items():
        if any(c == caller and s < started_at <= s + REPEAT_WINDOW for c, s in windows):
            flag = repeat(caller, call_id, started_at)
            if flag != is_repeat:
                Call.objects.filter(pk=pk).update(is_repeat=flag)
    return flags


def _contacts_opened(
    center: ServiceCenter, folded: dict[str, FoldedCall], held: dict[str, _Held], lookups: _Lookups
) -> dict[str, int]:
    """Open a contact for each answered call that has none yet, as the agent who answered it (it is in their
    contact log, still open, with the municipality, the caller's number and the queue's topics as a guess)."""
    recent = timezone.now() - CONTACT_OPEN_WITHIN
    wanted = {
        call_id: f
        for call_id, f in folded.items()
        if f.answered_at is not None
        and f.answered_at >= recent
        and held[call_id].contact_id is None
        and f.answering_agent_id is not None
        and f.municipality_id is not None
    }
    if not wanted:
        return {}
    agents = lookups.agents_by_pk(center)
    users = User.objects.in_bulk({agents[f.answering_agent_id].user_id for f in wanted.values()})
    municipalities = {m.pk: m for m in reference.municipalities_by_id({f.municipality_id for f in wanted.values()})}
    topics = _queue_topics({f.visits[0].queue_id for f in wanted.values() if f.visits})
    opened = {}
    for call_id, f in wanted.items():
        user, municipality = users.get(agents[f.answering_agent_id].user_id), municipalities.get(f.municipality_id)
        if user is None or municipality is None:
            continue
        guess = [
            topic
            for topic in topics.get(f.visits[0].queue_id if f.visits else None, [])
            if topic.municipality_id in (None, municipality.pk)
        ]
        opened[call_id] = _contact_open(user, municipality, center, call_id, f, guess)
    return opened


def _queue_topics(queue_ids: set[int]) -> dict[int, list[Topic]]:
    """The active topics of each queue: the guess a contact opened from the queue starts with."""
    found: dict[int, list[Topic]] = defaultdict(list)
    if queue_ids:
        for topic in Topic.objects.filter(queues__pk__in=queue_ids, is_active=True).annotate(queue_pk=F("queues__pk")):
            found[topic.queue_pk].append(topic)
    return found


def _contact_open(user: User, municipality, center, call_id: str, f: FoldedCall, topics) -> int:
    caller = CallerDetails(phone=f.caller_number) if _dialable(f.caller_number) else CallerDetails()
    arguments = {
        "actor": user,  # the contact is theirs: contact_log takes the one who handled it from the actor
        "municipality": municipality,
        "channel": Channel.PHONE,
        "topics": topics,
        "language": f.language,
        "outcome": Outcome.OPEN,
        "started_at": f.answered_at,
        "center": center,
        "external_id": call_id,
    }
    try:
        return contact_services.contact_log(caller=caller, **arguments).pk
    except Invalid as error:
        if error.field != "phone":
            raise
        return contact_services.contact_log(**arguments).pk  # a number the caller's country does not know


# --- Agents' states -----------------------------------------------------------------------------------------------


def _agents_follow(
    center: ServiceCenter, new_events: list[tuple[CallEventIn, dict]], calls: list[Call], new_ids, lookups
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
    agents = lookups.agents_by_pk(center)
    # Where each agent stands now, read once and locked in one order (so two batches about the same agents
    # never wait for each other crosswise): reports routing would ignore (older than the agent's state, or the
    # state the agent is in for the same call) are not sent at all, so an import of old calls costs nothing
    # here. Routing still decides each report it gets.
    now = {
        pk: [state, since, call_id]
        for pk, state, since, call_id in routing_selectors.agent_list(actor=SYSTEM, center=center)
        .filter(pk__in={m[1] for m in moves})
        .prefetch_related(None)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", "state", "state_since", "current_call")
    }
    for at, agent_id, state, _event_id, call_id in sorted(moves, key=lambda m: (m[0], m[3])):
        agent, known = agents.get(agent_id), now.get(agent_id)
        if agent is None or known is None or at < known[1]:
            continue
        if known[0] == state and (state != AgentState.ON_CALL or known[2] == call_id):
            continue
        routing_services.agent_phone_event(actor=SYSTEM, agent=agent, state=state, at=at, call_id=call_id)
        known[:] = [state, at, call_id if state != AgentState.AVAILABLE else ""]
