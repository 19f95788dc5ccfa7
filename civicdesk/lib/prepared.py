"""Statements PostgreSQL plans once per connection: for the few hot queries whose planning costs as much as
running them (the router's candidates query is planned in about 0.8 ms and runs in 0.3 ms).

The site binds parameters on the server (``OPTIONS["server_side_binding"]``), but psycopg prepares nothing
unless asked: the settings set its ``prepare_threshold`` out of reach, because preparing every ORM query that
runs five times would let PostgreSQL switch any of them to a generic plan. The cursor here asks for each of
its statements (``prepare=True``): PostgreSQL parses it once per connection, and after five runs keeps one
generic plan when that costs no more than planning for the values each time.

A prepared statement's plan must not depend on values that never change: PostgreSQL's generic plan cannot use
a partial index whose condition (``state IN ('available', 'wrap_up')``) is met only by the parameters' values.
``constants_inlined`` writes such constants (the ORM's choices, ``SELECT 1`` in an ``EXISTS``) into the SQL.

Queries still go through Django's cursor wrapper, so they are logged, counted in tests and wrapped in
Django's database errors as any other. On SQLite (and any other database) this is Django's own cursor.
A connection pooler in front of PostgreSQL must keep prepared statements per server connection
(PgBouncer ≥ 1.21 with ``max_prepared_statements``, or session pooling)."""

import functools

from django.db import connections
from django.db.models import Model

__all__ = ["constants_inlined", "prepared_cursor", "prepared_objects"]


@functools.cache
def _preparing_cursor_class():
    from django.db.backends.postgresql import base

    class PreparingCursor(base.ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    return PreparingCursor


def prepared_cursor(alias: str):
    """A cursor on database ``alias`` whose statements are prepared on PostgreSQL (``with`` closes it)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql import base  # psycopg 3 only, which we pin

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = _preparing_cursor_class()(connection.connection)
        # As Django's create_cursor: timestamps read in the connection's time zone.
        loader = connection.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
        if connection.timezone != loader.timezone:
            base.register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)


def constants_inlined(sql: str, params: list, *, varying) -> tuple[str, list]:
    """``sql`` with the parameters that are not ``varying(value)`` written in as literals (strings and
    integers only; others stay parameters), and the parameters left."""
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1:
        raise ValueError("the statement's placeholders and parameters do not match")
    out, left = [pieces[0]], []
    for value, piece in zip(params, pieces[1:], strict=True):
        if varying(value) or isinstance(value, bool) or not isinstance(value, str | int):
            out.append("%s")
            left.append(value)
        elif isinstance(value, str):
            out.append("'" + value.replace("'", "''").replace("%", "%%") + "'")
        else:
            out.append(str(int(value)))
        out.append(piece)
    return "".join(out), left


def prepared_objects(model: type[Model], alias: str, sql: str, params: list) -> list[Model]:
    """The ``model`` instances a SELECT finds, read through ``prepared_cursor``: columns named as one of the
    model's fields (its ``attname``) fill that field, others (annotations) become attributes of their name.
    Values pass through the backend's and the fields' converters as in a queryset."""
    connection = connections[alias]
    with prepared_cursor(alias) as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    # from_db takes the fields' values in the model's order.
    fields = [(names.index(f.attname), f) for f in model._meta.concrete_fields if f.attname in names]
    field_names = [f.attname for _index, f in fields]
    extras = [(index, name) for index, name in enumerate(names) if name not in by_name]
    converters = []
    for index, field in fields:
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((index, column, functions))
    found = []
    for row in rows:
        values = list(row)
        for index, column, functions in converters:
            for function in functions:
                values[index] = function(values[index], column, connection)
        instance = model.from_db(alias, field_names, [values[index] for index, _field in fields])
        for index, name in extras:
            setattr(instance, name, values[index])
        found.append(instance)
    return found
