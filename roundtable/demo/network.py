"""The network builder: where people work, worked and want to work, so "who to meet" shows
real reasons, and a few introductions in each state for the demo member.

Every person gets companies from the demo's list (people.COMPANIES): those employed or helping
a current one, everyone one or two past ones, those searching two targets. The demo member
wants a role at Northwind Health or Summit Analytics, and is going to the next Boston strategic
roundtable, where a few people going work or worked there (shown to people in their groups).
Introductions, through the network's own services: one the member asked for (waiting for the
facilitator), one accepted by everyone (a contact in both trackers), and one asked of the
member as introducer (waiting for their answer).
"""

from __future__ import annotations

import random

from django.utils import timezone

from roundtable.accounts.models import Profile, SearchStatus, User, Visibility
from roundtable.demo.people import COMPANIES
from roundtable.demo.world import FACILITATOR_EMAIL, MEMBER_EMAIL, Loaded
from roundtable.groups.models import Membership, MembershipState
from roundtable.meetings import services as meeting_services
from roundtable.meetings.models import Meeting, MeetingStatus, RsvpStatus
from roundtable.network import services

GROUP = "Boston Strategic Job Search Roundtable"
MEMBER_TARGETS = ("Northwind Health", "Summit Analytics")
SHOWN = {
    "current_company": Visibility.MEMBERS.value,
    "past_companies": Visibility.MEMBERS.value,
    "target_companies": Visibility.MEMBERS.value,
}


def _companies(rng: random.Random, profile: Profile) -> None:
    picks = rng.sample(COMPANIES, 4)
    employed = profile.search_status in (SearchStatus.LANDED, SearchStatus.HELPING)
    profile.current_company = picks[0] if employed else ""
    profile.past_companies = ", ".join(picks[1 : 1 + rng.randint(1, 2)])
    profile.target_companies = "" if employed else ", ".join(rng.sample(COMPANIES, 2))


def network_demo(rng: random.Random, loaded: Loaded) -> int:
    """Build what the module docstring says; returns the number of introductions made."""
    profiles = list(Profile.objects.filter(user__in=list(loaded.users.values())).order_by("user_id"))
    for p in profiles:
        _companies(rng, p)
    member = loaded.users[MEMBER_EMAIL]
    facilitator = loaded.users[FACILITATOR_EMAIL]
    group = loaded.groups[GROUP]
    now = timezone.now()
    meeting = (
        Meeting.objects.filter(group=group, status=MeetingStatus.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    by_user = {p.user_id: p for p in profiles}
    mine = by_user[member.pk]
    mine.target_companies = ", ".join(MEMBER_TARGETS)
    mine.visibility = {**(mine.visibility or {}), **SHOWN}
    going: list[User] = []
    if meeting is not None:
        meeting_services.rsvp_set(meeting=meeting, user=member, going=True, now=now)
        going = [
            r.user
            for r in meeting.rsvps.filter(status=RsvpStatus.GOING).exclude(user=member).select_related("user")
            .order_by("user_id")
        ]  # fmt: skip
        # A few people going work or worked where the member wants to go, and share it.
        for i, person in enumerate(going[:3]):
            p = by_user[person.pk]
            if i == 0:
                p.current_company, p.search_status = MEMBER_TARGETS[0], SearchStatus.HELPING
            elif i == 1:
                p.past_companies = f"{MEMBER_TARGETS[1]}, {p.past_companies}".strip(", ")
            else:
                p.can_introduce = f"{MEMBER_TARGETS[0]}, {p.can_introduce}".strip(", ")
            p.visibility = {**(p.visibility or {}), **SHOWN, "can_introduce": Visibility.MEMBERS.value,
                            "search_status": Visibility.MEMBERS.value}  # fmt: skip
    Profile.objects.bulk_update(
        profiles, ["current_company", "past_companies", "target_companies", "search_status", "can_introduce",
                   "visibility"]
    )  # fmt: skip
    others = [
        m.user
        for m in Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
        .exclude(user__in=[member, facilitator])
        .select_related("user__profile")
        .order_by("user_id")
    ]
    others = [u for u in others if u not in going[:1]] or others
    if len(others) < 4:  # pragma: no cover - the groups builder fills the group
        return 0
    a, b, c, d = others[:4]
    services.introduction_ask(
        asker=member, group=group, introducer=facilitator, target=a,
        note=f"I'd like to hear how {a.display_name} moved into a new field.",
    )  # fmt: skip
    accepted = services.introduction_ask(
        asker=member, group=group, introducer=facilitator, target=b,
        note="Could we talk about how their team hires analysts?",
    )  # fmt: skip
    services.introduction_accept(
        user=facilitator, introduction=accepted, note=f"{b.display_name} is generous with advice: worth a coffee."
    )
    services.introduction_accept(user=b, introduction=accepted)
    services.introduction_ask(
        asker=c, group=group, introducer=member, target=d,
        note=f"You know {d.display_name} from the roundtable: would you introduce us?",
    )  # fmt: skip
    return 3
