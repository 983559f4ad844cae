"""Reads of meetings that cross relations: agendas, lists, talks, attendee lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import Value
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core.ids import is_public_id
from roundtable.core.zones import zone_name
from roundtable.groups import identity
from roundtable.groups.models import Format, Group, GroupVisibility, MembershipState, Topic
from roundtable.groups.permissions import Viewer, discoverable_groups
from roundtable.groups.places import Place
from roundtable.groups.selectors import within_radius

from . import recurrence
from .models import Meeting, MeetingSeries, MeetingStatus, Rsvp, RsvpStatus
from .permissions import prime


def _with_related(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    talk_topics = Prefetch("talk__topics", queryset=Topic.objects.order_by("name"))
    return qs.select_related("group", "talk").prefetch_related(talk_topics)


def with_my_rsvp(qs: QuerySet[Meeting], user: Viewer) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return qs.annotate(my_rsvp=Value(None, output_field=FloatField()))
    mine = Rsvp.objects.filter(meeting=OuterRef("pk"), user=user).values("status")[:1]
    return qs.annotate(my_rsvp=Subquery(mine))


def upcoming_for_group(group: Group, viewer: Viewer, *, limit: int = 5, now: datetime | None = None) -> list[Meeting]:
    qs = Meeting.objects.filter(group=group, ends_at__gte=now or timezone.now()).order_by("starts_at", "id")
    return list(with_my_rsvp(_with_related(qs), viewer)[:limit])


def agenda(user: User, start: datetime, end: datetime) -> list[Meeting]:
    """Meetings in [start, end) of the groups the person is an active member of."""
    groups = user.memberships.filter(state=MembershipState.ACTIVE).values("group_id")
    qs = Meeting.objects.filter(group_id__in=groups, starts_at__gte=start, starts_at__lt=end)
    return list(with_my_rsvp(_with_related(qs), user).order_by("starts_at", "id"))


AGENDA_PAGE = 30


def agenda_list(user: User, *, now: datetime, after: str = "", limit: int = AGENDA_PAGE) -> tuple[list[Meeting], bool]:
    """The agenda's list view: meetings not yet ended of the person's active groups, soonest
    first, `limit` at a time, and whether more follow. `after` is the public id of the last
    meeting of the previous page (keyset: later by (starts_at, id)), so a page costs the
    same whatever its depth; an id outside the person's agenda starts from the beginning.
    Three queries (the cursor, the page, its talk topics)."""
    groups = user.memberships.filter(state=MembershipState.ACTIVE).values("group_id")
    qs = Meeting.objects.filter(group_id__in=groups, ends_at__gte=now)
    # Only a well-formed public id reaches the database (PostgreSQL refuses a NUL in a literal).
    cursor = qs.filter(public_id=after).values("starts_at", "id").first() if is_public_id(after) else None
    if cursor is not None:
        qs = qs.filter(Q(starts_at__gt=cursor["starts_at"]) | Q(starts_at=cursor["starts_at"], id__gt=cursor["id"]))
    rows = list(with_my_rsvp(_with_related(qs), user).order_by("starts_at", "id")[: limit + 1])
    return rows[:limit], len(rows) > limit


@dataclass
class MeetingFilters:
    group: str = ""
    start: datetime | None = None
    end: datetime | None = None
    topic: str = ""
    near: Place | None = None
    radius_km: float = 40.0
    talks_only: bool = False
    listed_only: bool = False


def visible_meetings(viewer: Viewer, f: MeetingFilters, *, now: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings of groups the viewer may discover, filtered; newest last."""
    groups: QuerySet[Group] = discoverable_groups(viewer)
    if f.listed_only:
        groups = groups.filter(visibility=GroupVisibility.LISTED)
    if f.group:
        groups = groups.filter(slug=f.group)
    if f.near is not None:
        near = within_radius(groups, f.near, f.radius_km)
        groups = groups.filter(Q(id__in=near.values("id")) | Q(format=Format.VIRTUAL))
    qs = Meeting.objects.filter(group__in=groups.values("id"))
    start = f.start or (now or timezone.now()) - timedelta(hours=3)
    qs = qs.filter(starts_at__gte=start)
    if f.end:
        qs = qs.filter(starts_at__lt=f.end)
    if f.talks_only:
        qs = qs.filter(talk__isnull=False, status=MeetingStatus.SCHEDULED)
    if f.topic:
        qs = qs.filter(talk__topics__slug=f.topic).distinct()
    return _with_related(qs).order_by("starts_at", "id")


def going(meeting: Meeting) -> QuerySet[Rsvp]:
    return (
        Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING)
        .select_related("user__profile")
        .annotate(pseudonym=identity.pseudonym_subquery("user_id", "meeting__group_id"))
        .order_by("created_at", "id")
    )


def waitlist(meeting: Meeting) -> QuerySet[Rsvp]:
    return (
        Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.WAITLISTED)
        .select_related("user__profile")
        .annotate(pseudonym=identity.pseudonym_subquery("user_id", "meeting__group_id"))
        .order_by("waitlisted_at", "id")
    )


def my_meetings(user: User, *, now: datetime | None = None) -> QuerySet[Meeting]:
    """Upcoming meetings the person said yes to (going or waitlisted), in groups they're still in."""
    groups = user.memberships.filter(state=MembershipState.ACTIVE).values("group_id")
    qs = Meeting.objects.filter(
        group_id__in=groups,
        ends_at__gte=now or timezone.now(),
        rsvps__user=user,
        rsvps__status__in=[RsvpStatus.GOING, RsvpStatus.WAITLISTED],
    )
    return with_my_rsvp(_with_related(qs), user).order_by("starts_at", "id")


@dataclass
class GroupSchedule:
    """What a group's meetings say about when it meets: the rhythm of each series that
    still has meetings ahead (in the group's own wall clock), and the next meeting.

    This is the only source of "how often" on every page (issue 9, item 1): a group's
    free-text note may add to it, never stand in for it."""

    rhythms: list[str]
    zone: str  # the group's zone, named as everywhere ("Eastern Time")
    next_meeting: Meeting | None

    @property
    def rhythm(self) -> str:
        """ "Every other Tuesday at 9 AM Eastern Time"; "" for one-off meetings only.
        Several series make one sentence: "Every Thursday at 6 PM and every day at 6 PM
        Eastern Time" (each rhythm starts with a capital alone, so only the first keeps it;
        weekdays and "AM"/"PM" inside them are untouched)."""
        if not self.rhythms:
            return ""
        parts = [self.rhythms[0], *(r[:1].lower() + r[1:] for r in self.rhythms[1:])]
        joined = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        return f"{joined} {self.zone}"

    @property
    def next_text(self) -> str:
        """ "Next: Tue, Mar 3" (the group's calendar day), with the time when no rhythm
        says it; "" when nothing is scheduled."""
        m = self.next_meeting
        if m is None:
            return ""
        local = m.starts_at.astimezone(ZoneInfo(m.time_zone))
        day = f"{local:%a, %b} {local.day}"
        if local.year != timezone.now().astimezone(ZoneInfo(m.time_zone)).year:
            day += f", {local.year}"
        if self.rhythms:
            return f"Next: {day}"
        clock = local.strftime("%-I:%M %p").replace(":00 ", " ")
        return f"Next: {day} at {clock} {zone_name(m.time_zone)}"

    @property
    def text(self) -> str:
        """One line for cards: rhythm and next date, or "No meetings scheduled yet"."""
        pieces = [p for p in (self.rhythm, self.next_text) if p]
        return " · ".join(pieces) if pieces else "No meetings scheduled yet"


def group_schedules(groups: list[Group], *, now: datetime | None = None) -> dict[int, GroupSchedule]:
    """GroupSchedule for each group, by group id, in two queries whatever the number of
    groups: the series with a meeting still ahead, and each group's next meeting (not
    cancelled, not yet ended)."""
    now = now or timezone.now()
    ids = [g.pk for g in groups]
    if not ids:
        return {}
    ahead = Meeting.objects.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
    series = (
        MeetingSeries.objects.filter(group_id__in=ids, ended=False)
        .filter(Exists(ahead.filter(series=OuterRef("pk"))))
        .order_by("first_start", "id")
    )
    rhythms: dict[int, list[str]] = {}
    for s in series:
        words = recurrence.rhythm(s.rule, s.first_start.replace(tzinfo=None) + s.shift)
        # A rule plain words cannot say exactly: the next date speaks for it.
        if words and words not in rhythms.setdefault(s.group_id, []):
            rhythms[s.group_id].append(words)
    first_ahead = ahead.filter(group_id=OuterRef("pk")).order_by("starts_at", "id").values("pk")[:1]
    next_ids = Group.objects.filter(pk__in=ids).annotate(next_id=Subquery(first_ahead)).values("next_id")
    nexts = {m.group_id: m for m in Meeting.objects.filter(pk__in=next_ids)}
    return {
        g.pk: GroupSchedule(rhythms=rhythms.get(g.pk, []), zone=zone_name(g.time_zone), next_meeting=nexts.get(g.pk))
        for g in groups
    }


def next_for_member(user: User, *, limit: int = 5, now: datetime | None = None) -> list[Meeting]:
    """The next `limit` meetings (not yet ended, cancelled ones included so a change is
    seen) of the groups the person is an active member of, soonest first, each with
    `my_rsvp` ("going", "waitlisted", "declined" or None). Primed for the RSVP checks of
    meetings.permissions: a fixed number of queries whatever the count."""
    groups = user.memberships.filter(state=MembershipState.ACTIVE).values("group_id")
    qs = Meeting.objects.filter(group_id__in=groups, ends_at__gte=now or timezone.now())
    meetings = list(with_my_rsvp(_with_related(qs), user).order_by("starts_at", "id")[:limit])
    prime(user, meetings)
    return meetings


def has_ever_rsvped(user: User) -> bool:
    """Whether the person has ever said they're going to a meeting (a first step done)."""
    return Rsvp.objects.filter(user=user, status__in=[RsvpStatus.GOING, RsvpStatus.WAITLISTED]).exists()
