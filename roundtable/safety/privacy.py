"""What safety holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, register

from .models import AuditEvent, Hidden, Mute, Report

register(
    AuditEvent, area="Security", label="Security record of your account", mine=("actor", "subject"),
    deletion=Deletion.ANONYMISE,
    # Not `reason` (a moderator's own words) nor `network` (a keyed hash, meaningless outside).
    fields=("at", "action", "actor", "subject", "object_type", "object_id"),
    scrub=("reason",),
    note="The security record keeps what happened, naming nobody.",
)  # fmt: skip
register(
    Report, area="Safety", label="Reports you made", mine=("reporter",), deletion=Deletion.ERASE,
    # Not `subject` beyond what was reported (object_ref), nor `outcome` (the moderator's own note).
    fields=("public_id", "kind", "object_ref", "group", "reason", "details", "status", "created_at", "decided_at"),
    linked=("subject", "decided_by"), scrub=("details", "outcome"),
    note="Reports you made are erased. Reports others made about you stay with the moderators, naming nobody.",
)  # fmt: skip
register(
    Mute, area="Safety", label="Groups where a facilitator paused your posting", mine=("user",),
    deletion=Deletion.ERASE, fields=("group", "until", "created_at"), linked=("by",),
    note="Pauses on your posting are erased.",
)  # fmt: skip
register(
    Hidden, area="Safety", label="Your words a moderator hid", mine=("author",), deletion=Deletion.ANONYMISE,
    # The moderator's reason is theirs; the record of what was hidden stays, naming nobody.
    fields=("kind", "object_ref", "group", "hidden_at"), linked=("hidden_by",), scrub=("reason",),
    note="The record that a moderator hid something you wrote stays, naming nobody.",
)  # fmt: skip
