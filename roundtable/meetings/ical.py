"""iCalendar (RFC 5545) for meetings: one download, the private feed, a group's feed and
the invitations attached to emails.

Times are written as local wall-clock times with the meeting's TZID, and the calendar
carries a VTIMEZONE for every zone it uses, so a client shows 18:00 New York time even
across a daylight-saving change. What a viewer may see of the place comes only from
permissions.place_for: a feed never holds more than its holder may see on the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress

from roundtable.core.text import scrub
from roundtable.groups.models import Format, Kind
from roundtable.groups.permissions import Viewer

from . import permissions
from .models import Meeting, Talk

PRODID = "-//Roundtable//Meetings//EN"
# How often feed subscribers should look again (RFC 7986 REFRESH-INTERVAL and its older twin).
REFRESH = timedelta(hours=1)


def uid_of(meeting: Meeting) -> str:
    # Kept on the integer id, not the public one: calendars that already hold a meeting
    # match updates by UID, and a new UID would show every meeting twice (RFC 5545 3.8.4.7).
    # Nothing answers to it: old numeric addresses redirect only for listed groups.
    return f"meeting-{meeting.pk}@roundtable"


def meeting_url(meeting: Meeting) -> str:
    return f"{settings.SITE_URL}{meeting.get_absolute_url()}"


def talk_of(meeting: Meeting) -> Talk | None:
    try:
        return meeting.talk
    except ObjectDoesNotExist:
        return None


def summary_of(meeting: Meeting) -> str:
    talk = talk_of(meeting)
    if talk is not None and meeting.group.kind == Kind.SPEAKERS:
        return f"{meeting.title}: {talk.title}"
    return meeting.title


def _line(text: str) -> str:
    # Rows stored before core.text's rule may hold line breaks or control characters: RFC 5545
    # 3.3.11 allows neither in TEXT (a line break only as the escape \n, which a one-line
    # property such as SUMMARY should not carry), and icalendar refuses a raw line break.
    return scrub(text, multiline=False)


def _location(place: dict[str, str], meeting: Meeting) -> str:
    # Venue, street and city, as the page shows them (meetings.address).
    if place["one_line"]:
        return place["one_line"]
    if place["video_url"]:
        return place["video_url"]
    if meeting.format == Format.VIRTUAL:
        return "Online"
    return ""


def _description(meeting: Meeting, place: dict[str, str]) -> str:
    lines: list[str] = []
    talk = talk_of(meeting)
    if talk is not None and meeting.group.kind == Kind.SPEAKERS:
        speaker = f"{talk.speaker_name}, {talk.organisation}" if talk.organisation else talk.speaker_name
        lines += [f"Talk: {talk.title}", f"Speaker: {speaker}", ""]
    if meeting.description.strip():
        lines += [meeting.description.strip(), ""]
    if place["video_url"]:
        lines.append(f"Join online: {place['video_url']}")
    if place["accessibility_notes"]:
        lines.append(f"Accessibility: {place['accessibility_notes']}")
    lines += [f"Group: {meeting.group.name}", f"Details and RSVP: {meeting_url(meeting)}"]
    return "\n".join(lines)


def _organizer(meeting: Meeting) -> vCalAddress:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "hello@roundtable.localhost"
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = _line(meeting.group.name)
    return organizer


def _attendee(viewer: Viewer, method: str) -> vCalAddress | None:
    email = getattr(viewer, "email", "")
    if not viewer.is_authenticated or not email:
        return None
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["CN"] = _line(getattr(viewer, "display_name", email))
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED" if method == "REQUEST" else "NEEDS-ACTION"
    attendee.params["RSVP"] = "FALSE"
    return attendee


def meeting_event(
    meeting: Meeting, viewer: Viewer, *, method: str | None = None, stamp: datetime | None = None
) -> Event:
    """One VEVENT as `viewer` may see it. `method` (REQUEST or CANCEL) adds the organizer
    and the viewer as attendee, which iTIP invitations in emails need."""
    tz = ZoneInfo(meeting.time_zone)
    place = permissions.place_for(viewer, meeting)
    event = Event()
    event.add("uid", uid_of(meeting))
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    event.add("summary", _line(summary_of(meeting)))
    event.add("description", scrub(_description(meeting, place), multiline=True))
    location = _line(_location(place, meeting))
    if location:
        event.add("location", location)
    event.add("url", meeting_url(meeting))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if meeting.is_cancelled else "OPAQUE")
    if method is not None:
        event.add("organizer", _organizer(meeting))
        attendee = _attendee(viewer, method)
        if attendee is not None:
            event.add("attendee", attendee)
    return event


def calendar_for(
    meetings: Iterable[Meeting],
    viewer: Viewer,
    name: str,
    *,
    method: str | None = None,
    fallback_zone: str = "UTC",
    feed: bool = False,
    extra: Sequence[Event] = (),
) -> bytes:
    """A VCALENDAR of the meetings as `viewer` may see them, with one VTIMEZONE per zone.

    An empty calendar still carries the VTIMEZONE of `fallback_zone`, since RFC 5545 wants
    at least one component. `feed` adds the refresh hints for subscriptions. `extra` are
    events of the viewer's own (their interviews, from the tracker), added after the meetings."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method)
    cal.calendar_name = _line(name)
    if feed:
        cal.refresh_interval = REFRESH
        cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 requires it; icalendar leaves it out
        cal.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    years: list[int] = []
    for meeting in meetings:
        # Without METHOD, DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2), not
        # the time of the request: the same meetings give the same bytes, so a feed's ETag
        # holds until something in it changes (feeds._ics).
        revised = meeting.updated_at if method is None else stamp
        cal.add_component(meeting_event(meeting, viewer, method=method, stamp=revised))
        years += [meeting.starts_at.year, meeting.ends_at.year]
    for event in extra:
        cal.add_component(event)
        years += [event.decoded("dtstart").year, event.decoded("dtend").year]
    if years:
        cal.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    else:
        this_year = stamp.year
        cal.subcomponents.insert(
            0,
            Timezone.from_tzid(
                fallback_zone, first_date=date(this_year - 1, 1, 1), last_date=date(this_year + 2, 1, 1)
            ),
        )
    return cal.to_ical()
