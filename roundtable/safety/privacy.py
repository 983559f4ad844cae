"""What safety holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, register

from .models import AuditEvent

register(
    AuditEvent, area="Security", label="Security record of your account", mine=("actor", "subject"),
    deletion=Deletion.ANONYMISE,
    # Not `reason` (a moderator's own words) nor `network` (a keyed hash, meaningless outside).
    fields=("at", "action", "actor", "subject", "object_type", "object_id"),
    scrub=("reason",),
    note="The security record keeps what happened, naming nobody.",
)  # fmt: skip
