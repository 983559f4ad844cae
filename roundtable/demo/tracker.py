"""The tracker builder: the demo member's job search (and a smaller one for the facilitator),
through the tracker services, so positions, stage history and last touches are the
product's own. Contacts, companies, opportunities across the stages, five weeks of
activities in the person's own time zone (each step of an opportunity logged on the day its
stage changed, so an application comes before its interview), weekly targets and tasks (one
overdue, one due today)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.demo.world import FACILITATOR_EMAIL, MEMBER_EMAIL, Loaded
from roundtable.tracker import selectors, services
from roundtable.tracker.models import Opportunity

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
# Work not tied to one opportunity: (days ago, kind, note), spread over the last five weeks
# so the weekly mix has a bar for each.
PAST = [
    (0, "outreach", "Wrote to the hiring manager at Brightpath."),
    (1, "conversation", "Coffee with Ravi: he will pass my resume on."),
    (4, "informational", "Grace walked me through her team's hiring."),
    (9, "outreach", "Followed up with Noah."),
    (13, "outreach", "Asked Tomás about the operations role."),
    (18, "conversation", "Call with Dana about the search firm's clients."),
    (24, "outreach", "First note to Aisha through the alumni network."),
    (31, "informational", "Half an hour with a Lumen Health analyst."),
]
# The activity that moves an opportunity into a stage, logged on the day it moved.
STAGE_WORK = {
    "networking": ("conversation", "Talked to someone on the team about the {role} role."),
    "applied": ("application", "Applied for the {role} role."),
    "interviewing": ("interview", "First interview for the {role} role."),
    "offer": ("offer", "Offer for the {role} role."),
}


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
    moved: list[tuple[date, str, Opportunity]] = []  # (local day, stage, opportunity)
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
            moved.append((step.astimezone(zone).date(), next_stage, opp))
        if stage not in path:
            services.opportunity_move(opportunity=opp, stage=stage, at=step + timedelta(days=5))
        opportunities.append(opp)
    logged = 0
    names = list(contacts.values())
    for i, (days_ago, kind, note) in enumerate(PAST if full else PAST[:3]):
        services.activity_create(owner=owner, data=services.ActivityData(
            kind=kind, occurred_on=today - timedelta(days=days_ago), note=note, contact=names[i % len(names)],
        ))  # fmt: skip
        logged += 1
    for day, stage, opp in moved:
        kind, note = STAGE_WORK[stage]
        services.activity_create(owner=owner, data=services.ActivityData(
            kind=kind, occurred_on=min(day, today), note=note.format(role=opp.role), opportunity=opp,
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
