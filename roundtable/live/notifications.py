"""Emails about live rooms, handed to the task worker. Called after commit, with ids."""

from __future__ import annotations

from . import tasks
from .models import Participant


def roundtable_ended(*, roundtable_id: int) -> None:
    """One summary email task per person who was in the room. Called once per room, by
    services.roundtable_end after its commit (a room can end only once); each task checks
    again, when it runs, that its recipient is still owed the email."""
    user_ids = (
        Participant.objects.filter(roundtable_id=roundtable_id)
        .order_by("joined_at", "id")
        .values_list("user_id", flat=True)
    )
    for user_id in user_ids:
        tasks.email_roundtable_summary.enqueue(roundtable_id=roundtable_id, user_id=user_id)
