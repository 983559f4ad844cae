"""The stories builder: landed stories from the Boston roundtable's members who landed (one
anonymous, one naming a secret-free group, one for members only), lessons from a few members,
and two past roundtables whose members share anonymously what helped them, so that "others with
a challenge like yours" finds something for the demo member.

Runs after the journal builder (it needs its landings and past meetings). Written through the
stories app's services, with the "new story" email held back: it is the demo's history.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.utils import timezone

from roundtable.demo.world import MEMBER_EMAIL, Loaded
from roundtable.live.models import Challenge, Mode, RoomStatus, Roundtable, Suggestion, Turn, TurnStatus
from roundtable.meetings.models import Meeting
from roundtable.stories import events, services
from roundtable.stories.models import Audience, LessonKind, StoryField
from roundtable.tracker.models import Landing

GROUP = "Boston Strategic Job Search Roundtable"

STORIES = [
    services.StoryData(
        title="Nine months, and a referral from a coffee chat",
        field=StoryField.TECHNOLOGY,
        what_worked="Two coffee chats a week with people one or two steps ahead of me. One of them "
        "forwarded my resume to the hiring manager, and that was the interview that stuck.",
        what_did_not="Applying to everything on job boards. Months of silence.",
        advice="Ask for twenty minutes of advice, never for a job. Follow up within a day.",
        audience=Audience.PUBLIC,
        anonymous=True,
    ),
    services.StoryData(
        title="The roundtable fixed my pitch",
        field=StoryField.SALES_MARKETING,
        what_worked="Saying my challenge out loud at the roundtable. Someone suggested I lead with the "
        "problem I solve, not my title; my next three conversations went differently.",
        advice="Bring one concrete challenge to each meeting, and write down who offered to help.",
        audience=Audience.MEMBERS,
    ),
    services.StoryData(
        title="Back in after a career break",
        field=StoryField.HEALTHCARE,
        what_worked="A recruiter who specialises in returners, and practice interviews with the group.",
        what_did_not="Hiding the gap on my resume: people asked anyway.",
        advice="Name the gap in one line and move on to what you did with it.",
        audience=Audience.GROUPS,
    ),
]

LESSONS = [
    (LessonKind.TIP, "Send a thank-you note the same day as an interview. Short and specific beats long.", True),
    (
        LessonKind.MISSTEP,
        "I sent the same cover letter everywhere for two months. Tailoring three lines changed my replies.",
        False,
    ),
    (
        LessonKind.TIP,
        "Keep a list of everyone you meet and when to follow up: recruiters remember who followed up.",
        False,
    ),
    (LessonKind.MISSTEP, "Negotiating salary by email before a call made me look inflexible. Talk first.", True),
]

CHALLENGES = [
    (
        "Recruiters stop replying after the first phone screen and I don't know why.",
        ["Ask at the end of the screen what the next step is and when to expect it.",
         "Send a short thank-you the same day that repeats one thing you'd bring to the role."],
    ),
    (
        "I freeze when asked about salary expectations early in the process.",
        ["Give a researched range and say it depends on the whole offer.",
         "Practise the answer aloud with a buddy before the next call."],
    ),
    (
        "Networking events drain me and I leave without any real conversations.",
        ["Set a goal of two good conversations, then leave.", "Arrive early: it's quieter and easier to talk."],
    ),
]  # fmt: skip


@contextmanager
def _quiet() -> Iterator[None]:
    """Hold back the "new story" email for the demo's history."""
    saved = events.story_published

    def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    events.story_published = nothing  # type: ignore[assignment]
    try:
        yield
    finally:
        events.story_published = saved  # type: ignore[assignment]


def build_stories(rng: random.Random, loaded: Loaded) -> int:
    """Stories, lessons and shared roundtable history as described above; returns the number of
    stories written."""
    group = loaded.groups[GROUP]
    member = loaded.users[MEMBER_EMAIL]
    landed = list(Landing.objects.filter(owner__memberships__group=group).select_related("owner").order_by("owner_id"))
    written = 0
    with _quiet():
        for landing, data in zip(landed, STORIES, strict=False):
            named = data if landing.group_id is None else services.StoryData(**{**data.__dict__, "group": group})
            services.story_create(author=landing.owner, data=named)
            written += 1
    others = [u for u in loaded.users.values() if u != member and u.is_active]
    rng.shuffle(others)
    for (kind, text, anonymous), author in zip(LESSONS, others, strict=False):
        services.lesson_create(author=author, data=services.LessonData(text=text, kind=kind, anonymous=anonymous,
                                                                      audience=Audience.MEMBERS))  # fmt: skip
    _shared_history(rng, group, member)
    return written


def _shared_history(rng: random.Random, group: Any, member: Any) -> None:
    """Two past meetings of the group get an ended roundtable: three members' turns, each with a
    challenge and starred suggestions; those members share their history anonymously."""
    past = list(Meeting.objects.filter(group=group, ends_at__lt=timezone.now()).order_by("-starts_at")[:2])
    if not past:  # pragma: no cover - the journal builder writes past meetings
        return
    people = list(group.memberships.filter(state="active").exclude(user=member).values_list("user", flat=True))
    sharers = rng.sample(people, k=min(3, len(people)))
    for i, (text, suggestions) in enumerate(CHALLENGES[: len(sharers)]):
        meeting = past[i % len(past)]
        room, _ = Roundtable.objects.get_or_create(
            meeting=meeting,
            defaults={"mode": Mode.TURNS, "status": RoomStatus.ENDED, "started_at": meeting.starts_at,
                      "ended_at": meeting.ends_at},
        )  # fmt: skip
        start = meeting.starts_at
        turn = Turn.objects.create(roundtable=room, user_id=sharers[i], position=i + 1, status=TurnStatus.DONE,
                                   started_at=start, ended_at=start + timedelta(minutes=15))  # fmt: skip
        Challenge.objects.create(turn=turn, text=text, written_by_id=sharers[i], updated_at=meeting.starts_at)
        helpers = [p for p in people if p != sharers[i]]
        for s in suggestions:
            Suggestion.objects.create(turn=turn, author_id=rng.choice(helpers), text=s, starred=True,
                                      starred_by_id=sharers[i], created_at=meeting.starts_at)  # fmt: skip
        Suggestion.objects.create(turn=turn, author_id=rng.choice(helpers), text="Try a different job board.",
                                  created_at=meeting.starts_at)  # fmt: skip
    from roundtable.accounts.models import User

    for user in User.objects.filter(pk__in=sharers):
        services.anonymous_sharing_set(user=user, share=True)
