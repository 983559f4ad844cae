"""How much one person's needs meet another's offers: plain functions, no database.

`needs_of` reads what a person wants (target companies, roles and fields, where they stand in
their search); `offers_of` what another person brings (where they work and worked, where they
can introduce people, their expertise and fields, where they landed). Both take the profile
fields *as the viewer may see them* (accounts.permissions.visible_fields_of_many): a field
the viewer may not see is absent from the dict, so it can never count or be shown.

`reasons(needs, offers)` lists each match once, strongest first; `score` adds their weights;
`to_viewer` says a reason to the person who needs ("worked at Acme, where you want a role"),
`between` says it to a third person (a facilitator's suggested introduction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# A person's list fields are free text: "Acme, Globex; Initech / Hooli".
_SPLIT = re.compile(r"[,;/\n]+")


def items(text: str) -> list[str]:
    """The entries of a free-text list, as written, without blanks or repeats (any case)."""
    return list(_items(text or ""))


@lru_cache(maxsize=8192)
def _items(text: str) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[str] = set()
    for part in _SPLIT.split(text):
        value = " ".join(part.split())
        if value and key(value) not in seen:
            seen.add(key(value))
            out.append(value)
    return tuple(out)


@lru_cache(maxsize=8192)
def key(value: str) -> str:
    """What makes two entries the same: case, spacing and a trailing "Inc." aside."""
    k = " ".join(value.casefold().split())
    return re.sub(r"[\s,]+(inc|llc|ltd|corp)\.?$", "", k)


@dataclass(frozen=True)
class Needs:
    target_companies: tuple[str, ...] = ()
    target_roles: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    search_status: str = ""


@dataclass(frozen=True)
class Offers:
    current_company: str = ""
    past_companies: tuple[str, ...] = ()
    can_introduce: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    target_roles: tuple[str, ...] = ()
    search_status: str = ""
    landed_at: str = ""


def needs_of(fields: dict[str, str]) -> Needs:
    """`fields`: visible profile fields (name to value), of the person who needs."""
    return Needs(
        target_companies=tuple(items(fields.get("target_companies", ""))),
        target_roles=tuple(items(fields.get("target_roles", ""))),
        industries=tuple(items(fields.get("industries", ""))),
        search_status=fields.get("search_status", ""),
    )


def offers_of(fields: dict[str, str], *, landed_at: str = "") -> Offers:
    """`fields`: visible profile fields of the person who offers; `landed_at`: the company of
    their landing, only where the caller may use it (network/selectors.py says when)."""
    return Offers(
        current_company=" ".join(fields.get("current_company", "").split()),
        past_companies=tuple(items(fields.get("past_companies", ""))),
        can_introduce=tuple(items(fields.get("can_introduce", ""))),
        expertise=tuple(items(fields.get("expertise", ""))),
        industries=tuple(items(fields.get("industries", ""))),
        target_roles=tuple(items(fields.get("target_roles", ""))),
        search_status=fields.get("search_status", ""),
        landed_at=" ".join(landed_at.split()),
    )


# Each kind of match, its weight, and how it is said: to the person who needs ("you"), and
# between two people ({a} needs, {b} offers).
KINDS: dict[str, tuple[int, str, str]] = {
    "landed_at": (6, "landed at {v}, where you want a role", "{b} landed at {v}, where {a} wants a role"),
    "works_at": (5, "works at {v}, where you want a role", "{b} works at {v}, where {a} wants a role"),
    "worked_at": (4, "worked at {v}, where you want a role", "{b} worked at {v}, where {a} wants a role"),
    "introduces_at": (4, "can introduce people at {v}, where you want a role",
                      "{b} can introduce people at {v}, where {a} wants a role"),
    "introduces_in": (3, "can introduce people in {v}, a field you want",
                      "{b} can introduce people in {v}, a field {a} wants"),
    "expert_in_role": (3, "knows {v} work, a role you want", "{b} knows {v} work, a role {a} wants"),
    "works_in_field": (2, "works in {v}, a field you want", "{b} works in {v}, a field {a} wants"),
    "same_role": (2, "also looking for {v} roles", "both look for {v} roles"),
    "same_field": (1, "also looking in {v}", "both look in {v}"),
    "same_stage": (1, "at the same stage of the search", "both at the same stage of the search"),
}  # fmt: skip
# Someone is worth suggesting from this score up: the same stage alone is not a reason to meet.
MIN_SCORE = 2
EMPLOYED = ("landed", "helping")


@dataclass(frozen=True)
class Reason:
    kind: str
    value: str  # the company, role or field as the person offering wrote it ("" for same_stage)

    @property
    def weight(self) -> int:
        return KINDS[self.kind][0]


def _match(wanted: tuple[str, ...], offered: tuple[str, ...]) -> list[str]:
    """The offered entries that are among the wanted ones, in the order offered."""
    keys = {key(w) for w in wanted}
    return [o for o in offered if key(o) in keys]


def reasons(needs: Needs, offers: Offers) -> list[Reason]:
    """Every match of `needs` against `offers`, strongest first (then in the order of KINDS and
    as written), each company named once, by its strongest tie (landed, works, worked, can
    introduce)."""
    found: list[Reason] = []
    named: set[str] = set()

    def company(kind: str, values: list[str]) -> None:
        for v in values:
            if key(v) not in named:
                named.add(key(v))
                found.append(Reason(kind, v))

    targets = needs.target_companies
    if offers.landed_at:
        company("landed_at", _match(targets, (offers.landed_at,)))
    if offers.current_company:
        company("works_at", _match(targets, (offers.current_company,)))
    company("worked_at", _match(targets, offers.past_companies))
    company("introduces_at", _match(targets, offers.can_introduce))
    found += [Reason("introduces_in", v) for v in _match(needs.industries, offers.can_introduce)]
    found += [Reason("expert_in_role", v) for v in _match(needs.target_roles, offers.expertise)]
    if offers.search_status in EMPLOYED:
        found += [Reason("works_in_field", v) for v in _match(needs.industries, offers.industries)]
    found += [Reason("same_role", v) for v in _match(needs.target_roles, offers.target_roles)]
    if offers.search_status == "searching" and needs.search_status == "searching":
        found += [Reason("same_field", v) for v in _match(needs.industries, offers.industries)]
    if needs.search_status and needs.search_status == offers.search_status:
        found.append(Reason("same_stage", ""))
    order = list(KINDS)
    return sorted(found, key=lambda r: (-r.weight, order.index(r.kind)))


def score(found: list[Reason]) -> int:
    """The sum of the reasons' weights."""
    return sum(r.weight for r in found)


def to_viewer(reason: Reason) -> str:
    """The reason said to the person who needs: "worked at Acme, where you want a role"."""
    return KINDS[reason.kind][1].format(v=reason.value)


def between(reason: Reason, *, a: str, b: str) -> str:
    """The reason said to a third person, `a` needing and `b` offering:
    "Ben worked at Acme, where Ann wants a role"."""
    return KINDS[reason.kind][2].format(v=reason.value, a=a, b=b)
