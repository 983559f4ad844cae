"""iCalendar output: parsed by two independent libraries, exact instants, zones, status, sequence."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus

from roundtable.groups.models import Format, Kind
from roundtable.meetings import ical, services
from roundtable.meetings.feed_services import calendar_feed_create
from roundtable.meetings.models import Meeting
from roundtable.meetings.services import MeetingData, TalkData
from tests.factories import GroupFactory, MembershipFactory, facilitator_of

NY = "America/New_York"


def _data(**kwargs: object) -> MeetingData:
    fields: dict[str, object] = {
        "title": "Tuesday roundtable",
        "start_local": datetime(2027, 3, 16, 18, 0),
        "time_zone": NY,
        "main_minutes": 90,
        "venue": "Library",
        "address": "1 Main St",
    }
    fields.update(kwargs)
    return MeetingData(**fields)  # type: ignore[arg-type]


def _both(body: bytes) -> tuple[icalendar.Calendar, object]:
    """Parse with icalendar and with the independent `ical` library; both must accept it."""
    first = icalendar.Calendar.from_ical(body)
    second = IcsCalendarStream.calendar_from_ics(body.decode())
    return first, second


@pytest.mark.django_db
def test_meeting_download_parses_twice_with_tzid_vtimezone_and_exact_instants() -> None:
    group = GroupFactory(name="Harbor Roundtable")
    fac = facilitator_of(group)
    meeting = services.meeting_create(group=group, by=fac, data=_data())
    r = Client().get(f"/meetings/{meeting.public_id}.ics")
    assert r.status_code == 200
    assert r["Content-Type"] == "text/calendar; charset=utf-8"
    assert r["Content-Disposition"] == f'attachment; filename="meeting-{meeting.public_id}.ics"'
    text = r.content.decode()
    assert "DTSTART;TZID=America/New_York:20270316T180000" in text
    assert "DTEND;TZID=America/New_York:20270316T193000" in text
    first, second = _both(r.content)
    [event] = first.events
    assert event["UID"] == f"meeting-{meeting.pk}@roundtable"
    assert event.start == meeting.starts_at == datetime(2027, 3, 16, 22, 0, tzinfo=UTC)
    assert event.end == meeting.ends_at
    assert event["DTSTART"].params["TZID"] == NY
    assert [tz.tz_name for tz in first.timezones] == [NY]
    assert first.get_missing_tzids() == set()
    assert str(event["SUMMARY"]) == "Tuesday roundtable"
    assert str(event["URL"]) == f"http://127.0.0.1:8000/meetings/{meeting.public_id}/"
    assert str(event["LOCATION"]) == "Library, 1 Main St, Boston, MA"  # venue, street and city (issue 9, item 10)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert "Group: Harbor Roundtable" in str(event["DESCRIPTION"])
    assert f"Details and RSVP: http://127.0.0.1:8000/meetings/{meeting.public_id}/" in str(event["DESCRIPTION"])
    [other] = second.events  # type: ignore[attr-defined]
    assert other.uid == f"meeting-{meeting.pk}@roundtable"
    assert other.dtstart == meeting.starts_at
    assert other.dtend == meeting.ends_at
    assert other.dtstart.tzinfo.key == NY
    assert [tz.tz_id for tz in second.timezones] == [NY]  # type: ignore[attr-defined]
    assert other.status == EventStatus.CONFIRMED


@pytest.mark.django_db
def test_weekly_series_keeps_local_time_across_dst_in_the_private_feed() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    now = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    first = services.meeting_create(
        group=group, by=fac, data=_data(start_local=datetime(2027, 3, 9, 18, 0)), rule="FREQ=WEEKLY", now=now
    )
    meetings = list(Meeting.objects.filter(series_id=first.series_id).order_by("starts_at")[:2])
    for m in meetings:
        services.rsvp_set(meeting=m, user=fac, going=True, now=now)
    _feed, token = calendar_feed_create(user=fac)
    r = Client().get(f"/calendar/{token}.ics")
    assert r.status_code == 200
    text = r.content.decode()
    # 9 March is still standard time in New York, 16 March is daylight time: both 18:00 local.
    assert "DTSTART;TZID=America/New_York:20270309T180000" in text
    assert "DTSTART;TZID=America/New_York:20270316T180000" in text
    first_cal, second_cal = _both(r.content)
    assert [e.start for e in first_cal.events] == [m.starts_at for m in meetings]
    assert [m.starts_at for m in meetings] == [
        datetime(2027, 3, 9, 23, 0, tzinfo=UTC),
        datetime(2027, 3, 16, 22, 0, tzinfo=UTC),
    ]
    assert [e.dtstart for e in second_cal.events] == [m.starts_at for m in meetings]  # type: ignore[attr-defined]
    assert first_cal.get_missing_tzids() == set()


@pytest.mark.django_db
def test_one_vtimezone_per_zone_used() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    ny = services.meeting_create(group=group, by=fac, data=_data())
    berlin = services.meeting_create(
        group=group, by=fac, data=_data(time_zone="Europe/Berlin", start_local=datetime(2027, 3, 30, 19, 0))
    )
    body = ical.calendar_for([ny, berlin], AnonymousUser(), "Two zones")
    first, second = _both(body)
    assert sorted(tz.tz_name for tz in first.timezones) == ["America/New_York", "Europe/Berlin"]
    assert sorted(tz.tz_id for tz in second.timezones) == ["America/New_York", "Europe/Berlin"]  # type: ignore[attr-defined]
    assert "DTSTART;TZID=Europe/Berlin:20270330T190000" in body.decode()
    assert [e.start for e in first.events] == [ny.starts_at, berlin.starts_at]
    assert berlin.starts_at == datetime(2027, 3, 30, 17, 0, tzinfo=UTC)
    assert str(first["X-WR-CALNAME"]) == "Two zones"


@pytest.mark.django_db
def test_cancelled_meeting_is_marked_and_sequence_goes_up() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    meeting = services.meeting_create(group=group, by=fac, data=_data())
    services.meeting_cancel(meeting=meeting, by=fac)
    r = Client().get(f"/groups/{group.slug}/calendar.ics")
    assert r.status_code == 200
    first, second = _both(r.content)
    [event] = first.events
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert second.events[0].status == EventStatus.CANCELLED  # type: ignore[attr-defined]
    assert "STATUS:CANCELLED" in r.content.decode()


@pytest.mark.django_db
def test_sequence_and_times_follow_meeting_update() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    meeting = services.meeting_create(group=group, by=fac, data=_data())
    before, _ = _both(Client().get(f"/meetings/{meeting.public_id}.ics").content)
    assert before.events[0]["SEQUENCE"] == 0
    services.meeting_update(meeting=meeting, by=fac, data=_data(start_local=datetime(2027, 3, 16, 19, 30)))
    meeting.refresh_from_db()
    after, second = _both(Client().get(f"/meetings/{meeting.public_id}.ics").content)
    [event] = after.events
    assert event["SEQUENCE"] == meeting.sequence == 1
    assert event["UID"] == before.events[0]["UID"]
    assert event.start == meeting.starts_at == datetime(2027, 3, 16, 23, 30, tzinfo=UTC)
    assert second.events[0].sequence == 1  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_speakers_meeting_summary_carries_the_talk() -> None:
    group = GroupFactory(kind=Kind.SPEAKERS)
    fac = facilitator_of(group)
    talk = TalkData(speaker_name="Jordan Lee", title="LinkedIn that gets you called back", organisation="Acme")
    meeting = services.meeting_create(group=group, by=fac, data=_data(title="Monthly speaker night"), talk=talk)
    first, _second = _both(ical.calendar_for([meeting], AnonymousUser(), "x"))
    event = first.events[0]
    assert str(event["SUMMARY"]) == "Monthly speaker night: LinkedIn that gets you called back"
    assert "Speaker: Jordan Lee, Acme" in str(event["DESCRIPTION"])


@pytest.mark.django_db
def test_email_invitation_has_method_organizer_and_attendee() -> None:
    group = GroupFactory(name="Harbor Roundtable")
    fac = facilitator_of(group)
    member = MembershipFactory(group=group).user
    meeting = services.meeting_create(
        group=group,
        by=fac,
        data=_data(format=Format.VIRTUAL, address="", venue="", video_url="https://meet.example.com/harbor"),
    )
    services.rsvp_set(meeting=meeting, user=member, going=True)
    first, second = _both(ical.calendar_for([meeting], member, "x", method="REQUEST"))
    assert str(first["METHOD"]) == "REQUEST"
    event = first.events[0]
    assert str(event["ORGANIZER"]) == "mailto:hello@roundtable.localhost"
    assert str(event["ATTENDEE"]) == f"mailto:{member.email}"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    # Going members see the link; it is the location of an online meeting.
    assert str(event["LOCATION"]) == "https://meet.example.com/harbor"
    assert second.events[0].location == "https://meet.example.com/harbor"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_empty_feed_is_still_a_valid_calendar() -> None:
    body = ical.calendar_for([], AnonymousUser(), "Nothing yet", fallback_zone=NY, feed=True)
    first, second = _both(body)
    assert first.events == []
    assert [tz.tz_name for tz in first.timezones] == [NY]
    assert second.events == []  # type: ignore[attr-defined]
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body.decode()
