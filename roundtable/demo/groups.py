"""The groups builder: groups of every kind, format and audience, and memberships in every
state, through the group services (slugs, counts and rules are the product's own)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from roundtable.accounts.models import Profile, SearchStatus, User
from roundtable.demo.world import (
    AUDIENCES,
    FACILITATOR_EMAIL,
    MEMBER_EMAIL,
    METROS,
    Audience,
    Loaded,
    lower_first,
    place_of,
)
from roundtable.groups import notifications, services
from roundtable.groups.models import (
    Format,
    Group,
    GroupVisibility,
    JoinPolicy,
    Kind,
    Membership,
    MembershipRole,
    MembershipState,
)
from roundtable.groups.templates_of_kind import TEMPLATES

VENUES = (
    "Central Library, Community Room B",
    "Downtown coworking space, 3rd floor",
    "Community center, Room 104",
    "St. Mark's parish hall",
    "Workforce center, Training Room 2",
    "Public library, Meeting Room A",
)


@dataclass
class GroupSpec:
    name: str
    kind: str
    format: str
    place: str
    audience: str
    join_policy: str
    visibility: str
    topics: tuple[str, ...]
    size: int
    owner: str = ""  # "facilitator" for the demo facilitator, else a coach is picked
    keep_pending: int | None = None
    forced_states: bool = False


def group_specs(rng: random.Random) -> list[GroupSpec]:
    speakers_names = [
        "{m} Job Seekers Speaker Series",
        "{m} Career Connections",
        "{m} Professionals in Transition",
        "{m} Career Speaker Night",
        "Second Tuesday Speakers, {m}",
    ]
    strategic_names = [
        "{m} Strategic Job Search Roundtable",
        "{m} Search Mastermind",
        "{m} Tuesday Morning Roundtable",
        "{m} Accountability Roundtable",
        "{m} Job Search Roundtable",
    ]
    support_names = [
        "{m} Job Seekers Support Circle",
        "Steady Ground {m}",
        "{m} Transitions Circle",
        "{m} Between Jobs Circle",
        "{m} Search Support Group",
    ]
    speaker_topics = [
        "LinkedIn",
        "Resume",
        "Networking",
        "Interviewing",
        "Salary negotiation",
        "Personal branding",
        "Informational interviews",
    ]
    specs: list[GroupSpec] = []
    for i, (metro, meets, places) in enumerate(METROS):
        boston = metro == "Boston"
        specs.append(
            GroupSpec(
                name=speakers_names[i % 5].format(m=metro),
                kind=Kind.SPEAKERS,
                format=Format.HYBRID if i % 3 == 0 else Format.IN_PERSON,
                place=meets,
                audience=rng.choice(["general", "general", "under30", "changers", "tech"]) if not boston else "general",
                join_policy=JoinPolicy.OPEN,
                visibility=GroupVisibility.LISTED,
                topics=tuple(rng.sample(speaker_topics, 3)),
                size=rng.randint(12, 20),
            )
        )
        strategic_audience = rng.choice(["general", "executives", "changers", "tech", "fifty"])
        specs.append(
            GroupSpec(
                name=(strategic_names[0] if boston else strategic_names[i % 5]).format(m=metro),
                kind=Kind.STRATEGIC,
                format=Format.IN_PERSON if i % 4 else Format.HYBRID,
                place=places[1] if not boston else "Boston, MA",
                audience="general" if boston else strategic_audience,
                join_policy=JoinPolicy.APPROVAL if boston or rng.random() < 0.7 else JoinPolicy.OPEN,
                visibility=GroupVisibility.UNLISTED if i in (3, 7) else GroupVisibility.LISTED,
                topics=(
                    "Job search strategy",
                    "Accountability",
                    *rng.sample(["Networking", "Interviewing", "Resume"], 1),
                ),
                size=13 if boston else rng.randint(6, 10),
                owner="facilitator" if boston else "",
                keep_pending=3 if boston else None,
                forced_states=boston,
            )
        )
        specs.append(
            GroupSpec(
                name=support_names[0 if boston else i % 5].format(m=metro),
                kind=Kind.SUPPORT,
                format=Format.IN_PERSON,
                place=places[0],
                audience="general" if boston else rng.choice(["general", "general", "lgbtq", "parents", "fifty"]),
                join_policy=JoinPolicy.OPEN if boston or rng.random() < 0.6 else JoinPolicy.APPROVAL,
                visibility=GroupVisibility.UNLISTED if i == 5 else GroupVisibility.LISTED,
                topics=("Wellbeing", *rng.sample(["Accountability", "Career change", "Job search strategy"], 1)),
                size=rng.randint(5, 9),
            )
        )
    listed, virtual, hybrid = GroupVisibility.LISTED, Format.VIRTUAL, Format.HYBRID
    specs += [
        GroupSpec(
            "Career Changers Speaker Night",
            Kind.SPEAKERS,
            hybrid,
            "02139",
            "changers",
            JoinPolicy.OPEN,
            listed,
            ("Career change", "Networking", "Personal branding", "Informational interviews"),
            22,
            owner="facilitator",
        ),
        GroupSpec(
            "Out & Hired: LGBTQ+ Job Seekers Circle",
            Kind.SUPPORT,
            virtual,
            "",
            "lgbtq",
            JoinPolicy.APPROVAL,
            listed,
            ("Wellbeing", "Networking"),
            12,
        ),
        GroupSpec(
            "Veterans Transition Roundtable",
            Kind.STRATEGIC,
            virtual,
            "",
            "veterans",
            JoinPolicy.APPROVAL,
            listed,
            ("Resume", "Career change", "Interviewing"),
            9,
        ),
        GroupSpec(
            "Executive Search Roundtable",
            Kind.STRATEGIC,
            virtual,
            "",
            "executives",
            JoinPolicy.APPROVAL,
            listed,
            ("Executive search", "Networking", "Salary negotiation"),
            8,
        ),
        GroupSpec(
            "Launchpad: Careers Under 30",
            Kind.SPEAKERS,
            virtual,
            "",
            "under30",
            JoinPolicy.OPEN,
            listed,
            ("LinkedIn", "Resume", "Interviewing"),
            20,
        ),
        GroupSpec(
            "Fifty and Forward",
            Kind.SUPPORT,
            virtual,
            "",
            "fifty",
            JoinPolicy.OPEN,
            listed,
            ("Wellbeing", "Career change"),
            10,
        ),
        GroupSpec(
            "Back to Work Parents Circle",
            Kind.SUPPORT,
            virtual,
            "",
            "parents",
            JoinPolicy.INVITE,
            GroupVisibility.UNLISTED,
            ("Wellbeing", "Resume"),
            7,
        ),
        GroupSpec(
            "LinkedIn Lab",
            Kind.SPEAKERS,
            virtual,
            "",
            "general",
            JoinPolicy.OPEN,
            listed,
            ("LinkedIn", "Personal branding", "Networking"),
            25,
        ),
        GroupSpec(
            "Salary Negotiation Practice Roundtable",
            Kind.STRATEGIC,
            virtual,
            "",
            "general",
            JoinPolicy.APPROVAL,
            listed,
            ("Salary negotiation", "Interviewing"),
            8,
        ),
        GroupSpec(
            "Laid-Off in Tech Support Circle",
            Kind.SUPPORT,
            virtual,
            "",
            "tech",
            JoinPolicy.OPEN,
            listed,
            ("Wellbeing", "Tech careers"),
            12,
        ),
        GroupSpec(
            "Women in Leadership Search Circle",
            Kind.STRATEGIC,
            virtual,
            "",
            "women",
            JoinPolicy.INVITE,
            GroupVisibility.SECRET,
            ("Executive search", "Networking"),
            7,
        ),
        GroupSpec(
            "Board-Ready Executives Roundtable",
            Kind.STRATEGIC,
            virtual,
            "",
            "executives",
            JoinPolicy.INVITE,
            GroupVisibility.SECRET,
            ("Executive search", "Personal branding"),
            6,
        ),
        GroupSpec(
            "Interview Practice Hour",
            Kind.STRATEGIC,
            virtual,
            "",
            "general",
            JoinPolicy.OPEN,
            listed,
            ("Interviewing",),
            10,
        ),
        GroupSpec(
            "Resume Clinic Live",
            Kind.SPEAKERS,
            virtual,
            "",
            "general",
            JoinPolicy.OPEN,
            listed,
            ("Resume", "LinkedIn"),
            18,
        ),
        GroupSpec(
            "Freelance Bridge Roundtable",
            Kind.STRATEGIC,
            hybrid,
            "78704",
            "general",
            JoinPolicy.APPROVAL,
            listed,
            ("Freelance and consulting", "Networking"),
            8,
        ),
    ]
    return specs


def _description(spec: GroupSpec, audience: Audience, metro: str) -> str:
    template = TEMPLATES[spec.kind]
    wheres: dict[str, str] = {
        Format.VIRTUAL: "We meet online; the video link is on each meeting page.",
        Format.HYBRID: f"We meet in person in {metro} and online at the same time; pick whichever suits you.",
        Format.IN_PERSON: f"We meet in person in {metro}.",
    }
    where = wheres[spec.format]
    runs_by_kind: dict[str, list[str]] = {
        Kind.SPEAKERS: [
            "**30 minutes** of open networking: bring your 30-second introduction",
            "**45 minutes** with a guest speaker on one part of the search",
            "**15 minutes** of questions and announcements, including who has landed",
        ],
        Kind.STRATEGIC: [
            "Each member gets a **timed turn**: status, then the challenge holding you back",
            "The group **brainstorms** suggestions for that challenge",
            "You leave with a **commitment** we will ask about next time",
        ],
        Kind.SUPPORT: [
            "A short check-in round: how the search *feels* this week",
            "Open sharing, facilitated so that everyone who wants to speak can",
            "We close with one small, kind thing each of us will do before next time",
        ],
    }
    runs = runs_by_kind[spec.kind]
    lines = [template.description, "", audience.blurb, "", "### How a meeting runs", ""]
    lines += [f"- {item}" for item in runs]
    lines += ["", "### Good to know", "", f"- {where}", f"- Topics we come back to: {', '.join(spec.topics)}."]
    if spec.join_policy == JoinPolicy.APPROVAL:
        lines.append("- New members answer one short question so we can keep the group a good fit.")
    elif spec.join_policy == JoinPolicy.INVITE:
        lines.append("- Membership is by invitation from a facilitator.")
    return "\n".join(lines)


def _answer(rng: random.Random, profile: Profile, audience_key: str) -> str:
    if profile.search_status == SearchStatus.HELPING:
        return "I coach job seekers and would like to sit in and help where I can."
    role = profile.target_roles.split(",")[0]
    months = rng.randint(1, 11)
    if audience_key == "veterans":
        branch = rng.choice(["Army", "Navy", "Air Force", "Marine Corps"])
        return f"{branch}, {rng.randint(4, 20)} years. Aiming for {role}."
    if audience_key == "executives":
        return f"Most recently {profile.headline.split('|')[0].strip()}; targeting {role} or a VP-level role."
    worry = rng.choice(
        [
            "Networking is my weak spot.",
            "I get interviews but no offers.",
            "I need structure and accountability.",
            "I want to hear how others are doing it.",
        ]
    )
    plural = "s" if months > 1 else ""
    return f"I'm looking for {lower_first(role)} roles and have been searching for {months} month{plural}. {worry}"


def create_groups(rng: random.Random, loaded: Loaded, specs: list[GroupSpec]) -> None:
    facilitator = loaded.users[FACILITATOR_EMAIL]
    metro_names = [m[0] for m in METROS]
    for spec in specs:
        metro = next((m for m in metro_names if spec.name.startswith(m) or spec.name.endswith(m)), "")
        if spec.owner == "facilitator":
            owner = facilitator
        else:
            pool = [c for c in loaded.coaches if not metro or loaded.metro_of[c.pk] == metro]
            owner = rng.choice(pool)
        audience = AUDIENCES[spec.audience]
        template = TEMPLATES[spec.kind]
        data = services.GroupData(
            name=spec.name,
            kind=spec.kind,
            format=spec.format,
            description=_description(spec, audience, metro or (place_of(spec.place).label if spec.place else "")),
            purpose=template.purpose,
            ground_rules=template.ground_rules,
            meeting_minutes=template.meeting_minutes,
            location_text=spec.place,
            venue=rng.choice(VENUES) if spec.format != Format.VIRTUAL else "",
            audience=audience.label,
            eligibility=audience.eligibility,
            join_policy=spec.join_policy,
            eligibility_question=audience.question if spec.join_policy == JoinPolicy.APPROVAL else "",
            visibility=spec.visibility,
            topics=spec.topics,
        )
        group = services.group_create(creator=owner, data=data)
        loaded.groups[spec.name] = group
        loaded.owner_of[group.pk] = owner


def _join(rng: random.Random, loaded: Loaded, group: Group, user: User, audience_key: str) -> Membership:
    invite = None
    if group.join_policy == JoinPolicy.INVITE:
        invite = loaded.invites.get(group.pk)
        if invite is None:
            invite, _token = services.invite_create(
                group=group, by=loaded.owner_of[group.pk], days=30, note="Shared at the last meeting"
            )
            loaded.invites[group.pk] = invite
    answer = _answer(rng, user.profile, audience_key) if group.join_policy == JoinPolicy.APPROVAL else ""
    # Demo people read and accept each group's ground rules, as the join form asks.
    return services.membership_join(group=group, user=user, answer=answer, invite=invite, accept_rules=True)


def populate(rng: random.Random, loaded: Loaded, specs: list[GroupSpec]) -> None:
    special = {loaded.users[MEMBER_EMAIL].pk, loaded.users[FACILITATOR_EMAIL].pk}
    everyone = [*loaded.coaches, *loaded.people]
    profiles = {p.user_id: p for p in Profile.objects.filter(user__in=everyone)}
    for user in everyone:
        user.profile = profiles[user.pk]
    for spec in specs:
        group = loaded.groups[spec.name]
        owner = loaded.owner_of[group.pk]
        metro = next((m[0] for m in METROS if m[0] in spec.name), "")
        candidates = [u for u in loaded.people if u.pk not in special]
        if spec.format != Format.VIRTUAL and metro:
            local = [u for u in candidates if loaded.metro_of[u.pk] == metro]
            others = [u for u in candidates if loaded.metro_of[u.pk] != metro]
            share = 0.75 if spec.format == Format.IN_PERSON else 0.5
            n_local = min(len(local), round(spec.size * share))
            chosen = rng.sample(local, n_local) + rng.sample(others, spec.size - n_local)
        else:
            chosen = rng.sample(candidates, spec.size)
        # Now and then a coach sits in on a group they do not run.
        if rng.random() < 0.3:
            chosen.append(rng.choice([c for c in loaded.coaches if c.pk != owner.pk]))
        memberships = [_join(rng, loaded, group, user, spec.audience) for user in chosen]

        if spec.join_policy == JoinPolicy.APPROVAL:
            keep = spec.keep_pending if spec.keep_pending is not None else rng.randint(0, 2)
            to_decide = memberships[: len(memberships) - keep] if keep else memberships
            for i, m in enumerate(to_decide):
                approve = not (spec.forced_states and i == 0) and rng.random() < 0.88
                services.membership_decide(membership=m, by=owner, approve=approve)
        active = list(
            Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
            .exclude(user=owner)
            .select_related("user")
            .order_by("id")
        )
        if active and (spec.kind != Kind.SPEAKERS or rng.random() < 0.5) and rng.random() < 0.45:
            services.membership_set_role(membership=active.pop(0), by=owner, role=MembershipRole.FACILITATOR)
        # Churn: people leave, and now and then a facilitator has to remove or ban someone.
        if spec.forced_states:
            leaver, removed, banned = active[:3]
            services.membership_leave(group=group, user=leaver.user)
            services.membership_remove(membership=removed, by=owner, ban=False)
            services.membership_remove(membership=banned, by=owner, ban=True)
            continue
        for m in active:
            roll = rng.random()
            if roll < 0.07:
                services.membership_leave(group=group, user=m.user)
            elif roll < 0.09:
                services.membership_remove(membership=m, by=owner, ban=False)
            elif roll < 0.097:
                services.membership_remove(membership=m, by=owner, ban=True)


def special_memberships(rng: random.Random, loaded: Loaded) -> None:
    member = loaded.users[MEMBER_EMAIL]
    facilitator = loaded.users[FACILITATOR_EMAIL]
    member.profile = Profile.objects.get(user=member)
    facilitator.profile = Profile.objects.get(user=facilitator)
    g = loaded.groups

    def join_active(group: Group, user: User) -> Membership:
        m = _join(rng, loaded, group, user, "general")
        if m.state == MembershipState.PENDING:
            m = services.membership_decide(membership=m, by=loaded.owner_of[group.pk], approve=True)
        return m

    # The facilitator co-facilitates the Boston support circle.
    support = g["Boston Job Seekers Support Circle"]
    m = join_active(support, facilitator)
    services.membership_set_role(membership=m, by=loaded.owner_of[support.pk], role=MembershipRole.FACILITATOR)
    # The member: active in several groups, one request waiting, one group left.
    for name in (
        "Boston Job Seekers Speaker Series",
        "Career Changers Speaker Night",
        "LinkedIn Lab",
        "Boston Job Seekers Support Circle",
    ):
        join_active(g[name], member)
    strategic = g["Boston Strategic Job Search Roundtable"]
    m = services.membership_join(
        group=strategic,
        user=member,
        answer="Product manager roles in health tech; I get first interviews but stall at the final round.",
        accept_rules=True,
    )
    services.membership_decide(membership=m, by=facilitator, approve=True)
    services.membership_join(
        group=g["Salary Negotiation Practice Roundtable"],
        user=member,
        answer="I expect an offer within a month and have never negotiated one.",
        accept_rules=True,
    )
    laid_off = g["Laid-Off in Tech Support Circle"]
    join_active(laid_off, member)
    services.membership_leave(group=laid_off, user=member)


def backdate(rng: random.Random, loaded: Loaded) -> None:
    """Spread creation and decision times over the past months, so lists and sorts look lived-in."""
    now = timezone.now()
    groups = list(loaded.groups.values())
    for group in groups:
        group.created_at = now - timedelta(days=rng.randint(45, 540), minutes=rng.randint(0, 1440))
    Group.objects.bulk_update(groups, ["created_at"])
    created = {g.pk: g.created_at for g in groups}
    owners = {g.pk: loaded.owner_of[g.pk].pk for g in groups}
    memberships = list(Membership.objects.filter(group__in=groups).order_by("id"))
    first_seen: dict[int, Any] = {}
    for m in memberships:
        start = created[m.group_id]
        if m.user_id == owners[m.group_id]:
            m.created_at = start
        elif m.state == MembershipState.PENDING:
            m.created_at = now - timedelta(days=rng.randint(1, 12), minutes=rng.randint(0, 1440))
        else:
            span = (now - start - timedelta(days=14)).total_seconds()
            m.created_at = start + timedelta(seconds=rng.random() * span)
        if m.state == MembershipState.PENDING:
            m.decided_at = None
        elif m.state in (MembershipState.ACTIVE, MembershipState.DECLINED) and m.decided_by_id:
            m.decided_at = m.created_at + timedelta(days=rng.randint(1, 4))
        elif m.state == MembershipState.ACTIVE:
            m.decided_at = m.created_at
        else:
            m.decided_at = m.created_at + timedelta(days=rng.randint(7, 13))
        first_seen[m.user_id] = min(first_seen.get(m.user_id, m.created_at), m.created_at)
    Membership.objects.bulk_update(memberships, ["created_at", "decided_at"], batch_size=500)
    users = list(loaded.users.values())
    for user in users:
        user.date_joined = first_seen.get(user.pk, now - timedelta(days=30)) - timedelta(days=rng.randint(1, 20))
    User.objects.bulk_update(users, ["date_joined"], batch_size=500)
    joined = {u.pk: u.date_joined for u in users}
    profiles = list(Profile.objects.filter(user__in=users))
    for profile in profiles:
        profile.created_at = joined[profile.user_id]
    Profile.objects.bulk_update(profiles, ["created_at"], batch_size=500)


@contextmanager
def quiet_notifications() -> Iterator[None]:
    """Don't queue emails about requests that are part of the demo's history."""
    saved = notifications.request_received, notifications.request_decided

    def nothing(**_kwargs: Any) -> None:
        return None

    notifications.request_received = notifications.request_decided = nothing  # type: ignore[assignment]
    try:
        yield
    finally:
        notifications.request_received, notifications.request_decided = saved  # type: ignore[assignment]
