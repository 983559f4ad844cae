"""Who may see experts and invitations, and who may invite or answer. Every surface (pages,
API, emails) asks here.

The rules:
- an expert's profile is seen by everyone, anonymous visitors too, while it is listed, its
  owner's account is active and its owner has chosen the name others see (has_public_name:
  an account made without one shows as accounts.services.UNNAMED, "New member", and a
  directory of "New member"s helps nobody invite anyone); otherwise only by its owner, and
  anyone else gets the same 404 as for a missing one. Volunteering asks for the name first
  (services.expert_save);
- an expert's past talks are those linked to them (meetings.Talk.speaker) whose meeting the
  viewer could find in a list of meetings (groups.permissions.discoverable_groups, the rule of
  meetings.selectors.visible_meetings): talks of listed groups, and of the unlisted and secret
  groups the viewer is an active member of. A secret group's talk never shows to an outsider,
  an ex-member or a banned person; an unlisted group's neither, since its link is its key;
- a person may invite when they facilitate (active, facilitator) at least one speakers group,
  and only for such a group; the invited person is a listed expert who is not themselves;
- an invitation is seen by the invited person and by the current facilitators of its group
  (who may see the group: groups.permissions); it is answered by the invited person alone.
  Anyone else, the inviter who stopped facilitating included, gets the same 404 as for a
  missing invitation.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from roundtable.accounts.models import User
from roundtable.accounts.services import UNNAMED
from roundtable.core.ids import is_public_id
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group, Kind, Membership, MembershipRole, MembershipState
from roundtable.groups.permissions import Viewer
from roundtable.meetings import permissions as meeting_perms
from roundtable.meetings.models import Meeting

from .models import Expert, Invitation

NOT_FOUND = "Not found."
NO_EXPERT = "No such expert."
NO_INVITATION = "No such invitation."


def is_owner(viewer: Viewer, expert: Expert) -> bool:
    return viewer.is_authenticated and viewer.pk == expert.user_id


def has_public_name(user: User) -> bool:
    """Whether the person has chosen the name others see: not blank, not UNNAMED (what an
    account made without a name shows). No query when the profile is loaded."""
    profile = getattr(user, "profile", None)
    return profile is not None and " ".join(profile.display_name.split()) not in ("", UNNAMED)


def named_q(prefix: str = "user__") -> Q:
    """has_public_name as a condition (`prefix` leads from the queried model to the person)."""
    return Q(**{f"{prefix}profile__isnull": False}) & ~Q(**{f"{prefix}profile__display_name__in": ("", UNNAMED)})


def can_view_expert(viewer: Viewer, expert: Expert) -> bool:
    """Listed with an active account and a chosen name, or the viewer's own."""
    if is_owner(viewer, expert):
        return True
    return expert.listed and expert.user.is_active and has_public_name(expert.user)


def expert_for_viewer(viewer: Viewer, public_id: str) -> Expert:
    """The expert behind a public id if the viewer may see them (module rules); else Http404."""
    expert = None
    if is_public_id(public_id):
        expert = Expert.objects.select_related("user__profile").filter(public_id=public_id).first()
    if expert is None or not can_view_expert(viewer, expert):
        raise Http404(NO_EXPERT)
    return expert


def own_expert(viewer: Viewer) -> Expert | None:
    """The viewer's own expert profile, listed or not; None when they have none."""
    if not viewer.is_authenticated:
        return None
    return Expert.objects.filter(user=viewer).prefetch_related("topics").first()


def talks_visible_q(viewer: Viewer, prefix: str = "meeting__") -> Q:
    """The condition on talks (`prefix` leads from the queried model to the meeting) that keeps
    those the viewer may see listed (module rules)."""
    return Q(**{f"{prefix}group__in": group_perms.discoverable_groups(viewer).values("id")})


def inviting_groups(viewer: Viewer) -> QuerySet[Group]:
    """The speakers groups the viewer facilitates, by name: the groups they may invite for."""
    if not viewer.is_authenticated:
        return Group.objects.none()
    mine = Membership.objects.filter(user=viewer, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR).values(
        "group_id"
    )
    return Group.objects.filter(pk__in=mine, kind=Kind.SPEAKERS).order_by("name", "pk")


def may_invite(viewer: Viewer, expert: Expert) -> bool:
    """The viewer facilitates a speakers group and the expert is someone else others may see
    (listed, active, named)."""
    if not viewer.is_authenticated or is_owner(viewer, expert) or not can_view_expert(viewer, expert):
        return False
    return inviting_groups(viewer).exists()


def group_for_inviting(viewer: Viewer, slug: str) -> Group:
    """One of inviting_groups by slug; Http404 for any other, exactly as a missing group."""
    group = inviting_groups(viewer).filter(slug=slug).first() if slug else None
    if group is None:
        raise Http404("No such group.")
    return group


def meeting_for_inviting(viewer: Viewer, group: Group, public_id: str) -> Meeting:
    """A meeting of `group` the viewer may manage (meetings.permissions); Http404 otherwise."""
    meeting = meeting_perms.meeting_for_facilitator(viewer, public_id) if is_public_id(public_id) else None
    if meeting is None or meeting.group_id != group.pk:
        raise Http404("No such meeting.")
    return meeting


def is_invitee(viewer: Viewer, invitation: Invitation) -> bool:
    return viewer.is_authenticated and viewer.pk == invitation.expert.user_id


def is_group_facilitator(viewer: Viewer, invitation: Invitation) -> bool:
    group = invitation.group
    return group_perms.can_view_group(viewer, group) and group_perms.is_facilitator(viewer, group)


def _invitation(public_id: str) -> Invitation | None:
    if not is_public_id(public_id):
        return None
    return (
        Invitation.objects.select_related(
            "expert__user__profile", "group", "meeting__talk", "topic", "invited_by__profile"
        )
        .filter(public_id=public_id)
        .first()
    )


def can_view_invitation(viewer: Viewer, invitation: Invitation) -> bool:
    return is_invitee(viewer, invitation) or is_group_facilitator(viewer, invitation)


def invitation_for_viewer(viewer: Viewer, public_id: str) -> Invitation:
    """The invitation if the viewer is the invited person or facilitates its group; else Http404."""
    invitation = _invitation(public_id)
    if invitation is None or not can_view_invitation(viewer, invitation):
        raise Http404(NO_INVITATION)
    return invitation


def invitation_for_invitee(viewer: Viewer, public_id: str) -> Invitation:
    """The invitation if the viewer is the invited person (the only one who may answer); else
    Http404, the group's facilitators included."""
    invitation = _invitation(public_id)
    if invitation is None or not is_invitee(viewer, invitation):
        raise Http404(NO_INVITATION)
    return invitation
