"""Who may see which parts of a profile. Every surface asks here.

The rules:
- the display name is always public;
- a private field (a key of PRIVATE_FIELDS) follows its owner's choice:
  "everyone" is shown to all, anonymous visitors too; "members" ("people in my groups")
  to the owner and to people who are active members with the owner of at least one
  approval or invite-only group (groups.permissions.shares_a_group): an open group does
  not count, since anyone can join it to read what was meant for fellow members;
  "only_me" to the owner alone;
- a deactivated person has no public profile at all;
- two people with a block between them (either way: accounts.blocks) do not see each
  other's profile: 404, as a missing person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from roundtable.groups.models import VETTED_ADMISSIONS, Membership, MembershipState
from roundtable.groups.permissions import shares_a_group

from . import blocks
from .models import PRIVATE_FIELDS, Profile, User, Visibility

Viewer = User | AnonymousUser


def field_value(profile: Profile, field: str) -> str:
    """The value of a private field as people see it."""
    if field == "location":
        return profile.location_label or profile.location_text
    return str(getattr(profile, field) or "")


def visible_profile_fields(viewer: Viewer, profile: Profile) -> dict[str, str]:
    """The profile fields this viewer may see, in PRIVATE_FIELDS order, with their values.

    "display_name" is always present. Fields the viewer may not see are absent, not
    empty, so a caller can never show them by accident. At most one query (whether
    viewer and owner share a group), and only when a field needs it.
    """
    return _visible(viewer, profile, lambda: shares_a_group(viewer, profile.user))


def _visible(viewer: Viewer, profile: Profile, shared_with: Callable[[], bool]) -> dict[str, str]:
    out: dict[str, str] = {"display_name": profile.display_name}
    is_owner = viewer.is_authenticated and viewer.pk == profile.user_id
    shared: bool | None = None
    for field in PRIVATE_FIELDS:
        level = profile.visibility_of(field)
        if level == Visibility.EVERYONE or is_owner:
            allowed = True
        elif level == Visibility.MEMBERS and viewer.is_authenticated:
            if shared is None:
                shared = shared_with()
            allowed = shared
        else:
            allowed = False
        if allowed:
            out[field] = field_value(profile, field)
    return out


def owners_sharing_a_group(viewer: Viewer, owner_ids: Iterable[int]) -> set[int]:
    """Which of `owner_ids` count the viewer among their "people in my groups": the rule of
    groups.permissions.shares_a_group, answered for many owners with one query."""
    ids = set(owner_ids)
    if not viewer.is_authenticated or not ids:
        return set()
    mine = Membership.objects.filter(user=viewer, state=MembershipState.ACTIVE, admission__in=VETTED_ADMISSIONS).values(
        "group_id"
    )
    shared = set(
        Membership.objects.filter(
            user_id__in=ids,
            state=MembershipState.ACTIVE,
            admission__in=VETTED_ADMISSIONS,
            group_id__in=mine,
            pseudonym="",  # as shares_a_group: a pseudonymous membership does not count
        ).values_list("user_id", flat=True)
    )
    if viewer.pk in ids:
        shared.add(viewer.pk)
    return shared


def visible_fields_of_many(viewer: Viewer, profiles: Iterable[Profile]) -> dict[int, dict[str, str]]:
    """visible_profile_fields for many profiles at once, keyed by the owner's user id: one
    query whatever their number (lists of people: who to meet, suggested introductions)."""
    rows = list(profiles)
    shared = owners_sharing_a_group(viewer, (p.user_id for p in rows))
    return {p.user_id: _visible(viewer, p, lambda p=p: p.user_id in shared) for p in rows}  # type: ignore[misc]


def profile_for_viewer(profile: Profile | None, viewer: Viewer | None = None) -> Profile:
    """The profile if it may be shown at all (its owner is active, and no block stands between
    owner and `viewer`, either way: accounts.blocks); otherwise Http404, the same as a missing
    person. One query for a signed-in viewer other than the owner."""
    if profile is None or not profile.user.is_active:
        raise Http404("No such person.")
    if viewer is not None and viewer.is_authenticated and blocks.kept_apart(viewer.pk, profile.user_id):
        raise Http404("No such person.")
    return profile
