"""Full-text index over Group.search_text: FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE groups_group_fts USING fts5(
        search_text, content='groups_group', content_rowid='id', tokenize='porter unicode61'
    )""",
    """CREATE TRIGGER groups_group_fts_ai AFTER INSERT ON groups_group BEGIN
        INSERT INTO groups_group_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER groups_group_fts_ad AFTER DELETE ON groups_group BEGIN
        INSERT INTO groups_group_fts(groups_group_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER groups_group_fts_au AFTER UPDATE OF search_text ON groups_group BEGIN
        INSERT INTO groups_group_fts(groups_group_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO groups_group_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO groups_group_fts(groups_group_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS groups_group_fts_au",
    "DROP TRIGGER IF EXISTS groups_group_fts_ad",
    "DROP TRIGGER IF EXISTS groups_group_fts_ai",
    "DROP TABLE IF EXISTS groups_group_fts",
]
PG_FORWARD = [
    "CREATE INDEX IF NOT EXISTS group_search_gin ON groups_group USING gin (to_tsvector('english', search_text))",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS group_search_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_groups_memberships_invites")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
