"""Record how a membership began (Membership.admission), for "people in my groups".

Existing rows, as far as they tell: decided by a facilitator -> approved; a facilitator ->
founded (made or promoted by one); an active member of an invite-only group -> invited
(such a group admits no one else); everyone else -> joined, which does not count. An
approval group's members who came by invite are read as joined: the row does not say, and
counting too few is the safe side.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    Membership = apps.get_model("groups", "Membership")
    Membership.objects.filter(decided_by__isnull=False, state="active").update(admission="approved")
    Membership.objects.filter(role="facilitator", decided_by__isnull=True).update(admission="founded")
    Membership.objects.filter(
        group__join_policy="invite", role="member", decided_by__isnull=True, state="active"
    ).update(admission="invited")


class Migration(migrations.Migration):
    dependencies = [("groups", "0004_group_listed_search_index")]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="admission",
            field=models.CharField(
                choices=[
                    ("joined", "Joined an open group"),
                    ("approved", "Approved by a facilitator"),
                    ("invited", "Came in through an invite"),
                    ("founded", "Started the group"),
                ],
                default="joined",
                max_length=16,
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
