"""The owner's interviews as iCalendar events, for their private calendar feed
(meetings/feeds.py adds them beside the meetings they are going to).

An event's UID is stable (`interview-<public id>@roundtable`), so calendar apps update it in
place when it changes; DTSTAMP and LAST-MODIFIED are the activity's last change, so the same
interviews give the same bytes and the feed's ETag changes exactly when one does. The owner's
tracker is private: the summary says only what the owner wrote (kind, company, role).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from icalendar import Event

from roundtable.core.text import scrub

from .models import Activity


def uid_of(activity: Activity) -> str:
    return f"interview-{activity.public_id}@roundtable"


def interview_event(activity: Activity, zone: ZoneInfo) -> Event:
    """One VEVENT for an interview with a start (`starts_at`), in the owner's time zone."""
    assert activity.starts_at is not None
    start = activity.starts_at.astimezone(zone)
    where = activity.company or (activity.opportunity.company if activity.opportunity else None)
    what = activity.opportunity.role if activity.opportunity else ""
    summary = "Interview" + (f": {what}" if what else "") + (f" at {where.name}" if where else "")
    event = Event()
    event.add("uid", uid_of(activity))
    event.add("dtstamp", activity.updated_at)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=activity.duration_minutes or 60))
    event.add("created", activity.created_at)
    event.add("last-modified", activity.updated_at)
    event.add("summary", scrub(summary, multiline=False))
    lines = [activity.note] if activity.note else []
    if activity.contact is not None:
        lines.append(f"With {activity.contact.name}")
    lines.append(f"Your tracker: {settings.SITE_URL}{reverse('tracker:activity_edit', args=[activity.public_id])}")
    event.add("description", scrub("\n".join(lines), multiline=True))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event
