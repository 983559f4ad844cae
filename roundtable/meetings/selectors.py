"""Reads of meetings that cross relations: agendas, lists, talks, attendee lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import Value
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.groups.models import Format, Group, GroupVisibility, MembershipState, Topic
from roundtable.groups.permissions import Viewer, discoverable_groups
from roundtable.groups.places import Place
from roundtable.groups.selectors import within_radius

from .models import Meeting, MeetingStatus, Rsvp, RsvpStatus


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
        .order_by("created_at", "id")
    )


def waitlist(meeting: Meeting) -> QuerySet[Rsvp]:
    return (
        Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.WAITLISTED)
        .select_related("user__profile")
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
