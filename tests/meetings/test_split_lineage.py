"""A "this and following" edit or cancel reaches the splits an earlier such edit made after it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from roundtable.meetings import services, tasks
from roundtable.meetings.models import Meeting, MeetingSeries, MeetingStatus
from tests.factories import GroupFactory, facilitator_of

NY = "America/New_York"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _local(m: Meeting) -> datetime:
    return m.starts_at.astimezone(ZoneInfo(NY)).replace(tzinfo=None)


def _setup() -> tuple[Meeting, object]:
    group = GroupFactory(time_zone=NY)
    fac = facilitator_of(group)
    data = services.MeetingData(title="Harbor", start_local=datetime(2026, 12, 8, 18, 0), time_zone=NY)
    first = services.meeting_create(group=group, by=fac, data=data, rule="FREQ=WEEKLY", now=NOW)
    fifth = _all(first)[4]
    e5 = services.MeetingData(title="E5", start_local=datetime(2027, 1, 5, 20, 0), time_zone=NY)
    services.meeting_update(meeting=fifth, by=fac, data=e5, scope="following", now=NOW)
    return first, fac


def _all(first: Meeting) -> list[Meeting]:
    return list(Meeting.objects.filter(group=first.group).order_by("starts_at"))


@pytest.mark.django_db
def test_a_following_edit_before_an_earlier_split_reaches_every_later_meeting() -> None:
    first, fac = _setup()
    third = _all(first)[2]
    e3 = services.MeetingData(title="E3", start_local=datetime(2026, 12, 22, 19, 0), time_zone=NY)
    services.meeting_update(meeting=third, by=fac, data=e3, scope="following", now=NOW)  # type: ignore[arg-type]
    tasks.tick_once(NOW + timedelta(days=60))
    rows = _all(first)
    assert [(_local(m).strftime("%m-%d %H:%M"), m.title) for m in rows[:6]] == [
        ("12-08 18:00", "Harbor"), ("12-15 18:00", "Harbor"), ("12-22 19:00", "E3"), ("12-29 19:00", "E3"),
        ("01-05 19:00", "E3"), ("01-12 19:00", "E3"),
    ]  # fmt: skip
    assert {(_local(m).strftime("%a %H:%M"), m.title) for m in rows[2:]} == {("Tue 19:00", "E3")}
    assert [(b.occurrence_local - a.occurrence_local).days for a, b in itertools.pairwise(rows)] == [7] * (
        len(rows) - 1
    )
    assert _local(rows[-1]) == datetime(2027, 7, 27, 19, 0)
    # Exactly one series of the recurrence still generates.
    assert MeetingSeries.objects.filter(group=first.group, ended=False).count() == 1


@pytest.mark.django_db
def test_cancel_this_and_following_before_an_earlier_split_cancels_all_later_and_stops_generating() -> None:
    first, fac = _setup()
    third = _all(first)[2]
    cancelled = services.meeting_cancel(meeting=third, by=fac, scope="following", now=NOW)  # type: ignore[arg-type]
    rows = _all(first)
    assert cancelled == len(rows) - 2
    assert [m.status == MeetingStatus.CANCELLED for m in rows] == [False, False] + [True] * (len(rows) - 2)
    count = len(rows)
    tasks.tick_once(NOW + timedelta(days=60))
    assert len(_all(first)) == count
    assert MeetingSeries.objects.filter(group=first.group, ended=False).count() == 0
