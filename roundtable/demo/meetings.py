"""The meetings builder: series and one-off meetings with talks and RSVPs, through the
meeting services."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.demo.world import (
    Loaded,
)
from roundtable.groups.models import (
    Format,
    Kind,
    Membership,
    MembershipRole,
    MembershipState,
)
from roundtable.groups.templates_of_kind import TEMPLATES

SPEAKERS = [
    (
        "Dana Whitfield",
        "Executive recruiter, Northbridge Search",
        "How recruiters read your LinkedIn in six seconds",
        ["LinkedIn", "Networking"],
    ),
    ("Marcus Oyelaran", "Career coach", "Resumes that survive the applicant tracking system", ["Resume"]),
    ("Priya Natarajan", "HR director", "Negotiating the offer without fear", ["Salary negotiation"]),
    ("Tom Becker", "Hiring manager, fintech", "Behavioural interviews: stories that land", ["Interviewing"]),
    ("Elena Sokolova", "Outplacement consultant", "Changing careers at 45: a practical plan", ["Career change"]),
    (
        "James Arden",
        "Networking author",
        "The informational interview that turns into a referral",
        ["Informational interviews", "Networking"],
    ),
]
REPEAT_RULES = {"weekly": "FREQ=WEEKLY", "biweekly": "FREQ=WEEKLY;INTERVAL=2"}


def schedule_meetings(rng: random.Random, loaded: Loaded) -> int:
    """A series for every group at its kind's usual rhythm, talks for speakers groups, and RSVPs."""
    from zoneinfo import ZoneInfo

    from roundtable.meetings import recurrence
    from roundtable.meetings import services as meeting_services
    from roundtable.meetings.models import Meeting

    now = timezone.now()
    created = 0
    for group in loaded.groups.values():
        fac = (
            Membership.objects.filter(group=group, role=MembershipRole.FACILITATOR, state=MembershipState.ACTIVE)
            .select_related("user")
            .first()
        )
        if fac is None:
            continue
        local_today = now.astimezone(ZoneInfo(group.time_zone)).date()
        first_day = local_today + timedelta(days=rng.randint(2, 9))
        hour = rng.choice([9, 12, 18, 18, 19])
        start = datetime(first_day.year, first_day.month, first_day.day, hour, rng.choice([0, 30]))
        rule = REPEAT_RULES.get(TEMPLATES[Kind(group.kind)].repeat) or recurrence.monthly_nth_weekday(start)
        online = group.format in (Format.VIRTUAL, Format.HYBRID)
        data = meeting_services.MeetingData(
            title={
                Kind.SPEAKERS: "Speaker night",
                Kind.STRATEGIC: "Strategic roundtable",
                Kind.SUPPORT: "Support circle",
            }[Kind(group.kind)],
            start_local=start,
            time_zone=group.time_zone,
            main_minutes=60 if group.kind == Kind.SPEAKERS else max(45, group.meeting_minutes - 15),
            networking_before_minutes=15 if group.kind != Kind.SUPPORT else 0,
            networking_after_minutes=15 if group.kind == Kind.SPEAKERS else 0,
            capacity={Kind.SPEAKERS: 40, Kind.STRATEGIC: 12}.get(Kind(group.kind)),
            format=group.format,
            venue="" if group.format == Format.VIRTUAL else (group.venue or "Public library, community room"),
            address="" if group.format == Format.VIRTUAL else f"{rng.randint(10, 990)} Main Street",
            accessibility_notes="" if group.format == Format.VIRTUAL else "Step-free entrance; elevator to floor 2.",
            video_url=f"https://meet.example.org/{group.slug}" if online else "",
            turn_minutes=10 if group.kind == Kind.STRATEGIC else None,
            roundtable_minutes=90 if group.kind == Kind.STRATEGIC else None,
            circle_minutes=60 if group.kind == Kind.SUPPORT else None,
        )
        talk = None
        if group.kind == Kind.SPEAKERS:
            name, org, title, topics = rng.choice(SPEAKERS)
            talk = meeting_services.TalkData(speaker_name=name, organisation=org, title=title, topics=tuple(topics),
                                             bio=f"{name} has helped hundreds of job seekers.")  # fmt: skip
        first = meeting_services.meeting_create(group=group, by=fac.user, data=data, rule=rule, talk=talk, now=now)
        upcoming = list(Meeting.objects.filter(series=first.series).order_by("starts_at")[:3])
        if talk is not None:
            base = [sp[0] for sp in SPEAKERS].index(talk.speaker_name)
            for i, m in enumerate(upcoming[1:], start=1):
                name, org, title, topics = SPEAKERS[(base + i) % len(SPEAKERS)]
                meeting_services.talk_set(
                    meeting=m,
                    talk=meeting_services.TalkData(
                        speaker_name=name, organisation=org, title=title, topics=tuple(topics)
                    ),
                )
        # In a stated order: the same seed gives the same people going on SQLite and PostgreSQL.
        members = list(
            Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        for m in upcoming[:2]:
            for uid in rng.sample(members, k=min(len(members), rng.randint(3, 14))):
                meeting_services.rsvp_set(meeting=m, user=User(pk=uid), going=True, now=now)
        created += Meeting.objects.filter(series=first.series).count()
    return created
