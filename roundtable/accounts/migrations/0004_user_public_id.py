"""People get a random public identifier for their profile URL (/people/<public_id>/).

Added nullable, filled row by row (a callable default would give every existing row the
same value on PostgreSQL), then made unique and required.
"""

from django.db import migrations, models

import roundtable.core.ids


def fill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set()
    for pk in User.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
        value = roundtable.core.ids.new_public_id()
        while value in taken:
            value = roundtable.core.ids.new_public_id()
        taken.add(value)
        User.objects.filter(pk=pk).update(public_id=value)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_profile_email_preferences")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="public_id",
            field=models.CharField(editable=False, max_length=12, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="public_id",
            field=models.CharField(
                default=roundtable.core.ids.new_public_id, editable=False, max_length=12, unique=True
            ),
        ),
    ]
