from django.db import migrations

# PostgreSQL: the terms' tsvector stored once (a generated column) and indexed, so matching and ranking read
# it instead of parsing every matching entry's terms again. SQLite keeps its FTS5 table.
POSTGRES = [
    "DROP INDEX IF EXISTS knowledge_searchentry_terms",
    "ALTER TABLE knowledge_searchentry ADD COLUMN terms_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
    "CREATE INDEX knowledge_searchentry_vector ON knowledge_searchentry USING gin (terms_vector)",
]
POSTGRES_UNDO = [
    "DROP INDEX IF EXISTS knowledge_searchentry_vector",
    "ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS terms_vector",
    "CREATE INDEX knowledge_searchentry_terms ON knowledge_searchentry USING gin (to_tsvector('simple', terms))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_entries")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_UNDO))]
