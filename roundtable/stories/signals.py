"""The search index follows the live room's challenges without the live app knowing of it:
a challenge saved (live.services.challenge_set saves through the ORM) or deleted updates its
entry in models.HelpEntry (services.help_entry_for_challenge)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from roundtable.live.models import Challenge


def _saved(sender: Any, instance: Challenge, **kwargs: Any) -> None:
    from . import services

    services.help_entry_for_challenge(challenge=instance)


def _deleted(sender: Any, instance: Challenge, **kwargs: Any) -> None:
    from . import services

    services.help_entry_for_challenge_gone(turn_id=instance.turn_id)


def connect() -> None:
    post_save.connect(_saved, sender=Challenge, dispatch_uid="stories-challenge-saved")
    post_delete.connect(_deleted, sender=Challenge, dispatch_uid="stories-challenge-deleted")
