"""Meeting times in the viewer's zone, with the group's local time beside it when different."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from roundtable.core.zones import zone_label, zone_name
from roundtable.meetings.models import Meeting

register = template.Library()


def _clock(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%-I:%M %p").replace(":00 ", " ")


def day_text(day: date) -> str:
    """The one way a day is written: "Tue, Mar 4, 2031"."""
    return f"{day:%a, %b} {day.day}, {day.year}"


def _day(moment: datetime, tz: str) -> str:
    return day_text(moment.astimezone(ZoneInfo(tz)))


def viewer_zone(user: object, fallback: str) -> str:
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    tz = getattr(profile, "time_zone", "") or fallback
    try:
        ZoneInfo(tz)
    except (KeyError, ValueError):
        return fallback
    return tz


@register.simple_tag(takes_context=True)
def meeting_when(context: template.Context, meeting: Meeting) -> SafeString:
    """<time> in the viewer's zone, the zone named once and as everywhere else (core.zones):
    "Tue, Jan 8, 2030 · 6 PM (en dash) 7:30 PM Eastern Time"; "(6 PM Central European Time, group
    time)" beside it when the group's clock differs."""
    tz = viewer_zone(context.get("user"), meeting.time_zone)
    main = f"{_day(meeting.starts_at, tz)} · {_clock(meeting.starts_at, tz)}"
    end = f"{_clock(meeting.ends_at, tz)} {zone_name(tz)}"
    # A valid HTML date string has at most milliseconds: whole seconds here.
    iso = meeting.starts_at.isoformat(timespec="seconds")
    at = meeting.starts_at
    if at.astimezone(ZoneInfo(tz)).utcoffset() == at.astimezone(ZoneInfo(meeting.time_zone)).utcoffset():
        return format_html('<time datetime="{}">{} – {}</time>', iso, main, end)
    group_local = f"{_clock(meeting.starts_at, meeting.time_zone)} {zone_name(meeting.time_zone)}"
    return format_html(
        '<time datetime="{}">{} – {}</time> <span class="muted">({}, group time)</span>', iso, main, end, group_local
    )


@register.filter
def zone(tz: str) -> str:
    """An IANA zone named for people: "America/New_York" -> "New York (Eastern Time)"."""
    return zone_label(tz)


@register.filter
def day(value: date | None) -> str:
    """A calendar date (a commitment's due date) as meeting days are written: "Tue, Mar 4, 2031"."""
    return day_text(value) if value else ""


@register.simple_tag(takes_context=True)
def meeting_day(context: template.Context, meeting: Meeting) -> SafeString:
    """The meeting's day alone, in the viewer's zone, as meeting_when writes it."""
    tz = viewer_zone(context.get("user"), meeting.time_zone)
    return format_html(
        '<time datetime="{}">{}</time>', meeting.starts_at.isoformat(timespec="seconds"), _day(meeting.starts_at, tz)
    )


def local_text(moment: datetime, tz: str, fmt: str) -> str:
    """An aware moment written with Django's date format (`fmt`) on the clock of zone `tz`."""
    from django.utils.dateformat import format as date_format

    return date_format(moment.astimezone(ZoneInfo(tz)), fmt)


@register.simple_tag(takes_context=True)
def meeting_date(context: template.Context, meeting: Meeting, fmt: str = "M j") -> str:
    """A meeting's start in the viewer's zone (the group's when the viewer has none), in a
    short format for pickers and lists: "Dec 5". Django's `|date` writes it in UTC, a day
    off for an evening meeting in the Americas."""
    return local_text(meeting.starts_at, viewer_zone(context.get("user"), meeting.time_zone), fmt)


@register.simple_tag(takes_context=True)
def local_date(context: template.Context, moment: datetime | None, fmt: str = "M j") -> str:
    """Any aware moment (an interview's start, a stage change) in the viewer's zone (UTC when
    they have none)."""
    return "" if moment is None else local_text(moment, viewer_zone(context.get("user"), "UTC"), fmt)
