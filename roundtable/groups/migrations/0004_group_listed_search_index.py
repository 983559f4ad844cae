"""SQLite: a second FTS5 index holding listed groups only, used for ranking.

FTS5's bm25 weighs a word by how many indexed rows hold it and by the average row
length: statistics of the whole index. Ranked from the index of every group, the order
of public results moved when a secret group used the searched word. This index holds
only what everyone may see, so ranks computed from it say nothing about hidden groups.
Its triggers keep it in step with search_text and visibility. PostgreSQL: nothing to do
(ts_rank reads only the row it ranks).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE groups_group_listed_fts USING fts5(
        search_text, content='groups_group', content_rowid='id', tokenize='porter unicode61'
    )""",
    """CREATE TRIGGER groups_group_listed_fts_ai AFTER INSERT ON groups_group WHEN new.visibility = 'listed' BEGIN
        INSERT INTO groups_group_listed_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER groups_group_listed_fts_ad AFTER DELETE ON groups_group WHEN old.visibility = 'listed' BEGIN
        INSERT INTO groups_group_listed_fts(groups_group_listed_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
    END""",
    # One trigger, two statements in order: out with the old row if it was listed, in
    # with the new one if it is (a change of visibility moves a group in or out).
    """CREATE TRIGGER groups_group_listed_fts_au AFTER UPDATE OF search_text, visibility ON groups_group BEGIN
        INSERT INTO groups_group_listed_fts(groups_group_listed_fts, rowid, search_text)
            SELECT 'delete', old.id, old.search_text WHERE old.visibility = 'listed';
        INSERT INTO groups_group_listed_fts(rowid, search_text)
            SELECT new.id, new.search_text WHERE new.visibility = 'listed';
    END""",
    """INSERT INTO groups_group_listed_fts(rowid, search_text)
        SELECT id, search_text FROM groups_group WHERE visibility = 'listed'""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS groups_group_listed_fts_au",
    "DROP TRIGGER IF EXISTS groups_group_listed_fts_ad",
    "DROP TRIGGER IF EXISTS groups_group_listed_fts_ai",
    "DROP TABLE IF EXISTS groups_group_listed_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("groups", "0003_group_search_vector_postgresql")]

    operations = [migrations.RunPython(_run(SQLITE_FORWARD), _run(SQLITE_BACKWARD))]
