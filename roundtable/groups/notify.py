"""The groups app's notification kinds (roundtable.notifications.kinds), registered in
GroupsConfig.ready().

"A group I'm in changes its ground rules" (groups.rules_changed): told to every active
member but the facilitator who made the change (events.rules_changed). The subject is the
group; the recipient may see it while they are an active member of it (someone who left,
was removed or banned hears nothing more, and an old notification leaves their inbox). It
asks for an action: accepting the new rules marks it read (services.ground_rules_accept).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from roundtable.notifications.kinds import Kind, Rendered, register

from .models import Group, Membership, MembershipState

if TYPE_CHECKING:
    from roundtable.accounts.models import User
    from roundtable.notifications.models import Notification

RULES_CHANGED = "groups.rules_changed"


def _may_see(user: User, group: Any) -> bool:
    return isinstance(group, Group) and _may_see_many(user, [group]) == {group.pk}


def _may_see_many(user: User, groups: list[Any]) -> set[Any]:
    ids = [g.pk for g in groups if isinstance(g, Group)]
    active = Membership.objects.filter(user=user, group_id__in=ids, state=MembershipState.ACTIVE)
    return set(active.values_list("group_id", flat=True))


def _render(notification: Notification) -> Rendered:
    group = notification.subject
    if not isinstance(group, Group):  # pragma: no cover - the subject is always a group
        return Rendered(title="A group changed its ground rules", text="", url=reverse("groups:mine"))
    return Rendered(
        title=f"{group.name} changed its ground rules",
        text="Read the new rules and accept them before your next meeting: the live room asks for it.",
        url=reverse("groups:rules", args=[group.slug]),
    )


RULES_CHANGED_KIND = Kind(
    key=RULES_CHANGED,
    label="A group I'm in changes its ground rules",
    email_default="now",
    may_see=_may_see,
    render=_render,
    may_see_many=_may_see_many,
    asks_action=True,
)


def register_kinds() -> None:
    register(RULES_CHANGED_KIND)
