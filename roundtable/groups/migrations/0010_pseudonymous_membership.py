"""Pseudonymous membership (issue 12, item 4): a group may let members appear by a chosen name
only (Group.allow_pseudonyms, off for every existing group), and a membership carries that name
(Membership.pseudonym, empty for every existing one), unique within the group ignoring case.

SQLite: as in 0009, the group's NOT NULL column is added with ALTER TABLE so that the table
keeps the search triggers of migrations 0002 and 0004 (Django's table copy would drop them).
Other databases add it as Django always does.
"""

from django.db import migrations, models
from django.db.models.functions import Lower

SQLITE_ADD = 'ALTER TABLE "groups_group" ADD COLUMN "allow_pseudonyms" bool NOT NULL DEFAULT 0'
SQLITE_DROP = 'ALTER TABLE "groups_group" DROP COLUMN "allow_pseudonyms"'


def _field():
    field = models.BooleanField(default=False)
    field.set_attributes_from_name("allow_pseudonyms")
    return field


def _add(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_ADD)
        return
    schema_editor.add_field(apps.get_model("groups", "Group"), _field())


def _remove(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        return
    schema_editor.remove_field(apps.get_model("groups", "Group"), _field())


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0009_ground_rules_versions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="group", name="allow_pseudonyms", field=models.BooleanField(default=False))
            ],
            database_operations=[migrations.RunPython(_add, _remove)],
        ),
        migrations.AddField(
            model_name="membership",
            name="pseudonym",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                Lower("pseudonym"), "group", condition=~models.Q(pseudonym=""), name="membership_pseudonym_unique"
            ),
        ),
    ]
