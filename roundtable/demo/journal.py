"""The journal builder: a history for the demo facilitator's group, so its health page shows
figures, and a reflection waiting for the demo member.

Four past meetings of the Boston strategic roundtable, a week apart, with RSVPs and attendance
(past meetings are history: written as rows, since the meeting services schedule only ahead),
goals set before each and reflections after, through the journal's own services; five members
who landed, through journal.landing. The demo member went to the last one and has not said how
it was: their home page asks.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from roundtable.demo.world import FACILITATOR_EMAIL, MEMBER_EMAIL, Loaded
from roundtable.groups.models import Membership, MembershipState
from roundtable.journal import landing, services
from roundtable.journal.models import Reflection
from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus

GROUP = "Boston Strategic Job Search Roundtable"
TAKEAWAYS = [
    "Lead with the problem I solve, not my job title.",
    "Ask for advice, not for a job: it opens more doors.",
    "Two people offered to look at my resume.",
    "Follow up within 24 hours while they remember me.",
    "",
]
REASONS = [["get_help"], ["get_help", "support"], ["meet_attendees"], ["learn_topic", "get_help"], ["support"]]


def journal_history(rng: random.Random, loaded: Loaded) -> int:
    """Build the history described above; returns the number of reflections written."""
    group = loaded.groups[GROUP]
    member = loaded.users[MEMBER_EMAIL]
    facilitator = loaded.users[FACILITATOR_EMAIL]
    people = list(
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
        .exclude(user=facilitator)
        .select_related("user__profile")
        .order_by("user_id")
    )
    users = [m.user for m in people]
    if member not in users:  # pragma: no cover - special_memberships puts the member in
        return 0
    now = timezone.now()
    written = 0
    for weeks_ago in (4, 3, 2, 1):
        # 6:30 PM in the group's own zone, whatever the hour the demo is built at (it was the
        # build's clock: meetings "at 3 AM Eastern", tester's finding 17 on issue 10).
        day = (now - timedelta(weeks=weeks_ago)).astimezone(ZoneInfo(group.time_zone)).date()
        start = datetime.combine(day, time(18, 30), tzinfo=ZoneInfo(group.time_zone))
        meeting = Meeting.objects.create(
            group=group, title="Strategic roundtable", starts_at=start, ends_at=start + timedelta(minutes=105),
            time_zone=group.time_zone, networking_before_minutes=15, main_minutes=90, turn_minutes=10,
            roundtable_minutes=90, venue="Public library, community room",
        )  # fmt: skip
        others = [u for u in users if u != member]
        going = rng.sample(others, k=min(len(others), rng.randint(8, 11)))
        if weeks_ago == 1 or rng.random() < 0.6:
            going.append(member)
        # A small group whose members show up: one absent where seven or more were going
        # (marked so: their answers don't count, meetings.models.went_q).
        absent = rng.choice([g for g in going if g != member]) if len(going) >= 7 else None
        there = []
        for u in going:
            came = u != absent
            Rsvp.objects.create(meeting=meeting, user=u, status=RsvpStatus.GOING, attended=came)
            if came:
                there.append(u)
        Meeting.objects.filter(pk=meeting.pk).update(going_count=len(going))
        for u in going:
            if rng.random() < 0.8 or u == member:
                services.goal_set(owner=u, meeting=meeting, reasons=rng.choice(REASONS),
                                  now=start - timedelta(days=1))  # fmt: skip
        for u in there:  # only people who were there reflect, and meet (meetings.models.went_q)
            # The member's last meeting waits for their reflection (the home page asks).
            if u == member and weeks_ago == 1:
                continue
            if rng.random() < 0.97 or u == member:
                k = rng.randint(1 if u == member else 0, 2)  # the member always met someone: the demo shows it
                met = [p.public_id for p in rng.sample([g for g in there if g != u], k=k)]
                reflection = services.reflection_save(
                    owner=u, meeting=meeting, value=rng.choice([3, 4, 4, 5, 5, 2]), takeaways=rng.choice(TAKEAWAYS),
                    goal_met=rng.choice(["yes", "partly", "yes", "no"]), met=met,
                )  # fmt: skip
                # Answered in the days after the meeting, as people do (and so before answers
                # closed for group health), not all on the day the demo was built.
                answered = meeting.ends_at + timedelta(hours=rng.randint(2, 72))
                Reflection.objects.filter(pk=reflection.pk).update(created_at=answered, updated_at=answered)
                written += 1
    for i, u in enumerate(u for u in users if u != member):
        if i >= 5:
            break
        landed_on = date.today() - timedelta(days=rng.randint(3, 60))
        landing.landing_record(owner=u, data=landing.LandingData(
            company_name=rng.choice(["Northwind Health", "Fabrikam", "Contoso Labs"]), role="Product manager",
            source=rng.choice(["networking", "referral", "group"]), landed_on=landed_on,
            group=group if i % 2 == 0 else None,
            search_started_on=landed_on - timedelta(days=rng.randint(60, 200)),
            will_help_others=i % 2 == 1,
        ))  # fmt: skip
    return written
