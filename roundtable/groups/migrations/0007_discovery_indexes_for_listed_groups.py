"""Indexes for discovery at a million groups.

Discovery searches the listed groups (and, apart, a signed-in viewer's own hidden groups:
selectors.discover). On PostgreSQL each index below covers only the groups anyone may
discover, `visibility = 'listed' AND archived_at IS NULL`, which is what the listed part
of every discovery query says, so the planner uses them and they hold nothing else:
- members: the default order (most members first), so a page, even the deepest the count
  cap allows, is read in order and stops;
- kind + members: the same within one kind;
- newest: "newest first" was a sort of every listed group (0.8 s at a million);
- place: latitude, longitude and kind with the id, so the groups in a place's box (of
  one kind) and their distances come from the index alone: only the page's rows are read,
  or, searching words too, only the rows of the kind asked for;
- search: the GIN index of the words, replacing the one over every group (migration
  0003): hidden groups are only ever searched among a viewer's own, by key.
They are built CONCURRENTLY (writes go on meanwhile), so this migration is not atomic.

SQLite reads `visibility = %s` as a bound parameter and cannot match it to a partial
index's condition, so it gets a plain index for "newest first" (the others exist since
migration 0001 and 0002).
"""

from django.db import migrations

LISTED = "visibility = 'listed' AND archived_at IS NULL"
PG_INDEXES = {
    "group_listed_members_idx": f"(member_count DESC, id) WHERE {LISTED}",
    "group_listed_kind_idx": f"(kind, member_count DESC, id) WHERE {LISTED}",
    "group_listed_newest_idx": f"(created_at DESC, id DESC) WHERE {LISTED}",
    "group_listed_place_idx": f"(latitude, longitude, kind) INCLUDE (id) WHERE {LISTED} AND latitude IS NOT NULL",
    "group_listed_search_gin": f"USING gin (search_vector) WHERE {LISTED}",
}
PG_FORWARD = [
    *(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON groups_group {d}" for name, d in PG_INDEXES.items()),
    "DROP INDEX CONCURRENTLY IF EXISTS group_search_vector_gin",
]
PG_BACKWARD = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS group_search_vector_gin ON groups_group USING gin (search_vector)",
    *(f"DROP INDEX CONCURRENTLY IF EXISTS {name}" for name in PG_INDEXES),
]
SQLITE_FORWARD = [
    "CREATE INDEX IF NOT EXISTS group_vis_newest_idx ON groups_group (visibility, created_at DESC, id DESC)"
]
SQLITE_BACKWARD = ["DROP INDEX IF EXISTS group_vis_newest_idx"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("groups", "0006_group_archive_and_facilitator_invites")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
