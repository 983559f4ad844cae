from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


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
