"""The safety builder: a few reports and a moderation log, so that the demo facilitator's
moderation queue (/groups/<slug>/moderation/) and the operators' pages are not empty.

In the Boston roundtable: the demo member reported a suggestion from a past roundtable as
selling (open), another member reported a story as off-topic (decided: no breach); the demo
facilitator warned one member, muted another for a week and hid a suggestion. Site-wide: the
demo member reported a person (open, for the operators). Written through safety's services,
after the stories builder (it needs the past roundtables' suggestions and the stories)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from roundtable.demo.world import FACILITATOR_EMAIL, MEMBER_EMAIL, Loaded
from roundtable.groups.models import Membership, MembershipRole, MembershipState
from roundtable.live.models import Suggestion
from roundtable.safety import services
from roundtable.stories.models import Story

GROUP = "Boston Strategic Job Search Roundtable"


def build_safety(rng: random.Random, loaded: Loaded) -> int:
    """Reports and moderation actions as described above; returns the number of reports."""
    group = loaded.groups[GROUP]
    fac = loaded.users[FACILITATOR_EMAIL]
    member = loaded.users[MEMBER_EMAIL]
    others = list(
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE, role=MembershipRole.MEMBER)
        .exclude(user=member)
        .select_related("user")
        .order_by("user_id")
    )
    people = [m.user for m in others]
    rng.shuffle(people)
    reports = 0
    suggestions = list(
        Suggestion.objects.filter(turn__roundtable__meeting__group=group)
        .exclude(author=member)
        .exclude(author__isnull=True)
        .order_by("pk")
    )
    if suggestions:
        services.report_create(
            reporter=member, kind="suggestion", ref=str(suggestions[0].pk), reason="spam",
            details="This reads like an advert for a paid course.",
        )  # fmt: skip
        reports += 1
    if len(suggestions) > 1:
        services.content_hide(by=fac, kind="suggestion", ref=str(suggestions[-1].pk), reason="Shared a phone number.")
    story = Story.objects.filter(group=group).exclude(author=people[0]).first() if people else None
    if story is not None:
        report, _ = services.report_create(reporter=people[0], kind="story", ref=story.public_id, reason="off_topic")
        services.report_decide(report=report, by=fac, actioned=False, outcome="A real story; on topic.")
        reports += 1
    if len(people) >= 3:
        services.member_warn(group=group, person=people[1], by=fac, reason="Please let others finish before replying.")
        services.member_mute(group=group, person=people[2], by=fac, reason="Posted the same link five times.",
                             until=timezone.now() + timedelta(days=7))  # fmt: skip
        services.report_create(
            reporter=member, kind="person", ref=people[1].public_id, reason="harassment",
            details="Kept messaging me after I said no, thank you.",
        )  # fmt: skip
        reports += 1
    return reports
