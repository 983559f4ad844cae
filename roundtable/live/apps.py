from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "roundtable.live"
    label = "live"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from roundtable.accounts.models import User
        from roundtable.accounts.signals import account_deactivated
        from roundtable.meetings.models import Rsvp

        account_deactivated.connect(_account_closed, sender=User, dispatch_uid="live-account-closed")
        pre_delete.connect(_account_deleted, sender=User, dispatch_uid="live-account-deleted")
        post_save.connect(_rsvp_saved, sender=Rsvp, dispatch_uid="live-rsvp-saved")

        from roundtable.accounts.blocks import block_lifted, block_made
        from roundtable.accounts.models import Block

        # Open sockets of both read their blocks again (consumers.RoomConsumer.blocks_changed).
        block_made.connect(_blocks_changed, sender=Block, dispatch_uid="live-block-made")
        block_lifted.connect(_blocks_changed, sender=Block, dispatch_uid="live-block-lifted")


def _rsvp_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    # "Not going" after the room opened withdraws a waiting turn (services.rsvp_declined).
    from roundtable.meetings.models import RsvpStatus

    from .services import rsvp_declined

    if instance.status == RsvpStatus.DECLINED:
        rsvp_declined(meeting_id=instance.meeting_id, user_id=instance.user_id)


def _account_closed(sender: type, user: Any, **kwargs: Any) -> None:
    # A deactivated account leaves every room at once, as a removed member does.
    from .services import access_end

    access_end(user=user)


def _account_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    # Its rows go with it (cascade); its open sockets are told after the deletion commits.
    from .broadcast import access_revoked_in
    from .models import Participant, RoomStatus

    rooms = (
        Participant.objects.filter(user=instance)
        .exclude(roundtable__status=RoomStatus.ENDED)
        .values_list("roundtable_id", flat=True)
    )
    access_revoked_in(list(rooms), instance.pk)


def _blocks_changed(sender: type, blocker: Any, blocked: Any, **kwargs: Any) -> None:
    from .broadcast import blocks_changed

    blocks_changed([blocker.pk, blocked.pk])
