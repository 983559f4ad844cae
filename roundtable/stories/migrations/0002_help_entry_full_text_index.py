"""Full-text index over HelpEntry.search_text: FTS5 on SQLite, a stored tsvector on PostgreSQL
(the pattern of groups' migrations 0002 and 0003; search.py names both in raw SQL).

PostgreSQL refuses to change the type of a column a generated column reads, so a future
AlterField on search_text must drop search_vector first and add it back."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE stories_helpentry_fts USING fts5(
        search_text, content='stories_helpentry', content_rowid='id', tokenize='porter unicode61'
    )""",
    """CREATE TRIGGER stories_helpentry_fts_ai AFTER INSERT ON stories_helpentry BEGIN
        INSERT INTO stories_helpentry_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER stories_helpentry_fts_ad AFTER DELETE ON stories_helpentry BEGIN
        INSERT INTO stories_helpentry_fts(stories_helpentry_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER stories_helpentry_fts_au AFTER UPDATE OF search_text ON stories_helpentry BEGIN
        INSERT INTO stories_helpentry_fts(stories_helpentry_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO stories_helpentry_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO stories_helpentry_fts(stories_helpentry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS stories_helpentry_fts_au",
    "DROP TRIGGER IF EXISTS stories_helpentry_fts_ad",
    "DROP TRIGGER IF EXISTS stories_helpentry_fts_ai",
    "DROP TABLE IF EXISTS stories_helpentry_fts",
]
PG_FORWARD = [
    "ALTER TABLE stories_helpentry ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS stories_helpentry_search_gin ON stories_helpentry USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS stories_helpentry_search_gin",
    "ALTER TABLE stories_helpentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_stories_lessons_sharing_help_index")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
