"""One-row INSERTs for the hottest write paths (logging a contact, appending an audit event), with the SQL
built once per model and column set instead of on every call.

Django compiles an INSERT anew for every ``save()``; on the 2-core bench machine that costs about twice
the database round trip itself (0.95 ms of CPU for an audit row against 0.3 ms for the same statement
sent directly, see bench/bench_intake.py). No library caches compiled INSERTs, so this small one does, for
plain rows only: values go through each field's ``pre_save`` and ``get_db_prep_save`` exactly as
``Model.save`` sends them, the primary key comes back with ``RETURNING`` (PostgreSQL, SQLite ≥ 3.35).
Unlike ``save()`` it sends no ``pre_save``/``post_save`` signals: use it only for models nobody listens to.
"""

from django.db import connections, router
from django.db.models import Model

_statements: dict[tuple, tuple[str, list]] = {}


def _statement(model: type[Model], alias: str) -> tuple[str, list]:
    key = (model, alias)
    found = _statements.get(key)
    if found is None:
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if not f.primary_key and not f.generated]
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model, quoted
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
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection=connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if connection.features.can_return_columns_from_insert:
            instance.pk = cursor.fetchone()[0]
        else:
            instance.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    instance._state.adding = False
    instance._state.db = alias
    return instance


def insert_many(instances: list[Model]) -> None:
    """``insert`` each of a few new rows (link rows of a many-to-many, say)."""
    for instance in instances:
        insert(instance)
