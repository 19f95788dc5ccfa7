"""Writing the calls that new events touched: each call's row locked (made when new), all its events folded
(``services.calls.call_fold``), whether the caller is calling again, the contact an answered call opens, and the
call rows and queue visits written back, a statement or two for the whole batch."""

# ruff: noqa: S608 - the SQL is built from model metadata (quoted table and column names), never from input

import functools
import json
import operator
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce

from django.db import connections, router
from django.db.models import F, Q
from django.utils import timezone

from civicdesk.contacts import services as contact_services
from civicdesk.contacts.services import ContactOpening
from civicdesk.lib.prepared import prepared_cursor
from civicdesk.organisations import reference
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import ServiceCenter, Topic, User
from civicdesk.routing.models import Agent
from civicdesk.telephony.adapters import CallEventIn, EventType
from civicdesk.telephony.models import Call, CallEvent, QueueVisit
from civicdesk.telephony.services.calls import FoldedCall, StoredEvent, call_fold

__all__: list[str] = []  # used by services.events only

# A caller who calls the centre again within this time is recognised as calling again.
REPEAT_WINDOW = timedelta(minutes=30)
# An answered call opens a contact in the agent's contact log when the answer is reported within this time:
# calls reported later (old calls played in, a phone system catching up after a long outage) would only leave
# open contacts nobody is going to complete.
CONTACT_OPEN_WITHIN = timedelta(hours=12)
ROWS_PER_STATEMENT = 500


def insert_statement(model, columns: list[str], rows: list[list], tail: str) -> tuple[str, list]:
    """An INSERT of ``rows`` (plain values, in ``columns`` order) and its parameters. On PostgreSQL the rows go as
    one JSON parameter read by ``jsonb_to_recordset``: the statement's text is the same whatever the number of
    rows, so it is parsed and planned once (``execute`` prepares it), and one JSON text costs the driver far
    less than thousands of parameters or arrays (3,500 placeholders cost more to parse than the rows cost to
    insert). Elsewhere rows of VALUES."""
    connection = connections[router.db_for_write(model)]
    names, fields, record = _columns(model, tuple(columns), connection.alias)
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        picked = ", ".join(f"c{n}" for n in range(len(fields)))
        data = _json_rows(rows)
        sql = f"INSERT INTO {table} ({names}) SELECT {picked} FROM jsonb_to_recordset(%s::jsonb) AS r({record}) {tail}"
        return sql, [data]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_save(value, connection=connection)
        for values in rows
        for field, value in zip(fields, values, strict=True)
    ]
    return f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(rows))} {tail}", params


@functools.cache
def _columns(model, columns: tuple[str, ...], alias: str) -> tuple[str, list, str]:
    """The quoted column names, the fields, and (PostgreSQL) the record type of ``jsonb_to_recordset``."""
    connection = connections[alias]
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    record = ""
    if connection.vendor == "postgresql":
        record = ", ".join(f"c{n} {field.db_type(connection)}" for n, field in enumerate(fields))
    return names, fields, record


def _json_rows(rows: list[list]) -> str:
    """Rows as the JSON ``jsonb_to_recordset`` reads: objects with keys c0, c1 …"""
    return json.dumps([{f"c{n}": _json_value(v) for n, v in enumerate(values)} for values in rows])


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def execute(model, sql: str, params: list) -> list[tuple]:
    with prepared_cursor(router.db_for_write(model)) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def rows_source(model, columns: list[str], rows: list[list]) -> tuple[str, list]:
    """``rows`` as a table ``v`` with columns ``c0``, ``c1`` … typed as the model's ``columns`` (a field may be
    named twice), to select from: a JSON parameter on PostgreSQL, VALUES elsewhere."""
    connection = connections[router.db_for_write(model)]
    _names, fields, record = _columns(model, tuple(columns), connection.alias)
    if connection.vendor == "postgresql":
        data = _json_rows(rows)
        return f"jsonb_to_recordset(%s::jsonb) AS v({record})", [data]
    named = ", ".join(f"column{n + 1} AS c{n}" for n in range(len(fields)))
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_value(value, connection=connection, prepared=False)
        for values in rows
        for field, value in zip(fields, values, strict=True)
    ]
    return f"(SELECT {named} FROM (VALUES {', '.join([row] * len(rows))})) AS v", params


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
    for start in range(0, len(call_ids), ROWS_PER_STATEMENT):
        chunk = call_ids[start : start + ROWS_PER_STATEMENT]
        values = [[center.pk, c, "", "", "", "", "", first_seen[c], False, False, 0, now] for c in chunk]
        sql, params = insert_statement(
            Call,
            columns,
            values,
            "ON CONFLICT (center_id, call_id) DO UPDATE SET updated_at = excluded.updated_at "
            "RETURNING id, call_id, status, contact_id, caller_number, started_at, is_repeat",
        )
        for pk, call_id, status, contact_id, caller, started_at, is_repeat in execute(Call, sql, params):
            if isinstance(started_at, str):  # SQLite hands RETURNING values back raw
                started_at = Call._meta.get_field("started_at").to_python(started_at)
            if timezone.is_naive(started_at):
                started_at = timezone.make_aware(started_at, UTC)
            held[call_id] = _Held(pk, status == "", contact_id, caller, started_at, bool(is_repeat))
    return held


def calls_rebuilt(
    center: ServiceCenter, new_events: list[tuple[CallEventIn, dict]], agents: Mapping[int, Agent], open_contacts: bool
) -> list[Call]:
    """Rebuild every call the new events are about from all its events, and write it with its visits; the calls
    (each with ``folded``, what the fold found, for the agents' states).

    A call offered in this request is new, almost always (a phone system reports each event once): it is
    folded from the new events alone and INSERTed whole, unless its row exists (ON CONFLICT DO NOTHING; a
    request inserting the same call first is waited for). Every other call is locked (its row made if need
    be), read with all its events, folded again and written over; two requests about one call rebuild it one
    after the other, the second from all events of both."""
    events: dict[str, list[StoredEvent]] = defaultdict(list)
    for event, fields in new_events:
        if event.type in EventType.CALL_TYPES:
            events[event.call_id].append(StoredEvent(event.event_id, event.type, event.at, fields))
    call_ids = sorted(events)
    if not call_ids:
        return []
    folded = {call_id: call_fold(events[call_id]) for call_id in call_ids}
    # Calls offered in this request are new, almost always: try inserting them whole.
    starting = {c: folded[c] for c in call_ids if any(e.type == EventType.OFFERED for e in events[c])}
    repeats, later = _repeat_found(center, starting, {})
    held = _calls_inserted(center, starting, repeats)
    earlier = [call_id for call_id in call_ids if call_id not in held]
    later = {call_id: q for call_id, q in later.items() if call_id in held}
    if earlier:
        held |= _calls_locked(center, earlier, {c: min(e.at for e in events[c]) for c in earlier})
        # A call that had a row has events from earlier requests: read them all now that it is locked (a request
        # that held the lock before has committed). A row made just now has no events but these: every request
        # that keeps a call's events makes, inserts or locks its row first.
        stored = [call_id for call_id in earlier if not held[call_id].is_new]
        if stored:
            for call_id in stored:
                events[call_id] = []
            for call_id, event_id, kind, at, fields in (
                CallEvent.objects.filter(center=center, call_id__in=stored)
                .values_list("call_id", "event_id", "type", "at", "data")
                .order_by()
            ):
                events[call_id].append(StoredEvent(event_id, kind, at, fields))
            for call_id in stored:
                folded[call_id] = call_fold(events[call_id])
        again, later_again = _repeat_found(center, {c: folded[c] for c in earlier}, held)
        repeats |= again
        later |= later_again
    _later_marked(center, later, folded)
    contacts = _contacts_opened(center, folded, held, agents) if open_contacts else {}

    now = timezone.now()
    rows = {
        call_id: _call_row(center, call_id, folded[call_id], held[call_id], repeats, contacts, now)
        for call_id in call_ids
    }
    # The calls locked, and inserted ones that got a contact, written over: one statement per 500.
    locked = set(earlier)
    rewritten = [rows[call_id] for call_id in call_ids if call_id in locked or call_id in contacts]
    updated = ", ".join(f"{column} = excluded.{column}" for column in _CALL_COLUMNS[2:])
    for start in range(0, len(rewritten), ROWS_PER_STATEMENT):
        sql, params = insert_statement(
            Call,
            _CALL_FIELDS,
            rewritten[start : start + ROWS_PER_STATEMENT],
            f"ON CONFLICT (center_id, call_id) DO UPDATE SET {updated}",
        )
        execute(Call, sql, params)

    replaced = [held[call_id].pk for call_id in earlier if not held[call_id].is_new]
    if replaced:
        QueueVisit.objects.filter(call_id__in=replaced).delete()
    # The visits of the calls locked (the inserted ones came with their calls).
    visits = [_visit_row(center, held[c].pk, folded[c], v) for c in earlier for v in folded[c].visits]
    for start in range(0, len(visits), ROWS_PER_STATEMENT):
        execute(
            QueueVisit, *insert_statement(QueueVisit, _VISIT_FIELDS, visits[start : start + ROWS_PER_STATEMENT], "")
        )

    calls = []
    for call_id in call_ids:
        call = Call(pk=held[call_id].pk, **dict(zip(_CALL_ATTRIBUTES, rows[call_id], strict=True)))
        call._state.adding, call._state.db = False, router.db_for_write(Call)
        call.folded = folded[call_id]  # the agents' states and the contact read it, not stored
        calls.append(call)
    return calls


def _call_row(center, call_id, f: FoldedCall, before: _Held, repeats: dict, contacts: dict, now) -> list:
    """The call's row, in ``_CALL_FIELDS`` order."""
    return [
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


def _calls_inserted(center: ServiceCenter, folded: dict[str, FoldedCall], repeats: dict) -> dict[str, _Held]:
    """INSERT each call whole (as folded from this request's events) with its queue visits, unless its row
    exists; the calls inserted. In the order of their ids (two requests with a call in common wait for each
    other one way only). On PostgreSQL a call and its visits are one statement (the visits join the calls
    inserted), elsewhere two."""
    now = timezone.now()
    fresh = _Held(0, True, None, "", now, False)
    connection = connections[router.db_for_write(Call)]
    call_ids = sorted(folded)
    held = {}
    for start in range(0, len(call_ids), ROWS_PER_STATEMENT):
        chunk = call_ids[start : start + ROWS_PER_STATEMENT]
        rows = [_call_row(center, call_id, folded[call_id], fresh, repeats, {}, now) for call_id in chunk]
        sql, params = insert_statement(Call, _CALL_FIELDS, rows, "ON CONFLICT DO NOTHING RETURNING id, call_id")
        visits = [_visit_row(center, call_id, folded[call_id], v) for call_id in chunk for v in folded[call_id].visits]
        if connection.vendor == "postgresql" and visits:
            sql = f"WITH c AS ({sql}), v AS ({_visits_of_inserted(connection.alias)}) SELECT id, call_id FROM c"
            params = [*params, _json_rows(visits)]
            visits = []
        for pk, call_id in execute(Call, sql, params):
            f = folded[call_id]
            held[call_id] = _Held(pk, True, None, f.caller_number, f.started_at, repeats.get(call_id, False))
        if visits:
            written = [[held[v[0]].pk, *v[1:]] for v in visits if v[0] in held]
            if written:
                execute(QueueVisit, *insert_statement(QueueVisit, _VISIT_FIELDS, written, ""))
    return held


def _visits_of_inserted(alias: str) -> str:
    """PostgreSQL: an INSERT of queue visits (one JSON parameter of ``_visit_row`` rows naming their call by
    its call_id) for the calls a ``c`` of the same WITH inserted (``RETURNING id, call_id``): the join swaps
    in the calls' new ids, and visits of calls not inserted are left out."""
    connection = connections[alias]
    names, _fields, record = _columns(QueueVisit, tuple(_VISIT_FIELDS), alias)
    picked = ", ".join(f"r.c{n}" for n in range(1, len(_VISIT_FIELDS)))
    table = connection.ops.quote_name(QueueVisit._meta.db_table)
    return (
        f"INSERT INTO {table} ({names}) SELECT c.id, {picked} FROM jsonb_to_recordset(%s::jsonb) "
        f"AS r(c0 text, {record.partition(', ')[2]}) JOIN c ON c.call_id = r.c0"
    )


def _visit_row(center: ServiceCenter, call: str | int, f: FoldedCall, v) -> list:
    """A queue visit's row, in ``_VISIT_FIELDS`` order; ``call`` its call's id (or call_id, to be joined)."""
    return [
        call,
        v.seq,
        center.pk,
        f.municipality_id,
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


def _repeat_found(
    center: ServiceCenter, folded: dict[str, FoldedCall], held: dict[str, _Held]
) -> tuple[dict[str, bool], dict[str, Q]]:
    """Which of the calls are the caller calling again (the same number started a call to the centre within
    ``REPEAT_WINDOW`` before), in one query that answers per call, however often the number called; and for each
    call, the calls that started after it within the window and are not marked (a late report of an earlier
    call: ``_later_marked`` marks them). Nothing is read when no call's number or start changed from what its
    row (``held``; none: a new call) says. A call is not unmarked when the earlier call turns out to have
    started earlier still: the window is kept from its start as first known."""
    changed = {
        call_id
        for call_id, f in folded.items()
        if _dialable(f.caller_number)
        and (call_id not in held or held[call_id].is_new or (f.caller_number, f.started_at) != held[call_id].repeat_key)
    }
    if not changed:
        return {}, {}
    numbers = {folded[call_id].caller_number for call_id in changed}
    asked = [call_id for call_id, f in folded.items() if f.caller_number in numbers]
    rows = [
        [call_id, f.caller_number, f.started_at - REPEAT_WINDOW, f.started_at, f.started_at + REPEAT_WINDOW]
        for call_id in asked
        for f in (folded[call_id],)
    ]
    source, params = rows_source(Call, ["call_id", "caller_number", "started_at", "started_at", "started_at"], rows)
    table = connections[router.db_for_write(Call)].ops.quote_name(Call._meta.db_table)
    same_caller = f"SELECT 1 FROM {table} c WHERE c.center_id = %s AND c.caller_number = v.c1 AND c.call_id <> v.c0"
    sql = (
        f"SELECT v.c0, EXISTS ({same_caller} AND c.started_at >= v.c2 AND c.started_at < v.c3), "
        f"EXISTS ({same_caller} AND c.started_at > v.c3 AND c.started_at <= v.c4 AND NOT c.is_repeat) FROM {source}"
    )
    # The rows of this batch's new calls are not written yet: among themselves the calls are compared here.
    by_number: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for call_id in asked:
        by_number[folded[call_id].caller_number].append((call_id, folded[call_id].started_at))
    flags, later = {call_id: _earlier_among(folded[call_id], call_id, by_number) for call_id in asked}, {}
    for call_id, earlier, unmarked_after in execute(Call, sql, [center.pk, center.pk, *params]):
        flags[call_id] = flags[call_id] or bool(earlier)
        if unmarked_after:
            f = folded[call_id]
            later[call_id] = Q(
                caller_number=f.caller_number,
                started_at__gt=f.started_at,
                started_at__lte=f.started_at + REPEAT_WINDOW,
            )
    return flags, later


def _later_marked(center: ServiceCenter, later: dict[str, Q], folded: dict[str, FoldedCall]) -> None:
    """Mark as calling again the calls ``_repeat_found`` found after the batch's calls (not the batch's own)."""
    if later:
        Call.objects.filter(center=center, is_repeat=False).filter(reduce(operator.or_, later.values())).exclude(
            call_id__in=folded
        ).update(is_repeat=True)


def _earlier_among(f: FoldedCall, call_id: str, by_number: dict[str, list[tuple[str, datetime]]]) -> bool:
    """Another call of the batch from the same number started within ``REPEAT_WINDOW`` before this one."""
    return any(
        other != call_id and f.started_at - REPEAT_WINDOW <= started_at < f.started_at
        for other, started_at in by_number[f.caller_number]
    )


def _contacts_opened(
    center: ServiceCenter, folded: dict[str, FoldedCall], held: dict[str, _Held], agents: Mapping[int, Agent]
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
    users = User.objects.in_bulk({agents[f.answering_agent_id].user_id for f in wanted.values()})
    municipalities = {m.pk: m for m in reference.municipalities_by_id({f.municipality_id for f in wanted.values()})}
    topics = _queue_topics({f.visits[0].queue_id for f in wanted.values() if f.visits})
    openings = []
    for call_id, f in wanted.items():
        user, municipality = users.get(agents[f.answering_agent_id].user_id), municipalities.get(f.municipality_id)
        if user is None or municipality is None:
            continue
        guess = [
            topic
            for topic in topics.get(f.visits[0].queue_id if f.visits else None, [])
            if topic.municipality_id in (None, municipality.pk)
        ]
        openings.append(
            ContactOpening(
                municipality=municipality,
                center=center,
                handled_by=user,  # the contact is theirs, in their contact log
                topics=guess,
                language=f.language,
                caller_phone=f.caller_number if _dialable(f.caller_number) else "",
                started_at=f.answered_at,
                external_id=call_id,
            )
        )
    # The phone system opens them for its agents: the centre's, for the municipalities it serves.
    return contact_services.contacts_open(actor=SYSTEM, openings=openings)


def _queue_topics(queue_ids: set[int]) -> dict[int, list[Topic]]:
    """The active topics of each queue: the guess a contact opened from the queue starts with."""
    found: dict[int, list[Topic]] = defaultdict(list)
    if queue_ids:
        for topic in Topic.objects.filter(queues__pk__in=queue_ids, is_active=True).annotate(queue_pk=F("queues__pk")):
            found[topic.queue_pk].append(topic)
    return found


def offers_in_one_statement() -> bool:
    """Whether ``offered_call_recorded`` can be used: on PostgreSQL."""
    return connections[router.db_for_write(Call)].vendor == "postgresql"


def offered_call_recorded(center: ServiceCenter, event: CallEventIn, fields: dict) -> tuple[Call | None, bool]:
    """A phone system reporting live sends each call's ``call.offered`` on its own, and the call is new: keep
    the event, the call (with whether the caller is calling again, and the calls after it marked so) and its
    queue visit in one statement, atomic by itself (PostgreSQL only: data-modifying WITH). Nothing is kept
    when the call's row exists: then ``(None, False)``, and the caller records the event the general way. Else
    the call and whether the event was new (a known event of a call whose row was removed makes the call)."""
    connection = connections[router.db_for_write(Call)]
    quote = connection.ops.quote_name
    folded = call_fold([StoredEvent(event.event_id, event.type, event.at, fields)])
    now = timezone.now()
    row = _call_row(center, event.call_id, folded, _Held(0, True, None, "", now, False), {}, {}, now)
    names, _fields, record = _columns(Call, tuple(_CALL_FIELDS), connection.alias)
    repeat = _CALL_FIELDS.index("is_repeat")
    calls = quote(Call._meta.db_table)
    # The caller's number and the call's start as values, not from the rows: the plan kept for the statement
    # reads the caller's calls by index (call_caller) whatever their number.
    same_caller = (
        f"SELECT 1 FROM {calls} o WHERE o.caller_number = %s AND o.started_at >= %s AND o.started_at < %s "
        "AND o.center_id = %s AND o.call_id <> %s"
    )
    picked = ", ".join(
        f"(r.c{n} OR (%s AND EXISTS ({same_caller})))" if n == repeat else f"r.c{n}" for n in range(len(row))
    )
    event_sql, event_params = insert_statement(
        CallEvent,
        ["center", "event_id", "call_id", "type", "at", "data", "received_at"],
        [[center.pk, event.event_id, event.call_id, event.type, event.at, fields, now]],
        "WHERE EXISTS (SELECT 1 FROM c) ON CONFLICT (center_id, event_id) DO NOTHING RETURNING event_id",
    )
    sql = (
        f"WITH c AS (INSERT INTO {calls} ({names}) SELECT {picked} FROM jsonb_to_recordset(%s::jsonb) AS r({record}) "
        "ON CONFLICT DO NOTHING RETURNING id, call_id, is_repeat), "
        f"e AS ({event_sql}), "
        f"v AS ({_visits_of_inserted(connection.alias)}), "
        # A late report of an earlier call: the same caller's calls after it within the window call again.
        f"l AS (UPDATE {calls} o SET is_repeat = true WHERE %s AND EXISTS (SELECT 1 FROM c) "
        "AND o.caller_number = %s AND o.started_at > %s AND o.started_at <= %s AND o.center_id = %s "
        "AND NOT o.is_repeat AND o.call_id <> %s) "
        "SELECT c.id, c.is_repeat, (SELECT count(*) FROM e) FROM c"
    )
    caller, started = folded.caller_number, folded.started_at
    asked = _dialable(caller)
    params = [
        asked,
        *(caller, started - REPEAT_WINDOW, started, center.pk, event.call_id),
        _json_rows([row]),
        *event_params,
        _json_rows([_visit_row(center, event.call_id, folded, v) for v in folded.visits]),
        asked,
        *(caller, started, started + REPEAT_WINDOW, center.pk, event.call_id),
    ]
    found = execute(Call, sql, params)
    if not found:
        return None, False
    pk, is_repeat, new = found[0]
    row[repeat] = is_repeat
    call = Call(pk=pk, **dict(zip(_CALL_ATTRIBUTES, row, strict=True)))
    call._state.adding, call._state.db = False, connection.alias
    call.folded = folded
    return call, bool(new)
