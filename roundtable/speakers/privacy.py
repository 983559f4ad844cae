"""What speakers holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, register

from .models import Expert, Invitation

register(
    Expert, area="Speaking", label="Your speaker listing", mine=("user",), deletion=Deletion.ERASE,
    fields=("public_id", "bio", "speaks_about", "region"), many=("topics",),
    note="Your speaker listing is erased, and with it the invitations you received.",
)  # fmt: skip
register(
    Invitation, area="Speaking", label="Invitations to speak, received and sent", mine=("expert__user", "invited_by"),
    deletion=Deletion.ANONYMISE,
    fields=("public_id", "group", "meeting", "proposed_on", "note", "invited_by", "status", "title", "abstract",
            "answer_note", "created_at", "answered_at"),
    scrub=("note",),
    note="Invitations you sent to speakers stay with them, no longer naming you.",
)  # fmt: skip
