"""A group's schedule is its meetings (issue 9, item 1): the rhythm of its series and the
next meeting, on the group page, discovery cards, My groups and the invite page; a free-text
note may add to it, never contradict it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.groups import services as group_services
from roundtable.groups.schedule_note import shown_note, states_a_schedule
from roundtable.meetings import recurrence, selectors, services
from roundtable.meetings.models import Meeting
from tests.factories import GroupFactory, MembershipFactory, facilitator_of

NY = "America/New_York"


def _next_weekday(weekday: int, *, after_days: int = 3) -> date:
    """A date at least `after_days` from today falling on `weekday` (Monday is 0)."""
    day = timezone.now().date() + timedelta(days=after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _schedule(group, rule: str | None, day: date, hour: int, minute: int = 0) -> Meeting:  # type: ignore[no-untyped-def]
    data = services.MeetingData(
        title="Roundtable", start_local=datetime(day.year, day.month, day.day, hour, minute), time_zone=NY
    )
    return services.meeting_create(group=group, by=facilitator_of(group), data=data, rule=rule)


def _day_text(day: date) -> str:
    text = f"{day:%a, %b} {day.day}"
    return text if day.year == timezone.now().year else f"{text}, {day.year}"


@pytest.mark.django_db
def test_group_page_shows_the_series_rhythm_and_next_meeting_not_the_old_free_text() -> None:
    # The group: its text said "Every other Tuesday, 9 am"; it meets monthly on Thursdays at 9:30.
    group = GroupFactory(time_zone=NY, cadence="Every other Tuesday, 9 am")
    thursday = _next_weekday(3)
    rule = recurrence.monthly_nth_weekday(datetime(thursday.year, thursday.month, thursday.day, 9, 30))
    _schedule(group, rule, thursday, 9, 30)
    nth = {1: "first", 2: "second", 3: "third", 4: "fourth"}.get((thursday.day - 1) // 7 + 1, "last")
    text = Client().get(f"/groups/{group.slug}/").text
    expected = f"Monthly on the {nth} Thursday at 9:30 AM Eastern Time · Next: {_day_text(thursday)}"
    assert expected in text
    assert "Every other Tuesday" not in text


@pytest.mark.django_db
def test_scheduling_every_week_replaces_what_the_page_said() -> None:
    group = GroupFactory(time_zone=NY)
    assert "No meetings scheduled yet" in Client().get(f"/groups/{group.slug}/").text
    tuesday = _next_weekday(1)
    _schedule(group, "FREQ=WEEKLY", tuesday, 18)
    text = Client().get(f"/groups/{group.slug}/").text
    assert f"Every Tuesday at 6 PM Eastern Time · Next: {_day_text(tuesday)}" in text
    assert "Every two weeks" not in text


@pytest.mark.django_db
def test_one_off_meeting_gives_the_next_date_with_its_time() -> None:
    group = GroupFactory(time_zone=NY)
    day = _next_weekday(4)
    _schedule(group, None, day, 12)
    schedule = selectors.group_schedules([group])[group.pk]
    assert schedule.rhythm == ""
    assert schedule.text == f"Next: {_day_text(day)} at 12 PM Eastern Time"


@pytest.mark.django_db
def test_cancelled_series_leaves_no_rhythm_and_discovery_is_not_stale() -> None:
    group = GroupFactory(time_zone=NY, name="Harbor roundtable")
    first = _schedule(group, "FREQ=WEEKLY;INTERVAL=2", _next_weekday(2), 9)
    card = Client().get("/groups/", {"q": "harbor"}).text  # anonymous: cached
    assert "Every other Wednesday at 9 AM Eastern Time" in card
    services.meeting_cancel(meeting=first, by=facilitator_of(group), scope="following")
    card = Client().get("/groups/", {"q": "harbor"}).text
    assert "Every other Wednesday" not in card
    assert "No meetings scheduled yet" in card


@pytest.mark.django_db
def test_my_groups_and_invite_page_show_the_same_schedule() -> None:
    group = GroupFactory(time_zone=NY)
    sunday = _next_weekday(6)
    _schedule(group, "FREQ=WEEKLY", sunday, 10)
    expected = f"Every Sunday at 10 AM Eastern Time · Next: {_day_text(sunday)}"
    member = MembershipFactory(group=group).user
    c = Client()
    c.force_login(member)
    assert expected in c.get(reverse("groups:mine")).text
    _invite, token = group_services.invite_create(group=group, by=facilitator_of(group))
    assert expected in Client().get(reverse("groups:invite", args=[token])).text


@pytest.mark.django_db
def test_schedule_note_cannot_state_a_schedule() -> None:
    group = GroupFactory(time_zone=NY)
    data = group_services.GroupData(name=group.name, kind=group.kind, format="virtual", cadence="Every two weeks")
    with pytest.raises(group_services.GroupError) as err:
        group_services.group_update(group=group, data=data)
    assert err.value.field == "cadence"
    data.cadence = "We take August off"
    group_services.group_update(group=group, data=data)
    group.refresh_from_db()
    assert group.cadence == "We take August off"
    assert "We take August off" in Client().get(f"/groups/{group.slug}/").text


def test_what_counts_as_stating_a_schedule() -> None:
    for text in ("Weekly", "Monthly", "Every two weeks", "Every other Tuesday, 9 am", "twice a month", "at 18:30"):
        assert states_a_schedule(text) is True, text
    for text in ("We take August off", "Every member gets a turn", "First-timers welcome", ""):
        assert states_a_schedule(text) is False, text
    assert shown_note("First Thursday of the month, 6:30 pm") == ""
    assert shown_note(" Doors open early ") == "Doors open early"


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 6])
def test_group_schedules_takes_two_queries_whatever_the_number(n: int) -> None:
    groups = [GroupFactory(time_zone=NY) for _ in range(n)]
    for g in groups:
        _schedule(g, "FREQ=WEEKLY", _next_weekday(1), 9)
    with CaptureQueriesContext(connection) as ctx:
        out = selectors.group_schedules(groups)
        texts = [out[g.pk].text for g in groups]
    assert len(ctx.captured_queries) == 2
    assert all(t.startswith("Every Tuesday at 9 AM Eastern Time · Next: ") for t in texts)


def test_rhythm_words() -> None:
    tue = datetime(2027, 3, 2, 9, 0)
    assert recurrence.rhythm("FREQ=WEEKLY", tue) == "Every Tuesday at 9 AM"
    assert recurrence.rhythm("FREQ=WEEKLY;INTERVAL=2", tue) == "Every other Tuesday at 9 AM"
    assert recurrence.rhythm("FREQ=WEEKLY;INTERVAL=6", tue) == "Every 6 weeks on Tuesday at 9 AM"
    assert recurrence.rhythm("FREQ=MONTHLY;BYDAY=1TU", tue) == "Monthly on the first Tuesday at 9 AM"
    assert recurrence.rhythm("FREQ=MONTHLY;BYMONTHDAY=2", tue) is None
    assert recurrence.describe("FREQ=WEEKLY;COUNT=6", tue) == "Every Tuesday at 9 AM, 6 times"
    assert recurrence.describe("FREQ=WEEKLY;UNTIL=20270630", tue) == "Every Tuesday at 9 AM, until Jun 30, 2027"


@pytest.mark.django_db
def test_the_api_gives_the_same_schedule_as_the_pages_never_the_old_free_text() -> None:
    group = GroupFactory(time_zone=NY, cadence="Every other Tuesday, 9 am")
    tuesday = _next_weekday(1)
    first = _schedule(group, "FREQ=WEEKLY", tuesday, 18)
    expected = {
        "text": f"Every Tuesday at 6 PM Eastern Time · Next: {_day_text(tuesday)}",
        "rhythm": "Every Tuesday at 6 PM Eastern Time",
        "next_meeting": first.public_id,
        "next_starts_at": first.starts_at.isoformat(),
        "note": "",
    }
    detail = Client().get(f"/api/v1/groups/{group.slug}").json()
    assert detail["schedule"] == expected
    assert "cadence" not in detail
    [listed] = Client().get("/api/v1/groups").json()["results"]
    assert listed["schedule"] == expected
    assert expected["text"] in Client().get(f"/groups/{group.slug}/").text
    # A note that adds to the schedule is shown beside it; a group with nothing ahead says so.
    bare = GroupFactory(cadence="We take August off")
    assert Client().get(f"/api/v1/groups/{bare.slug}").json()["schedule"] == {
        "text": "No meetings scheduled yet",
        "rhythm": "",
        "next_meeting": None,
        "next_starts_at": None,
        "note": "We take August off",
    }
