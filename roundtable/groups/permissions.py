"""Who may see or do what with a group. Every surface asks here.

The rules:
- listed groups are visible to everyone (a banned person too: the page is public,
  but they cannot rejoin while the ban lasts);
- unlisted groups are visible to anyone holding the link, except people banned from them;
  a ban whose end (Membership.banned_until) has passed counts as having left: visible again;
- secret groups are visible only to their active members.
- member lists are visible only to active members;
- a member who goes by a pseudonym in a group is named only as identity.py says, and the
  group is left off their profile for everyone but them;
- the venue of a group that is not listed is shown only to its active members, as the
  address of its meetings is (meetings.permissions): its link may travel further than
  its members would have their meeting place go.
A group someone may not see answers exactly as a group that does not exist (404).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from roundtable.accounts.models import User

from .models import VETTED_ADMISSIONS, Group, GroupVisibility, Membership, MembershipRole, MembershipState

Viewer = User | AnonymousUser


def membership_of(user: Viewer, group: Group) -> Membership | None:
    """The viewer's membership row for a group, cached on the group instance."""
    if not user.is_authenticated:
        return None
    cache: dict[int, Membership | None] = group.__dict__.setdefault("_membership_cache", {})
    if user.pk not in cache:
        # One row at most (a membership per person and group): [:1] spares first()'s ORDER BY,
        # whose building cost more than the rest of the query (bench/live.py asks on every change).
        cache[user.pk] = next(iter(Membership.objects.filter(group=group, user=user)[:1]), None)
    return cache[user.pk]


def can_view_group(user: Viewer, group: Group, membership: Membership | None = None) -> bool:
    m = membership if membership is not None else membership_of(user, group)
    state = m.state if m else None
    if group.visibility == GroupVisibility.LISTED:
        return True
    if group.visibility == GroupVisibility.UNLISTED:
        return m is None or not m.ban_in_force
    return state == MembershipState.ACTIVE


def is_member(user: Viewer, group: Group) -> bool:
    m = membership_of(user, group)
    return m is not None and m.state == MembershipState.ACTIVE


def is_facilitator(user: Viewer, group: Group) -> bool:
    m = membership_of(user, group)
    return m is not None and m.is_facilitator


def can_see_members(user: Viewer, group: Group) -> bool:
    return is_member(user, group)


def can_manage(user: Viewer, group: Group) -> bool:
    return is_facilitator(user, group)


def can_see_venue(user: Viewer, group: Group) -> bool:
    return group.visibility == GroupVisibility.LISTED or is_member(user, group)


def venue_for(user: Viewer, group: Group) -> str:
    """The group's venue for this viewer: "" where they may not see it (see the module rules)."""
    return group.venue if can_see_venue(user, group) else ""


def group_for_viewer(user: Viewer, slug: str) -> Group:
    """The group behind a slug if the viewer may see it; otherwise Http404."""
    group = Group.objects.filter(slug=slug).first()
    if group is None or not can_view_group(user, group):
        raise Http404("No such group.")
    return group


def group_for_facilitator(user: Viewer, slug: str) -> Group:
    """The group if the viewer facilitates it. Non-viewers get 404, members 404 too
    (a 403 would confirm an unlisted or secret group's existence to nobody new,
    but 404 keeps every surface uniform)."""
    group = group_for_viewer(user, slug)
    if not can_manage(user, group):
        raise Http404("No such group.")
    return group


def discoverable_groups(user: Viewer) -> QuerySet[Group]:
    """Groups that may appear in search and lists for this viewer: listed ones, plus
    any unlisted or secret group the viewer is an active member of."""
    base = Group.objects.all()
    if not user.is_authenticated:
        return base.filter(visibility=GroupVisibility.LISTED)
    mine = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("group_id")
    return base.filter(Q(visibility=GroupVisibility.LISTED) | Q(id__in=mine))


# The listed groups: the part of discovery everyone may see, anonymous visitors included.
LISTED = Q(visibility=GroupVisibility.LISTED)


@cache
def listed_where_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    """LISTED as SQL on the database `alias` (its WHERE condition over "groups_group", and
    its parameters), compiled once: the anonymous discovery's SQL (groups/discovery_sql.py)
    states the rule through this, never in words of its own."""
    query = Group.objects.filter(LISTED).query
    compiler = query.get_compiler(using=alias)
    sql, params = query.where.as_sql(compiler, compiler.connection)
    return sql, tuple(params)


def discoverable_parts(user: Viewer) -> tuple[QuerySet[Group], QuerySet[Group] | None]:
    """discoverable_groups in its two parts, which never overlap: the listed groups (for
    everyone), and the unlisted and secret groups the viewer is an active member of (None
    for an anonymous viewer). Searched apart and joined by UNION ALL (groups.selectors.discover),
    each part can walk its own indexes: one OR over both read every listed group."""
    listed = Group.objects.filter(LISTED)
    if not user.is_authenticated:
        return listed, None
    mine = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("group_id")
    return listed, Group.objects.filter(id__in=mine).exclude(visibility=GroupVisibility.LISTED)


def visible_group_ids_for_profile(viewer: Viewer, owner: User) -> QuerySet[Membership]:
    """The owner's active memberships that the viewer may see on the owner's profile:
    listed groups, and any group the viewer is an active member of too; never one where the
    owner goes by a pseudonym (identity.py), except to the owner themself."""
    qs = Membership.objects.filter(user=owner, state=MembershipState.ACTIVE).select_related("group")
    if viewer.is_authenticated and viewer.pk == owner.pk:
        return qs
    qs = qs.filter(pseudonym="")
    if not viewer.is_authenticated:
        return qs.filter(group__visibility=GroupVisibility.LISTED)
    shared = Membership.objects.filter(user=viewer, state=MembershipState.ACTIVE).values("group_id")
    return qs.filter(Q(group__visibility=GroupVisibility.LISTED) | Q(group_id__in=shared))


def shares_a_group(viewer: Viewer, owner: User) -> bool:
    """Whether the viewer counts among the owner's "people in my groups" (accounts.permissions):
    both are active members of one group, and both came in through a facilitator: started
    the group, approved by a facilitator, or admitted by invite (Membership.admission, set
    when the membership began). Joining an open group in one click does not count, and a
    group's join policy switched later does not make such members count either: otherwise a
    facilitator could switch an open group to approval and become "people in my groups" for
    everyone who had joined it."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == owner.pk:
        return True
    mine = Membership.objects.filter(user=viewer, state=MembershipState.ACTIVE, admission__in=VETTED_ADMISSIONS).values(
        "group_id"
    )
    # A group where the owner goes by a pseudonym does not count: their profile showing more
    # to its members would tell those members that the person behind the pseudonym is one of them.
    return Membership.objects.filter(
        user=owner, state=MembershipState.ACTIVE, admission__in=VETTED_ADMISSIONS, group_id__in=mine, pseudonym=""
    ).exists()


__all__ = [
    "MembershipRole",
    "can_manage",
    "can_see_members",
    "can_see_venue",
    "can_view_group",
    "discoverable_groups",
    "discoverable_parts",
    "group_for_facilitator",
    "group_for_viewer",
    "is_facilitator",
    "is_member",
    "membership_of",
    "shares_a_group",
    "venue_for",
    "visible_group_ids_for_profile",
]


# A person's own records (the tracker's "which group") may name the groups they are in or
# have left, while they may still see them: never a group they were refused, removed or
# banned from, and never a secret group they have left (it is hidden from them now).
BEEN_IN_STATES = (MembershipState.ACTIVE, MembershipState.LEFT)


def groups_been_in(user: Viewer) -> list[Group]:
    """The groups the user is, or was, a member of and may still see, by name. One query."""
    if not user.is_authenticated:
        return []
    rows = Membership.objects.filter(user=user, state__in=BEEN_IN_STATES).select_related("group")
    groups = [m.group for m in rows if can_view_group(user, m.group, m)]
    return sorted(groups, key=lambda g: (g.name.casefold(), g.pk))


def group_been_in(user: Viewer, slug: str) -> Group:
    """One of groups_been_in by its slug; Http404 for any other, exactly as a missing group."""
    for group in groups_been_in(user):
        if group.slug == slug:
            return group
    raise Http404("No such group.")


def visible_to(user: Viewer, groups: list[Group]) -> set[int]:
    """The ids of those of `groups` the user may see (can_view_group), with one query for
    all of them (lists that name a group per row)."""
    if not groups:
        return set()
    memberships: dict[int, Membership] = {}
    if user.is_authenticated:
        rows = Membership.objects.filter(user=user, group_id__in={g.pk for g in groups})
        memberships = {m.group_id: m for m in rows}
        for g in groups:  # what membership_of would ask, answered from the one query
            g.__dict__.setdefault("_membership_cache", {})[user.pk] = memberships.get(g.pk)
    return {g.pk for g in groups if can_view_group(user, g)}
