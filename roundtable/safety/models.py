from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from roundtable.core.ids import new_public_id


class AuditEvent(models.Model):
    """One sensitive action, for operators and (for a group's own events) its facilitators
    (issue 12, item 7). Written only through safety.audit.audit_record.

    Privacy-respecting by construction: it records who acted, what kind of action, on whom or
    what (by id), when, and a reason where the actor gave one; never the content acted on,
    never an IP address or a user agent. `network` is a keyed hash of the request's network
    prefix (IPv4 /24, IPv6 /48), so an operator can tell "the same network as before" without
    the address being stored. People are held by foreign keys that empty when an account is
    deleted (the row stays, naming nobody); rows older than ROUNDTABLE_AUDIT_RETENTION_DAYS
    are deleted by the worker."""

    at = models.DateTimeField(default=timezone.now)
    # Dotted "<area>.<verb>": "account.mfa_enabled", "moderation.ban", "privacy.export", ...
    action = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The person the action was about, when it was about a person (a ban, a warning).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The group whose facilitators may read this event; null for site-wide and account events.
    group = models.ForeignKey("groups.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # What was acted on, when it was not a person: a kind word and its id as text.
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(max_length=1000, blank=True)
    network = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ("-at", "-pk")
        indexes = (
            models.Index(fields=["group", "-at"], name="safety_audit_group_at_idx"),
            models.Index(fields=["actor", "-at"], name="safety_audit_actor_at_idx"),
            models.Index(fields=["at"], name="safety_audit_at_idx"),
        )

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        """The action in words (safety.audit.ACTION_LABELS), else its dotted code."""
        from .audit import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)


class ReportKind(models.TextChoices):
    """What may be reported, by the word a report names it with (safety.content says how each
    is found, who may see it and which group it belongs to)."""

    PERSON = "person", "A person"
    GROUP = "group", "A group"
    SUGGESTION = "suggestion", "A live-room suggestion"
    STORY = "story", "A story"
    LESSON = "lesson", "A lesson"
    CHECKIN_REPLY = "checkin_reply", "A check-in reply"
    INTRODUCTION = "introduction", "An introduction note"


class ReportReason(models.TextChoices):
    HARASSMENT = "harassment", "Harassment or bullying"
    HATE = "hate", "Hate or discrimination"
    SPAM = "spam", "Spam or selling"
    PRIVATE_INFO = "private_info", "Sharing private information"
    OFF_TOPIC = "off_topic", "Off-topic or disruptive"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Action taken"
    DISMISSED = "dismissed", "No breach found"


class Report(models.Model):
    """One person's report of one thing (issue 12, item 2). Written only by safety.services.

    `kind` and `object_pk` say what was reported (the integer key stays inside; pages and the
    API name it by `object_ref`, its public id, slug or room-frame id). `group` is the group it
    belongs to, whose facilitators decide it; null for a person, a group itself, or content of
    no group: operators decide those. `subject` is the person it is about (the person
    reported, or the content's author), so the moderators can act on them. A person reports a
    thing once: reporting it again updates the same row (and opens it again if decided)."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    object_pk = models.BigIntegerField()
    object_ref = models.CharField(max_length=64)
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    details = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    # The moderator's note on the decision: for moderators only (the reporter is told the
    # outcome in fixed words, never who was acted on or how).
    outcome = models.TextField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-updated_at", "-pk")
        constraints = (models.UniqueConstraint(fields=("reporter", "kind", "object_pk"), name="safety_report_once"),)
        indexes = (
            models.Index(fields=("group", "status", "-updated_at"), name="safety_report_group_idx"),
            models.Index(fields=("status", "-updated_at"), name="safety_report_status_idx"),
            models.Index(fields=("kind", "object_pk"), name="safety_report_object_idx"),
            models.Index(fields=("reporter", "created_at"), name="safety_report_reporter_idx"),
        )

    def __str__(self) -> str:
        return f"Report {self.public_id} ({self.kind}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN


class Mute(models.Model):
    """A person may not post suggestions or questions in a group's live rooms, until `until`
    (or until unmuted, when null). Read on every such action (safety.mutes), so it takes effect
    on sockets already open."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("group", "user"), name="safety_mute_once"),)

    def __str__(self) -> str:
        return f"Mute of {self.user_id} in {self.group_id}"


class Hidden(models.Model):
    """A piece of content a moderator hid: left out of every surface for everyone but the
    group's facilitators (and operators), who see it marked "hidden" with an Unhide button in
    the moderation queue. One marker per thing; unhiding deletes it. Kept here rather than as
    a column on each content model so that one table answers "is it hidden" for all of them
    (safety.hiding)."""

    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    object_pk = models.BigIntegerField()
    object_ref = models.CharField(max_length=64)
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    hidden_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ("-hidden_at", "-pk")
        constraints = (models.UniqueConstraint(fields=("kind", "object_pk"), name="safety_hidden_once"),)
        indexes = (models.Index(fields=("group", "-hidden_at"), name="safety_hidden_group_idx"),)

    def __str__(self) -> str:
        return f"Hidden {self.kind} {self.object_ref}"
