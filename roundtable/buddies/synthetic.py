"""A realistic pool of made-up people for the benchmark and the property tests.

The shares are rough guesses at who comes to job-search groups that meet online in English
first: mostly North American time zones, a tail in Europe, India and Australia; most check in
early in the week; a spread of stages and fields; a minority who speak a second language;
each a member of one to three of a few hundred groups (a third of them vetted: approval or
invite); one to three target terms and expertise terms from a shared vocabulary, most visible
to everyone, some to people in their groups, a few to nobody (left out); and, from earlier
rounds, one or two recent buddies for a fifth of them.
"""

from __future__ import annotations

import random

from .matching import ANY, DIFFERENT, SAME, Person

# (UTC offset in minutes, weight)
ZONES = ((-300, 38), (-360, 16), (-420, 6), (-480, 20), (0, 8), (60, 5), (330, 4), (600, 3))
DAY_WEIGHTS = (24, 26, 20, 14, 10, 3, 3)
FIELDS = ("product", "software", "data", "design", "marketing", "sales", "finance", "operations",
          "human resources", "healthcare", "education", "legal")  # fmt: skip
TERMS = (*FIELDS, "management", "startups", "nonprofit", "consulting", "analytics", "ux research",
         "customer success", "supply chain", "fintech", "biotech", "public sector", "retail")  # fmt: skip
LANGUAGES = (("en", 100), ("es", 14), ("fr", 5), ("de", 4), ("hi", 4), ("pt", 3), ("zh", 3))


def _terms(r: random.Random, field: str) -> tuple[frozenset[str], frozenset[str]]:
    """(seen by everyone, seen by people in my groups); a few terms are "only me" and dropped."""
    chosen = {field, *r.sample(TERMS, r.randint(0, 2))}
    public: set[str] = set()
    members: set[str] = set()
    for t in sorted(chosen):
        roll = r.random()
        (public if roll < 0.75 else members if roll < 0.93 else set()).add(t)
    return frozenset(public), frozenset(members)


def realistic_pool(n: int, seed: int = 0, *, groups: int = 300) -> list[Person]:
    """n people (keys 1..n); the same n and seed give the same pool."""
    r = random.Random(seed)
    offsets, weights = zip(*ZONES, strict=True)
    vetted = set(r.sample(range(1, groups + 1), groups // 3))
    people: list[Person] = []
    for key in range(1, n + 1):
        field = r.choice(FIELDS)
        mine = frozenset(r.sample(range(1, groups + 1), r.randint(1, 3)))
        t_pub, t_mem = _terms(r, field)
        e_pub, e_mem = _terms(r, r.choice(FIELDS))
        langs = {code for code, pct in LANGUAGES if r.random() * 100 < pct}
        people.append(
            Person(
                key=key,
                utc_offset=r.choices(offsets, weights)[0],
                max_offset_hours=r.choice((1, 2, 3, 3, 4, 6, 8)),
                checkin_day=r.choices(range(7), DAY_WEIGHTS)[0],
                stage=r.choices(range(4), (25, 35, 30, 10))[0],
                field=field,
                field_preference=r.choices((SAME, ANY, DIFFERENT), (50, 35, 15))[0],
                languages=frozenset(langs),
                groups=mine,
                closed_groups=mine & vetted,
                targets_public=t_pub,
                targets_members=t_mem,
                expertise_public=e_pub,
                expertise_members=e_mem,
            )
        )
    # Earlier rounds: a fifth have one or two recent buddies among people near their key.
    recent: dict[int, set[int]] = {p.key: set() for p in people}
    for p in people:
        if r.random() < 0.2:
            for _ in range(r.randint(1, 2)):
                q = r.randint(1, n)
                if q != p.key:
                    recent[p.key].add(q)
                    recent[q].add(p.key)
    return [Person(**{**p.__dict__, "recent": frozenset(recent[p.key])}) for p in people]
