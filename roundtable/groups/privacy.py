"""What groups holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, exclude, register

from .models import Group, Invite, Membership

register(
    Group, area="Groups", label="Groups you started", mine=("created_by",), deletion=Deletion.ANONYMISE,
    fields=("name", "slug", "kind", "visibility", "created_at"),
    note="Groups you started stay for their members; they no longer say who started them.",
)  # fmt: skip
register(
    Membership, area="Groups", label="Your memberships", mine=("user",), deletion=Deletion.ERASE,
    fields=("group", "role", "state", "answer", "admission", "created_at", "decided_at", "decided_by"),
    linked=("decided_by",),
    note="You leave every group. A group you alone facilitate is archived (below).",
)  # fmt: skip
register(
    Invite, area="Groups", label="Invitations you made", mine=("created_by",), deletion=Deletion.ANONYMISE,
    secret=("token_hash",), scrub=("note",),
    note="Invitation links you made keep working for the group; they no longer name you.",
)  # fmt: skip
exclude("groups.Topic", "A topic's name; names no person (a person's interests are exported with the profile).")
