"""Recurring meetings: RFC 5545 rules expanded in the group's own time zone.

Rules are expanded over *local wall-clock* datetimes and only then given the zone, so a
weekly 18:00 meeting stays at 18:00 local across daylight-saving changes.

What RFC 5545 (section 3.3.10 and 3.8.5.3) says, and how it is followed here:
- UNTIL may be a DATE, a floating DATE-TIME, or a UTC DATE-TIME ("...Z", the form the RFC
  requires when DTSTART has a time zone). A UTC UNTIL is turned into the group's wall clock
  before expansion; a DATE UNTIL includes every meeting on that day.
- DTSTART always counts as the first occurrence, even when it does not match the rule,
  and COUNT includes it.
- COUNT and UNTIL must not both appear.

What the product adds: two meetings of one series are never closer than MIN_GAP (in local
wall-clock time), whatever rule parts produce them, and a rule must repeat within
REPEAT_WINDOW. BYEASTER (a dateutil extension, not RFC 5545) is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import DAILY, HOURLY, MINUTELY, MONTHLY, SECONDLY, WEEKLY, YEARLY, rrule, rrulestr
from django.template.defaultfilters import pluralize

from roundtable.core import dates

# Ten years of weekly meetings: the most a series may have, however its end is written
# (the form's "Number of meetings" and a rule's COUNT alike).
MAX_OCCURRENCES = 520
COUNT_TEXT = f"A series can have at most {MAX_OCCURRENCES} meetings."
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
# Two meetings of one series are at least this far apart, in local wall-clock time.
MIN_GAP = timedelta(days=1)
# A rule must give a second meeting within this window: eight years, because a yearly
# 29 February rule skips 2100 (no leap day), so two of its meetings can be 8 years apart.
REPEAT_WINDOW = timedelta(days=8 * 366)
# The Gregorian calendar repeats exactly every 400 years (146,097 days = 20,871 weeks).
CALENDAR_CYCLE_YEARS = 400
_FREQ_SECONDS = {HOURLY: 3600, MINUTELY: 60, SECONDLY: 1}
_UNTIL = re.compile(r"(?:^|;)UNTIL=([^;]*)")
_UNTIL_FORMS = {
    re.compile(r"^\d{8}$"): "date",
    re.compile(r"^\d{8}T\d{6}Z$"): "utc",
    re.compile(r"^\d{8}T\d{6}$"): "floating",
}


class RuleError(ValueError):
    """A recurrence that cannot be used, with a message for the person."""


# RFC 5545 3.3.10: every rule part, with the range of each of its (comma-separated) values.
# dateutil checks few of these: INTERVAL=0 makes it loop forever, INTERVAL=-1 raises deep
# inside iteration, and a repeated part silently replaces the earlier one.
_INTEGER_PARTS: dict[str, tuple[int, int, bool]] = {
    # name: (smallest absolute value, largest absolute value, may be negative)
    "INTERVAL": (1, 1000, False),  # RFC: a positive integer; 1,000 periods is the product's cap
    "COUNT": (1, 100_000, False),
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
_LIST_PARTS = {"BYSECOND", "BYMINUTE", "BYHOUR", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS"}
_FREQS = {"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_NUMBER = re.compile(r"^[+-]?\d{1,6}$")
_WEEKDAY = re.compile(r"^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def _check_parts(text: str, *, saving: bool = False) -> None:
    """Refuse a rule (upper case, no "RRULE:") whose parts RFC 5545 3.3.10 does not allow:
    an unknown or repeated part ("each rule part MUST NOT occur more than once"), no FREQ,
    or a value out of its range (INTERVAL and COUNT positive, BYHOUR 0-23, BYDAY ordinal
    1-53, ...; INTERVAL also at most 1,000; COUNT at most MAX_OCCURRENCES when `saving`).
    Raises RuleError naming the part."""
    seen: set[str] = set()
    for part in text.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise RuleError(f"Write each rule part as NAME=VALUE; {part!r} is not.")
        if name in seen:
            raise RuleError(f"{name} appears more than once; RFC 5545 allows each rule part once.")
        seen.add(name)
        if name == "FREQ":
            if value not in _FREQS:
                raise RuleError(f"FREQ must be one of {', '.join(sorted(_FREQS))}.")
        elif name == "WKST":
            if value not in WEEKDAYS:
                raise RuleError("WKST must be a weekday: MO, TU, WE, TH, FR, SA or SU.")
        elif name == "BYDAY":
            for item in value.split(","):
                m = _WEEKDAY.match(item)
                if (
                    not m
                    or (m.group(2) is not None and not 1 <= int(m.group(2)) <= 53)
                    or (m.group(1) and not m.group(2))
                ):
                    raise RuleError(
                        f"BYDAY value {item!r} is not valid: use a weekday such as TU, 2TU or -1FR (ordinal 1-53)."
                    )
        elif name in _INTEGER_PARTS:
            low, high, signed = _INTEGER_PARTS[name]
            if name == "COUNT" and saving:
                # The product's cap, the same as the form's "Number of meetings". Rules saved
                # before it (up to RFC-sized counts) still expand: only saving checks it.
                high = MAX_OCCURRENCES
                if _NUMBER.match(value) and int(value) > high:
                    raise RuleError(f"{COUNT_TEXT} Use COUNT={high} or less.")
            items = value.split(",") if name in _LIST_PARTS else [value]
            for item in items:
                number = int(item) if _NUMBER.match(item) else None
                if (
                    number is None
                    or (number < 0 and not signed)
                    or not low <= abs(number) <= high
                    or (item[0] in "+-" and not signed)
                ):
                    sign = f"-{high} to -{low} or " if signed else ""
                    raise RuleError(f"{name} value {item!r} is out of range: use {sign}{low} to {high}.")
        elif name != "UNTIL":
            raise RuleError(f"{name} is not a rule part this app accepts (RFC 5545 3.3.10).")
    if "FREQ" not in seen:
        raise RuleError("The rule needs FREQ, for example FREQ=WEEKLY.")


@dataclass(frozen=True)
class Occurrence:
    local: datetime  # naive, the group's wall clock
    starts_at: datetime  # aware, UTC
    # The rule's own wall-clock start for this occurrence (before any shift a
    # "this and following" edit applied): identifies it within its series.
    key: datetime


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleError(f"Unknown time zone {name!r}.") from None


def to_utc(local: datetime, tz: str) -> datetime:
    """Wall-clock `local` (naive) in zone `tz` as an aware UTC datetime.
    Raises RuleError for an unknown zone, OverflowError past datetime's range."""
    return local.replace(tzinfo=zone(tz)).astimezone(UTC)


def add_clamped(moment: datetime, delta: timedelta) -> datetime:
    """moment + delta, held at datetime's smallest or largest value instead of overflowing."""
    try:
        return moment + delta
    except OverflowError:
        edge = datetime.max if delta > timedelta(0) else datetime.min
        return edge.replace(tzinfo=moment.tzinfo)


def wall_clock(moment: datetime, z: ZoneInfo) -> datetime:
    """An aware moment as naive wall-clock time in `z`, clamped to datetime's range."""
    try:
        return moment.astimezone(z).replace(tzinfo=None)
    except OverflowError:
        return datetime.max if moment.year > 1 else datetime.min


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


@dataclass(frozen=True)
class Rule:
    """A parsed rule: `base` without COUNT and with UNTIL in the group's wall clock."""

    base: rrule
    count: int | None
    first: datetime  # naive DTSTART

    def raw(self) -> Iterator[datetime]:
        """The RFC 5545 occurrence set, wall clock, oldest first: DTSTART, then the rule's
        matches after it, COUNT in all (RFC 5545 3.3.10: DTSTART always counts)."""
        yield self.first
        n = 1
        for local in self.base:
            if self.count is not None and n >= self.count:
                return
            if local <= self.first:
                continue
            yield local
            n += 1

    def starts(self) -> Iterator[datetime]:
        """raw(), less any start closer than MIN_GAP to the one before: a backstop for rules
        stored before the limit, since validate() refuses such rules."""
        previous: datetime | None = None
        for local in self.raw():
            if previous is None or local - previous >= MIN_GAP:
                previous = local
                yield local

    def ending_by(self, end: datetime) -> Rule:
        """The same rule with UNTIL at most `end` (naive wall clock): dateutil then stops
        there instead of walking period by period to year 9999 when the parts match
        nothing more, so iterating it costs at most the periods up to `end`."""
        until = self.base._until
        if until is not None and until <= end:
            return self
        return Rule(base=self.base.replace(until=end), count=self.count, first=self.first)

    def shifted_near_the_end(self) -> Rule:
        """The same rule with DTSTART (and UNTIL) moved by whole 400-year cycles to a few
        years before datetime's last year. The calendar repeats exactly every 400 years, so
        the occurrences fall on the same weekdays, dates and times; but dateutil walks
        period by period up to year 9999 looking for a match, so a rule whose parts match
        nothing now stops after at most one cycle instead of 8,000 years of days."""
        cycles = max(0, (datetime.max.year - 9 - self.first.year) // CALENDAR_CYCLE_YEARS)
        years = cycles * CALENDAR_CYCLE_YEARS
        if not years:
            return self
        until = self.base._until
        if until is not None:
            try:
                until = until.replace(year=until.year + years)
            except ValueError:
                until = None  # beyond datetime's range: the same as no end here
        first = self.first.replace(year=self.first.year + years)
        return Rule(base=self.base.replace(dtstart=first, until=until), count=self.count, first=first)


def _until_local(value: str, tz: str) -> datetime:
    form = next((f for pattern, f in _UNTIL_FORMS.items() if pattern.match(value)), None)
    try:
        if form == "date":
            # A DATE end includes every meeting on that day.
            return datetime.combine(date(int(value[:4]), int(value[4:6]), int(value[6:8])), time(23, 59, 59))
        if form in ("utc", "floating"):
            moment = datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
            if form == "utc":
                return wall_clock(moment.replace(tzinfo=UTC), zone(tz))
            return moment
    except ValueError:
        pass
    raise RuleError(
        "Write UNTIL as a date (20271231) or a UTC time (20271231T230000Z), as RFC 5545 describes."
    ) from None


def parse(rule: str, first_local: datetime, tz: str, *, saving: bool = False) -> Rule:
    """Parse an RRULE value for a series starting at `first_local` (naive) in zone `tz`.
    `saving` adds the product's limits (COUNT and UNTIL, see _within_the_products_range),
    checked when a rule is saved and not when a stored one is read.
    Raises RuleError with a message for the person."""
    text = (rule or "").strip().upper()
    if text.startswith("RRULE:"):
        text = text[6:]
    if not text or len(text) > 300 or "\n" in text or "\r" in text:
        raise RuleError("Write the rule as an RRULE, for example FREQ=WEEKLY;INTERVAL=2.")
    if "DTSTART" in text:
        raise RuleError("Leave the start out of the rule; the first date and time set it.")
    if "BYEASTER" in text:
        raise RuleError("BYEASTER is not part of RFC 5545; describe the dates with BYMONTH and BYMONTHDAY.")
    _check_parts(text, saving=saving)
    first = first_local.replace(tzinfo=None, microsecond=0)
    until = None
    found = _UNTIL.findall(text)
    if found:
        until = _until_local(found[0], tz)
        text = _UNTIL.sub("", text).lstrip(";")
    try:
        parsed = rrulestr(f"RRULE:{text}", dtstart=first)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise RuleError("That recurrence rule is not valid. Example: FREQ=MONTHLY;BYDAY=2TU") from None
    if not isinstance(parsed, rrule):
        raise RuleError("Use a single RRULE.")
    count = parsed._count
    if count is not None and until is not None:
        raise RuleError("Use COUNT or UNTIL, not both (RFC 5545).")
    if count is not None and count < 1:
        raise RuleError("COUNT must be at least 1.")
    freq = parsed._freq
    step = _FREQ_SECONDS.get(freq)
    if freq not in (YEARLY, MONTHLY, WEEKLY, DAILY) and (
        step is None or step * parsed._interval < MIN_GAP.total_seconds()
    ):
        raise RuleError(_too_close(timedelta(seconds=(step or 1) * parsed._interval)))
    try:
        base = parsed.replace(count=None, until=until)
    except (ValueError, TypeError):
        raise RuleError("That recurrence rule is not valid. Example: FREQ=MONTHLY;BYDAY=2TU") from None
    rule_ = Rule(base=base, count=count, first=first)
    if saving:
        _within_the_products_range(rule_)
    return rule_


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        seconds = int(delta.total_seconds())
        return f"{seconds} second{pluralize(seconds)}"
    if minutes < 120:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours} hours" if minutes % 60 == 0 else f"{hours} hours {minutes % 60} minutes"


def _too_close(gap: timedelta) -> str:
    return f"Meetings in a series must be at least 1 day apart; this rule puts two meetings {_span(gap)} apart."


_TIME_OF_DAY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


def _one_time_of_day(rule: str) -> None:
    """Refuse a rule that names more than one time of day (several BYHOUR, BYMINUTE or
    BYSECOND values). Why refuse by shape rather than by scanning: with one time of day
    the rule's meetings fall on different days at the same wall-clock time, so they are
    always at least MIN_GAP (1 day) apart, and only DTSTART (which need not match the
    rule) can come closer, which the scan of the first REPEAT_WINDOW sees. With two times
    of day, BYSETPOS and BYMONTHDAY can pair them across midnight only in rare years (a
    28/29 February rule does so first in 2044), so no bounded scan finds every such pair;
    a whole 400-year cycle would, but costs seconds per request for daily rules.
    Raises RuleError stating the gap such a rule can give."""
    text = rule.strip().upper()
    for part in text.split(";"):
        name, _, value = part.partition("=")
        if name in _TIME_OF_DAY_PARTS and "," in value:
            raise RuleError(
                f"Meetings in a series must be at least 1 day apart; {name}={value} gives several times "
                "of day, so two meetings can fall less than a day apart. Give one time of day."
            )


def _within_the_products_range(parsed: Rule) -> None:
    """The product's limits, which RFC 5545 does not set: COUNT at most MAX_OCCURRENCES
    (_check_parts) and UNTIL in the product's date range (core.dates), the same limits and
    words as the form's plain choices."""
    until = parsed.base._until
    if until is not None and not dates.in_range(until.date()):
        raise RuleError(f"UNTIL: {dates.PICK_TEXT[0].lower()}{dates.PICK_TEXT[1:]}")


def validate(rule: str, first_local: datetime, tz: str) -> str:
    """Check a rule can be used for a series starting at `first_local` (naive) in `tz`;
    return it normalised (upper case, no "RRULE:"). Raises RuleError when the rule is not
    RFC 5545, puts two meetings closer than MIN_GAP, or never repeats within REPEAT_WINDOW."""
    probe = parse(rule, first_local, tz, saving=True).shifted_near_the_end()
    end = add_clamped(probe.first, REPEAT_WINDOW)
    probe = probe.ending_by(end)
    previous: datetime | None = None
    repeats = False
    for local in probe.raw():
        if local > end:
            break
        if previous is not None:
            if local - previous < MIN_GAP:
                raise RuleError(_too_close(local - previous))
            repeats = True
        previous = local
    # The scan above states the gap it finds; this catches what it cannot see (see below).
    _one_time_of_day(rule)
    if not repeats:
        raise RuleError("That rule never repeats in the next eight years: schedule a single meeting instead.")
    text = rule.strip().upper()
    return text[6:] if text.startswith("RRULE:") else text


def expand(
    rule: str, first_local: datetime, tz: str, start: datetime, end: datetime, *,
    shift: timedelta = timedelta(0), from_key: datetime | None = None,
) -> list[Occurrence]:  # fmt: skip
    """Occurrences whose start falls in [start, end) (aware datetimes), oldest first, at
    most MAX_OCCURRENCES. `shift` moves every occurrence's wall clock (a "this and
    following" edit); `from_key` leaves out the rule's occurrences before it."""
    parsed = parse(rule, first_local, tz)
    z = zone(tz)
    # Widen by a day each side in local time (and undo the shift), then filter exactly in UTC.
    lo = add_clamped(wall_clock(start, z), -timedelta(days=1) - shift)
    hi = add_clamped(wall_clock(end, z), timedelta(days=1) - shift)
    parsed = parsed.ending_by(hi)
    out: list[Occurrence] = []
    for key in parsed.starts():
        if key > hi:
            break
        if key < lo or (from_key is not None and key < from_key):
            continue
        try:
            local = key + shift
            at = to_utc(local, tz)
        except OverflowError:
            break
        if start <= at < end:
            out.append(Occurrence(local=local, starts_at=at, key=key))
        if len(out) >= MAX_OCCURRENCES:
            break
    return out


def _clock(local: datetime) -> str:
    return local.strftime("%-I:%M %p").replace(":00 ", " ")


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip().upper()
    if text.startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for item in text.split(";"):
        name, _, value = item.partition("=")
        if name:
            parts[name] = value
    return parts


_EVERY = {2: "other", 3: "third", 4: "fourth"}


def rhythm(rule: str, first_local: datetime) -> str | None:
    """Plain words for how often a rule repeats, without its end: "Every other Tuesday at
    9 AM", "Monthly on the first Thursday at 6:30 PM". None for a rule these words cannot
    say exactly (the page then shows the meetings themselves, never a guess)."""
    parts = _parts(rule)
    extra = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}
    if extra:
        return None
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return None
    day = first_local.strftime("%A")
    clock = _clock(first_local)
    freq, byday = parts.get("FREQ"), parts.get("BYDAY", "")
    if freq == "WEEKLY" and byday in ("", WEEKDAYS[first_local.weekday()]):
        if interval == 1:
            return f"Every {day} at {clock}"
        if interval in _EVERY:
            return f"Every {_EVERY[interval]} {day} at {clock}"
        return f"Every {interval} weeks on {day} at {clock}"
    if freq == "MONTHLY" and interval == 1 and byday:
        try:
            nth = int(byday[:-2])
        except ValueError:
            return None
        if byday[-2:] != WEEKDAYS[first_local.weekday()] or nth not in ORDINALS:
            return None
        return f"Monthly on the {ORDINALS[nth]} {weekday_name(byday[-2:])} at {clock}"
    if freq == "DAILY" and not byday:
        return f"Every day at {clock}" if interval == 1 else f"Every {interval} days at {clock}"
    return None


def describe(rule: str, first_local: datetime) -> str:
    """Plain words for a rule with its end: "Every Tuesday at 6 PM, 6 times", "..., until
    Jun 30, 2027". A rule that plain words cannot say exactly is shown as it is."""
    words = rhythm(rule, first_local)
    if words is None:
        return f"Repeats: {rule} at {_clock(first_local)}"
    parts = _parts(rule)
    if "COUNT" in parts:
        count = parts["COUNT"]
        return f"{words}, {count} time{'' if count.lstrip('0') == '1' else 's'}"
    if "UNTIL" in parts:
        value = parts["UNTIL"]
        try:
            last = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        except ValueError:
            return words
        return f"{words}, until {last:%b} {last.day}, {last.year}"
    return words


def weekday_name(code: str) -> str:
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return names[WEEKDAYS.index(code)] if code in WEEKDAYS else code
