"""Meeting times in the viewer's zone, with the group's local time beside it when different."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from roundtable.meetings.models import Meeting

register = template.Library()


def _fmt(moment: datetime, tz: str, *, with_date: bool = True) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    clock = local.strftime("%-I:%M %p").replace(":00 ", " ")
    abbrev = local.strftime("%Z")
    if with_date:
        return f"{local:%a, %b} {local.day}, {local.year} · {clock} {abbrev}"
    return f"{clock} {abbrev}"


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
    """<time> in the viewer's zone; "(6 PM EST in the group's time)" when the zones differ."""
    tz = viewer_zone(context.get("user"), meeting.time_zone)
    main = _fmt(meeting.starts_at, tz)
    end = _fmt(meeting.ends_at, tz, with_date=False)
    # A valid HTML date string has at most milliseconds: whole seconds here.
    iso = meeting.starts_at.isoformat(timespec="seconds")
    at = meeting.starts_at
    if at.astimezone(ZoneInfo(tz)).utcoffset() == at.astimezone(ZoneInfo(meeting.time_zone)).utcoffset():
        return format_html('<time datetime="{}">{} – {}</time>', iso, main, end)
    group_local = _fmt(meeting.starts_at, meeting.time_zone, with_date=False)
    return format_html(
        '<time datetime="{}">{} – {}</time> <span class="muted">({} group time)</span>', iso, main, end, group_local
    )
