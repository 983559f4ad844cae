"""A test kind: news about a group, for its active members (groups.permissions.is_member).
`data` holds {"headline": str}; the URL is the group's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from roundtable.accounts.models import User
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group, Membership, MembershipState
from roundtable.notifications.kinds import Kind, Rendered
from roundtable.notifications.models import Notification


def may_see(user: User, group: Any) -> bool:
    return isinstance(group, Group) and group_perms.is_member(user, group)


def may_see_many(user: User, groups: list[Any]) -> set[Any]:
    """One query for any number of groups."""
    return set(
        Membership.objects.filter(
            user=user, group_id__in=[g.pk for g in groups], state=MembershipState.ACTIVE
        ).values_list("group_id", flat=True)
    )


def render(n: Notification) -> Rendered:
    group = n.subject
    who = n.actor.display_name if n.actor is not None else "Someone"
    return Rendered(
        title=f"{who} posted in {group.name}: {n.data.get('headline', '')}",
        text=n.data.get("body", ""),
        url=reverse("groups:detail", args=[group.slug]),
    )


KIND = Kind(
    key="tests.group_news",
    label="News in my groups",
    email_default="now",
    may_see=may_see,
    render=render,
    may_see_many=may_see_many,
)
# The same, without the bulk check: lists then ask may_see once per row.
KIND_NO_BULK = Kind(
    key="tests.group_digest_news",
    label="Quiet news in my groups",
    email_default="digest",
    may_see=may_see,
    render=render,
)
