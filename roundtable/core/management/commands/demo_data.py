"""Load a believable demo: people with profiles, groups of every kind, memberships in every state.

`manage.py demo_data --if-empty` is what `make run` calls: it loads nothing when any group
already exists or when ROUNDTABLE_DEMO_DATA is off. The same --seed always gives the same
people, groups and memberships; everything is written in one transaction.

Groups and memberships go through the group services, so slugs, search text, member
counts and the rules (approval questions, invites for secret groups) are the product's
own. People are bulk-created sharing one password hash: hashing 150 passwords with
Argon2 would take longer than the rest of the load put together.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import PRIVATE_FIELDS, Profile, SearchStatus, User, Visibility
from roundtable.core.demo import DEMO_DOMAIN, DEMO_PASSWORD
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
    Topic,
)
from roundtable.groups.places import Place, resolve
from roundtable.groups.templates_of_kind import TEMPLATES

MEMBER_EMAIL = f"member@{DEMO_DOMAIN}"
FACILITATOR_EMAIL = f"facilitator@{DEMO_DOMAIN}"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
PEOPLE = 150  # besides the three well-known logins
COACHES_PER_METRO = 3

TOPICS = [
    "LinkedIn",
    "Resume",
    "Networking",
    "Interviewing",
    "Salary negotiation",
    "Career change",
    "Personal branding",
    "Job search strategy",
    "Informational interviews",
    "Wellbeing",
    "Executive search",
    "Freelance and consulting",
    "Tech careers",
    "Accountability",
]

# (name used in group names, where its groups meet, where its people live)
METROS: list[tuple[str, str, list[str]]] = [
    ("Boston", "Boston, MA", ["Boston, MA", "02139", "02116", "Somerville, MA", "Newton, MA"]),
    ("New York", "10001", ["New York City, NY", "10001", "11211", "Hoboken, NJ", "Jersey City, NJ"]),
    ("Chicago", "Chicago, IL", ["Chicago, IL", "60614", "60601", "Evanston, IL", "Oak Park, IL"]),
    ("Austin", "Austin, TX", ["Austin, TX", "78701", "78704", "Round Rock, TX"]),
    ("Denver", "80202", ["Denver, CO", "80202", "Aurora, CO", "Lakewood, CO", "80302"]),
    ("Seattle", "Seattle, WA", ["Seattle, WA", "98101", "98103", "Bellevue, WA", "Redmond, WA"]),
    ("Atlanta", "Atlanta, GA", ["Atlanta, GA", "30309", "30303", "Decatur, GA", "Marietta, GA"]),
    ("San Francisco", "94103", ["San Francisco, CA", "94103", "94110", "Oakland, CA", "Berkeley, CA"]),
    ("Minneapolis", "Minneapolis, MN", ["Minneapolis, MN", "55401", "55403", "Saint Paul, MN", "Bloomington, MN"]),
    ("Raleigh", "Raleigh, NC", ["Raleigh, NC", "27601", "Durham, NC", "Cary, NC", "Chapel Hill, NC"]),
]

FIRST_NAMES = (  # noqa: SIM905 - a word list reads better as one string
    "Aisha Alex Amara Andre Ana Ben Bianca Carlos Chen Chloe Daniel Dana Deepa Diego Elena Eli Fatima "
    "Gabe Grace Hana Hector Imani Isaac Jamal Jess Jin Jordan Julia Kai Kavya Kenji Lena Leo Luis Maya "
    "Marcus Mei Nadia Noah Nora Omar Priya Quinn Rafael Rosa Sam Sara Tariq Tessa Theo Uma Victor Wei "
    "Yara Zoe"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads better as one string
    "Abbott Adeyemi Alvarez Bennett Brooks Castillo Chen Cohen Daniels Das Edwards Ferreira Fischer "
    "Garcia Gupta Hall Hernandez Ibrahim Jackson Johansson Kim Kowalski Lee Lopez Martin Mensah Morales "
    "Nakamura Nguyen Novak O'Brien Okafor Patel Petrov Quinn Ramirez Reed Rossi Sato Schmidt Shah Silva "
    "Singh Sullivan Tanaka Thompson Torres Walsh Washington Williams Wright Yilmaz Young Zhang"
).split()

COMPANIES = [
    "Northwind Health",
    "Brightline Software",
    "Harbor Bank",
    "Cobalt Logistics",
    "Summit Analytics",
    "Juniper Retail",
    "Atlas Biotech",
    "Cedar Insurance",
    "Bluebird Media",
    "Lumen Energy",
    "Keystone Manufacturing",
    "Pioneer Learning",
    "Redwood Consulting",
    "Meridian Hospital",
    "Tidewater Foods",
    "Granite Capital",
]


@dataclass(frozen=True)
class Track:
    roles: tuple[str, ...]
    industries: tuple[str, ...]
    expertise: tuple[str, ...]
    strengths: tuple[str, ...]
    achievements: tuple[str, ...]


TRACKS: list[Track] = [
    Track(
        ("Senior software engineer", "Engineering manager", "Backend developer", "Staff engineer"),
        ("Software", "Fintech", "Health tech", "E-commerce"),
        ("Python", "Distributed systems", "Cloud infrastructure", "Mentoring engineers", "APIs"),
        ("untangling legacy systems", "shipping reliable services", "growing junior engineers"),
        ("led the rewrite of a payments platform", "cut cloud costs by a third", "built a team from four to twelve"),
    ),
    Track(
        ("Product manager", "Senior product manager", "Director of product"),
        ("SaaS", "Consumer tech", "Health tech", "Education technology"),
        ("Product discovery", "Roadmaps", "B2B pricing", "User research", "Launches"),
        ("turning messy customer feedback into clear roadmaps", "getting engineering and sales to agree"),
        ("launched a product line that reached a million users", "doubled trial-to-paid conversion"),
    ),
    Track(
        ("Marketing manager", "Content strategist", "Brand director", "Growth marketer"),
        ("Consumer goods", "Media", "Software", "Nonprofit"),
        ("Content strategy", "Brand", "Lifecycle email", "SEO", "Campaign analytics"),
        ("telling a clear story about a complicated product", "running campaigns on small budgets"),
        ("rebuilt a brand after a merger", "grew organic traffic fourfold in two years"),
    ),
    Track(
        ("Financial analyst", "FP&A manager", "Controller", "Finance director"),
        ("Banking", "Insurance", "Manufacturing", "Real estate"),
        ("Forecasting", "Month-end close", "Excel modelling", "Audit readiness", "Board reporting"),
        ("making the numbers make sense to non-finance leaders", "clean, fast month-end closes"),
        ("shortened the monthly close from ten days to four", "built the first three-year forecast"),
    ),
    Track(
        ("Nurse manager", "Clinical operations lead", "Healthcare administrator"),
        ("Hospitals", "Health insurance", "Home care", "Public health"),
        ("Patient flow", "Staff scheduling", "Quality improvement", "Compliance", "EHR rollouts"),
        ("calm leadership in busy units", "improving patient experience scores"),
        ("led a hospital-wide electronic records rollout", "reduced emergency wait times by 20 percent"),
    ),
    Track(
        ("HR business partner", "Talent acquisition lead", "People operations manager"),
        ("Software", "Retail", "Healthcare", "Professional services"),
        ("Recruiting", "Employee relations", "Onboarding", "HR systems", "Compensation"),
        ("hiring well under pressure", "building fair, simple people processes"),
        ("hired two hundred people in a year", "rolled out a new performance review cycle"),
    ),
    Track(
        ("Operations manager", "Supply chain analyst", "Program manager"),
        ("Logistics", "Manufacturing", "Retail", "Food and beverage"),
        ("Lean", "Vendor management", "Process design", "Inventory planning", "Project management"),
        ("bringing order to chaotic operations", "keeping cross-functional programs on schedule"),
        ("cut shipping errors in half", "opened two new distribution centers on time"),
    ),
    Track(
        ("Account executive", "Sales director", "Customer success manager"),
        ("Software", "Medical devices", "Telecommunications", "Advertising"),
        ("Enterprise sales", "Account management", "Negotiation", "Pipeline building", "Renewals"),
        ("building long relationships with demanding customers", "opening new territories"),
        ("closed the largest deal in company history", "raised renewal rates to 95 percent"),
    ),
    Track(
        ("UX designer", "UX researcher", "Design lead"),
        ("Software", "Financial services", "Public sector", "Health tech"),
        ("Interaction design", "Usability testing", "Design systems", "Accessibility", "Prototyping"),
        ("making complex tools feel simple", "bringing real users into every decision"),
        ("redesigned an onboarding flow that halved support calls", "built a design system from scratch"),
    ),
    Track(
        ("Data analyst", "Data scientist", "Analytics manager"),
        ("Retail", "Healthcare", "Software", "Sports and media"),
        ("SQL", "Dashboards", "Experimentation", "Machine learning", "Data storytelling"),
        ("answering business questions with plain numbers", "setting up experiments people trust"),
        ("built the forecasting model the company still uses", "moved reporting from spreadsheets to dashboards"),
    ),
    Track(
        ("Development director", "Program director", "Grant writer"),
        ("Nonprofit", "Education", "Arts and culture", "Public health"),
        ("Fundraising", "Grant writing", "Program evaluation", "Board relations", "Volunteer management"),
        ("raising money for causes people care about", "running programs on tight budgets"),
        ("grew annual giving by 40 percent", "won a multi-year federal grant"),
    ),
]

COACH_ROLES = ("Career coach", "Executive recruiter", "Outplacement consultant", "HR leader and volunteer coach")
COACH_STRENGTHS = (
    "job search strategy, LinkedIn and interview practice",
    "resumes that get read and interviews that land offers",
    "networking for people who hate networking",
    "salary negotiation and weighing offers",
)
COACH_AUDIENCES = (
    "mid-career professionals changing direction",
    "people coming back after a layoff",
    "executives between roles",
    "early-career people in their first real search",
)


@dataclass(frozen=True)
class Audience:
    label: str
    eligibility: str
    question: str
    blurb: str


AUDIENCES: dict[str, Audience] = {
    "general": Audience(
        "",
        "",
        "What role are you looking for, and what is holding your search back right now?",
        "Anyone looking for work, or planning a move, is welcome.",
    ),
    "under30": Audience(
        "Professionals under 30",
        "Early-career professionals, roughly under 30, in their first or second search",
        "Where are you in your career, and what would you like help with first?",
        "Built for people early in their careers who are still working out where they fit.",
    ),
    "lgbtq": Audience(
        "LGBTQ+ community and allies",
        "LGBTQ+ job seekers and allies",
        "What would you like this group to give you?",
        "A space for LGBTQ+ job seekers and allies, where you never have to explain yourself.",
    ),
    "veterans": Audience(
        "Veterans",
        "Veterans, transitioning service members and military spouses",
        "Which branch did you serve in, and what civilian role are you aiming for?",
        "For veterans and military families translating service into a civilian career.",
    ),
    "executives": Audience(
        "Executives",
        "Director level and above, or founders",
        "What was your most recent title, and what level of role are you targeting?",
        "For directors, vice presidents, C-level leaders and founders between roles.",
    ),
    "changers": Audience(
        "Career changers",
        "Anyone moving to a new field or function",
        "What field are you leaving, and which one are you moving into?",
        "For people moving into a new field who need a story, a network and a plan.",
    ),
    "fifty": Audience(
        "Professionals 50+",
        "Experienced professionals with 20+ years of work behind them",
        "What kind of role are you looking for next?",
        "For experienced professionals who want to be judged on what they can do.",
    ),
    "tech": Audience(
        "Tech workers",
        "Engineers, designers, product and data people",
        "What is your role, and what happened with your last job?",
        "For engineers, designers, product and data people after a layoff.",
    ),
    "women": Audience(
        "Women in leadership",
        "Women in or aiming for senior leadership roles",
        "What leadership role are you aiming for?",
        "For women in, or on the way to, senior leadership.",
    ),
    "parents": Audience(
        "Parents returning to work",
        "Parents and caregivers coming back after a career break",
        "How long has your break been, and what would you like to do next?",
        "For parents and caregivers returning after time away.",
    ),
}

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


@dataclass
class Loaded:
    users: dict[str, User] = field(default_factory=dict)
    coaches: list[User] = field(default_factory=list)
    people: list[User] = field(default_factory=list)
    metro_of: dict[int, str] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    owner_of: dict[int, User] = field(default_factory=dict)
    invites: dict[int, Any] = field(default_factory=dict)


def _place(text: str) -> Place:
    place = resolve(text)
    if place is None:  # pragma: no cover - the lists above are checked by the tests
        raise CommandError(f"Demo data names a place the gazetteer does not know: {text!r}")
    return place


def _fit_pitch(required: list[str], optional: list[str]) -> str:
    """Join sentences into a 30-second pitch of 50 to 80 words."""
    sentences = list(required)
    for extra in optional:
        if len(" ".join(sentences).split()) >= 50:
            break
        sentences.append(extra)
    while len(" ".join(sentences).split()) > 80 and len(sentences) > 2:
        sentences.pop(-2)
    return " ".join(sentences)


def _lower_first(text: str) -> str:
    """'Senior product manager' -> 'senior product manager'; 'UX designer' and 'SaaS' stay."""
    return text if any(c.isupper() for c in text[1:]) else text[:1].lower() + text[1:]


def _a(text: str) -> str:
    return f"{'an' if text[:1].lower() in 'aeiou' or text.startswith(('HR', 'FP')) else 'a'} {text}"


def _visibility(rng: random.Random) -> dict[str, str]:
    persona = rng.choices(["default", "open", "cautious", "mixed"], weights=[35, 20, 15, 30])[0]
    if persona == "default":
        return {}
    if persona == "open":
        return dict.fromkeys(PRIVATE_FIELDS, Visibility.EVERYONE.value)
    if persona == "cautious":
        return {
            "location": Visibility.ONLY_ME.value,
            "search_status": Visibility.ONLY_ME.value,
            "can_introduce": Visibility.ONLY_ME.value,
            "pitch": Visibility.MEMBERS.value,
            "headline": Visibility.MEMBERS.value,
        }
    choices = [Visibility.EVERYONE.value, Visibility.MEMBERS.value, Visibility.ONLY_ME.value]
    return {name: rng.choices(choices, weights=[45, 40, 15])[0] for name in PRIVATE_FIELDS}


def _profile_fields(rng: random.Random, first: str, metro: str, coach: bool, status: str) -> dict[str, Any]:
    track = rng.choice(TRACKS)
    role = rng.choice(track.roles)
    industries = rng.sample(track.industries, 2)
    expertise = rng.sample(track.expertise, 3)
    companies = rng.sample(COMPANIES, 2)
    years = rng.randint(3, 25)
    if coach:
        coach_role = rng.choice(COACH_ROLES)
        strength = rng.choice(COACH_STRENGTHS)
        pitch = _fit_pitch(
            [
                f"Hi, I'm {first}. I've spent {years} years as {_a(_lower_first(coach_role))}, and for the last "
                f"few I have facilitated job-seeker groups around {metro}.",
                f"I help people with {strength}.",
                f"Most of the people I work with are {rng.choice(COACH_AUDIENCES)}.",
                f"If you're stuck, bring your challenge to a meeting: the room usually has an answer, and I'm "
                f"happy to introduce you to recruiters and hiring managers at {companies[0]} and {companies[1]}.",
            ],
            ["Thanks for listening; I'm always glad to return a favor."],
        )
        return {
            "headline": f"{coach_role} | {strength[:1].upper()}{strength[1:]}"[:140],
            "search_status": SearchStatus.HELPING,
            "target_roles": "",
            "industries": ", ".join(industries),
            "expertise": "Job search strategy, Interviewing, LinkedIn, Networking",
            "can_introduce": ", ".join([*companies, "local recruiters"]),
            "pitch": pitch,
        }
    target = rng.choice([r for r in track.roles if r != role])
    company = rng.choice(COMPANIES)
    strength = rng.choice(track.strengths)
    achievement = rng.choice(track.achievements)
    if status == SearchStatus.LANDED:
        months = rng.randint(3, 14)
        headline = f"{target} at {company} (landed after {months} months)"
        pitch = _fit_pitch(
            [
                f"Hi, I'm {first}. After {months} months of searching I landed {_a(_lower_first(target))} role at "
                f"{company}, and the people in these groups were a big part of it.",
                f"Before that I spent {years} years in {_lower_first(industries[0])} as {_a(_lower_first(role))}.",
                f"I'm glad to share what worked for me, especially {strength}.",
                f"Ask me about {_lower_first(rng.choice(TOPICS))}, or for an introduction at {companies[0]}.",
            ],
            ["Paying it forward is the least I can do."],
        )
    else:
        headline = rng.choice(
            [
                f"{role} | {', '.join(expertise[:2])}",
                f"{role} looking for my next role in {_lower_first(industries[0])}",
                f"{role}, open to {_lower_first(target)} roles",
            ]
        )
        pitch = _fit_pitch(
            [
                f"Hi, I'm {first}. I'm {_a(_lower_first(role))} with {years} years in {_lower_first(industries[0])}, "
                f"most recently at {company}.",
                f"People come to me for {strength}.",
                f"In my last role I {achievement}.",
                f"I'm now looking for {_a(_lower_first(target))} role in {_lower_first(industries[1])}, "
                f"ideally {rng.choice(['close to home', 'hybrid', 'remote-first', 'at a mid-sized company'])}.",
            ],
            [
                f"I'd welcome introductions to people at {companies[0]} or {companies[1]}, or to anyone who "
                "has made a similar move.",
                "Thanks for listening; I'm always glad to return a favor.",
            ],
        )
    return {
        "headline": headline[:140],
        "search_status": status,
        "target_roles": ", ".join(dict.fromkeys([target, rng.choice(track.roles)])),  # one or two
        "industries": ", ".join(industries),
        "expertise": ", ".join(expertise),
        "can_introduce": ", ".join(companies) if rng.random() < 0.7 else "",
        "pitch": pitch,
    }


def _create_people(rng: random.Random, topics: list[Topic], password_hash: str) -> Loaded:
    out = Loaded()
    names = [(f, la) for f in FIRST_NAMES for la in LAST_NAMES]
    rng.shuffle(names)
    rows: list[tuple[User, dict[str, Any]]] = []

    def add(
        email: str,
        first: str,
        last: str,
        location: str,
        coach: bool,
        status: str,
        metro: str,
        visibility: dict[str, str] | None = None,
        **user_extra: Any,
    ) -> None:
        if user_extra.get("is_superuser"):
            fields: dict[str, Any] = {"headline": "Runs this Roundtable site", "search_status": status}
        else:
            fields = _profile_fields(rng, first, metro, coach, status)
        place = _place(location) if location else None
        fields.update(
            display_name=f"{first} {last}",
            location_text=location,
            location_label=place.label if place else "",
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
            time_zone=(place.time_zone if place else "") or "America/New_York",
            visibility=_visibility(rng) if visibility is None else visibility,
        )
        user = User(email=email, password=password_hash, first_name=first, last_name=last, **user_extra)
        rows.append((user, fields))

    add(
        MEMBER_EMAIL,
        "Maya",
        "Thompson",
        "02139",
        False,
        SearchStatus.SEARCHING,
        "Boston",
        visibility={"location": Visibility.MEMBERS.value, "pitch": Visibility.EVERYONE.value},
    )
    add(
        FACILITATOR_EMAIL,
        "Daniel",
        "Reyes",
        "Boston, MA",
        True,
        SearchStatus.HELPING,
        "Boston",
        visibility=dict.fromkeys(PRIVATE_FIELDS, Visibility.EVERYONE.value),
    )
    add(
        ADMIN_EMAIL,
        "Site",
        "Admin",
        "",
        False,
        SearchStatus.HELPING,
        "",
        visibility={},
        is_staff=True,
        is_superuser=True,
    )
    used: set[str] = set()
    for i in range(PEOPLE):
        first, last = names[i]
        metro, _, places = METROS[i % len(METROS)]
        local = f"{first}.{last}".lower().replace("'", "")
        email = f"{local}@{DEMO_DOMAIN}"
        if email in used:  # pragma: no cover - names are unique pairs
            email = f"{local}{i}@{DEMO_DOMAIN}"
        used.add(email)
        coach = i < COACHES_PER_METRO * len(METROS)
        status = rng.choices([SearchStatus.SEARCHING, SearchStatus.LANDED, SearchStatus.HELPING], weights=[72, 16, 12])[
            0
        ]
        location = "" if rng.random() < 0.05 else rng.choice(places)
        add(email, first, last, location, coach, SearchStatus.HELPING if coach else status, metro)

    users = User.objects.bulk_create([u for u, _ in rows])
    profiles = Profile.objects.bulk_create([Profile(user=u, **f) for u, (_, f) in zip(users, rows, strict=True)])
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users])
    through = Profile.interests.through
    links = []
    for profile in profiles:
        for topic in rng.sample(topics, rng.randint(2, 5)):
            links.append(through(profile_id=profile.pk, topic_id=topic.pk))
    through.objects.bulk_create(links)

    for index, user in enumerate(users):
        out.users[user.email] = user
        if index < 3:
            continue
        metro = METROS[(index - 3) % len(METROS)][0]
        out.metro_of[user.pk] = metro
        (out.coaches if index - 3 < COACHES_PER_METRO * len(METROS) else out.people).append(user)
    out.metro_of[out.users[MEMBER_EMAIL].pk] = "Boston"
    out.metro_of[out.users[FACILITATOR_EMAIL].pk] = "Boston"
    return out


def _group_specs(rng: random.Random) -> list[GroupSpec]:
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
    return f"I'm looking for {_lower_first(role)} roles and have been searching for {months} month{plural}. {worry}"


def _create_groups(rng: random.Random, loaded: Loaded, specs: list[GroupSpec]) -> None:
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
            description=_description(spec, audience, metro or (_place(spec.place).label if spec.place else "")),
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
    return services.membership_join(group=group, user=user, answer=answer, invite=invite)


def _populate(rng: random.Random, loaded: Loaded, specs: list[GroupSpec]) -> None:
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


def _special_memberships(rng: random.Random, loaded: Loaded) -> None:
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
    )
    services.membership_decide(membership=m, by=facilitator, approve=True)
    services.membership_join(
        group=g["Salary Negotiation Practice Roundtable"],
        user=member,
        answer="I expect an offer within a month and have never negotiated one.",
    )
    laid_off = g["Laid-Off in Tech Support Circle"]
    join_active(laid_off, member)
    services.membership_leave(group=laid_off, user=member)


def _backdate(rng: random.Random, loaded: Loaded) -> None:
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


def _schedule_meetings(rng: random.Random, loaded: Loaded) -> int:
    """A series for every group at its kind's usual rhythm, talks for speakers groups, and RSVPs."""
    from zoneinfo import ZoneInfo

    from roundtable.groups.models import Format, Kind, MembershipRole
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
        members = list(
            Membership.objects.filter(group=group, state=MembershipState.ACTIVE).values_list("user_id", flat=True)
        )
        for m in upcoming[:2]:
            for uid in rng.sample(members, k=min(len(members), rng.randint(3, 14))):
                meeting_services.rsvp_set(meeting=m, user=User(pk=uid), going=True, now=now)
        created += Meeting.objects.filter(series=first.series).count()
    return created


@contextmanager
def _quiet_notifications() -> Iterator[None]:
    """Don't queue emails about requests that are part of the demo's history."""
    saved = notifications.request_received, notifications.request_decided

    def nothing(**_kwargs: Any) -> None:
        return None

    notifications.request_received = notifications.request_decided = nothing  # type: ignore[assignment]
    try:
        yield
    finally:
        notifications.request_received, notifications.request_decided = saved  # type: ignore[assignment]


class Command(BaseCommand):
    help = "Load demo people, groups and memberships (deterministic; one transaction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when there are no groups yet and ROUNDTABLE_DEMO_DATA is on.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        # Production is never a demo: the shared published password and the demo superuser
        # exist only where the development key is in use (make run, tests, benchmarks).
        if settings.SECRET_KEY != settings.DEV_SECRET_KEY:
            raise CommandError(
                "Demo data loads only into a demo (make run, with the development key), never "
                "into a site with its own SECRET_KEY: it shares one published password."
            )
        if options["if_empty"]:
            if not settings.ROUNDTABLE_DEMO_DATA:
                self.stdout.write("Demo data is off (ROUNDTABLE_DEMO_DATA=false); starting empty.")
                return
            if Group.objects.exists():
                self.stdout.write("Groups already exist; demo data not loaded.")
                return
        if User.objects.filter(email=MEMBER_EMAIL).exists():
            raise CommandError("Demo data is already loaded (member@demo.roundtable exists).")
        started = time.monotonic()
        rng = random.Random(options["seed"])
        password_hash = make_password(DEMO_PASSWORD)
        with _quiet_notifications(), transaction.atomic():
            topics = services.topics_from_names(TOPICS[:12]) + services.topics_from_names(TOPICS[12:])
            loaded = _create_people(rng, topics, password_hash)
            specs = _group_specs(rng)
            _create_groups(rng, loaded, specs)
            _populate(rng, loaded, specs)
            _special_memberships(rng, loaded)
            _backdate(rng, loaded)
            meetings = _schedule_meetings(rng, loaded)
            missing = set(MembershipState.values) - set(Membership.objects.values_list("state", flat=True).distinct())
            if missing:  # pragma: no cover - guarded by the tests
                raise CommandError(f"Demo data lacks memberships in states: {sorted(missing)}")
        elapsed = time.monotonic() - started
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        n_members = Membership.objects.filter(group__in=loaded.groups.values()).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo data in {elapsed:.1f} s: {len(loaded.users)} people, {len(loaded.groups)} groups, "
                f"{n_members} memberships, {meetings} meetings."
            )
        )
        self.stdout.write(
            f"Sign in at http://{host}:{port}/accounts/login/ (password {DEMO_PASSWORD} for every demo person):\n"
            f"  demo member:       {MEMBER_EMAIL}\n"
            f"  demo facilitator:  {FACILITATOR_EMAIL}  (runs 'Boston Strategic Job Search Roundtable', "
            f"3 requests waiting)\n"
            f"  admin:             {ADMIN_EMAIL}  (also http://{host}:{port}/admin/)"
        )
