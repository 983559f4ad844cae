"""The audit trail of sensitive actions (issue 12, item 7): one write, two reads, the purge.

What counts as sensitive, and is recorded by the app that does it: sign-ins from a new
device, two-factor changes, email and password changes, session revocations, exports and
account deletions (accounts, privacy); every moderation action (safety); role changes,
removals and bans (groups). Each call names the action as "<area>.<verb>".

What is kept, and what is not, is AuditEvent's docstring. Operators read every event;
a group's facilitators read that group's events; nobody else reads any.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from roundtable.core.text import scrub

from .models import AuditEvent

MAX_REASON = 1000

# What each action is called on the pages that list events (the log of a group's moderation,
# the operators' audit trail); an action not named here shows as its dotted code.
ACTION_LABELS = {
    "account.new_device_sign_in": "Signed in from a new device",
    "account.mfa_enabled": "Turned on two-factor sign-in",
    "account.mfa_disabled": "Turned off two-factor sign-in",
    "account.recovery_codes_regenerated": "Made new recovery codes",
    "account.passkey_added": "Added a passkey",
    "account.passkey_removed": "Removed a passkey",
    "account.email_changed": "Changed their email address",
    "account.password_changed": "Changed their password",
    "account.sessions_revoked": "Signed devices out",
    "groups.role_facilitator": "Made a facilitator",
    "groups.role_member": "Made a member (no longer facilitator)",
    "groups.rules_changed": "Changed the ground rules",
    "moderation.warn": "Warned",
    "moderation.mute": "Paused posting in live rooms",
    "moderation.unmute": "Let post again in live rooms",
    "moderation.hide": "Hid content",
    "moderation.unhide": "Showed hidden content again",
    "moderation.remove": "Removed from the group",
    "moderation.ban": "Banned",
    "moderation.unban": "Lifted a ban",
    "moderation.suspend": "Suspended an account",
    "moderation.restore": "Restored an account",
    "moderation.report_actioned": "Decided a report: action taken",
    "moderation.report_dismissed": "Decided a report: no breach found",
    "privacy.export": "Downloaded their data",
    "privacy.account_deleted": "An account was deleted",
}


def network_of(address: str | None) -> str:
    """A 16-hex-character keyed hash (HMAC-SHA-256 under SECRET_KEY) of the network an address
    belongs to: its IPv4 /24 or IPv6 /48. '' for a missing or malformed address. The same
    network always gives the same hash on one site; the address cannot be read back."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    net = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    return hmac.new(settings.SECRET_KEY.encode(), str(net).encode(), hashlib.sha256).hexdigest()[:16]


def audit_record(
    *,
    action: str,
    actor: Any = None,
    subject: Any = None,
    group: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    reason: str = "",
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Record one sensitive action and return it.

    `actor` and `subject` are users (or None: the system acted, or nobody in particular),
    `group` a Group whose facilitators may read the event, `object_type`/`object_id` what was
    acted on when it was not a person. `reason` is the actor's own words, cleaned of control
    characters (scrub) and cut to 1,000 characters. `request`, when given, adds the hashed network
    (network_of) of REMOTE_ADDR, nothing else of it. Call it inside the action's transaction so
    the event and the action commit or roll back together."""
    if not action or len(action) > 64:
        raise ValueError("an audit action is a dotted name of 1 to 64 characters")
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=subject,
        group=group,
        object_type=object_type[:40],
        object_id=str(object_id)[:64],
        reason=scrub(reason, multiline=True)[:MAX_REASON],
        network=network_of(request.META.get("REMOTE_ADDR")) if request is not None else "",
        at=at or timezone.now(),
    )


def events_for_operators() -> QuerySet[AuditEvent]:
    """Every event, newest first, with the people and group joined in (one query a page)."""
    return AuditEvent.objects.select_related("actor", "subject", "group")


def events_for_group(group_id: int) -> QuerySet[AuditEvent]:
    """The events of one group, newest first: for its facilitators (callers check who asks)."""
    return events_for_operators().filter(group_id=group_id)


def retention() -> timedelta:
    """How long events are kept: ROUNDTABLE_AUDIT_RETENTION_DAYS (default 400) days."""
    return timedelta(days=settings.ROUNDTABLE_AUDIT_RETENTION_DAYS)


def audit_purge(*, now: datetime | None = None) -> int:
    """Delete events older than the retention period; returns how many were deleted."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def purge_on_beat(sender: object = None, now: datetime | None = None, **kwargs: object) -> None:
    """worker_beat receiver: the purge is one indexed DELETE, cheap enough to run each beat."""
    audit_purge(now=now)
