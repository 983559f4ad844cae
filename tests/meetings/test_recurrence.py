"""Recurring meetings keep their local wall-clock time; expansion neither skips nor repeats."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.meetings import recurrence, services
from roundtable.meetings.models import Meeting, MeetingStatus
from tests.factories import GroupFactory, facilitator_of

NY = "America/New_York"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _local(m: Meeting) -> datetime:
    return m.starts_at.astimezone(ZoneInfo(m.time_zone))


def test_weekly_18_00_new_york_stays_18_00_across_both_dst_changes_of_2027() -> None:
    occ = recurrence.expand(
        "FREQ=WEEKLY",
        datetime(2027, 1, 5, 18, 0),
        NY,
        datetime(2027, 1, 1, tzinfo=UTC),
        datetime(2028, 1, 1, tzinfo=UTC),
    )
    assert len(occ) == 52
    assert {o.starts_at.astimezone(ZoneInfo(NY)).strftime("%a %H:%M") for o in occ} == {"Tue 18:00"}
    by_date = {o.local.date(): o.starts_at for o in occ}
    # Before 14 March 2027 New York is UTC-5; after, UTC-4; after 7 November, UTC-5 again.
    assert by_date[date(2027, 3, 9)] == datetime(2027, 3, 9, 23, 0, tzinfo=UTC)
    assert by_date[date(2027, 3, 16)] == datetime(2027, 3, 16, 22, 0, tzinfo=UTC)
    assert by_date[date(2027, 11, 2)] == datetime(2027, 11, 2, 22, 0, tzinfo=UTC)
    assert by_date[date(2027, 11, 9)] == datetime(2027, 11, 9, 23, 0, tzinfo=UTC)


def test_monthly_on_the_second_tuesday() -> None:
    first = datetime(2027, 1, 12, 18, 30)
    rule = recurrence.monthly_nth_weekday(first)
    assert rule == "FREQ=MONTHLY;BYDAY=2TU"
    occ = recurrence.expand(rule, first, NY, datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 7, 1, tzinfo=UTC))
    assert [o.local.date() for o in occ] == [
        date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9), date(2027, 4, 13), date(2027, 5, 11), date(2027, 6, 8),
    ]  # fmt: skip
    assert recurrence.describe(rule, first) == "Monthly on the second Tuesday at 6:30 PM"


def test_last_weekday_of_the_month_when_the_first_date_is_a_fifth() -> None:
    assert recurrence.monthly_nth_weekday(datetime(2027, 3, 30, 18, 0)) == "FREQ=MONTHLY;BYDAY=-1TU"


def test_every_two_weeks() -> None:
    first = datetime(2027, 2, 3, 9, 0)
    occ = recurrence.expand(
        recurrence.weekly(2),
        first,
        "Europe/London",
        datetime(2027, 2, 1, tzinfo=UTC),
        datetime(2027, 4, 30, tzinfo=UTC),
    )
    assert [o.local.date() for o in occ] == [date(2027, 2, 3) + timedelta(days=14 * i) for i in range(7)]
    assert {o.local.time().isoformat() for o in occ} == {"09:00:00"}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "FREQ=HOURLY",
            "Meetings in a series must be at least 1 day apart; this rule puts two meetings 60 minutes apart.",
        ),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "That rule never repeats in the next eight years: schedule a single meeting instead.",
        ),
        ("nonsense", "Write each rule part as NAME=VALUE; 'NONSENSE' is not."),
        (
            "FREQ=WEEKLY;BYDAY=XX",
            "BYDAY value 'XX' is not valid: use a weekday such as TU, 2TU or -1FR (ordinal 1-53).",
        ),
        (
            "DTSTART:20270101T000000\nRRULE:FREQ=DAILY",
            "Write the rule as an RRULE, for example FREQ=WEEKLY;INTERVAL=2.",
        ),
    ],
)
def test_impossible_or_bad_rules_are_refused_with_a_reason(rule: str, message: str) -> None:
    with pytest.raises(recurrence.RuleError) as exc:
        recurrence.validate(rule, datetime(2027, 1, 5, 18, 0), NY)
    assert str(exc.value) == message


ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "America/Los_Angeles", "Asia/Kolkata",
         "America/Sao_Paulo", "Pacific/Auckland"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
    hour=st.integers(min_value=6, max_value=22),
    minute=st.sampled_from([0, 15, 30, 45]),
    kind=st.sampled_from(["weekly", "biweekly", "monthly"]),
)
def test_two_years_of_occurrences_have_no_gaps_or_duplicates(
    tz: str, start: datetime, hour: int, minute: int, kind: str
) -> None:
    first = start.replace(hour=hour, minute=minute, second=0, microsecond=0)
    rule = {"weekly": "FREQ=WEEKLY", "biweekly": "FREQ=WEEKLY;INTERVAL=2"}.get(kind) or "FREQ=MONTHLY;BYMONTHDAY=-1"
    lo = recurrence.to_utc(first, tz) - timedelta(seconds=1)
    hi = lo + timedelta(days=730)
    occ = recurrence.expand(rule, first, tz, lo, hi)
    locals_ = [o.local for o in occ]
    instants = [o.starts_at for o in occ]
    assert len(set(instants)) == len(instants)
    assert instants == sorted(instants)
    assert {(d.hour, d.minute) for d in locals_} == {(hour, minute)}
    if kind != "monthly":
        step = 7 if kind == "weekly" else 14
        assert [(b.date() - a.date()).days for a, b in itertools.pairwise(locals_)] == [step] * (len(locals_) - 1)
        expected = (hi - lo).days // step
        assert len(occ) in (expected, expected + 1)
    else:
        # The start (RFC 5545: DTSTART is always the first occurrence), then the last day of every month.
        assert locals_[0] == first
        month_ends = locals_[1:] if (first + timedelta(days=1)).day != 1 else locals_
        assert len(month_ends) in (23, 24, 25)  # 730 days can fall short of the 24th month end by a day
        assert all((d + timedelta(days=1)).day == 1 for d in month_ends)


@pytest.mark.django_db
def test_series_rows_edit_from_a_date_on_and_cancel_an_occurrence() -> None:
    group = GroupFactory(time_zone=NY)
    fac = facilitator_of(group)
    data = services.MeetingData(title="Roundtable", start_local=datetime(2027, 1, 5, 18, 0), time_zone=NY,
                                main_minutes=90)  # fmt: skip
    first = services.meeting_create(group=group, by=fac, data=data, rule="FREQ=WEEKLY;INTERVAL=2", now=NOW)
    series = list(Meeting.objects.filter(series=first.series).order_by("starts_at"))
    assert first == series[0]
    assert len(series) == 11  # every two weeks from 5 Jan up to the six-month horizon (2 Jun 2027)
    assert {_local(m).strftime("%H:%M") for m in series} == {"18:00"}
    # Cancel one occurrence only.
    assert services.meeting_cancel(meeting=series[2], by=fac, now=NOW) == 1
    # Move the 5th and everything after it to 19:30, keeping their dates.
    fifth = series[4]
    moved = services.MeetingData(title="Roundtable (new time)", start_local=datetime(2027, 3, 2, 19, 30),
                                 time_zone=NY, main_minutes=90)  # fmt: skip
    services.meeting_update(meeting=fifth, by=fac, data=moved, scope="following", now=NOW)
    after = list(Meeting.objects.filter(group=group).order_by("starts_at"))
    assert [_local(m).strftime("%m-%d %H:%M") for m in after] == [
        "01-05 18:00", "01-19 18:00", "02-02 18:00", "02-16 18:00", "03-02 19:30", "03-16 19:30", "03-30 19:30",
        "04-13 19:30", "04-27 19:30", "05-11 19:30", "05-25 19:30",
    ]  # fmt: skip
    assert [m.status for m in after].count(MeetingStatus.CANCELLED) == 1
    assert after[2].status == MeetingStatus.CANCELLED
    assert {m.title for m in after[4:]} == {"Roundtable (new time)"}
    assert {m.title for m in after[:4]} == {"Roundtable"}
    assert after[4].sequence == 1
    # The series was split at the 5th: the new one carries the edit for occurrences generated later.
    assert {m.series_id for m in after[:4]} == {first.series_id}
    assert {m.series_id for m in after[4:]} == {after[4].series_id}
    assert after[4].series is not None
    assert after[4].series.title == "Roundtable (new time)"
    assert after[4].series.shift == timedelta(minutes=90)


@pytest.mark.django_db
def test_editing_one_occurrence_detaches_it_from_later_series_edits() -> None:
    group = GroupFactory(time_zone=NY)
    fac = facilitator_of(group)
    data = services.MeetingData(title="Weekly", start_local=datetime(2027, 1, 5, 18, 0), time_zone=NY)
    first = services.meeting_create(group=group, by=fac, data=data, rule="FREQ=WEEKLY", now=NOW)
    rows = list(Meeting.objects.filter(series=first.series).order_by("starts_at"))
    special = services.MeetingData(title="Special guest night", start_local=datetime(2027, 1, 13, 17, 0), time_zone=NY)
    services.meeting_update(meeting=rows[1], by=fac, data=special, scope="one", now=NOW)
    later = services.MeetingData(title="Weekly (renamed)", start_local=datetime(2027, 1, 5, 18, 0), time_zone=NY)
    services.meeting_update(meeting=rows[0], by=fac, data=later, scope="following", now=NOW)
    rows = list(Meeting.objects.filter(series=first.series).order_by("starts_at"))
    assert rows[1].title == "Special guest night"
    assert _local(rows[1]).strftime("%a %d %H:%M") == "Wed 13 17:00"
    assert {m.title for i, m in enumerate(rows) if i != 1} == {"Weekly (renamed)"}


@pytest.mark.django_db
def test_cancel_following_ends_the_series() -> None:
    group = GroupFactory(time_zone=NY)
    fac = facilitator_of(group)
    data = services.MeetingData(title="Weekly", start_local=datetime(2027, 1, 5, 18, 0), time_zone=NY)
    first = services.meeting_create(group=group, by=fac, data=data, rule="FREQ=WEEKLY", now=NOW)
    rows = list(Meeting.objects.filter(series=first.series).order_by("starts_at"))
    n = services.meeting_cancel(meeting=rows[3], by=fac, scope="following", now=NOW)
    assert n == len(rows) - 3
    series = first.series
    series.refresh_from_db()
    assert series.ended is True
    assert services.series_extend(series=series, until=NOW + timedelta(days=400)) == []
