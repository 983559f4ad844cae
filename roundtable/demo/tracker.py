"""The tracker builder: the demo member's job search (and a smaller one for the facilitator),
through the tracker services, so positions, stage history and last touches are the
product's own. Contacts, companies, opportunities across the stages, a week of activities
in the person's own time zone, weekly targets and tasks (one overdue, one due today)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.demo.world import FACILITATOR_EMAIL, MEMBER_EMAIL, Loaded
from roundtable.tracker import selectors, services

CONTACTS = [
    ("Dana Whitfield", "Northbridge Search", "Executive recruiter", "Met at the LinkedIn talk"),
    ("Ravi Menon", "Lumen Health", "Director of Product", "Introduced by a roundtable member"),
    ("Grace Liu", "Harbor Analytics", "Data science manager", "Informational interview"),
    ("Tomás Rivera", "Cobalt Logistics", "Head of Operations", "Former colleague"),
    ("Aisha Bello", "Lumen Health", "UX research lead", "Alumni network"),
    ("Noah Fischer", "Brightpath Learning", "VP Engineering", "Cold outreach on LinkedIn"),
]
OPPORTUNITIES = [
    ("Lumen Health", "Senior product analyst", "interviewing", "referral"),
    ("Harbor Analytics", "Analytics lead", "applied", "application"),
    ("Cobalt Logistics", "Operations strategy manager", "networking", "networking"),
    ("Brightpath Learning", "Product manager, data", "researching", "direct_outreach"),
    ("Northbridge Search", "Client analytics consultant", "offer", "recruiter"),
    ("Pinecrest Bank", "Business analyst", "rejected", "application"),
]
WEEK = [
    (0, "outreach", "Wrote to the hiring manager at Brightpath."),
    (0, "conversation", "Coffee with Ravi: he will pass my resume on."),
    (1, "application", "Applied for the analytics lead role."),
    (2, "informational", "Grace walked me through her team's hiring."),
    (3, "outreach", "Followed up with Noah."),
    (4, "follow_up", "Thank-you note after the first interview."),
    (5, "outreach", "Asked Tomás about the operations role."),
]


def build_tracker(*, owner: User, rng: random.Random, full: bool = True) -> int:
    """Builds the owner's tracker; returns how many rows of activity were logged."""
    today = selectors.today_for(owner)
    zone = selectors.zone_of(owner)
    contacts = {}
    for name, company, role, how in CONTACTS if full else CONTACTS[:2]:
        contacts[name] = services.contact_create(owner=owner, data=services.ContactData(
            name=name, company_name=company, role=role, how_met=how,
            next_touch_on=today + timedelta(days=rng.randint(-2, 10)),
        ))  # fmt: skip
    opportunities = []
    moment = timezone.now() - timedelta(days=30)
    for company, role, stage, source in OPPORTUNITIES if full else OPPORTUNITIES[:2]:
        opp = services.opportunity_create(owner=owner, data=services.OpportunityData(
            company_name=company, role=role, stage="researching", source=source), at=moment)  # fmt: skip
        path = ["researching", "networking", "applied", "interviewing", "offer"]
        target = stage if stage in path else "applied"
        step = moment
        for next_stage in path[1 : path.index(target) + 1]:
            step += timedelta(days=rng.randint(2, 6))
            services.opportunity_move(opportunity=opp, stage=next_stage, at=step)
        if stage not in path:
            services.opportunity_move(opportunity=opp, stage=stage, at=step + timedelta(days=5))
        opportunities.append(opp)
    monday = selectors.week_of(today)[0]
    logged = 0
    names = list(contacts.values())
    for offset, kind, note in WEEK if full else WEEK[:3]:
        day = monday + timedelta(days=offset)
        if day > today:
            day = today
        services.activity_create(owner=owner, data=services.ActivityData(
            kind=kind, occurred_on=day, note=note, contact=names[offset % len(names)],
        ))  # fmt: skip
        logged += 1
    # An interview with a time, in the calendar feed.
    start_day = today + timedelta(days=2)
    services.activity_create(owner=owner, data=services.ActivityData(
        kind="interview", occurred_on=start_day, opportunity=opportunities[0], duration_minutes=45,
        starts_at=datetime.combine(start_day, time(10, 30), tzinfo=zone), note="Panel with the product team.",
    ))  # fmt: skip
    services.targets_set(owner=owner, per_week={"outreach": 10, "conversation": 3, "application": 2})
    services.task_create(owner=owner, title=f"Thank {names[0].name} for the introduction",
                         due_on=today - timedelta(days=1), contact=names[0])  # fmt: skip
    services.task_create(owner=owner, title="Prepare stories for the panel interview", due_on=today)
    services.task_create(owner=owner, title="Update the resume for the analytics lead role",
                         due_on=today + timedelta(days=4))  # fmt: skip
    return logged + 1


def build_trackers(rng: random.Random, loaded: Loaded) -> int:
    """The demo member's full tracker and the facilitator's smaller one."""
    count = build_tracker(owner=loaded.users[MEMBER_EMAIL], rng=rng)
    return count + build_tracker(owner=loaded.users[FACILITATOR_EMAIL], rng=rng, full=False)
