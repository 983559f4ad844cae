from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def stamp_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Reminders already sent were for the start the meeting has now.
    reminder_sent = apps.get_model("meetings", "ReminderSent")
    meeting = apps.get_model("meetings", "Meeting")
    start = meeting.objects.filter(pk=OuterRef("meeting_id")).values("starts_at")[:1]
    reminder_sent.objects.update(starts_at=Subquery(start))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_series_split_from_and_shift")]

    operations = [
        migrations.RemoveConstraint(model_name="remindersent", name="reminder_once"),
        migrations.AddField(model_name="remindersent", name="starts_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(stamp_existing, migrations.RunPython.noop),
        migrations.AlterField(model_name="remindersent", name="starts_at", field=models.DateTimeField()),
        migrations.AddConstraint(
            model_name="remindersent",
            constraint=models.UniqueConstraint(
                fields=("meeting", "user", "kind", "starts_at"), name="reminder_once_per_start"
            ),
        ),
    ]
