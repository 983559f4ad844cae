"""Who may see or do what in the network app. Every surface (pages, API, emails) asks here.

The rules:
- who to meet at a meeting is for a member who may set a goal for it (journal.permissions.
  may_set_goal: an active member going or waitlisted, until it ends); anyone who may not see
  the meeting gets its 404; others see a page that says how to get it (RSVP);
- the people suggested are the others going (journal.selectors.goal_candidates: active members,
  active accounts, only for a viewer who may see the member list) and the meeting's speaker
  when the talk names an account (going or not, member or not, unless the group banned or
  removed them: the goal may name "the speaker" too), less those who turned recommendations
  off; only the profile fields the viewer may see are used or shown (accounts.permissions);
- an introduction is seen by its asker and its introducer from the start, and by its target
  once the introducer has passed it on (or proposed it), each only while an active member of
  its group with an active account, or once it is accepted (it is in their tracker then);
  everyone else, staff on the site included, gets the same 404 as a missing one;
- the asker of a declined or refused introduction reads "not possible at the moment", whoever
  said no and whether or not it was a block;
- contact details (the other's email) are shown to asker and target only once all three
  accepted;
- a facilitator sees suggested introductions inside the groups they facilitate, and proposes
  them there (groups.permissions.group_for_facilitator).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from roundtable.core.ids import is_public_id
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group, Membership, MembershipState
from roundtable.groups.permissions import Viewer
from roundtable.journal import permissions as journal_perms
from roundtable.meetings import permissions as meeting_perms
from roundtable.meetings.models import Meeting

from .models import ClosedBy, Introduction, IntroStatus, Role

NOT_FOUND = "Not found."
NOT_POSSIBLE = "Not possible at the moment"


def meeting_for_recommendations(viewer: Viewer, public_id: str) -> Meeting:
    """A meeting the viewer may see; Http404 otherwise (exactly as a missing meeting)."""
    if not viewer.is_authenticated:
        raise Http404("No such meeting.")
    return meeting_perms.meeting_for_viewer(viewer, public_id)


def may_see_recommendations(viewer: Viewer, meeting: Meeting, now: datetime | None = None) -> bool:
    """Who to meet is for those who may set a goal for the meeting (see the module rules)."""
    return journal_perms.may_set_goal(viewer, meeting, now)


def introductions_visible_to(viewer: Viewer) -> QuerySet[Introduction]:
    """The introductions the viewer may see (the module rules), as one query: every page, the
    API and the emails read introductions through this."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Introduction.objects.none()
    mine = Membership.objects.filter(user=viewer, state=MembershipState.ACTIVE).values("group_id")
    involved = Q(asker=viewer) | Q(introducer=viewer) | Q(target=viewer, introducer_ok_at__isnull=False)
    still_there = Q(group_id__in=mine) | (Q(status=IntroStatus.ACCEPTED) & (Q(asker=viewer) | Q(target=viewer)))
    return Introduction.objects.filter(involved & still_there)


def may_see(viewer: Viewer, intro: Introduction) -> bool:
    """Whether the viewer may see this introduction (one query)."""
    return introductions_visible_to(viewer).filter(pk=intro.pk).exists()


def introduction_for_viewer(viewer: Viewer, public_id: str) -> Introduction:
    """The introduction behind a public id if the viewer may see it; otherwise Http404."""
    intro = None
    if viewer.is_authenticated and is_public_id(public_id):
        intro = (
            introductions_visible_to(viewer)
            .select_related("group", "asker__profile", "introducer__profile", "target__profile")
            .filter(public_id=public_id)
            .first()
        )
    if intro is None:
        raise Http404(NOT_FOUND)
    return intro


def awaiting(intro: Introduction, role: str) -> bool:
    """Whether the person in `role` still has to answer this open introduction."""
    if not intro.is_open:
        return False
    if role == Role.INTRODUCER:
        return intro.introducer_ok_at is None
    if role == Role.TARGET:
        return intro.introducer_ok_at is not None and intro.target_ok_at is None
    if role == Role.ASKER:
        return intro.asker_ok_at is None
    return False


def sees_contact_details(viewer: Viewer, intro: Introduction) -> bool:
    """Asker and target see each other's email once everyone accepted, never before."""
    return intro.is_accepted and intro.role_of(viewer.pk) in (Role.ASKER, Role.TARGET)


def status_for(viewer: Viewer, intro: Introduction) -> str:
    """The introduction's state in words for this viewer. To the asker, any "no" (the
    introducer's, the target's, a block) reads the same: NOT_POSSIBLE."""
    role = intro.role_of(viewer.pk)
    if intro.status == IntroStatus.ACCEPTED:
        return "Accepted: you can now contact each other" if role != Role.INTRODUCER else "Accepted by both"
    if intro.status == IntroStatus.WITHDRAWN:
        return "Withdrawn"
    if intro.status == IntroStatus.DECLINED:
        if role == Role.ASKER or intro.closed_by == ClosedBy.BLOCKED:
            return NOT_POSSIBLE
        if role == Role.TARGET and intro.closed_by == ClosedBy.TARGET:
            return "You said not now"
        if role == Role.INTRODUCER and intro.closed_by == ClosedBy.INTRODUCER:
            return "You said not now"
        return "Declined"
    if awaiting(intro, role):
        return "Waiting for your answer"
    if intro.introducer_ok_at is None:
        return f"Waiting for {intro.introducer.display_name}"
    waiting = [
        p.display_name for r, p in ((Role.ASKER, intro.asker), (Role.TARGET, intro.target)) if awaiting(intro, r)
    ]
    return "Waiting for " + " and ".join(waiting) if waiting else "Waiting"


def group_for_suggestions(viewer: Viewer, slug: str) -> Group:
    """A group the viewer facilitates; Http404 for everyone else (as a missing group)."""
    return group_perms.group_for_facilitator(viewer, slug)
