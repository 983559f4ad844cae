"""Background work for buddies, all on the real task worker:

- the weekly matching: on the meetings tick (meetings.tasks.ticked), Mondays between 07:00 and
  08:00 UTC, each pool with people waiting is matched once for the week (MatchRun claims it);
- `run_matching`: a run over a group's pool asked for by a facilitator;
- nudges, on every tick: a member of an open pair whose check-in day has passed this week
  (their own time zone) without a check-in is nudged once for the week; a member who then
  has missed two weeks running has their buddy offered a new match, once. Each is a Nudge row
  claimed in the transaction that hands it to the notifications app (events.py), so however
  many ticks or workers pass, it goes once; none once the pair has ended or the person left
  the pool (and notify.py's may_see checks that again when it is recorded and emailed).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.tasks import task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from roundtable.accounts.models import User
from roundtable.core.retry import retry_transient
from roundtable.groups.models import Group

from . import events, services
from .models import BuddyPair, CheckIn, Nudge, NudgeKind, PairMember, PoolEntry

logger = logging.getLogger(__name__)

MATCH_WEEKDAY, MATCH_HOUR = 0, 7


# ------------------------------------------------------------------------------- matching


def is_match_hour(moment: datetime) -> bool:
    utc = moment.astimezone(UTC)
    return utc.weekday() == MATCH_WEEKDAY and utc.hour == MATCH_HOUR


def pools_waiting() -> list[Group | None]:
    """Each pool with anyone open in it: the platform's (None) and each group's."""
    group_ids = set(PoolEntry.objects.filter(left_at__isnull=True).values_list("group_id", flat=True).distinct())
    pools: list[Group | None] = [None] if None in group_ids else []
    pools += list(Group.objects.filter(pk__in=group_ids - {None}).order_by("pk"))
    return pools


def run_weekly_matching(now: datetime) -> int:
    """Match each pool once for the week of `now` (UTC). Returns the pairs made."""
    week = services.week_of(now, UTC)
    made = 0
    for group in pools_waiting():
        try:
            run = services.matching_run(group=group, week=week, now=now)
        except Exception:
            logger.exception("Buddy matching for pool %s failed", group.pk if group else "platform")
            continue
        made += run.pairs_made if run else 0
    return made


@task()
def run_matching(*, group_id: int, requested_by_id: int) -> int:
    """A facilitator's run over their group's pool (checked again here). Returns pairs made."""
    from roundtable.groups import permissions as group_perms

    group = Group.objects.filter(pk=group_id).first()
    user = User.objects.filter(pk=requested_by_id, is_active=True).first()
    if group is None or user is None or not group_perms.is_facilitator(user, group):
        return 0
    # The run is one transaction whose news goes after commit: a run lost to a passing lock
    # is simply run again (core.retry), never twice.
    run = retry_transient(
        lambda _attempt: services.matching_run(group=group, requested_by=user),
        what=f"Buddy matching of group {group_id}",
    )
    return run.pairs_made if run else 0


# ------------------------------------------------------------------------------- nudges


def _claim_and_tell(pair: BuddyPair, user: User, kind: str, week: str) -> int:
    """Claim the nudge (once per pair, person, kind and week) and tell the person through the
    notifications app in the same transaction: a second claim fails and tells nobody."""
    tell = events.checkin_missed if kind == NudgeKind.MISSED else events.new_buddy_offered
    try:
        with transaction.atomic():
            Nudge.objects.create(pair=pair, user=user, kind=kind, week=week)
            tell(pair, user, week)
            return 1
    except IntegrityError:
        return 0


def _day_passed(pair: BuddyPair, moment: datetime, zone: Any) -> bool:
    """Whether the pair's check-in day is over this week on the member's clock, and the pair
    already existed when that day began (a pair made on a Thursday owes nothing that week)."""
    local = moment.astimezone(zone)
    if local.weekday() <= pair.checkin_day:
        return False
    day_start = (local - timedelta(days=local.weekday() - pair.checkin_day)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return pair.started_at <= day_start


def send_due_nudges(now: datetime | None = None) -> int:
    """Every nudge and new-buddy offer owed now (module docstring); returns how many were
    handed to the notifications app."""
    moment = now or timezone.now()
    in_pool = PoolEntry.objects.filter(left_at__isnull=True).values("user_id")
    pairs = (
        BuddyPair.objects.filter(ended_at__isnull=True)
        .prefetch_related(
            Prefetch("members", queryset=PairMember.objects.filter(user__in=in_pool).select_related("user__profile")),
            Prefetch("checkins", queryset=CheckIn.objects.only("pair_id", "author_id", "week")),
        )
        .order_by("pk")
    )
    sent = 0
    for pair in pairs:
        written = {(c.author_id, c.week) for c in pair.checkins.all()}
        for member in pair.members.all():
            zone = services.zone_of(member.user)
            if not _day_passed(pair, moment, zone):
                continue
            week = services.week_of(moment, zone)
            if (member.user_id, week) in written:
                continue
            try:
                sent += _claim_and_tell(pair, member.user, NudgeKind.MISSED, week)
                before = services.previous_week(moment, zone)
                if (member.user_id, before) not in written and _day_passed(pair, moment - timedelta(days=7), zone):
                    for other in pair.members.all():
                        if other.user_id != member.user_id:
                            sent += _claim_and_tell(pair, other.user, NudgeKind.NEW_BUDDY, week)
            except Exception:
                logger.exception("Buddy nudge for pair %s failed", pair.pk)
    return sent


def on_tick(sender: object, *, now: datetime, **kwargs: object) -> int:
    """Receiver of meetings.tasks.ticked: nudges every tick, the matching on Monday mornings."""
    made = run_weekly_matching(now) if is_match_hour(now) else 0
    return made + send_due_nudges(now)


@task()
def send_nudges(*, at: str | None = None) -> int:
    """send_due_nudges as a task; `at` (ISO 8601, aware) stands in for now."""
    moment = None
    if at:
        moment = parse_datetime(at)
        if moment is None or timezone.is_naive(moment):
            raise ValueError(f"Expected an aware ISO 8601 time, got {at!r}.")
    return send_due_nudges(moment)
