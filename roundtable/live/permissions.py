"""Who may see a live room, control it, speak in its seat, and see a member's history.

- The room is visible to whoever may see the meeting (meetings.permissions) and holds an
  active membership of its group (issue 8: never "was once a participant"), and is then one
  of: a facilitator of the group, a member who is going, a member a facilitator let in
  (a walk-in), or a member who is in the room now. Anyone else gets the same 404 as for a
  room that does not exist.
- Losing the group (left, removed, banned, a request pending or declined after that) or
  the account (deactivated) closes the room at once, walk-in or not; a facilitator's earlier
  admission is forgotten then (services.access_end), so only a new one lets them back.
- Facilitators control the room; the member in the seat writes for their own turn.
- A member's history is theirs; facilitators see it only if the member allows.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from roundtable.accounts.models import User
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group
from roundtable.groups.permissions import Viewer
from roundtable.meetings import permissions as meeting_perms

from .models import HistorySharing, Participant, Roundtable


def may_enter(user: Viewer, roundtable: Roundtable) -> bool:
    """May this person be in the room (see it, join it)? Asked on every surface, every message."""
    if not user.is_authenticated or not user.is_active:
        return False
    group = roundtable.meeting.group
    # An active membership first: pending, declined, left, removed and banned all fail here.
    if not group_perms.is_member(user, group):
        return False
    if group_perms.is_facilitator(user, group) or meeting_perms.is_going(user, roundtable.meeting):
        return True
    return (
        Participant.objects.filter(roundtable=roundtable, user=user)
        .filter(Q(admitted_by__isnull=False) | Q(left_at__isnull=True))
        .exists()
    )


def roundtable_for_viewer(user: Viewer, public_id: str) -> Roundtable:
    """The room of the meeting with this public identifier, if the viewer may enter it."""
    meeting = meeting_perms.meeting_for_viewer(user, public_id)
    roundtable = Roundtable.objects.filter(meeting=meeting).first()
    if roundtable is None:
        raise Http404("No such roundtable.")
    roundtable.meeting = meeting  # keeps the viewer's caches on meeting and group
    if not may_enter(user, roundtable):
        raise Http404("No such roundtable.")
    return roundtable


def room_for_viewer(user: Viewer, roundtable_id: int) -> Roundtable:
    """roundtable_for_viewer by the room's own id (the WebSocket's address): the same checks
    (the meeting's group visible to the viewer, then may_enter), with the room, its meeting,
    group and seat read in one query, since every message of every socket asks."""
    rt = Roundtable.objects.select_related("meeting__group", "current_turn").filter(pk=roundtable_id).first()
    if rt is None or not group_perms.can_view_group(user, rt.meeting.group) or not may_enter(user, rt):
        raise Http404("No such roundtable.")
    return rt


def can_control(user: Viewer, roundtable: Roundtable) -> bool:
    return group_perms.is_facilitator(user, roundtable.meeting.group)


def is_in_seat(user: Viewer, roundtable: Roundtable) -> bool:
    if not user.is_authenticated or roundtable.current_turn_id is None or roundtable.is_ended:
        return False
    return roundtable.current_turn is not None and roundtable.current_turn.user_id == user.pk


def history_visible(viewer: Viewer, owner: User, group: Group) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.pk == owner.pk:
        return True
    if not group_perms.is_facilitator(viewer, group):
        return False
    return HistorySharing.objects.filter(user=owner, share_with_facilitators=True).exists()
