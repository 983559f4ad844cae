"""PostgreSQL: a stored tsvector column for full-text search, replacing the expression index.

ts_rank over the expression index recomputed to_tsvector for every matching row, and the
planner skipped the expression index for common words. A stored generated column is
computed once per write, ranks without re-parsing, and has its own GIN index.

The column is not a model field: search.py names it in raw SQL. PostgreSQL refuses to
change the type of a column a generated column reads, so a future AlterField on
search_text must drop search_vector first and add it back. SQLite: nothing to do (FTS5
from 0002 stays).
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE groups_group ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS group_search_vector_gin ON groups_group USING gin (search_vector)",
    "DROP INDEX IF EXISTS group_search_gin",
]
PG_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS group_search_gin ON groups_group USING gin (to_tsvector('english', search_text))",
    "DROP INDEX IF EXISTS group_search_vector_gin",
    "ALTER TABLE groups_group DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("groups", "0002_group_search_index")]

    operations = [migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD))]
