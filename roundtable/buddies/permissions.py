"""Who may see or do what with buddies. Every surface (pages, API, emails, the tick) asks here.

The rules:
- a pool entry is its owner's alone (anyone else: 404);
- a person may join the platform's pool, or the pool of a group they are an active member of
  (a secret group's pool is as invisible to outsiders as the group: 404);
- a pair, its check-ins and their replies are for the pair's members alone; anyone else,
  staff included on the site, gets the same 404 as for a missing one (design: "Owner-only
  data": check-ins). A member who left a pair keeps seeing its history;
- a check-in is written by a member of an open pair, about that pair; a reply by another
  member of the pair while it is open;
- what a buddy sees of the other's profile follows the other's choices
  (accounts.permissions.visible_profile_fields), and so does what the matching uses;
- a matching run on demand is for the group's facilitators (groups.permissions).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from roundtable.core.ids import is_public_id
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group, Membership, MembershipState
from roundtable.groups.permissions import Viewer

from .models import BuddyPair, CheckIn, PoolEntry

NOT_FOUND = "Not found."


def open_entry(user: Viewer) -> PoolEntry | None:
    """The viewer's open pool entry, or None."""
    if not user.is_authenticated:
        return None
    return PoolEntry.objects.select_related("group").filter(user=user, left_at__isnull=True).first()


def pool_groups(user: Viewer) -> QuerySet[Group]:
    """The groups whose pool the viewer may join: those they are an active member of."""
    if not user.is_authenticated:
        return Group.objects.none()
    mine = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("group_id")
    return Group.objects.filter(id__in=mine).order_by("name", "id")


def group_for_pool(user: Viewer, slug: str) -> Group:
    """A group whose pool the viewer may join; Http404 otherwise (as a missing group)."""
    group = pool_groups(user).filter(slug=slug).first() if slug else None
    if group is None:
        raise Http404("No such group.")
    return group


def is_member_of_pair(user: Viewer, pair: BuddyPair) -> bool:
    return user.is_authenticated and any(m.user_id == user.pk for m in pair.members.all())


def pairs_of(user: Viewer) -> QuerySet[BuddyPair]:
    """Every pair the viewer is or was a member of (a query; callers add their prefetches)."""
    if not user.is_authenticated:
        return BuddyPair.objects.none()
    return BuddyPair.objects.filter(members__user=user)


def pair_for_member(user: Viewer, public_id: str) -> BuddyPair:
    """A pair of the viewer's behind a public id; Http404 for anyone else's or a missing one."""
    pair = None
    if user.is_authenticated and is_public_id(public_id):
        pair = pairs_of(user).select_related("group").filter(public_id=public_id).first()
    if pair is None:
        raise Http404(NOT_FOUND)
    return pair


def checkin_for_member(user: Viewer, public_id: str) -> CheckIn:
    """A check-in of a pair the viewer is a member of; Http404 otherwise."""
    checkin = None
    if user.is_authenticated and is_public_id(public_id):
        checkin = (
            CheckIn.objects.select_related("pair", "author__profile")
            .filter(public_id=public_id, pair__members__user=user)
            .first()
        )
    if checkin is None:
        raise Http404(NOT_FOUND)
    return checkin


def may_check_in(user: Viewer, pair: BuddyPair) -> bool:
    return pair.is_open and is_member_of_pair(user, pair)


def may_reply(user: Viewer, checkin: CheckIn) -> bool:
    return checkin.pair.is_open and checkin.author_id != user.pk and is_member_of_pair(user, checkin.pair)


def may_still_see_pair(user_id: int, pair_id: int) -> bool:
    """For deliveries (emails, later notifications): is the person still a member of the pair?"""
    return BuddyPair.objects.filter(pk=pair_id, members__user_id=user_id).exists()


def group_for_run(user: Viewer, slug: str) -> Group:
    """A group the viewer facilitates (a run on demand over its pool); Http404 otherwise."""
    return group_perms.group_for_facilitator(user, slug)
