"""Notifications and each person's preferences for them.

A Notification is one event told to one person (the recipient): of a registered kind
(kinds.py, "<app>.<event>"), about a subject (any model row, through contenttypes), maybe
by an actor, with a small `data` dict the kind's render uses. It is owner-only: read through
`selectors` with the recipient; anyone else's public id answers 404 (permissions.py).

Its email goes at most once: `email_state` moves from "now" or "digest" to "sent" (or
"skipped" when, at sending time, the recipient no longer wants it or may no longer see the
subject) in the transaction that sends it, so a second worker finds nothing to send.

A Preference row exists only where a person changed a kind's defaults (inbox on, email as
the kind's `email_default`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from roundtable.core.ids import new_public_id


class EmailChoice(models.TextChoices):
    """How a person wants one kind by email."""

    NOW = "now", "Email me at once"
    DIGEST = "digest", "In my daily digest"
    NEVER = "never", "Never by email"


class EmailState(models.TextChoices):
    """Where a notification's email stands."""

    NOW = "now", "To send at once"
    DIGEST = "digest", "Waiting for the daily digest"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"
    NONE = "none", "No email"


class Notification(models.Model):
    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # False when the recipient turned the kind's inbox off but wants its email: the row
    # exists only to carry the email, and no inbox, count or API list shows it.
    in_inbox = models.BooleanField(default=True)
    # The last check of the subject (permissions.visible_subjects) found that the recipient may
    # no longer see it: left out of the inbox and of the unread count. Unread rows are checked
    # again whenever the count is worked out (selectors.unread_sync), so one that became
    # visible again comes back; the navigation's badge counts rows not hidden, in one query.
    hidden = models.BooleanField(default=False)
    email_state = models.CharField(max_length=8, choices=EmailState.choices, default=EmailState.NONE)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (
            # The inbox (newest first) and the unread count, per recipient.
            models.Index(fields=("recipient", "in_inbox", "-created_at"), name="notif_inbox"),
            models.Index(
                fields=("recipient",),
                condition=models.Q(read_at__isnull=True, in_inbox=True, hidden=False),
                name="notif_unread",
            ),
            # The digest's scan for people with something waiting.
            models.Index(fields=("recipient",), condition=models.Q(email_state="digest"), name="notif_digest_waiting"),
        )

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Preference(models.Model):
    """One person's choice for one kind: whether it shows in the inbox, and how it is emailed."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    inbox = models.BooleanField(default=True)
    email = models.CharField(max_length=8, choices=EmailChoice.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (models.UniqueConstraint("person", "kind", name="notif_preference_once"),)

    def __str__(self) -> str:
        return f"{self.kind}: inbox {'on' if self.inbox else 'off'}, email {self.email}"


class DigestSent(models.Model):
    """A daily digest went to `person` for `day` (their own calendar day): claimed in the
    transaction of the send, so two workers or two ticks never send the same day twice."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (models.UniqueConstraint("person", "day", name="notif_digest_once_a_day"),)

    def __str__(self) -> str:
        return f"Digest for {self.person_id} on {self.day}"
