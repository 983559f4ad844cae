"""What network holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from typing import Any

from roundtable.privacy.registry import Deletion, register

from .models import AskBlock, Introduction
from .permissions import introductions_visible_to, status_for


def _introductions(user: Any) -> list[dict[str, Any]]:
    """The introductions the person may see, as they read them (permissions.status_for: a "no"
    reads "not possible" to the asker, a refused ask is its starter's alone), each note only
    for whoever wrote it. One query."""
    rows = []
    intros = (
        introductions_visible_to(user)
        .select_related("asker__profile", "introducer__profile", "target__profile")
        .order_by("created_at", "pk")
    )
    for intro in intros:
        rows.append({
            "public_id": intro.public_id, "group": intro.group_id, "asker": intro.asker_id,
            "introducer": intro.introducer_id, "target": intro.target_id, "proposed": intro.proposed,
            "asker_note": intro.asker_note if intro.asker_id == user.pk else None,
            "introducer_note": intro.introducer_note if intro.introducer_id == user.pk else None,
            "status": status_for(user, intro), "created_at": intro.created_at, "accepted_at": intro.accepted_at,
        })  # fmt: skip
    return rows


register(
    Introduction, area="Introductions", label="Introductions", mine=("asker", "introducer", "target"),
    deletion=Deletion.ERASE,
    fields=("public_id", "group", "asker", "introducer", "target", "proposed", "asker_note", "introducer_note",
            "status", "created_at", "accepted_at"),
    rows=_introductions,
    note="Introductions you asked for, were asked to make or were asked to join end, and are erased.",
)  # fmt: skip
register(
    AskBlock, area="Introductions", label="People you asked not to ask you again", mine=("blocker",),
    deletion=Deletion.ERASE, fields=("blocked", "created_at"), named=("blocked",),
)  # fmt: skip
