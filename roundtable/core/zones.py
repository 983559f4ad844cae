"""Time zones in people's words, one way everywhere: "New York (Eastern Time)".

A zone is named by its city (the last part of the IANA name) and its generic name, the
one that holds all year ("Eastern Time", not "EST" in winter and "EDT" in summer), as
calendar programs do (Unicode CLDR calls it the "generic non-location" format). No CLDR
data ships here, so the generic name comes from the zone's own tzdata abbreviations
through the table below; a zone whose abbreviations are only numbers ("+03") is named by
its standard offset ("UTC+3").

Pickers (meetings, groups, profiles), the group page, the agenda and every meeting time
use these helpers: `zone_label` to name a zone, `zone_name` beside a clock time.

Which zones a picker offers: IANA's own list of places, zone.tab (one zone per country
region, 400-odd), and nothing else. The rest of the names tzdata answers to are aliases
kept for old software ("US/Eastern", "Canada/Eastern", "Asia/Calcutta") or offsets
without a place ("Etc/GMT+5"); offered beside their places they gave one city two entries
("Eastern (Eastern Time)" twice). A value stored before may still be an alias: it names
and validates as the place it links to ("US/Eastern" is "New York (Eastern Time)"), and
`ZoneField` shows it selected as that place.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms

# (standard abbreviation, summer abbreviation) -> generic name. A zone without summer
# time has the same abbreviation twice.
_GENERIC: dict[tuple[str, str], str] = {
    ("EST", "EDT"): "Eastern Time",
    ("EST", "EST"): "Eastern Time",
    ("CST", "CDT"): "Central Time",
    ("CST", "CST"): "Central Time",
    ("MST", "MDT"): "Mountain Time",
    ("MST", "MST"): "Mountain Time",
    ("PST", "PDT"): "Pacific Time",
    ("AKST", "AKDT"): "Alaska Time",
    ("HST", "HST"): "Hawaii Time",
    ("HST", "HDT"): "Hawaii-Aleutian Time",
    ("AST", "ADT"): "Atlantic Time",
    ("AST", "AST"): "Atlantic Time",
    ("NST", "NDT"): "Newfoundland Time",
    ("GMT", "BST"): "UK Time",
    ("GMT", "IST"): "Irish Time",
    ("GMT", "GMT"): "Greenwich Mean Time",
    ("UTC", "UTC"): "Coordinated Universal Time",
    ("WET", "WEST"): "Western European Time",
    ("CET", "CEST"): "Central European Time",
    ("EET", "EEST"): "Eastern European Time",
    ("EET", "EET"): "Eastern European Time",
    ("MSK", "MSK"): "Moscow Time",
    ("IST", "IST"): "India Time",
    ("IST", "IDT"): "Israel Time",
    ("PKT", "PKT"): "Pakistan Time",
    ("HKT", "HKT"): "Hong Kong Time",
    ("JST", "JST"): "Japan Time",
    ("KST", "KST"): "Korea Time",
    ("WIB", "WIB"): "Western Indonesia Time",
    ("WITA", "WITA"): "Central Indonesia Time",
    ("WIT", "WIT"): "Eastern Indonesia Time",
    ("AEST", "AEDT"): "Eastern Australia Time",
    ("AEST", "AEST"): "Eastern Australia Time",
    ("ACST", "ACDT"): "Central Australia Time",
    ("ACST", "ACST"): "Central Australia Time",
    ("AWST", "AWST"): "Western Australia Time",
    ("NZST", "NZDT"): "New Zealand Time",
    ("SAST", "SAST"): "South Africa Time",
    ("CAT", "CAT"): "Central Africa Time",
    ("EAT", "EAT"): "East Africa Time",
    ("WAT", "WAT"): "West Africa Time",
    ("ChST", "ChST"): "Chamorro Time",
    ("SST", "SST"): "Samoa Time",
}
# The same letters mean another zone in Asia (tzdata writes China's and the Philippines'
# times as CST and PST) and in Cuba.
_REGIONAL: dict[tuple[str, str], str] = {
    ("Asia", "CST"): "China Time",
    ("Asia", "PST"): "Philippine Time",
    ("America/Havana", "CST"): "Cuba Time",
}


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@cache
def zone_name(tz: str) -> str:
    """The generic name of an IANA zone: "America/New_York" -> "Eastern Time",
    "Asia/Riyadh" -> "UTC+3". An unknown zone answers its own name."""
    try:
        z = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return tz
    # January and July of a fixed year: one is winter and one summer in either hemisphere.
    jan, jul = datetime(2025, 1, 15, 12, tzinfo=z), datetime(2025, 7, 15, 12, tzinfo=z)
    jan_off, jul_off = jan.utcoffset() or timedelta(0), jul.utcoffset() or timedelta(0)
    std, summer = (jan, jul) if jan_off <= jul_off else (jul, jan)
    if tz == "Europe/Dublin":  # tzdata gives Ireland a negative summer time: GMT is its winter.
        std, summer = jan, jul
    pair = (std.tzname() or "", summer.tzname() or "")
    for (scope, abbrev), name in _REGIONAL.items():
        if (tz == scope or tz.startswith(scope + "/")) and pair[0] == abbrev:
            return name
    if pair in _GENERIC:
        return _GENERIC[pair]
    return _offset_text(std.utcoffset() or timedelta(0))


def _tzdata_text(name: str) -> str:
    # The tzdata package (pinned in requirements/base.txt) rather than the system's copy, so
    # every machine offers the same list whatever its operating system ships.
    return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")


@cache
def place_zones() -> frozenset[str]:
    """The zones IANA lists as places (zone.tab): what a picker offers."""
    rows = (line.split("\t") for line in _tzdata_text("zone.tab").splitlines() if not line.startswith("#"))
    return frozenset(row[2].strip() for row in rows if len(row) > 2) & available_timezones()


@cache
def _links() -> dict[str, str]:
    # tzdata.zi writes an alias as "L <target> <alias>".
    out: dict[str, str] = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            out[alias] = target
    return out


@cache
def canonical_zone(tz: str) -> str:
    """The place an IANA name stands for: itself for a listed place ("Europe/Oslo"), the
    place an alias links to ("US/Eastern" -> "America/New_York", "Asia/Calcutta" ->
    "Asia/Kolkata"), or the name itself for anything else ("UTC", "Etc/GMT+5", unknown)."""
    places, links = place_zones(), _links()
    seen = {tz}
    name = tz
    while name not in places and name in links:
        name = links[name]
        if name in seen:  # never in tzdata; a loop must not hang a page
            return tz
        seen.add(name)
    return name if name in places else tz


def city_of(tz: str) -> str:
    """The place a zone is named after: "America/Argentina/Buenos_Aires" -> "Buenos Aires"."""
    return tz.rsplit("/", 1)[-1].replace("_", " ")


@cache
def zone_label(tz: str) -> str:
    """How a zone is named on every page and in every picker: "New York (Eastern Time)".
    An alias is named as its place ("US/Eastern" -> "New York (Eastern Time)")."""
    tz = canonical_zone(tz)
    if "/" not in tz or tz.startswith("Etc/"):
        return zone_name(tz)
    return f"{city_of(tz)} ({zone_name(tz)})"


# Regions as a picker groups them, the most used first (the product started in the US).
_REGIONS: tuple[tuple[str, str], ...] = (
    ("America", "Americas"),
    ("Europe", "Europe"),
    ("Africa", "Africa"),
    ("Asia", "Asia"),
    ("Australia", "Australia"),
    ("Pacific", "Pacific"),
    ("Atlantic", "Atlantic islands"),
    ("Indian", "Indian Ocean"),
    ("Antarctica", "Antarctica and the Arctic"),
    ("Arctic", "Antarctica and the Arctic"),
)


# (region, [(zone, label), ...]) pairs, Django's grouped choices. Typed loosely: callers
# that predate the regions spell it list[tuple[str, str]], and Django takes either shape.
ZoneChoices = list[tuple[str, Any]]


@cache
def zone_choices() -> ZoneChoices:
    """Every place (`place_zones`), grouped by region (the Americas first) and sorted by
    label within it, so a city is found by its region or by typing its first letters.
    Each label is unique (tests/core/test_zones.py holds that)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    region_of = dict(_REGIONS)
    for tz in place_zones():
        groups.setdefault(region_of[tz.split("/", 1)[0]], []).append((tz, zone_label(tz)))
    order = list(dict.fromkeys(name for _, name in _REGIONS))
    return [(name, sorted(groups[name], key=lambda pair: (pair[1], pair[0]))) for name in order if name in groups]


def zone_values() -> list[str]:
    """The zones `zone_choices` offers, in its order."""
    return [tz for _, items in zone_choices() for tz, _ in items]


class ZoneSelect(forms.Select):
    """A select that keeps a stored zone no place stands for ("UTC", "Etc/GMT+5") as an
    option of its own: without it the browser would select the first place, and saving the
    form would move every meeting to it."""

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        groups = super().optgroups(name, value, attrs)
        offered = {str(v) for _, items in zone_choices() for v, _ in items}
        current = next((v for v in value if v and v not in offered), None)
        if current is not None:
            option = self.create_option(name, current, zone_label(current), True, 0, attrs=attrs)
            groups.insert(0, (None, [option], 0))
        return groups


class ZoneField(forms.ChoiceField):
    """A time zone picker offering the places (`zone_choices`). A stored alias is shown
    selected as its place, and any zone tzdata knows still validates (an alias sent by an
    old page or a script): `clean` answers the place it stands for, and a zone no place
    stands for ("UTC") is kept as it is."""

    widget = ZoneSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", zone_choices)
        kwargs.setdefault("error_messages", {"invalid_choice": "Choose a time zone from the list."})
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return canonical_zone(value) if isinstance(value, str) and value else value

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return canonical_zone(text) if text in available_timezones() else text

    def valid_value(self, value: Any) -> bool:
        return value in available_timezones() or super().valid_value(value)
