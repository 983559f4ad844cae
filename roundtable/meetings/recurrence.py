"""Recurring meetings: RFC 5545 rules expanded in the group's own time zone.

Rules are expanded over *local wall-clock* datetimes and only then given the zone, so a
weekly 18:00 meeting stays at 18:00 local across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

MAX_OCCURRENCES = 520
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


class RuleError(ValueError):
    """A recurrence that cannot be used, with a message for the person."""


@dataclass(frozen=True)
class Occurrence:
    local: datetime  # naive, the group's wall clock
    starts_at: datetime  # aware, UTC


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleError(f"Unknown time zone {name!r}.") from None


def to_utc(local: datetime, tz: str) -> datetime:
    return local.replace(tzinfo=zone(tz)).astimezone(UTC)


def weekly(interval: int = 1) -> str:
    return "FREQ=WEEKLY" if interval == 1 else f"FREQ=WEEKLY;INTERVAL={interval}"


def monthly_nth_weekday(first_local: datetime, nth: int | None = None) -> str:
    """Monthly on the same nth weekday as the first date (e.g. the second Tuesday).
    A date in the month's last 7 days that is also its 5th such weekday becomes "last"."""
    day = WEEKDAYS[first_local.weekday()]
    if nth is None:
        nth = (first_local.day - 1) // 7 + 1
        if nth == 5:
            nth = -1
    return f"FREQ=MONTHLY;BYDAY={nth}{day}"


def parse(rule: str, first_local: datetime) -> rrule:
    text = (rule or "").strip().upper()
    if text.startswith("RRULE:"):
        text = text[6:]
    if not text or len(text) > 300 or "\n" in text:
        raise RuleError("Write the rule as an RRULE, for example FREQ=WEEKLY;INTERVAL=2.")
    if "DTSTART" in text:
        raise RuleError("Leave the start out of the rule; the first date and time set it.")
    try:
        parsed = rrulestr(f"RRULE:{text}", dtstart=first_local.replace(tzinfo=None))
    except (ValueError, TypeError, KeyError, IndexError):
        raise RuleError("That recurrence rule is not valid. Example: FREQ=MONTHLY;BYDAY=2TU") from None
    if not isinstance(parsed, rrule):
        raise RuleError("Use a single RRULE.")
    freq = parsed._freq
    if freq not in (YEARLY, MONTHLY, WEEKLY, DAILY):
        raise RuleError("Meetings can repeat at most daily.")
    return parsed


def validate(rule: str, first_local: datetime) -> str:
    """Check a rule can be used; return it normalised. Raises RuleError."""
    parsed = parse(rule, first_local)
    horizon = first_local + timedelta(days=3 * 366)
    upcoming = parsed.between(first_local - timedelta(seconds=1), horizon, inc=True)
    if not upcoming:
        raise RuleError("That rule never produces a meeting in the next three years.")
    text = rule.strip().upper()
    return text[6:] if text.startswith("RRULE:") else text


def expand(rule: str, first_local: datetime, tz: str, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences whose start falls in [start, end) (aware datetimes), oldest first."""
    parsed = parse(rule, first_local)
    z = zone(tz)
    # Widen by a day each side in local time, then filter exactly in UTC.
    lo = start.astimezone(z).replace(tzinfo=None) - timedelta(days=1)
    hi = end.astimezone(z).replace(tzinfo=None) + timedelta(days=1)
    out: list[Occurrence] = []
    for local in parsed.between(lo, hi, inc=True):
        at = to_utc(local, tz)
        if start <= at < end:
            out.append(Occurrence(local=local, starts_at=at))
        if len(out) >= MAX_OCCURRENCES:
            break
    return out


def describe(rule: str, first_local: datetime) -> str:
    """Plain words for the common rules; the rule itself otherwise."""
    text = rule.upper()
    day = first_local.strftime("%A")
    clock = first_local.strftime("%-I:%M %p").replace(":00 ", " ")
    if text == "FREQ=WEEKLY":
        return f"Every {day} at {clock}"
    if text == "FREQ=WEEKLY;INTERVAL=2":
        return f"Every other {day} at {clock}"
    if text.startswith("FREQ=MONTHLY;BYDAY="):
        spec = text.split("BYDAY=", 1)[1]
        try:
            nth = int(spec[:-2])
        except ValueError:
            return f"Monthly ({rule})"
        name = weekday_name(spec[-2:])
        return f"Monthly on the {ORDINALS.get(nth, str(nth))} {name} at {clock}"
    return f"Repeats: {rule} at {clock}"


def weekday_name(code: str) -> str:
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return names[WEEKDAYS.index(code)] if code in WEEKDAYS else code
