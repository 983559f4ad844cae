"""Public names that were made up from the email address's local part become the neutral
"New member": the person never chose them, and they publish part of a private address.
A person who typed that same name themselves can type it again on their profile page."""

from django.db import migrations


def forward(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    for profile in Profile.objects.select_related("user").iterator():
        if profile.display_name == profile.user.email.split("@", 1)[0][:80]:
            profile.display_name = "New member"
            profile.save(update_fields=["display_name"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_public_id")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
