"""Dates that people and clients send us: one range for every date parameter.

Python's datetime stops at 9999-12-31, so a date near either end overflows as soon as a
day, a month view, a time zone or a series horizon is added to it (a 500). Every date that
comes in from a page, a form, the API or a socket is held to FIRST_DAY..LAST_DAY: far wider
than any meeting, agenda or commitment needs, and far enough from the edges that adding
centuries to it cannot overflow.
"""

from __future__ import annotations

from datetime import date, timedelta

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
RANGE_TEXT = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
# What a form says beside a date field out of range: the meeting's date, a series' last
# date and a repeat rule's UNTIL all say it.
PICK_TEXT = f"Pick a date {RANGE_TEXT}."


class DateParamError(ValueError):
    """A date parameter that cannot be used; the message says why, for the person."""


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def clamp(day: date) -> date:
    """The nearest day in FIRST_DAY..LAST_DAY."""
    return min(max(day, FIRST_DAY), LAST_DAY)


def week_from(day: date) -> date:
    """The first of seven days shown from `day`: in range, and early enough that all seven
    are (a week asked for from 2999-12-31 shows Dec 25-31, 2999, never a day of 3000)."""
    return min(clamp(day), LAST_DAY - timedelta(days=6))


def month_of(day: date) -> date:
    """The first day of `day`'s month, in range."""
    return clamp(day).replace(day=1)


def step(day: date, to: date) -> date | None:
    """Where an "Earlier"/"Later" link from a view starting at `day` leads: `to`, or the
    range's first day for a step back past it, or None when there is nothing that way (a
    step forward past the last day: the view already shows it)."""
    if to > LAST_DAY:
        return None
    if to < FIRST_DAY:
        return FIRST_DAY if day > FIRST_DAY else None
    return to


def parse_day(text: str | None, name: str) -> date | None:
    """An ISO 8601 calendar date (YYYY-MM-DD) in range, or None for an empty value.
    Raises DateParamError naming the parameter: "'to' must be a date between ... ."."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise DateParamError(f"'{name}' is not a real date: write it as YYYY-MM-DD.") from None
    if not in_range(day):
        raise DateParamError(f"'{name}' must be a date {RANGE_TEXT}.")
    return day
