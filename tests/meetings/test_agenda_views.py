"""The agenda is useful in every view (issue 9, item 8): the week view shows the coming
seven days (on a Sunday too) with an empty state; the month view shows every meeting in
every cell it draws, adjacent-month days included, and is a list per week on phones."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MeetingFactory, MembershipFactory, RsvpFactory


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _noon_utc(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 17, 0, tzinfo=UTC)  # 12 PM in New York


@pytest.mark.django_db
def test_week_view_on_a_sunday_starts_that_sunday_and_shows_the_week_ahead() -> None:
    sunday = date(2027, 3, 7)
    wednesday = sunday + timedelta(days=3)
    m = MeetingFactory(title="Midweek circle", starts_at=_noon_utc(wednesday))
    me = MembershipFactory(group=m.group).user
    me.profile.time_zone = "America/New_York"
    me.profile.save()
    text = _client(me).get(reverse("meetings:agenda"), {"view": "week", "date": sunday.isoformat()}).text
    assert "Mar 7 – Mar 13, 2027" in text
    assert "Midweek circle" in text
    assert "Nothing in these seven days" not in text


@pytest.mark.django_db
def test_empty_week_says_what_to_do_next() -> None:
    me = MembershipFactory().user
    text = _client(me).get(reverse("meetings:agenda"), {"view": "week", "date": "2027-03-07"}).text
    assert "Nothing in these seven days" in text
    assert "Look at the week after" in text


@pytest.mark.django_db
def test_month_view_shows_meetings_on_the_adjacent_months_days_it_draws() -> None:
    # March 2027 starts on a Monday and its grid ends on Sunday April 4: a meeting on
    # April 2 sits in a cell of the March view.
    m = MeetingFactory(title="Early April roundtable", starts_at=_noon_utc(date(2027, 4, 2)))
    me = MembershipFactory(group=m.group).user
    RsvpFactory(meeting=m, user=me)
    text = _client(me).get(reverse("meetings:agenda"), {"view": "month", "date": "2027-03-01"}).text
    assert "Early April roundtable" in text
    assert "· going" in text


@pytest.mark.django_db
def test_month_view_is_a_list_per_week() -> None:
    m = MeetingFactory(title="Speaker night", starts_at=_noon_utc(date(2027, 3, 10)))
    me = MembershipFactory(group=m.group).user
    text = _client(me).get(reverse("meetings:agenda"), {"view": "month", "date": "2027-03-01"}).text
    heads = re.findall(r'<h3 class="cal-weekhead"[^>]*>(.*?)</h3>', text)
    assert heads == ["Week of Mar 1", "Week of Mar 8", "Week of Mar 15", "Week of Mar 22", "Week of Mar 29"]
    assert text.count('<li class="cal-none">No meetings this week</li>') == 4


@pytest.mark.django_db
def test_the_list_comes_a_window_at_a_time_and_every_meeting_is_on_exactly_one_page() -> None:
    from roundtable.meetings.selectors import AGENDA_PAGE

    me = MembershipFactory().user
    group = me.memberships.get().group
    start = datetime.now(UTC) + timedelta(hours=2)
    # Two meetings at each instant: the window's edge may fall between them.
    made = []
    for i in range(AGENDA_PAGE + 5):
        at = start + timedelta(days=i // 2)
        made.append(
            MeetingFactory(group=group, title=f"Meeting {i:02d}", starts_at=at, ends_at=at + timedelta(hours=1))
        )
    MeetingFactory(title="Another group's meeting", starts_at=start)
    c = _client(me)
    first = c.get(reverse("meetings:agenda"))
    titles = re.findall(r"Meeting \d\d", first.text)
    assert titles == [f"Meeting {i:02d}" for i in range(AGENDA_PAGE)]
    assert "Back to the soonest" not in first.text
    [later] = re.findall(r'href="\?view=list&amp;after=([^"]+)">Later meetings', first.text)
    second = c.get(reverse("meetings:agenda") + f"?view=list&after={later}")
    assert re.findall(r"Meeting \d\d", second.text) == [f"Meeting {i:02d}" for i in range(AGENDA_PAGE, AGENDA_PAGE + 5)]
    assert ("Later meetings" in second.text, "Back to the soonest" in second.text) == (False, True)
    assert "Another group's meeting" not in first.text + second.text
    # Someone else's meeting, or an id that means nothing, starts from the beginning.
    foreign = MeetingFactory().public_id
    for cursor in (foreign, "x" * 500, "%00", "\x00", "2345678abcde\x00"):
        page = c.get(reverse("meetings:agenda"), {"view": "list", "after": cursor})
        assert page.status_code == 200
        assert re.findall(r"Meeting \d\d", page.text)[:1] == ["Meeting 00"]
