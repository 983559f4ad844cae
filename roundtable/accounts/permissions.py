"""Who may see which parts of a profile. Every surface asks here.

The rules:
- the display name is always public;
- a private field (a key of PRIVATE_FIELDS) follows its owner's choice:
  "everyone" is shown to all, anonymous visitors too; "members" ("people in my groups")
  to the owner and to people who are active members with the owner of at least one
  approval or invite-only group (groups.permissions.shares_a_group): an open group does
  not count, since anyone can join it to read what was meant for fellow members;
  "only_me" to the owner alone;
- a deactivated person has no public profile at all.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from roundtable.groups.permissions import shares_a_group

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
    out: dict[str, str] = {"display_name": profile.display_name}
    is_owner = viewer.is_authenticated and viewer.pk == profile.user_id
    shared: bool | None = None
    for field in PRIVATE_FIELDS:
        level = profile.visibility_of(field)
        if level == Visibility.EVERYONE or is_owner:
            allowed = True
        elif level == Visibility.MEMBERS and viewer.is_authenticated:
            if shared is None:
                shared = shares_a_group(viewer, profile.user)
            allowed = shared
        else:
            allowed = False
        if allowed:
            out[field] = field_value(profile, field)
    return out


def profile_for_viewer(profile: Profile | None) -> Profile:
    """The profile if it may be shown at all (its owner is active); otherwise Http404."""
    if profile is None or not profile.user.is_active:
        raise Http404("No such person.")
    return profile
