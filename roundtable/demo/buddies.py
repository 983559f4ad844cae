"""The buddies builder: a pool in the Boston roundtable with the demo member in it, paired by a
real matching run three weeks ago, with check-ins on both sides and a reply; and people
waiting in everyone's pool for Monday's run.

Written through the buddies services (the run, the check-ins, the reply) with each moment
given, so the history reads as weeks that happened; nobody is emailed about it (the events
are silenced while building, as the groups builder does for requests)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.utils import timezone

from roundtable.buddies import events, services
from roundtable.buddies.models import BuddyPair, SearchStage, WorkField
from roundtable.demo.world import MEMBER_EMAIL, Loaded
from roundtable.groups.models import Membership, MembershipState

GROUP = "Boston Strategic Job Search Roundtable"
FIELDS = list(WorkField.values)
COMMITMENTS = [
    "Three coffee chats with people at companies on my list\nTwo tailored applications",
    "Rewrite the resume summary for product roles\nAsk Dana for an introduction",
    "Follow up with the two recruiters from last week\nPractise the STAR story about the migration",
    "One informational interview\nUpdate LinkedIn headline",
]
REPLIES = ["You're on a roll!", "Good luck with the interview, you've got this.", "That follow-up was brave."]


@contextmanager
def quiet() -> Iterator[None]:
    saved = events._tell

    def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    events._tell = nothing  # type: ignore[assignment]
    try:
        yield
    finally:
        events._tell = saved  # type: ignore[assignment]


def _prefs(rng: random.Random, *, day: int = 0) -> services.Preferences:
    return services.Preferences(
        max_offset_hours=rng.choice((2, 3, 4)), checkin_day=day, field=rng.choice(FIELDS[:8]),
        field_wish=rng.choice(("same", "any", "different")), stage=rng.choice(list(SearchStage.values)),
        languages=["en"] + (["es"] if rng.random() < 0.15 else []),
    )  # fmt: skip


def build_buddies(rng: random.Random, loaded: Loaded) -> int:
    """Build what the module docstring says; returns the number of pairs made."""
    now = timezone.now()
    group = loaded.groups[GROUP]
    member = loaded.users[MEMBER_EMAIL]
    in_group = [
        m.user
        for m in Membership.objects.filter(group=group, state=MembershipState.ACTIVE, user__is_active=True)
        .select_related("user__profile")
        .order_by("user_id")
    ]
    pool = [member, *[u for u in in_group if u.pk != member.pk][:11]]
    with quiet():
        for user in pool:
            services.pool_join(user=user, group=group, preferences=_prefs(rng, day=1))
        started = now - timedelta(days=21)
        services.matching_run(group=group, now=started)
        pairs = list(BuddyPair.objects.filter(group=group, ended_at__isnull=True).prefetch_related("members__user"))
        for pair in pairs:
            people = [m.user for m in pair.members.all()]
            moments = [started + timedelta(days=1), started + timedelta(days=8), started + timedelta(days=15), now]
            for week, moment in enumerate(moments):
                for i, person in enumerate(people):
                    if person.pk != member.pk and week == len(moments) - 1 and i % 2:
                        continue  # a buddy who has not checked in yet this week
                    checkin = services.checkin_save(
                        author=person, pair=pair, commitments=rng.choice(COMMITMENTS),
                        last_week="" if week == 0 else rng.choice(("done", "partly", "not_done")),
                        last_week_note="" if week == 0 else "Most of it happened; one chat moved to next week.",
                        now=moment,
                    )  # fmt: skip
                    others = [p for p in people if p.pk != person.pk]
                    if others and rng.random() < 0.6:
                        services.checkin_reply(author=others[0], checkin=checkin, reaction=rng.choice(
                            ("cheer", "proud", "here")), text=rng.choice(REPLIES))  # fmt: skip
        waiting = [u for u in loaded.people if u.pk not in {p.pk for p in pool}][:20]
        for user in waiting:
            services.pool_join(user=user, group=None, preferences=_prefs(rng, day=rng.randrange(5)))
    return len(pairs)
