"""Schedules keep what the facilitator said: series edits outlive today's rows, every legal
RFC 5545 rule form, a minimum gap between meetings (issue 8, section 1)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Format
from roundtable.meetings import recurrence, services, tasks
from roundtable.meetings.models import Meeting, MeetingSeries
from tests.factories import GroupFactory, facilitator_of

NY = "America/New_York"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _local(m: Meeting) -> datetime:
    return m.starts_at.astimezone(ZoneInfo(m.time_zone)).replace(tzinfo=None)


def _series(rule: str, start: datetime, *, title: str = "Harbor circle", now: datetime = NOW) -> Meeting:
    group = GroupFactory(time_zone=NY)
    data = services.MeetingData(title=title, start_local=start, time_zone=NY, venue="Library")
    return services.meeting_create(group=group, by=facilitator_of(group), data=data, rule=rule, now=now)


def _all(first: Meeting) -> list[Meeting]:
    return list(Meeting.objects.filter(group=first.group).order_by("starts_at"))


# Edits to a series outlive the rows that exist today ------------------------------------------


@pytest.mark.django_db
def test_this_and_following_edit_holds_for_meetings_the_tick_creates_later() -> None:
    first = _series("FREQ=WEEKLY", datetime(2026, 12, 8, 18, 0))
    third = _all(first)[2]
    assert _local(third) == datetime(2026, 12, 22, 18, 0)
    edit = services.MeetingData(
        title="Harbor circle (new room)", start_local=datetime(2026, 12, 22, 19, 0), time_zone=NY, main_minutes=90,
        capacity=8, format=Format.HYBRID, video_url="https://meet.example.com/harbor", venue="Town hall",
    )  # fmt: skip
    services.meeting_update(meeting=third, by=facilitator_of(first.group), data=edit, scope="following", now=NOW)
    before_tick = {m.pk for m in _all(first)}
    result = tasks.tick_once(NOW + timedelta(days=60))
    rows = _all(first)
    created = [m for m in rows if m.pk not in before_tick]
    assert result["meetings_created"] == len(created) == 8
    # Weekly on Tuesdays with no gap or duplicate, across the March change to daylight time.
    assert [(b.starts_at.astimezone(ZoneInfo(NY)).date() - a.starts_at.astimezone(ZoneInfo(NY)).date()).days
            for a, b in itertools.pairwise(rows)] == [7] * (len(rows) - 1)  # fmt: skip
    assert [_local(m).strftime("%H:%M") for m in rows[:2]] == ["18:00", "18:00"]
    assert {m.title for m in rows[:2]} == {"Harbor circle"}
    edited = rows[2:]
    assert {_local(m).strftime("%H:%M") for m in edited} == {"19:00"}
    assert {(m.title, m.venue, m.capacity, m.format, m.video_url, m.main_minutes) for m in edited} == {
        ("Harbor circle (new room)", "Town hall", 8, Format.HYBRID, "https://meet.example.com/harbor", 90)
    }
    assert {m.ends_at - m.starts_at for m in edited} == {timedelta(minutes=90)}
    assert _local(rows[-1]) == datetime(2027, 7, 27, 19, 0)


@pytest.mark.django_db
def test_a_second_following_edit_and_a_single_edit_both_survive_later_ticks() -> None:
    first = _series("FREQ=WEEKLY", datetime(2026, 12, 8, 18, 0))
    fac = facilitator_of(first.group)
    rows = _all(first)
    nineteen = services.MeetingData(title="Later", start_local=datetime(2026, 12, 22, 19, 0), time_zone=NY)
    services.meeting_update(meeting=rows[2], by=fac, data=nineteen, scope="following", now=NOW)
    # The 4th alone moves to Wednesday; then from the 6th on, the series moves to 17:30 Mondays.
    special = services.MeetingData(title="Special", start_local=datetime(2026, 12, 30, 12, 0), time_zone=NY)
    services.meeting_update(meeting=_all(first)[3], by=fac, data=special, scope="one", now=NOW)
    monday = services.MeetingData(title="Mondays", start_local=datetime(2027, 1, 11, 17, 30), time_zone=NY)
    services.meeting_update(meeting=_all(first)[5], by=fac, data=monday, scope="following", now=NOW)
    tasks.tick_once(NOW + timedelta(days=90))
    rows = _all(first)
    assert [(_local(m).strftime("%a %m-%d %H:%M"), m.title) for m in rows[:7]] == [
        ("Tue 12-08 18:00", "Harbor circle"), ("Tue 12-15 18:00", "Harbor circle"), ("Tue 12-22 19:00", "Later"),
        ("Wed 12-30 12:00", "Special"), ("Tue 01-05 19:00", "Later"), ("Mon 01-11 17:30", "Mondays"),
        ("Mon 01-18 17:30", "Mondays"),
    ]  # fmt: skip
    assert {(_local(m).strftime("%a %H:%M"), m.title) for m in rows[5:]} == {("Mon 17:30", "Mondays")}
    assert _local(rows[-1]) == datetime(2027, 8, 30, 17, 30)
    # One meeting per week, never two for one occurrence.
    assert len(rows) == len({m.occurrence_local for m in rows}) == 39


@pytest.mark.django_db
def test_a_following_edit_of_the_first_meeting_changes_the_series_itself() -> None:
    first = _series("FREQ=WEEKLY", datetime(2026, 12, 8, 18, 0))
    edit = services.MeetingData(title="Renamed", start_local=datetime(2026, 12, 8, 18, 0), time_zone=NY, capacity=5)
    services.meeting_update(meeting=first, by=facilitator_of(first.group), data=edit, scope="following", now=NOW)
    assert MeetingSeries.objects.filter(group=first.group).count() == 1
    tasks.tick_once(NOW + timedelta(days=60))
    assert {(m.title, m.capacity) for m in _all(first)} == {("Renamed", 5)}


# RFC 5545 recurrence rules in all their legal forms --------------------------------------------


@pytest.mark.parametrize(
    "rule",
    ["FREQ=WEEKLY;UNTIL=20270112T230000Z", "FREQ=WEEKLY;UNTIL=20270112", "FREQ=WEEKLY;UNTIL=20270112T180000",
     "RRULE:FREQ=WEEKLY;UNTIL=20270112T230000Z"],
)  # fmt: skip
@pytest.mark.django_db
def test_until_in_utc_date_or_floating_form_includes_the_last_meeting(rule: str) -> None:
    first = _series(rule, datetime(2026, 12, 8, 18, 0))
    rows = _all(first)
    assert [_local(m).date() for m in rows] == [date(2026, 12, 8) + timedelta(weeks=i) for i in range(6)]
    assert rows[-1].starts_at == datetime(2027, 1, 12, 23, 0, tzinfo=UTC)  # 18:00 EST
    assert first.series is not None
    assert first.series.rule == rule.removeprefix("RRULE:")


def test_a_utc_until_one_second_before_the_meeting_leaves_it_out() -> None:
    occ = recurrence.expand(
        "FREQ=WEEKLY;UNTIL=20270112T225959Z", datetime(2026, 12, 8, 18, 0), NY,
        datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    assert occ[-1].local == datetime(2027, 1, 5, 18, 0)


@pytest.mark.django_db
def test_a_start_that_does_not_match_the_rule_is_the_first_meeting() -> None:
    # Tue 15 Dec 2026 is not the month's last Tuesday (29 Dec is); RFC 5545 counts it anyway.
    first = _series("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1", datetime(2026, 12, 15, 18, 0))
    assert _local(first) == datetime(2026, 12, 15, 18, 0)
    assert [_local(m).date() for m in _all(first)[:4]] == [
        date(2026, 12, 15), date(2026, 12, 29), date(2027, 1, 26), date(2027, 2, 23),
    ]  # fmt: skip


@pytest.mark.django_db
def test_count_includes_a_start_that_does_not_match() -> None:
    first = _series("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1;COUNT=3", datetime(2026, 12, 15, 18, 0))
    assert [_local(m).date() for m in _all(first)] == [date(2026, 12, 15), date(2026, 12, 29), date(2027, 1, 26)]


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ("FREQ=YEARLY", datetime(2028, 2, 29, 18, 0)),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", datetime(2028, 2, 29, 18, 0)),
    ],
)
@pytest.mark.django_db
def test_a_yearly_29_february_series_is_accepted_and_meets_every_leap_year(rule: str, start: datetime) -> None:
    first = _series(rule, start)
    assert _local(first) == datetime(2028, 2, 29, 18, 0)
    assert [_local(m) for m in _all(first)] == [datetime(2028, 2, 29, 18, 0)]
    tasks.tick_once(datetime(2031, 12, 1, tzinfo=UTC))
    assert [_local(m) for m in _all(first)] == [datetime(2028, 2, 29, 18, 0), datetime(2032, 2, 29, 18, 0)]


NEVER_REPEATS = "That rule never repeats in the next eight years: schedule a single meeting instead."


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270112", "Use COUNT or UNTIL, not both (RFC 5545)."),
        ("FREQ=WEEKLY;UNTIL=2027-01-12", "Write UNTIL as a date (20271231) or a UTC time (20271231T230000Z), "
                                         "as RFC 5545 describes."),
        ("FREQ=WEEKLY;UNTIL=20271345", "Write UNTIL as a date (20271231) or a UTC time (20271231T230000Z), "
                                       "as RFC 5545 describes."),
        ("FREQ=YEARLY;BYEASTER=0", "BYEASTER is not part of RFC 5545; describe the dates with BYMONTH and BYMONTHDAY."),
        ("FREQ=WEEKLY;COUNT=1", NEVER_REPEATS),
        # Its parts match no day at all: refused, after walking at most one 400-year calendar cycle.
        ("FREQ=DAILY;BYSETPOS=2", NEVER_REPEATS),
    ],
)  # fmt: skip
def test_rules_outside_rfc_5545_or_without_a_second_meeting_are_refused(rule: str, message: str) -> None:
    with pytest.raises(recurrence.RuleError) as exc:
        recurrence.validate(rule, datetime(2026, 12, 8, 18, 0), NY)
    assert str(exc.value) == message


@pytest.mark.django_db
def test_the_api_accepts_a_utc_until() -> None:
    group = GroupFactory(time_zone=NY)
    token = api_token_create(user=facilitator_of(group))[1]
    today = timezone.now().astimezone(ZoneInfo(NY)).date()
    start = datetime.combine(today + timedelta(days=14), time(18, 0))
    third = start + timedelta(weeks=2)
    until = recurrence.to_utc(third, NY).strftime("%Y%m%dT%H%M%SZ")
    body = {"title": "Harbor", "start": start.isoformat(), "rule": f"FREQ=WEEKLY;UNTIL={until}"}
    r = Client().post(f"/api/v1/groups/{group.slug}/meetings", body, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert r.status_code == 201
    assert [_local(m) for m in Meeting.objects.filter(group=group).order_by("starts_at")] == [
        start, start + timedelta(weeks=1), third,
    ]  # fmt: skip


# At most one meeting a day, whatever rule parts produce them -----------------------------------

EVERY_MINUTE = "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=" + ",".join(map(str, range(60)))


@pytest.mark.parametrize(
    ("rule", "gap"),
    [
        (EVERY_MINUTE, "1 minute"),
        ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=18,20", "2 hours"),
        ("FREQ=HOURLY;INTERVAL=12", "12 hours"),
        ("FREQ=MINUTELY;INTERVAL=600", "10 hours"),
        ("FREQ=SECONDLY", "1 seconds"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,-1;BYHOUR=0,23;BYSETPOS=1,-1", "60 minutes"),
    ],
)
@pytest.mark.django_db
def test_rules_that_put_meetings_closer_than_a_day_are_refused_with_the_minimum(rule: str, gap: str) -> None:
    group = GroupFactory(time_zone=NY)
    data = services.MeetingData(title="Too often", start_local=datetime(2026, 12, 8, 18, 0), time_zone=NY)
    with pytest.raises(services.MeetingError) as exc:
        services.meeting_create(group=group, by=facilitator_of(group), data=data, rule=rule, now=NOW)
    assert (
        exc.value.message
        == f"Meetings in a series must be at least 1 day apart; this rule puts two meetings {gap} apart."
    )
    assert exc.value.field == "rule"
    assert Meeting.objects.filter(group=group).count() == 0


@pytest.mark.parametrize("rule", ["FREQ=DAILY", "FREQ=HOURLY;INTERVAL=24", "FREQ=WEEKLY;BYDAY=TU,WE"])
def test_rules_one_day_apart_or_more_are_accepted(rule: str) -> None:
    assert recurrence.validate(rule, datetime(2026, 12, 8, 18, 0), NY) == rule


@pytest.mark.django_db
def test_a_stored_rule_that_breaks_the_minimum_still_never_makes_two_meetings_a_day() -> None:
    # Rules stored before the limit existed skip the starts that come too soon.
    group = GroupFactory(time_zone=NY)
    series = MeetingSeries.objects.create(
        group=group, rule=EVERY_MINUTE, first_start=datetime(2026, 12, 8, 18, 0, tzinfo=UTC), time_zone=NY,
        title="Old rule",
    )  # fmt: skip
    made = services.series_extend(series=series, until=datetime(2026, 12, 12, tzinfo=UTC))
    assert [_local(m) for m in made] == [
        datetime(2026, 12, 8, 18, 0), datetime(2026, 12, 9, 18, 0), datetime(2026, 12, 10, 18, 0),
        datetime(2026, 12, 11, 18, 0),
    ]  # fmt: skip
