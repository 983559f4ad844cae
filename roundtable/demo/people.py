"""The accounts builder: demo people with believable profiles, each field's visibility
chosen as real people choose it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress

from roundtable.accounts.models import PRIVATE_FIELDS, Profile, SearchStatus, User, Visibility
from roundtable.core.demo import DEMO_DOMAIN
from roundtable.demo.world import (
    ADMIN_EMAIL,
    COACHES_PER_METRO,
    FACILITATOR_EMAIL,
    MEMBER_EMAIL,
    METROS,
    PEOPLE,
    TOPICS,
    Loaded,
    fit_pitch,
    lower_first,
    place_of,
    with_article,
)
from roundtable.groups.models import (
    Topic,
)

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
        pitch = fit_pitch(
            [
                f"Hi, I'm {first}. I've spent {years} years as "
                f"{with_article(lower_first(coach_role))}, and for the last "
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
        pitch = fit_pitch(
            [
                f"Hi, I'm {first}. After {months} months of searching I landed "
                f"{with_article(lower_first(target))} role at "
                f"{company}, and the people in these groups were a big part of it.",
                f"Before that I spent {years} years in {lower_first(industries[0])} as "
                f"{with_article(lower_first(role))}.",
                f"I'm glad to share what worked for me, especially {strength}.",
                f"Ask me about {lower_first(rng.choice(TOPICS))}, or for an introduction at {companies[0]}.",
            ],
            ["Paying it forward is the least I can do."],
        )
    else:
        headline = rng.choice(
            [
                f"{role} | {', '.join(expertise[:2])}",
                f"{role} looking for my next role in {lower_first(industries[0])}",
                f"{role}, open to {lower_first(target)} roles",
            ]
        )
        pitch = fit_pitch(
            [
                f"Hi, I'm {first}. I'm {with_article(lower_first(role))} with {years} years in "
                f"{lower_first(industries[0])}, "
                f"most recently at {company}.",
                f"People come to me for {strength}.",
                f"In my last role I {achievement}.",
                f"I'm now looking for {with_article(lower_first(target))} role in {lower_first(industries[1])}, "
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


def create_people(rng: random.Random, topics: list[Topic], password_hash: str) -> Loaded:
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
        place = place_of(location) if location else None
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
