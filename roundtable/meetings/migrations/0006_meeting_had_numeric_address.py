"""Only meetings that existed before public identifiers keep a numeric redirect.

Every meeting present when this migration runs is marked; meetings made afterwards get
False and their numbers answer 404, so /meetings/<int>/ cannot be counted through to find
new meetings, hidden or not, nor when they were made.
"""

from django.db import migrations, models


def mark_existing(apps, schema_editor):
    apps.get_model("meetings", "Meeting").objects.update(had_numeric_address=True)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_meeting_series_origin")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="had_numeric_address",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
    ]
