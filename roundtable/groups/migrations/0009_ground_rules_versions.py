"""Ground rules get versions (issue 12): the group's version and when it last changed, and
the version each membership accepted and when.

Every group starts at version 1 of its rules and every existing membership counts as having
accepted version 1 (the column defaults fill existing rows): nobody is locked out of a group
or a live room by this migration. rules_accepted_at stays empty for them (not known).

SQLite: Django adds a NOT NULL column by copying the whole table, which would drop the
search triggers that migrations 0002 and 0004 put on groups_group (search would silently
stop seeing new groups). SQLite can add such a column in place when it has a constant
default, so the group's two columns are added with ALTER TABLE here; the table, its
triggers and its indexes stay. Other databases add them as Django always does.
"""

from django.db import migrations, models

SQLITE_ADD = [
    'ALTER TABLE "groups_group" ADD COLUMN "rules_version" integer unsigned NOT NULL DEFAULT 1 '
    'CHECK ("rules_version" >= 0)',
    'ALTER TABLE "groups_group" ADD COLUMN "rules_changed_at" datetime NULL',
]
SQLITE_DROP = [
    'ALTER TABLE "groups_group" DROP COLUMN "rules_changed_at"',
    'ALTER TABLE "groups_group" DROP COLUMN "rules_version"',
]
GROUP_FIELDS = {
    "rules_version": models.PositiveIntegerField(default=1),
    "rules_changed_at": models.DateTimeField(blank=True, null=True),
}


def _field(name):
    field = GROUP_FIELDS[name].clone()
    field.set_attributes_from_name(name)
    return field


def _add(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_ADD:
            schema_editor.execute(sql)
        return
    model = apps.get_model("groups", "Group")  # as before this migration: without the fields
    for name in GROUP_FIELDS:
        schema_editor.add_field(model, _field(name))


def _remove(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)
        return
    model = apps.get_model("groups", "Group")
    for name in reversed(GROUP_FIELDS):
        schema_editor.remove_field(model, _field(name))


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_discovery_search_index_per_kind"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="group", name=name, field=field) for name, field in GROUP_FIELDS.items()
            ],
            database_operations=[migrations.RunPython(_add, _remove)],
        ),
        migrations.AddField(
            model_name="membership",
            name="rules_accepted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="membership",
            name="rules_version_accepted",
            field=models.PositiveIntegerField(default=1),
        ),
    ]
