from typing import Any

from django.apps import AppConfig


class BuddiesConfig(AppConfig):
    """Work search buddies: the pool, the matching (matching.py), pairs and weekly check-ins,
    and the nudges. Check-ins are for the pair's members alone (permissions.py)."""

    name = "roundtable.buddies"
    label = "buddies"

    def ready(self) -> None:
        from roundtable.meetings.tasks import ticked
        from roundtable.notifications.kinds import register

        from . import notify, tasks

        for kind in notify.KINDS:
            register(kind)

        # The weekly matching and the check-in nudges ride on the meetings tick (tasks.py).
        ticked.connect(tasks.on_tick, dispatch_uid="buddies-tick")

        from roundtable.accounts.models import User
        from roundtable.accounts.signals import account_deactivated
        from roundtable.groups.models import Group
        from roundtable.groups.signals import membership_ended

        # Losing a group closes its pool entry and pairing; closing the account closes all.
        membership_ended.connect(_membership_ended, sender=Group, dispatch_uid="buddies-membership-ended")
        account_deactivated.connect(_account_closed, sender=User, dispatch_uid="buddies-account-closed")

        from roundtable.accounts.blocks import block_made
        from roundtable.accounts.models import Block

        # A block ends a pairing between the two at once, kindly (services.pairs_end_for_block).
        block_made.connect(_block_made, sender=Block, dispatch_uid="buddies-block-made")


def _membership_ended(sender: type, group: Any, user: Any, **kwargs: Any) -> None:
    from .services import pool_leave_group

    pool_leave_group(user=user, group=group)


def _account_closed(sender: type, user: Any, **kwargs: Any) -> None:
    from .services import account_closed

    account_closed(user=user)


def _block_made(sender: type, blocker: Any, blocked: Any, **kwargs: Any) -> None:
    from .services import pairs_end_for_block

    pairs_end_for_block(a=blocker, b=blocked)
