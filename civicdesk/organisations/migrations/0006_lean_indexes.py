"""The audit log's ``action`` loses its indexes: it is searched within a time range, which the time index
serves, while every service write pays for each index. Dropped by name rather than with AlterField, which
on SQLite rebuilds the table and with it would drop the append-only triggers of 0002."""

from django.db import migrations, models


def drop_action_indexes(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "organisations_auditevent")
    for name, details in constraints.items():
        if details["columns"] == ["action"] and details["index"] and not details["unique"]:
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_action_index(apps, schema_editor):
    schema_editor.execute("CREATE INDEX audit_action_idx ON organisations_auditevent (action)")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0005_add_notification")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="auditevent", name="action", field=models.CharField(max_length=80)),
            ],
            database_operations=[migrations.RunPython(drop_action_indexes, create_action_index)],
        ),
    ]
