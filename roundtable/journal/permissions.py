"""Who may read or write which journal entry. Every surface (pages, API, emails, the meeting
page's card) asks here.

The rules:
- a goal, a reflection and a landing are their owner's alone: anyone else, staff included on
  the site, gets the same 404 as for a missing entry (design: "Owner-only data");
- a goal is set by an active member of the meeting's group who is going or on the waitlist,
  from when they answer until the meeting ends (a cancelled meeting takes none);
- a reflection is written after the meeting ended by someone who was going or was marked as
  having come; "dismissed" is the same person saying "not now";
- the people a goal may name are the others going (active members, active accounts, whose
  profile anyone may open: accounts.permissions.profile_for_viewer) and the meeting's speaker,
  and only for a viewer who may see the group's member list (groups.permissions); the people a
  reflection may name are those who were going or came;
- group health is for the group's facilitators only (groups.permissions.group_for_facilitator),
  and holds aggregates only (journal/health.py).
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils import timezone

from roundtable.core.ids import is_public_id
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group
from roundtable.groups.permissions import Viewer
from roundtable.meetings import permissions as meeting_perms
from roundtable.meetings.models import Meeting, RsvpStatus, went

from .models import Goal, Reflection

NOT_FOUND = "Not found."


def goal_for_owner(user: Viewer, public_id: str) -> Goal:
    """The viewer's own goal behind a public id; Http404 for anyone else's or a missing one."""
    goal = None
    if user.is_authenticated and is_public_id(public_id):
        goal = (
            Goal.objects.select_related("meeting__group", "meeting__talk")
            .filter(public_id=public_id, owner=user)
            .first()
        )
    if goal is None:
        raise Http404(NOT_FOUND)
    return goal


def reflection_for_owner(user: Viewer, public_id: str) -> Reflection:
    """The viewer's own reflection behind a public id; Http404 otherwise."""
    reflection = None
    if user.is_authenticated and is_public_id(public_id):
        reflection = Reflection.objects.select_related("meeting__group").filter(public_id=public_id, owner=user).first()
    if reflection is None:
        raise Http404(NOT_FOUND)
    return reflection


def meeting_for_journal(user: Viewer, public_id: str) -> Meeting:
    """A meeting the viewer may see (meetings.permissions), for their own journal; Http404
    otherwise, exactly as a missing meeting."""
    if not user.is_authenticated:
        raise Http404("No such meeting.")
    return meeting_perms.meeting_for_viewer(user, public_id)


def may_set_goal(user: Viewer, meeting: Meeting, now: datetime | None = None) -> bool:
    """Going or waitlisted, an active member, the meeting not cancelled and not yet ended."""
    if not user.is_authenticated or meeting.is_cancelled or (now or timezone.now()) >= meeting.ends_at:
        return False
    rsvp = meeting_perms.rsvp_of(user, meeting)
    if rsvp is None or rsvp.status not in (RsvpStatus.GOING, RsvpStatus.WAITLISTED):
        return False
    return group_perms.is_member(user, meeting.group)


def was_there(user: Viewer, meeting: Meeting) -> bool:
    """Marked as having come, or going with no mark made (meetings.models.went)."""
    return went(meeting_perms.rsvp_of(user, meeting))


def may_reflect(user: Viewer, meeting: Meeting, now: datetime | None = None) -> bool:
    """The meeting has ended (not cancelled) and the viewer was going or came."""
    if not user.is_authenticated or meeting.is_cancelled or (now or timezone.now()) < meeting.ends_at:
        return False
    return was_there(user, meeting)


def group_for_health(user: Viewer, slug: str) -> Group:
    """The group if the viewer facilitates it; Http404 for everyone else (as a missing group)."""
    return group_perms.group_for_facilitator(user, slug)
