"""The audit log is append-only in the database itself, so not even a stray query can rewrite history."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON organisations_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON organisations_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER audit_event_no_update;", "DROP TRIGGER audit_event_no_delete;"]

POSTGRESQL = [
    """CREATE FUNCTION civicdesk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$;""",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON organisations_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION civicdesk_audit_append_only();",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER audit_event_append_only ON organisations_auditevent;",
    "DROP FUNCTION civicdesk_audit_append_only();",
]


def forwards(apps, schema_editor):
    statements = SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRESQL
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = SQLITE_REVERSE if schema_editor.connection.vendor == "sqlite" else POSTGRESQL_REVERSE
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
