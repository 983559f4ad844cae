"""What happened in the groups app that members should hear about, handed to the
notifications app (notify.py holds the kinds), which records it after commit and re-checks
access when it records, emails and shows it."""

from __future__ import annotations

from roundtable.accounts.models import User
from roundtable.notifications.services import notify

from .models import Group, Membership, MembershipState
from .notify import RULES_CHANGED


def rules_changed(*, group: Group, by: User | None) -> int:
    """The group's ground rules changed: each active member but `by` (who accepted them by
    editing) is told, and asked to accept them again. One query, then one notification each."""
    members = Membership.objects.filter(group=group, state=MembershipState.ACTIVE).select_related("user")
    if by is not None:
        members = members.exclude(user=by)
    told = 0
    for m in members:
        notify(recipient=m.user, kind=RULES_CHANGED, subject=group, actor=by, data={"version": group.rules_version})
        told += 1
    return told
