"""What notifications holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, register

from .models import DigestSent, Notification, Preference

register(
    Notification, area="Notifications", label="Your notifications", mine=("recipient",), deletion=Deletion.ERASE,
    fields=("public_id", "kind", "actor", "data", "created_at", "read_at", "email_state", "emailed_at"),
    linked=("actor",), scrub=("data",),
    note=(
        "Your notifications are erased, with any email still waiting to go to you. Notifications other "
        "people received about something you did no longer name you."
    ),
)  # fmt: skip
register(Preference, area="Notifications", label="Your notification choices", mine=("person",), deletion=Deletion.ERASE)
register(DigestSent, area="Notifications", label="Daily digests sent to you", mine=("person",), deletion=Deletion.ERASE)
