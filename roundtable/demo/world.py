"""What every demo builder shares: the well-known logins, topics, metros, audiences, and
what has been built so far (Loaded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import CommandError

from roundtable.accounts.models import User
from roundtable.core.demo import DEMO_DOMAIN
from roundtable.groups.models import (
    Group,
)
from roundtable.groups.places import Place, resolve

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


@dataclass
class Loaded:
    users: dict[str, User] = field(default_factory=dict)
    coaches: list[User] = field(default_factory=list)
    people: list[User] = field(default_factory=list)
    metro_of: dict[int, str] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    owner_of: dict[int, User] = field(default_factory=dict)
    invites: dict[int, Any] = field(default_factory=dict)


def place_of(text: str) -> Place:
    place = resolve(text)
    if place is None:  # pragma: no cover - the lists above are checked by the tests
        raise CommandError(f"Demo data names a place the gazetteer does not know: {text!r}")
    return place


def fit_pitch(required: list[str], optional: list[str]) -> str:
    """Join sentences into a 30-second pitch of 50 to 80 words."""
    sentences = list(required)
    for extra in optional:
        if len(" ".join(sentences).split()) >= 50:
            break
        sentences.append(extra)
    while len(" ".join(sentences).split()) > 80 and len(sentences) > 2:
        sentences.pop(-2)
    return " ".join(sentences)


def lower_first(text: str) -> str:
    """'Senior product manager' -> 'senior product manager'; 'UX designer' and 'SaaS' stay."""
    return text if any(c.isupper() for c in text[1:]) else text[:1].lower() + text[1:]


def with_article(text: str) -> str:
    return f"{'an' if text[:1].lower() in 'aeiou' or text.startswith(('HR', 'FP')) else 'a'} {text}"
