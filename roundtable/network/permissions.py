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
- an introduction joins three active members of its group: once any of them is no longer one
  (left, removed, banned, account deactivated) while it is open, it is `stalled`: nobody is
  asked to answer it any more, and everyone still in it reads "not possible at the moment" (no
  reason given); its asker may withdraw it, and it no longer counts toward their weekly asks;
- a refused ask (models.ClosedBy.BLOCKED: a block, or a repeat within ASK_AGAIN_AFTER of the
  target's "not now") is seen by whoever started it only (the asker of an ask, the facilitator
  of a proposal), never by the others, and until its `closed_at` (set a day or more ahead,
  services.REFUSAL_DELAY) it reads to them like any ask still waiting: nothing about it
  differs from an ask the introducer has not answered yet, and the "not possible" message
  comes later, at a person's pace (tasks.send_due_refusals);
- contact details (the other's email) are shown to asker and target only once all three
  accepted;
- a facilitator sees suggested introductions inside the groups they facilitate, and proposes
  them there (groups.permissions.group_for_facilitator).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

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


def _able(field: str) -> Exists:
    """The person in `field` is still an active member of the introduction's group, with an
    active account."""
    return Exists(
        Membership.objects.filter(
            group_id=OuterRef("group_id"), user_id=OuterRef(field), state=MembershipState.ACTIVE, user__is_active=True
        )
    )


def able_condition(field: str) -> Q:
    """_able as a Q, to combine with others."""
    return Q(_able(field))


def stalled_condition(now: datetime | None = None) -> Q:
    """An introduction that looks open (looks_open) one of whose three people is no longer an
    active member of its group (or has no active account): see the module rules."""
    looks = Q(status=IntroStatus.OPEN) | Q(closed_by=ClosedBy.BLOCKED, closed_at__gt=now or timezone.now())
    return looks & ~(able_condition("asker_id") & able_condition("introducer_id") & able_condition("target_id"))


def with_state(queryset: QuerySet[Introduction], now: datetime | None = None) -> QuerySet[Introduction]:
    """`queryset` with each row's `stalled` (bool) worked out in the same query."""
    return queryset.annotate(
        stalled=Case(When(stalled_condition(now), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def introductions_visible_to(viewer: Viewer) -> QuerySet[Introduction]:
    """The introductions the viewer may see (the module rules), as one query, each with its
    `stalled` flag (with_state): every page, the API and the emails read introductions
    through this."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Introduction.objects.none()
    mine = Membership.objects.filter(user=viewer, state=MembershipState.ACTIVE).values("group_id")
    # A refused ask is its starter's alone (the module rules).
    not_refused = ~Q(closed_by=ClosedBy.BLOCKED)
    involved = (
        Q(asker=viewer, proposed=False)
        | (Q(asker=viewer, proposed=True) & not_refused)
        | (Q(introducer=viewer) & (not_refused | Q(proposed=True)))
        | (Q(target=viewer, introducer_ok_at__isnull=False) & not_refused)
    )
    still_there = Q(group_id__in=mine) | (Q(status=IntroStatus.ACCEPTED) & (Q(asker=viewer) | Q(target=viewer)))
    return with_state(Introduction.objects.filter(involved & still_there))


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
    from roundtable.safety.hiding import is_hidden

    if is_hidden("introduction", intro.pk):
        # A moderator hid its notes (safety.hiding): the introduction itself stays.
        intro.asker_note = intro.introducer_note = ""
    return intro


def is_stalled(intro: Introduction) -> bool:
    """The `stalled` flag of a row read through with_state (False for any other row)."""
    return bool(getattr(intro, "stalled", False))


def refusal_pending(intro: Introduction, now: datetime | None = None) -> bool:
    """A refused ask whose "not possible" is not due yet: to its starter it reads as waiting."""
    return (
        intro.closed_by == ClosedBy.BLOCKED
        and intro.closed_at is not None
        and intro.closed_at > (now or timezone.now())
    )


def looks_open(intro: Introduction, now: datetime | None = None) -> bool:
    """Whether the introduction is, as its starter may read it, still open: open, or a refused
    ask not due yet (the module rules)."""
    return intro.is_open or refusal_pending(intro, now)


def may_withdraw(viewer: Viewer, intro: Introduction, now: datetime | None = None) -> bool:
    """The asker may withdraw an ask that looks open to them (stalled or not). A facilitator's
    proposal is withdrawn by the facilitator who made it; the asker of a proposal says "not
    now" instead."""
    if not looks_open(intro, now):
        return False
    role = intro.role_of(viewer.pk)
    return role == (Role.INTRODUCER if intro.proposed else Role.ASKER)


def awaiting(intro: Introduction, role: str) -> bool:
    """Whether the person in `role` still has to answer this open introduction (nobody has to
    once it is stalled)."""
    if not intro.is_open or is_stalled(intro):
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
    if is_stalled(intro):
        return NOT_POSSIBLE
    if refusal_pending(intro):
        return _waiting_words(intro)
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
    return _waiting_words(intro)


def _waiting_words(intro: Introduction) -> str:
    """ "Waiting for ..." as an open introduction reads to someone not asked to answer."""
    if intro.introducer_ok_at is None:
        return f"Waiting for {intro.introducer.display_name}"
    answers = ((intro.asker, intro.asker_ok_at), (intro.target, intro.target_ok_at))
    waiting = [p.display_name for p, ok in answers if ok is None]
    return "Waiting for " + " and ".join(waiting) if waiting else "Waiting"


def group_for_suggestions(viewer: Viewer, slug: str) -> Group:
    """A group the viewer facilitates; Http404 for everyone else (as a missing group)."""
    return group_perms.group_for_facilitator(viewer, slug)
