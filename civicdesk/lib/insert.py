"""One-row INSERTs for the hottest write paths (logging a contact, appending an audit event), with the SQL
built once per model and column set instead of on every call.

Django compiles an INSERT anew for every ``save()``; on the 2-core bench machine that costs about twice
the database round trip itself (0.95 ms of CPU for an audit row against 0.3 ms for the same statement
sent directly, see bench/bench_intake.py). No library caches compiled INSERTs, so this small one does, for
plain rows only: values go through each field's ``pre_save`` and ``get_db_prep_save`` exactly as
``Model.save`` sends them, the primary key comes back with ``RETURNING`` (PostgreSQL, SQLite ≥ 3.35).
Unlike ``save()`` it sends no ``pre_save``/``post_save`` signals: use it only for models nobody listens to.
"""

# ruff: noqa: S608 - the SQL is built from model metadata (quoted table and column names), never from input

from django.db import connections, router, transaction
from django.db.models import Model

_statements: dict[tuple, tuple[str, list]] = {}


def _inserted_fields(meta, leave_out=None) -> list:
    """The columns an INSERT writes: all but the primary key, generated columns and ``leave_out``."""
    return [f for f in meta.local_concrete_fields if not f.primary_key and not f.generated and f != leave_out]


def _prepared_values(instance: Model, fields: list, connection) -> list:
    """The values ``Model.save`` would send for ``fields`` of a new row (``auto_now_add`` filled in)."""
    return [f.get_db_prep_save(f.pre_save(instance, True), connection=connection) for f in fields]


def _saved(instance: Model, pk, alias: str) -> None:
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = alias


def _statement(model: type[Model], alias: str) -> tuple[str, list]:
    key = (model, alias)
    found = _statements.get(key)
    if found is None:
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = model._meta
        fields = _inserted_fields(meta)
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"
        if connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(meta.pk.column)}"
        found = _statements[key] = (sql, fields)
    return found


def insert(instance: Model) -> Model:
    """INSERT a new row (its primary key unset, no parent models) and set its primary key."""
    model = type(instance)
    if instance.pk is not None or model._meta.parents:
        raise ValueError(f"insert() takes a new row of a model without parents, not {instance!r}")
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    sql, fields = _statement(model, alias)
    instance._prepare_related_fields_for_save(operation_name="insert")
    with connection.cursor() as cursor:
        cursor.execute(sql, _prepared_values(instance, fields, connection))
        if connection.features.can_return_columns_from_insert:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    _saved(instance, pk, alias)
    return instance


# Rows per multi-row INSERT: well under SQLite's 32,766 parameters for the widest model written this way.
ROWS_PER_INSERT = 500


def insert_many(instances: list[Model]) -> None:
    """INSERT new rows of one model (no parents, primary keys unset) and set their primary keys: one statement
    per ``ROWS_PER_INSERT`` rows where the database returns the keys of a multi-row INSERT (PostgreSQL, SQLite
    ≥ 3.35), else ``insert`` each."""
    if not instances:
        return
    model = type(instances[0])
    if model._meta.parents or any(type(i) is not model or i.pk is not None for i in instances):
        raise ValueError(f"insert_many() takes new rows of one model without parents, not {instances[0]!r} …")
    alias = router.db_for_write(model, instance=instances[0])
    connection = connections[alias]
    if len(instances) == 1 or not connection.features.can_return_rows_from_bulk_insert:
        for instance in instances:
            insert(instance)
        return
    if connection.vendor == "postgresql":
        _insert_unnest(instances, alias)
        return
    single, fields = _statement(model, alias)
    head, _, row = single.partition(" VALUES ")
    row, _, returning = row.partition(" RETURNING ")
    for start in range(0, len(instances), ROWS_PER_INSERT):
        chunk = instances[start : start + ROWS_PER_INSERT]
        values = []
        for instance in chunk:
            instance._prepare_related_fields_for_save(operation_name="insert")
            values += _prepared_values(instance, fields, connection)
        with connection.cursor() as cursor:
            cursor.execute(f"{head} VALUES {', '.join([row] * len(chunk))} RETURNING {returning}", values)
            pks = [found[0] for found in cursor.fetchall()]
        for instance, pk in zip(chunk, pks, strict=True):
            _saved(instance, pk, alias)


def _insert_unnest(instances: list[Model], alias: str) -> None:
    """PostgreSQL: all rows in one statement of the same text whatever their number, a column an array
    parameter (as Django's ``bulk_create`` does): thousands of placeholders cost the driver more to parse than
    the rows cost to insert."""
    model = type(instances[0])
    connection = connections[alias]
    key = (model, alias, "unnest")
    found = _statements.get(key)
    if found is None:
        quote = connection.ops.quote_name
        meta = model._meta
        fields = _inserted_fields(meta)
        columns = ", ".join(quote(f.column) for f in fields)
        arrays = ", ".join(f"(%s)::{f.db_type(connection)}[]" for f in fields)
        returning = quote(meta.pk.column)
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT * FROM UNNEST({arrays}) RETURNING {returning}"
        found = _statements[key] = (sql, fields)
    sql, fields = found
    rows = []
    for instance in instances:
        instance._prepare_related_fields_for_save(operation_name="insert")
        rows.append(_prepared_values(instance, fields, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        pks = [found[0] for found in cursor.fetchall()]
    for instance, pk in zip(instances, pks, strict=True):
        _saved(instance, pk, alias)


def insert_together(row: Model, linked: list[tuple[Model, str]]) -> None:
    """INSERT a new ``row`` and new rows that carry its primary key in the named field (the link rows of a
    many-to-many, an audit event's object id), all or none. On PostgreSQL that is one statement of
    data-modifying CTEs, so no BEGIN and COMMIT round trips; elsewhere ``insert`` each in a transaction."""
    alias = router.db_for_write(type(row), instance=row)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=alias):
            insert(row)
            for instance, field_name in linked:
                field = instance._meta.get_field(field_name)
                setattr(instance, field.attname, field.to_python(row.pk))
                insert(instance)
        return
    sql, fields = _together_statement(row, linked, alias)
    rows = [row] + [instance for instance, _ in linked]
    row._prepare_related_fields_for_save(operation_name="insert")
    values = [
        value
        for instance, instance_fields in zip(rows, fields, strict=True)
        for value in _prepared_values(instance, instance_fields, connection)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        ids = cursor.fetchone()
    for instance, pk in zip(rows, ids, strict=True):
        _saved(instance, pk, alias)
    for instance, field_name in linked:
        field = instance._meta.get_field(field_name)
        setattr(instance, field.attname, field.to_python(row.pk))


def _together_statement(row: Model, linked: list[tuple[Model, str]], alias: str) -> tuple[str, list[list]]:
    key = (type(row), tuple((type(instance), field_name) for instance, field_name in linked), alias)
    found = _statements.get(key)
    if found is not None:
        return found
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = row._meta
    row_fields = _inserted_fields(meta)
    parts = [
        f"row AS (INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in row_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(row_fields))}) RETURNING {quote(meta.pk.column)} AS pk)"
    ]
    fields = [row_fields]
    for number, (instance, field_name) in enumerate(linked):
        linked_meta = instance._meta
        link = linked_meta.get_field(field_name)
        own = _inserted_fields(linked_meta, leave_out=link)
        selected = ", ".join(["%s"] * len(own) + [f"row.pk::{link.db_type(connection)}"])
        parts.append(
            f"linked{number} AS (INSERT INTO {quote(linked_meta.db_table)} "
            f"({', '.join([quote(f.column) for f in own] + [quote(link.column)])}) "
            f"SELECT {selected} FROM row RETURNING {quote(linked_meta.pk.column)} AS pk)"
        )
        fields.append(own)
    returned = ", ".join(["(SELECT pk FROM row)"] + [f"(SELECT pk FROM linked{n})" for n in range(len(linked))])
    sql = f"WITH {', '.join(parts)} SELECT {returned}"
    found = _statements[key] = (sql, fields)
    return found
