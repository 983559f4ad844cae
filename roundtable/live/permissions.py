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

from typing import Any

from django.db import connection
from django.db.models import Q
from django.http import Http404

from roundtable.accounts.models import User
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group, Membership, MembershipRole, MembershipState
from roundtable.groups.permissions import Viewer
from roundtable.meetings import permissions as meeting_perms
from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus

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


# who_may_stay in SQL: only table names from the models, and the values as parameters.
_STAY_SQL = (
    "SELECT {columns} FROM {user} u "
    "JOIN {room} r ON r.id = %s "
    "JOIN {meeting} m ON m.id = r.meeting_id "
    "JOIN {membership} ms ON ms.group_id = m.group_id AND ms.user_id = u.id AND ms.state = %s "
    "LEFT JOIN {rsvp} rv ON rv.meeting_id = m.id AND rv.user_id = u.id "
    "WHERE u.is_active AND u.id IN ({ids}) AND (ms.role = %s OR rv.status = %s OR EXISTS ("
    "SELECT 1 FROM {participant} p WHERE p.roundtable_id = r.id AND p.user_id = u.id "
    "AND (p.admitted_by_id IS NOT NULL OR p.left_at IS NULL)))"
)


def who_may_stay(roundtable_id: int, user_ids: set[int]) -> set[int]:
    """Of these people, the ids of those who may be in the room: an active account and
    room_for_viewer's verdict, in ONE query whatever their number. The sockets ask this on
    their timer (one query per room and process) and on every ping, where the ORM's
    five queries a person were most of a busy socket server's work (bench/live.py).

    The same rule as may_enter (tests/live/test_access.py compares the two person by person):
    an active membership, then a facilitator, a member going, or one let in or here now. Seeing
    the group (can_view_group) follows from an active membership whatever its visibility, so
    it needs no clause of its own. A room that does not exist lets nobody stay."""
    if not user_ids:
        return set()
    sql, params = _stay_query("u.id", roundtable_id, user_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def person_who_may_stay(roundtable_id: int, user_id: int) -> User | None:
    """who_may_stay for one person, answering with their User row (None: they may not be in
    the room): the check before every action a socket sends, in one query with the read of
    the person the services need. The row also carries their role in the room's group
    (live_group_id, live_group_role: an active membership, as the query requires), which
    can_control then reads instead of asking the database again inside the action's
    transaction (a query and a round trip of every change, bench/live.py)."""
    sql, params = _stay_query("u.*, ms.group_id AS live_group_id, ms.role AS live_group_role", roundtable_id, {user_id})
    return next(iter(User.objects.raw(sql, params)), None)


def _stay_query(columns: str, roundtable_id: int, user_ids: set[int]) -> tuple[str, list[Any]]:
    sql = _STAY_SQL.format(
        columns=columns,
        user=User._meta.db_table,
        room=Roundtable._meta.db_table,
        meeting=Meeting._meta.db_table,
        membership=Membership._meta.db_table,
        rsvp=Rsvp._meta.db_table,
        participant=Participant._meta.db_table,
        ids=", ".join(["%s"] * len(user_ids)),
    )
    params: list[Any] = [roundtable_id, MembershipState.ACTIVE, *sorted(user_ids)]
    params += [MembershipRole.FACILITATOR, RsvpStatus.GOING]
    return sql, params


def can_control(user: Viewer, roundtable: Roundtable) -> bool:
    """A facilitator of the room's group. A person read by person_who_may_stay (the socket's
    check before each action) brings their role in that group with them, read by the same
    statement that checked their access a moment before, and the action asks no more. A
    change of role committed within that moment applies from their next action on: a read
    inside the action's transaction would not lock the membership either, so a change
    committed just after it would have been missed all the same."""
    if getattr(user, "live_group_id", None) == roundtable.meeting.group_id:
        return bool(getattr(user, "live_group_role", None) == MembershipRole.FACILITATOR)
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
