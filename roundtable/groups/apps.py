from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "roundtable.groups"
    label = "groups"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from roundtable.accounts.models import User
        from roundtable.accounts.signals import account_deactivated

        # Signal handlers that keep the anonymous discovery cache fresh (admin edits too).
        from . import cache  # noqa: F401
        from .notify import register_kinds

        register_kinds()

        account_deactivated.connect(_account_closed, sender=User, dispatch_uid="groups-account-closed")
        pre_delete.connect(_account_deleted, sender=User, dispatch_uid="groups-account-deleted")


def _account_closed(sender: type, user: Any, **kwargs: Any) -> None:
    # Issue 9: a group is never orphaned. Whatever closes the account (the person, an
    # operator, the admin), each group it alone facilitated is archived, not left headless.
    from .services import groups_release

    groups_release(user=user)


def _account_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    from django.db import transaction

    from .models import Membership, MembershipState
    from .services import group_recount, groups_release

    groups_release(user=instance)
    # The membership rows go with the account (cascade), so member counts are taken again
    # once the deletion has committed.
    group_ids = list(
        Membership.objects.filter(user=instance, state=MembershipState.ACTIVE).values_list("group_id", flat=True)
    )
    transaction.on_commit(lambda: group_recount(group_ids=group_ids))
