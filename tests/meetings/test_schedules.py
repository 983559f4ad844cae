"""Schedules keep what the facilitator said: series edits outlive today's rows, every legal
RFC 5545 rule form, a minimum gap between meetings (issue 8, section 1)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Format
from roundtable.meetings import recurrence, services, tasks
from roundtable.meetings.forms import MeetingForm
from roundtable.meetings.models import Meeting, MeetingSeries, ReminderSent, Rsvp
from tests.factories import GroupFactory, MembershipFactory, facilitator_of

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
        ("FREQ=SECONDLY", "1 second"),
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


# Capacity changes move the waitlist -------------------------------------------------------------


def _edit_url(meeting: Meeting) -> str:
    # The one place this file builds a meeting's address.
    return reverse("meetings:edit", args=[meeting.public_id])


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _full_meeting() -> dict[str, Any]:
    """Capacity 1, A going, B and C waiting (B first), a month from now."""
    group = GroupFactory(time_zone=NY)
    fac = facilitator_of(group)
    start = datetime.combine(timezone.now().astimezone(ZoneInfo(NY)).date() + timedelta(days=30), time(18, 0))
    data = services.MeetingData(title="Harbor circle", start_local=start, time_zone=NY, capacity=1)
    meeting = services.meeting_create(group=group, by=fac, data=data)
    a, b, c, d = (MembershipFactory(group=group).user for _ in range(4))
    for person in (a, b, c):
        services.rsvp_set(meeting=meeting, user=person, going=True)
    return {"group": group, "fac": fac, "meeting": meeting, "a": a, "b": b, "c": c, "d": d}


def _status(meeting: Meeting, *people: Any) -> list[tuple[str, int | None]]:
    rsvps = {r.user_id: r for r in Rsvp.objects.filter(meeting=meeting)}
    return [(rsvps[p.pk].status, services.waitlist_position(rsvps[p.pk])) for p in people]


@pytest.mark.parametrize(("capacity", "d_status"), [("3", ("waitlisted", 1)), ("", ("going", None))])
@pytest.mark.django_db(transaction=True)
def test_raising_or_clearing_capacity_in_the_edit_form_promotes_in_order_with_email(
    mailoutbox: list[Any], capacity: str, d_status: tuple[str, int | None]
) -> None:
    w = _full_meeting()
    meeting = w["meeting"]
    form = MeetingForm.initial_for(w["group"], meeting)
    post = {k: ("" if v is None else v) for k, v in form.items()}
    post.update(date=form["date"].isoformat(), start_time="18:00", capacity=capacity, scope="one")
    client = Client()
    client.force_login(w["fac"])
    r = client.post(_edit_url(meeting), post)
    assert r.status_code == 302
    assert _status(meeting, w["b"], w["c"]) == [("going", None), ("going", None)]
    meeting.refresh_from_db()
    assert (meeting.capacity, meeting.going_count, meeting.waitlist_count) == (
        int(capacity) if capacity else None, 3, 0,
    )  # fmt: skip
    # The newcomer comes after the people who were waiting.
    services.rsvp_set(meeting=meeting, user=w["d"], going=True)
    assert _status(meeting, w["d"]) == [d_status]
    _run_tasks()
    promoted = [m for m in mailoutbox if m.subject == "[Roundtable] You're in: a seat opened up for Harbor circle"]
    assert sorted(m.to[0] for m in promoted) == sorted([w["b"].email, w["c"].email])


@pytest.mark.django_db
def test_raising_capacity_promotes_only_as_many_as_the_new_seats_first_come_first_served() -> None:
    w = _full_meeting()
    edit = services.MeetingData(
        title="Harbor circle", start_local=_local(w["meeting"]), time_zone=NY, capacity=2
    )  # fmt: skip
    services.meeting_update(meeting=w["meeting"], by=w["fac"], data=edit)
    assert _status(w["meeting"], w["a"], w["b"], w["c"]) == [("going", None), ("going", None), ("waitlisted", 1)]


@pytest.mark.django_db
def test_a_series_edit_that_raises_capacity_promotes_on_every_following_meeting() -> None:
    group = GroupFactory(time_zone=NY)
    fac = facilitator_of(group)
    start = datetime.combine(timezone.now().astimezone(ZoneInfo(NY)).date() + timedelta(days=7), time(18, 0))
    data = services.MeetingData(title="Weekly", start_local=start, time_zone=NY, capacity=1)
    first = services.meeting_create(group=group, by=fac, data=data, rule="FREQ=WEEKLY")
    rows = _all(first)[:3]
    a, b = (MembershipFactory(group=group).user for _ in range(2))
    for meeting in rows:
        for person in (a, b):
            services.rsvp_set(meeting=meeting, user=person, going=True)
    bigger = services.MeetingData(title="Weekly", start_local=start + timedelta(weeks=1), time_zone=NY, capacity=None)
    services.meeting_update(meeting=rows[1], by=fac, data=bigger, scope="following")
    assert [_status(m, b) for m in rows] == [[("waitlisted", 1)], [("going", None)], [("going", None)]]


@pytest.mark.django_db
def test_a_newcomer_never_takes_a_seat_while_someone_waits() -> None:
    # Seats freed behind the services' back (an operator's update) still go to the waitlist first.
    w = _full_meeting()
    Meeting.objects.filter(pk=w["meeting"].pk).update(capacity=4)
    services.rsvp_set(meeting=w["meeting"], user=w["d"], going=True)
    assert _status(w["meeting"], w["b"], w["c"], w["d"]) == [("going", None)] * 3


# Reminders follow the meeting, not its first date ----------------------------------------------

AT = datetime(2027, 3, 16, 22, 0, tzinfo=UTC)  # 18:00 in New York (daylight time)


@pytest.mark.django_db(transaction=True)
def test_a_moved_meeting_gets_its_day_before_reminder_for_the_new_date(mailoutbox: list[Any]) -> None:
    group = GroupFactory(time_zone=NY)
    fac = facilitator_of(group)
    data = services.MeetingData(title="Harbor circle", start_local=datetime(2027, 3, 17, 18, 0), time_zone=NY)
    meeting = services.meeting_create(group=group, by=fac, data=data, now=AT - timedelta(days=7))
    member = MembershipFactory(group=group).user
    services.rsvp_set(meeting=meeting, user=member, going=True, now=AT - timedelta(days=7))
    assert tasks.send_due_reminders(AT) == 1
    moved = services.MeetingData(title="Harbor circle", start_local=datetime(2027, 3, 19, 18, 0), time_zone=NY)
    services.meeting_update(meeting=meeting, by=fac, data=moved, now=AT + timedelta(minutes=5))
    assert tasks.send_due_reminders(AT + timedelta(hours=1)) == 0
    assert tasks.send_due_reminders(AT + timedelta(hours=48)) == 1
    assert tasks.send_due_reminders(AT + timedelta(hours=48, minutes=5)) == 0
    reminders = [m for m in mailoutbox if m.subject.startswith("[Roundtable] Reminder:")]
    assert [m.subject for m in reminders] == [
        "[Roundtable] Reminder: Harbor circle on Wed, Mar 17 at 6 PM Eastern Time",
        "[Roundtable] Reminder: Harbor circle on Fri, Mar 19 at 6 PM Eastern Time",
    ]
    assert sorted(ReminderSent.objects.filter(kind="day").values_list("starts_at", flat=True)) == [
        AT + timedelta(hours=24), AT + timedelta(hours=72),
    ]  # fmt: skip
