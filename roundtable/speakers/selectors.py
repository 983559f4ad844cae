"""Reads of experts and invitations that cross relations: the directory, an expert's past
talks, a person's invitations. Each does its own select_related/prefetch_related so a page
asks a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.groups.models import Topic
from roundtable.groups.permissions import Viewer
from roundtable.meetings.models import Meeting, MeetingStatus, Talk

from . import permissions
from .models import Expert, Invitation, InvitationStatus

PAGE_SIZE = 20
PAST_TALKS = 20


@dataclass
class DirectoryFilters:
    q: str = ""  # words, each must appear in the name, bio, subjects, region or topics
    topic: str = ""  # a topic's slug
    format: str = ""  # "", "in_person" or "online"
    region: str = ""  # part of the region's name (in-person experts)


def _talk_count(viewer: Viewer, now: datetime) -> Subquery:
    """How many talks the expert has given that the viewer may see (permissions.talks_visible_q)."""
    talks = (
        Talk.objects.filter(speaker_id=OuterRef("user_id"), meeting__ends_at__lte=now)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .filter(permissions.talks_visible_q(viewer))
        .order_by()
        .values("speaker_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(talks)


def directory(viewer: Viewer, f: DirectoryFilters, *, now: datetime | None = None) -> QuerySet[Expert]:
    """Listed experts with active accounts and chosen names (permissions.can_view_expert)
    matching the filters, each with `talk_count` (the past talks the viewer may see) and its
    topics; those who have spoken most first, then the most recently updated. Two queries for
    a page (the rows, their topics)."""
    now = now or timezone.now()
    qs = Expert.objects.filter(permissions.named_q(), listed=True, user__is_active=True)
    for word in f.q.casefold().split()[:8]:
        qs = qs.filter(search_text__contains=word)
    if f.topic:  # one topic per slug: the join never repeats an expert
        qs = qs.filter(topics__slug=f.topic)
    if f.format == "in_person":
        qs = qs.filter(in_person=True)
    elif f.format == "online":
        qs = qs.filter(online=True)
    if f.region.strip():
        qs = qs.filter(in_person=True, region__icontains=f.region.strip())
    return (
        qs.select_related("user__profile")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .annotate(talk_count=Coalesce(_talk_count(viewer, now), Value(0)))
        .order_by(F("talk_count").desc(), "-updated_at", "-id")
    )


def directory_topics() -> QuerySet[Topic]:
    """The topics of listed experts, for the directory's filter (by name)."""
    listed = Expert.objects.filter(permissions.named_q(), listed=True, user__is_active=True)
    return Topic.objects.filter(experts__in=listed).distinct().order_by("name")


def talks_of(viewer: Viewer, speaker: User, *, now: datetime | None = None) -> tuple[list[Meeting], list[Meeting]]:
    """The meetings whose talk `speaker` gave or will give, that the viewer may see
    (permissions.talks_visible_q; never a cancelled one): (past, newest first, at most
    PAST_TALKS; upcoming, soonest first). Each meeting has its group and talk with topics.
    Four queries (each list and its topics)."""
    now = now or timezone.now()
    qs = (
        Meeting.objects.filter(talk__speaker=speaker)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(permissions.talks_visible_q(viewer, prefix=""))
        .select_related("group", "talk")
        .prefetch_related(Prefetch("talk__topics", queryset=Topic.objects.order_by("name")))
    )
    past = list(qs.filter(ends_at__lte=now).order_by("-starts_at", "-id")[:PAST_TALKS])
    upcoming = list(qs.filter(ends_at__gt=now).order_by("starts_at", "id")[:PAST_TALKS])
    return past, upcoming


def _invitations() -> QuerySet[Invitation]:
    return Invitation.objects.select_related(
        "expert__user__profile", "group", "meeting", "topic", "invited_by__profile"
    ).order_by("-created_at", "-id")


def invitations_received(user: User) -> list[Invitation]:
    """Invitations to the person, pending first, then the latest. One query."""
    rows = list(_invitations().filter(expert__user=user)[:100])
    return sorted(rows, key=lambda i: i.status != InvitationStatus.PENDING)


def invitations_sent(user: User) -> list[Invitation]:
    """Invitations of the speakers groups the person facilitates (theirs and co-facilitators'),
    pending first, then the latest. One query (with the groups' subquery)."""
    groups = permissions.inviting_groups(user).values("pk")
    rows = list(_invitations().filter(Q(group__in=groups))[:100])
    return sorted(rows, key=lambda i: i.status != InvitationStatus.PENDING)


def open_meetings(group_id: int, *, now: datetime | None = None) -> QuerySet[Meeting]:
    """The group's meetings an expert may be invited to: scheduled, not started, without a
    talk, soonest first (the next 30)."""
    return Meeting.objects.filter(
        group_id=group_id, status=MeetingStatus.SCHEDULED, starts_at__gt=now or timezone.now(), talk__isnull=True
    ).order_by("starts_at", "id")[:30]
