"""Reads for the buddy page and the API: a fixed number of queries whatever the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.accounts.permissions import visible_profile_fields
from roundtable.groups.models import Group, MembershipRole, MembershipState
from roundtable.safety.hiding import visible
from roundtable.safety.models import ReportKind
from roundtable.tracker.models import Activity

from . import permissions, services
from .models import BuddyPair, CheckIn, CheckInReply, PairMember, PoolEntry

HISTORY_WEEKS = 12
PAST_PAIRS = 10
LINKABLE_ACTIVITIES = 20


def checkins_of(pair: BuddyPair) -> QuerySet[CheckIn]:
    """A pair's check-ins, newest week first, with authors, replies and linked activities."""
    return (
        CheckIn.objects.filter(pair=pair)
        .select_related("author__profile")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=visible(CheckInReply.objects.select_related("author__profile"), ReportKind.CHECKIN_REPLY),
            ),
            Prefetch("activities", queryset=Activity.objects.only("public_id", "kind", "occurred_on", "note")),
        )
        .order_by("-week", "author_id")
    )


@dataclass
class Week:
    week: str
    mine: CheckIn | None = None
    theirs: list[CheckIn] = field(default_factory=list)

    @property
    def label(self) -> str:
        """ "Week of November 23" (its Monday), from the ISO week "2026-W48"."""
        year, number = self.week.split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
        return f"Week of {monday:%B} {monday.day}"


@dataclass
class BuddyPage:
    entry: PoolEntry | None
    pair: BuddyPair | None
    me: PairMember | None
    buddies: list[tuple[PairMember, dict[str, str]]]
    this_week: str
    weeks: list[Week]
    past_pairs: list[BuddyPair]
    activities: list[Activity]
    facilitating: list[Group]


def pair_with_members(pair_qs: QuerySet[BuddyPair]) -> QuerySet[BuddyPair]:
    return pair_qs.select_related("group").prefetch_related(
        Prefetch("members", queryset=PairMember.objects.select_related("user__profile"))
    )


def buddy_page(user: User, now: datetime | None = None) -> BuddyPage:
    """Everything the buddy page shows the user: their pool entry, their open pair with the
    buddy's profile as the user may see it, the pair's last HISTORY_WEEKS weeks of check-ins
    grouped by week, their past pairs, and their own recent activities to link."""
    moment = now or timezone.now()
    entry = permissions.open_entry(user)
    pair = pair_with_members(permissions.pairs_of(user).filter(ended_at__isnull=True)).first()
    this_week = services.week_of(moment, services.zone_of(user))
    me, buddies, weeks = None, [], []
    if pair is not None:
        for m in pair.members.all():
            if m.user_id == user.pk:
                me = m
            else:
                buddies.append((m, visible_profile_fields(user, m.user.profile)))
        by_week: dict[str, Week] = {}
        for c in checkins_of(pair)[: HISTORY_WEEKS * 3]:
            w = by_week.setdefault(c.week, Week(c.week))
            if c.author_id == user.pk:
                w.mine = c
            else:
                w.theirs.append(c)
        by_week.setdefault(this_week, Week(this_week))
        weeks = sorted(by_week.values(), key=lambda w: w.week, reverse=True)
    past = list(
        pair_with_members(permissions.pairs_of(user).filter(ended_at__isnull=False)).order_by("-started_at")[
            :PAST_PAIRS
        ]
    )
    activities = list(Activity.objects.filter(owner=user).order_by("-occurred_on", "-pk")[:LINKABLE_ACTIVITIES])
    facilitating = list(
        Group.objects.filter(
            memberships__user=user, memberships__role=MembershipRole.FACILITATOR,
            memberships__state=MembershipState.ACTIVE,
        ).order_by("name", "pk")
    )  # fmt: skip
    return BuddyPage(entry, pair, me, buddies, this_week, weeks, past, activities, facilitating)
