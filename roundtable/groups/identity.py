"""How a member appears to a viewer in a group's context (issue 12, item 4). Every surface that
names a member in a group context asks here: members lists, meeting attendees, the live room,
stories shown in the group, the API.

The rules
- A member without a pseudonym (Membership.pseudonym == "") appears by their profile's name,
  linked to their profile (public_id).
- A member with a pseudonym appears by it, to everyone, with no link to their profile and no
  public id: not to other members, not to the group's facilitators. Facilitators run the group
  by the membership (approve, remove, ban act on the membership's id), never needing to know
  who it is; a pseudonym is what people chose in order to be safe from exactly the people they
  meet there.
- The member themself sees their pseudonym, marked as theirs.
- Operators (staff) see the pseudonym, the real name and the profile link: moderation of a
  report needs to know whom it is about. Facilitators who need that go through a report.
- A pseudonym stays once chosen even if the group stops allowing new ones
  (Group.allow_pseudonyms): showing real names then would break what people joined under.
- Outside the group the pseudonym appears nowhere, and the profile does not list the
  membership to anyone but its owner (permissions.visible_group_ids_for_profile).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from roundtable.accounts.models import User

from .models import Membership
from .permissions import Viewer


@dataclass(frozen=True)
class Appearance:
    name: str
    # The profile to link to; "" for no link (a pseudonymous member, to anyone but operators).
    public_id: str = ""
    pseudonymous: bool = False
    is_self: bool = False
    # The real name behind a pseudonym: operators only, "" for everyone else.
    real_name: str = ""

    @property
    def initial(self) -> str:
        return self.name[:1].upper()


def is_operator(viewer: Viewer) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active and viewer.is_staff)


def appearance(*, user: User, pseudonym: str, viewer: Viewer) -> Appearance:
    """How `user`, whose membership of the group carries `pseudonym` ("" for none), appears to
    `viewer` there. Asks nothing of the database when the user's profile is loaded."""
    is_self = viewer.is_authenticated and viewer.pk == user.pk
    if not pseudonym:
        return Appearance(name=user.display_name, public_id=user.public_id, is_self=is_self)
    if is_operator(viewer):
        return Appearance(
            name=pseudonym, public_id=user.public_id, pseudonymous=True, is_self=is_self, real_name=user.display_name
        )
    return Appearance(name=pseudonym, pseudonymous=True, is_self=is_self)


def dress(memberships: Iterable[Membership], viewer: Viewer) -> list[Membership]:
    """The memberships, each with `shown` (its Appearance to the viewer): no query when their
    users' profiles came with them (select_related("user__profile"))."""
    out = list(memberships)
    for m in out:
        m.shown = appearance(user=m.user, pseudonym=m.pseudonym, viewer=viewer)  # type: ignore[attr-defined]
    return out


def pseudonyms(group_id: int, user_ids: Iterable[int]) -> dict[int, str]:
    """The pseudonyms of those of `user_ids` who have one in the group: one query (none for no ids).
    Every membership state counts: someone who left keeps their pseudonym on what they wrote."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = Membership.objects.filter(group_id=group_id, user_id__in=ids).exclude(pseudonym="")
    return dict(rows.values_list("user_id", "pseudonym"))


def appearances(group_id: int, users: Iterable[User], viewer: Viewer) -> dict[int, Appearance]:
    """Each user's Appearance in the group to the viewer, by user id: one query."""
    people = list(users)
    found = pseudonyms(group_id, (u.pk for u in people))
    return {u.pk: appearance(user=u, pseudonym=found.get(u.pk, ""), viewer=viewer) for u in people}


def appearance_in(group_id: int, user: User, viewer: Viewer) -> Appearance:
    """One user's Appearance in the group to the viewer: one query."""
    return appearances(group_id, [user], viewer)[user.pk]


def name_in(group_id: int, user: User) -> str:
    """The name a member goes by in the group, for words sent to other people (emails,
    notifications): the pseudonym if they have one, else their profile's name. One query."""
    return pseudonyms(group_id, [user.pk]).get(user.pk) or user.display_name


def pseudonym_subquery(user_field: str, group_field: str) -> Subquery:
    """The pseudonym of the row's user (`user_field`) in the row's group (`group_field`), as
    an annotation (None or "" for none): lists name people through it with no query of their
    own (`{% firstof row.pseudonym row.user.display_name %}`)."""
    return Subquery(
        Membership.objects.filter(user_id=OuterRef(user_field), group_id=OuterRef(group_field)).values("pseudonym")[:1]
    )
