"""The speakers builder: six coaches volunteer as experts (the directory has someone to find),
each with past talks at their metro's speakers group (history, with slides and recordings
where the talk had them), and the demo member volunteers too and has one invitation to speak
waiting from the Boston speakers group's facilitator: their Speakers menu shows it. The Boston
expert also gives the next talk at the Boston speakers group, which the demo member is going
to: from outside the group, with no RSVP, she is the speaker its "Who to meet" suggests ("Gives
the talk": she can introduce people at Summit Analytics, one of the member's targets, and
shows that to everyone).

Experts and the invitation go through speakers.services; past meetings are history, written
as rows (the meeting services schedule only ahead), and their talks go through
meetings.services.talk_set, linked to the expert's account.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from roundtable.accounts.models import Profile, Visibility
from roundtable.demo.network import MEMBER_TARGETS
from roundtable.demo.world import MEMBER_EMAIL, Loaded
from roundtable.groups.models import Group, Kind, Membership, MembershipRole, MembershipState
from roundtable.meetings import services as meeting_services
from roundtable.meetings.models import Meeting, MeetingStatus, RsvpStatus
from roundtable.speakers import events, services

# (bio, what they speak about, topics, in person?, past talks: (title, abstract, slides?, recording?))
OFFERS: list[tuple[str, str, tuple[str, ...], bool, list[tuple[str, str, bool, bool]]]] = [
    (
        "Technical recruiter for twelve years, now coaching people back into tech.",
        "How recruiters search LinkedIn, what a profile needs to show up, and how to write to a recruiter.",
        ("LinkedIn", "Tech careers"),
        True,
        [
            (
                "Found in the search: LinkedIn for people who hate LinkedIn",
                "What recruiters type, what they see first, and three changes that take an evening.",
                True,
                True,
            ),
            (
                "Writing to recruiters who never answer",
                "Short messages that get a reply, and when to stop.",
                True,
                False,
            ),
        ],
    ),
    (
        "Former HR director; I have read about forty thousand resumes.",
        "Resumes that survive the first six seconds, cover letters that are worth writing, gaps and how to say them.",
        ("Resume", "Career change"),
        True,
        [("Resumes in six seconds", "What a screener looks for, in the order they look.", True, True)],
    ),
    (
        "Negotiation coach. I spent ten years on the other side of the table in compensation.",
        "Salary conversations: researching the range, the first number, and negotiating more than money.",
        ("Salary negotiation",),
        False,
        [("The first number", "When to say it, how to say it, and what to do when they say it first.", False, True)],
    ),
    (
        "Hiring manager in healthcare operations; I run about sixty interviews a year.",
        "Behavioural interviews, stories that land, and the questions to ask at the end.",
        ("Interviewing",),
        True,
        [
            (
                "Stories that land",
                "Turning what you did into two-minute stories an interviewer remembers.",
                True,
                False,
            ),
            ("Questions to ask them", "The five questions that tell you the most about a team.", False, False),
        ],
    ),
    (
        "Career changer twice over (teaching, then product management). Happy to share the messy middle.",
        "Changing careers after 40: informational interviews, transferable skills, a plan for the first 90 days.",
        ("Career change", "Informational interviews"),
        False,
        [("Changing careers at 45: a practical plan", "Three stages, with the mistakes I made in each.", True, True)],
    ),
    (
        "Therapist who works with people between jobs.",
        "Keeping your footing during a long search: routines, rejection, and talking to family about it.",
        ("Wellbeing",),
        True,
        [],
    ),
]
# The Boston expert's coming talk (the first offer's speaker, a technical recruiter).
NEXT_TALK = (
    "Getting found by tech recruiters",
    "How recruiters search, what they read first, and the one message to send after a talk like this.",
    ("LinkedIn", "Tech careers"),
)
MEMBER_OFFER = (
    "Operations analyst, eight years in logistics; searching for my next role.",
    "Spreadsheets that track a job search, and what I have learnt from forty informational interviews.",
    ("Job search strategy", "Informational interviews"),
)


@contextmanager
def quiet_events() -> Iterator[None]:
    """No notifications for the demo's own invitations (they are its history, not news)."""
    saved = events.invitation_sent, events.invitation_answered

    def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    events.invitation_sent = events.invitation_answered = nothing  # type: ignore[assignment]
    try:
        yield
    finally:
        events.invitation_sent, events.invitation_answered = saved  # type: ignore[assignment]


def _speakers_group(loaded: Loaded, metro: str) -> Group | None:
    for name, group in sorted(loaded.groups.items()):
        if group.kind == Kind.SPEAKERS and metro in name:
            return group
    return None


def _past_talk(group: Group, speaker: Any, weeks_ago: int, talk: tuple[str, str, bool, bool], topics: tuple[str, ...],
               bio: str) -> None:  # fmt: skip
    title, abstract, slides, recording = talk
    day = (timezone.now() - timedelta(weeks=weeks_ago)).astimezone(ZoneInfo(group.time_zone)).date()
    start = datetime.combine(day, time(18, 30), tzinfo=ZoneInfo(group.time_zone))
    meeting = Meeting.objects.create(
        group=group, title="Speaker night", starts_at=start, ends_at=start + timedelta(minutes=90),
        time_zone=group.time_zone, networking_before_minutes=15, main_minutes=60, networking_after_minutes=15,
        format=group.format, venue=group.venue or "Public library, community room",
    )  # fmt: skip
    slug = meeting.public_id
    meeting_services.talk_set(
        meeting=meeting,
        talk=meeting_services.TalkData(
            speaker_name=speaker.display_name, title=title, abstract=abstract, bio=bio, topics=topics[:1],
            slides_url=f"https://slides.example.org/{slug}" if slides else "",
            recording_url=f"https://video.example.org/{slug}" if recording else "", speaker=speaker,
        ),
    )  # fmt: skip


def _next_talk(group: Group, speaker: Any, bio: str, member: Any) -> None:
    """The group's next meeting becomes `speaker`'s talk, with their account (Talk.speaker), and
    the member is going; the speaker shows everyone that they can introduce people at one of
    the member's targets, so who to meet has a reason to suggest them."""
    now = timezone.now()
    meeting = (
        Meeting.objects.filter(group=group, status=MeetingStatus.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    if meeting is None:  # pragma: no cover - the meetings builder schedules every group ahead
        return
    title, abstract, topics = NEXT_TALK
    meeting_services.talk_set(meeting=meeting, talk=meeting_services.TalkData(
        speaker_name=speaker.display_name, organisation="Career coach", title=title, abstract=abstract, bio=bio,
        topics=topics, speaker=speaker,
    ))  # fmt: skip
    if not meeting.rsvps.filter(user=member, status=RsvpStatus.GOING).exists():
        meeting_services.rsvp_set(meeting=meeting, user=member, going=True, now=now)
    profile = Profile.objects.get(user=speaker)
    if MEMBER_TARGETS[1] not in profile.can_introduce:
        profile.can_introduce = f"{MEMBER_TARGETS[1]}, {profile.can_introduce}".strip(", ")
    profile.visibility = {**(profile.visibility or {}), "can_introduce": Visibility.EVERYONE.value}
    profile.show_in_recommendations = True
    profile.save(update_fields=["can_introduce", "visibility", "show_in_recommendations"])


def build_speakers(rng: random.Random, loaded: Loaded) -> int:
    """Build what the module docstring says; returns the number of experts."""
    metros = sorted({loaded.metro_of[c.pk] for c in loaded.coaches if c.pk in loaded.metro_of})
    experts = 0
    boston_expert: tuple[Any, str] | None = None
    for i, (bio, about, topics, in_person, talks) in enumerate(OFFERS):
        coach = loaded.coaches[i * 3 % len(loaded.coaches)]
        metro = loaded.metro_of.get(coach.pk) or (metros[i % len(metros)] if metros else "Boston")
        services.expert_save(user=coach, data=services.ExpertData(
            bio=bio, speaks_about=about, topics=topics, in_person=in_person, online=True,
            region=metro if in_person else "",
        ))  # fmt: skip
        experts += 1
        group = _speakers_group(loaded, metro) or _speakers_group(loaded, "Boston")
        if metro == "Boston" and in_person and boston_expert is None:
            boston_expert = (coach, bio)
        for n, talk in enumerate(talks):
            if group is not None:
                _past_talk(group, coach, 3 + 5 * n + rng.randint(0, 2), talk, topics, bio)
    member = loaded.users[MEMBER_EMAIL]
    bio, about, topics = MEMBER_OFFER
    expert = services.expert_save(user=member, data=services.ExpertData(bio=bio, speaks_about=about, topics=topics))
    experts += 1
    boston = _speakers_group(loaded, "Boston")
    if boston is not None and boston_expert is not None:
        _next_talk(boston, boston_expert[0], boston_expert[1], member)
    if boston is not None:
        fac = (
            Membership.objects.filter(group=boston, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if fac is not None and fac.user_id != member.pk:
            services.invitation_create(
                by=fac.user, expert=expert, group=boston,
                proposed_on=(timezone.now() + timedelta(days=45)).date(),
                topic=expert.topics.order_by("name").first(),
                note="Our members keep asking how to organise a search. Would you share your tracking sheet "
                     "and what forty informational interviews taught you?",
            )  # fmt: skip
    return experts
