"""Time zones in people's words, one way everywhere: "New York (Eastern Time)".

A zone is named by its city (the last part of the IANA name) and its generic name, the
one that holds all year ("Eastern Time", not "EST" in winter and "EDT" in summer), as
calendar programs do (Unicode CLDR calls it the "generic non-location" format). No CLDR
data ships here, so the generic name comes from the zone's own tzdata abbreviations
through the table below; a zone whose abbreviations are only numbers ("+03") is named by
its standard offset ("UTC+3").

Pickers (meetings, groups, profiles), the group page, the agenda and every meeting time
use these helpers: `zone_label` to name a zone, `zone_name` beside a clock time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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


def city_of(tz: str) -> str:
    """The place a zone is named after: "America/Argentina/Buenos_Aires" -> "Buenos Aires"."""
    return tz.rsplit("/", 1)[-1].replace("_", " ")


@cache
def zone_label(tz: str) -> str:
    """How a zone is named on every page and in every picker: "New York (Eastern Time)"."""
    if "/" not in tz:
        return zone_name(tz)
    return f"{city_of(tz)} ({zone_name(tz)})"


@cache
def zone_choices() -> list[tuple[str, str]]:
    """Every place zone (no "Etc/..." or legacy aliases) as (IANA name, label), sorted by
    label so that typing a city's first letters in the list finds it."""
    zones = [tz for tz in available_timezones() if "/" in tz and not tz.startswith(("Etc/", "SystemV/"))]
    return sorted(((tz, zone_label(tz)) for tz in zones), key=lambda pair: (pair[1], pair[0]))
