"""Owner-only reads of the journal: every function takes the owner and reads only their rows
(design: "Owner-only data"). Each does its own select_related/prefetch_related, so a page
asks a fixed number of queries whatever the number of entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Membership, MembershipState
from roundtable.groups.permissions import Viewer
from roundtable.meetings.models import Meeting, MeetingStatus, Rsvp, RsvpStatus, went_q

from .models import Goal, GoalPerson, Reflection, ReflectionPerson

# A reflection is asked for (email, home page, meeting page) for this long after the meeting.
PROMPT_DAYS = 7  # how long "How was it?" is asked; also when answers close for group health
WAITING_LIMIT = 5
UPCOMING_DAYS = 28  # how far ahead insight_rows reads booked meetings (advice that looks ahead)


def _goal_people() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch("people", queryset=GoalPerson.objects.select_related("person__profile").order_by("pk"))


def goal_of(owner: Viewer, meeting: Meeting) -> Goal | None:
    """The owner's goal for the meeting with its people (two queries), or None."""
    if not owner.is_authenticated:
        return None
    return Goal.objects.filter(owner=owner, meeting=meeting).prefetch_related(_goal_people()).first()


def reflection_of(owner: Viewer, meeting: Meeting) -> Reflection | None:
    """The owner's reflection (or dismissal) of the meeting with the people met, or None."""
    if not owner.is_authenticated:
        return None
    people = Prefetch("people", queryset=ReflectionPerson.objects.select_related("person__profile").order_by("pk"))
    return Reflection.objects.filter(owner=owner, meeting=meeting).prefetch_related(people).first()


def goals_of(owner: User) -> QuerySet[Goal]:
    """The owner's goals, latest meeting first, with meeting, group and people."""
    return (
        Goal.objects.filter(owner=owner)
        .select_related("meeting__group", "meeting__talk")
        .prefetch_related(_goal_people())
        .order_by("-meeting__starts_at", "-pk")
    )


def reflections_of(owner: User) -> QuerySet[Reflection]:
    """The owner's reflections (answered and dismissed), latest meeting first."""
    people = Prefetch(
        "people", queryset=ReflectionPerson.objects.select_related("person__profile", "contact").order_by("pk")
    )
    return (
        Reflection.objects.filter(owner=owner)
        .select_related("meeting__group")
        .prefetch_related(people)
        .order_by("-meeting__starts_at", "-pk")
    )


def _active_member(group_field: str = "meeting__group_id") -> Exists:
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("user_id"), group_id=OuterRef(group_field), state=MembershipState.ACTIVE
        )
    )


@dataclass(frozen=True)
class Candidate:
    """Someone a goal or a reflection may name: `public_id` addresses them on every surface."""

    public_id: str
    name: str
    user: User


def _pseudonymous(meeting: Meeting) -> QuerySet[Membership, Any]:
    """The people who go by a pseudonym in the meeting's group (groups/identity.py): never offered
    to name in a goal or a reflection, which address people by their profile's public id."""
    return Membership.objects.filter(group_id=meeting.group_id).exclude(pseudonym="").values("user_id")


def goal_candidates(viewer: Viewer, meeting: Meeting) -> list[Candidate]:
    """The others going to the meeting whom the viewer may name in a goal (journal.permissions):
    active members with active accounts, by name; nothing for a viewer who may not see the
    group's members. One query (the membership check is cached on the group)."""
    if not viewer.is_authenticated or not group_perms.can_see_members(viewer, meeting.group):
        return []
    rsvps = (
        Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING, user__is_active=True)
        .exclude(user_id=viewer.pk)
        .exclude(user_id__in=_pseudonymous(meeting))
        .filter(_active_member())
        .select_related("user__profile")
    )
    people = [Candidate(r.user.public_id, r.user.display_name, r.user) for r in rsvps]
    return sorted(people, key=lambda c: (c.name.casefold(), c.public_id))


def reflection_candidates(viewer: Viewer, meeting: Meeting) -> list[Candidate]:
    """Whom the viewer may say they met: the others who were going or were marked as having
    come, with active accounts, by name. One query."""
    if not viewer.is_authenticated:
        return []
    rsvps = (
        Rsvp.objects.filter(went_q(), meeting=meeting, user__is_active=True)
        .exclude(user_id=viewer.pk)
        .exclude(user_id__in=_pseudonymous(meeting))
        .select_related("user__profile")
    )
    people = [Candidate(r.user.public_id, r.user.display_name, r.user) for r in rsvps]
    return sorted(people, key=lambda c: (c.name.casefold(), c.public_id))


def waiting_reflections(owner: User, *, now: datetime | None = None, limit: int = WAITING_LIMIT) -> list[Meeting]:
    """Meetings that ended in the last PROMPT_DAYS days, not cancelled, of groups the owner is
    still an active member of, where the owner was going or came and has neither reflected nor
    dismissed: the "How was it?" prompts, most recent first. One query."""
    moment = now or timezone.now()
    answered = Reflection.objects.filter(owner=owner, meeting_id=OuterRef("pk"))
    mine = Rsvp.objects.filter(went_q(), meeting_id=OuterRef("pk"), user=owner)
    groups = Membership.objects.filter(user=owner, state=MembershipState.ACTIVE).values("group_id")
    qs = (
        Meeting.objects.filter(
            group_id__in=groups,
            status=MeetingStatus.SCHEDULED,
            ends_at__lte=moment,
            ends_at__gt=moment - timedelta(days=PROMPT_DAYS),
        )
        .filter(Exists(mine))
        .exclude(Exists(answered))
        .select_related("group")
        .order_by("-ends_at", "-pk")
    )
    return list(qs[:limit])


# ---------------------------------------------------------------- insights (journal/insights.py)


@dataclass(frozen=True)
class InsightRows:
    """Everything insights and advice read, for one owner (journal/insights.py computes from it).

    - `meetings`: one dict per meeting the owner went to (RSVP going or marked as having come),
      not cancelled, ended by `now`: {"group_id": int, "group": str, "slug": str, "kind": str
      (groups.Kind), "starts_at": aware datetime, "ends_at": aware datetime, "value": int 1-5 or
      None, "goal_set": bool, "goal_met": "yes"|"partly"|"no"|""}, oldest first;
    - `upcoming`: the same dicts (value None, goal_met "") for meetings the owner is going to
      that have not ended and start within UPCOMING_DAYS of `now`, soonest first (advice that
      looks ahead: two speakers nights booked in one week);
    - `activities`: (kind, occurred_on, opportunity source or "", source group name or "", n)
      counts per day (the owner's local dates), from `since` on (the charts' and the advice's
      weeks: older days are not read);
    - `activity_totals`: (kind, opportunity source or "", source group name or "", n) over all
      time (the funnel);
    - `board_unlogged`: (source or "", source group name or "", interviewed, offered) for each
      opportunity that reached Interviewing (or later) without an interview logged against it,
      or Offer/Accepted without an offer logged: the board's own evidence, which the funnel
      counts once per opportunity beside the logged activities;
    - `targets`: {activity kind: per week};
    - `strategic_member`: the owner is an active member of a strategic planning group;
    - `overdue`: the owner's open tasks due before `today`, oldest due first, as (title, due_on),
      at most 20, and `n_overdue` how many in all.
    """

    meetings: list[dict[str, object]]
    upcoming: list[dict[str, object]]
    activities: list[tuple[str, date, str, str, int]]
    activity_totals: list[tuple[str, str, str, int]]
    board_unlogged: list[tuple[str, str, bool, bool]]
    targets: dict[str, int]
    strategic_member: bool
    overdue: list[tuple[str, date | None]]
    n_overdue: int


def insight_rows(owner: User, *, now: datetime, today: date, since: date) -> InsightRows:
    """The rows behind the owner's insights. Eight queries whatever the amount of history."""
    from django.db.models import BooleanField, Case, Count, Subquery, Value, When

    from roundtable.groups.models import Kind
    from roundtable.tracker.models import Activity, ActivityKind, Opportunity, Stage, StageChange, Task, WeeklyTarget
    from roundtable.tracker.selectors import done_activities

    reflection = Reflection.objects.filter(owner=owner, meeting_id=OuterRef("meeting_id"))
    rsvps = (
        Rsvp.objects.filter(went_q(), user=owner)
        .filter(meeting__status=MeetingStatus.SCHEDULED, meeting__starts_at__lt=now + timedelta(days=UPCOMING_DAYS))
        .annotate(
            value=Subquery(reflection.values("value")[:1]),
            goal_met=Subquery(reflection.values("goal_met")[:1]),
            goal_set=Exists(Goal.objects.filter(owner=owner, meeting_id=OuterRef("meeting_id"))),
        )
        .order_by("meeting__starts_at", "meeting_id")
        .values(
            "meeting__group_id",
            "meeting__group__name",
            "meeting__group__slug",
            "meeting__group__kind",
            "meeting__starts_at",
            "meeting__ends_at",
            "value",
            "goal_met",
            "goal_set",
        )
    )
    every: list[dict[str, object]] = [
        {
            "group_id": r["meeting__group_id"],
            "group": r["meeting__group__name"],
            "slug": r["meeting__group__slug"],
            "kind": r["meeting__group__kind"],
            "starts_at": r["meeting__starts_at"],
            "ends_at": r["meeting__ends_at"],
            "value": r["value"],
            "goal_set": bool(r["goal_set"]),
            "goal_met": r["goal_met"] or "",
        }
        for r in rsvps
    ]
    meetings = [m for m in every if m["ends_at"] <= now]  # type: ignore[operator]
    upcoming = [m for m in every if m["ends_at"] > now]  # type: ignore[operator]
    acts = (
        done_activities(owner, now=now)  # upcoming activities count once they happen
        .filter(occurred_on__gte=since)
        .order_by()
        .values_list("kind", "occurred_on", "opportunity__source", "opportunity__source_group__name")
        .annotate(n=Count("id"))
    )
    activities = [(k, d, s or "", g or "", n) for k, d, s, g, n in acts]
    totals = (
        done_activities(owner, now=now)
        .order_by()
        .values_list("kind", "opportunity__source", "opportunity__source_group__name")
        .annotate(n=Count("id"))
    )
    activity_totals = [(k, s or "", g or "", n) for k, s, g, n in totals]
    interview_on, offer_on = (Stage.INTERVIEWING, Stage.OFFER, Stage.ACCEPTED), (Stage.OFFER, Stage.ACCEPTED)
    changes = StageChange.objects.filter(opportunity_id=OuterRef("pk"))
    logged = Activity.objects.filter(opportunity_id=OuterRef("pk"))

    def reached(stages: tuple[str, ...]) -> Case:
        hit = Q(stage__in=stages) | Q(Exists(changes.filter(to_stage__in=stages)))
        return Case(When(hit, then=Value(True)), default=Value(False), output_field=BooleanField())

    board = (
        Opportunity.objects.filter(owner=owner)
        .annotate(
            interviewed=reached(interview_on),
            offered=reached(offer_on),
            interview_logged=Exists(logged.filter(kind=ActivityKind.INTERVIEW)),
            offer_logged=Exists(logged.filter(kind=ActivityKind.OFFER)),
        )
        .filter(Q(interviewed=True, interview_logged=False) | Q(offered=True, offer_logged=False))
        .values_list("source", "source_group__name", "interviewed", "interview_logged", "offered", "offer_logged")
    )
    board_unlogged = [(s or "", g or "", i and not il, o and not ol) for s, g, i, il, o, ol in board]
    targets = dict(WeeklyTarget.objects.filter(owner=owner).values_list("kind", "per_week"))
    strategic = Membership.objects.filter(user=owner, state=MembershipState.ACTIVE, group__kind=Kind.STRATEGIC).exists()
    open_overdue = Task.objects.filter(owner=owner, done_at__isnull=True, due_on__lt=today)
    overdue = list(open_overdue.order_by("due_on", "pk").values_list("title", "due_on")[:20])
    n_overdue = len(overdue) if len(overdue) < 20 else open_overdue.count()
    return InsightRows(
        meetings, upcoming, activities, activity_totals, board_unlogged, targets, strategic, overdue, n_overdue
    )
