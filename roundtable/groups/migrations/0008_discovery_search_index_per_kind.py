"""PostgreSQL: a GIN index of the words of each kind's listed groups.

A search within one kind ("support", kind speakers) was read from the GIN of every listed
group: the words' postings for all three kinds (312,000 groups hold "support" at a million,
7,500 of them speakers groups), every one put in a bitmap, and each row then read to check
its kind. Each index below holds one kind's listed groups, so the same search reads that
kind's postings alone (7 ms against about 300). The kind's label is among the indexed words
("Support group"), and kinds name themselves ("... Support Circle"), so the words people
type are far from evenly spread over the kinds: the planner's estimates for one kind are
wrong by ten times either way, which is why search.py does not leave the choice to it.

Built CONCURRENTLY (writes go on meanwhile), so this migration is not atomic. SQLite:
nothing to do (FTS5 hands over the index's matches before any filter applies; the kind is
checked on each).
"""

from django.db import migrations

LISTED = "visibility = 'listed' AND archived_at IS NULL"
KINDS = ("speakers", "strategic", "support")
PG_INDEXES = {
    f"group_listed_{kind}_search_gin": f"USING gin (search_vector) WHERE {LISTED} AND kind = '{kind}'" for kind in KINDS
}
PG_FORWARD = [f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON groups_group {d}" for name, d in PG_INDEXES.items()]
PG_BACKWARD = [f"DROP INDEX CONCURRENTLY IF EXISTS {name}" for name in PG_INDEXES]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("groups", "0007_discovery_indexes_for_listed_groups")]

    operations = [migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD))]
