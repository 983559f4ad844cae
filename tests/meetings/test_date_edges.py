"""Dates at the edges answer 4xx with a reason (or are clamped), never 500 (issue 8, section 1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, Kind
from roundtable.meetings import services
from roundtable.meetings.models import Meeting
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, TalkFactory, facilitator_of

RANGE = "between 1900-01-01 and 2999-12-31"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("to=9999-12-31", f"'to' must be a date {RANGE}."),
        ("from=9999-12-31", f"'from' must be a date {RANGE}."),
        ("from=0001-01-01", f"'from' must be a date {RANGE}."),
        ("to=2027-02-30", "'to' is not a real date: write it as YYYY-MM-DD."),
    ],
)
@pytest.mark.django_db
def test_api_meeting_list_refuses_dates_out_of_range_with_a_reason(query: str, detail: str) -> None:
    r = Client().get(f"/api/v1/meetings?{query}")
    assert r.status_code == 400
    assert r.json() == {"detail": detail}


@pytest.mark.django_db
def test_api_meeting_list_takes_the_last_day_of_the_range() -> None:
    m = MeetingFactory(
        group=GroupFactory(visibility=GroupVisibility.LISTED), starts_at=timezone.now() + timedelta(days=3)
    )
    r = Client().get("/api/v1/meetings?from=1900-01-01&to=2999-12-31")
    assert r.status_code == 200
    assert [x["title"] for x in r.json()["results"]] == [m.title]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [("to=9999-12-31", "to", f"Pick a date {RANGE}."),
     ("from=0001-01-01", "from", f"Pick a date {RANGE}."),
     ("from=yesterday", "from", "Enter a real date, for example 2027-03-02.")],
)  # fmt: skip
@pytest.mark.django_db
def test_talks_page_refuses_dates_out_of_range_with_a_reason(query: str, field: str, message: str) -> None:
    r = Client().get(f"/talks/?{query}")
    assert r.status_code == 400
    # Beside its field, in plain words: never the parameter's name in quotes.
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>' in r.content.decode()
    assert "&#x27;" not in r.content.decode()


@pytest.mark.django_db
def test_talks_page_takes_the_last_day_of_the_range() -> None:
    group = GroupFactory(kind=Kind.SPEAKERS, visibility=GroupVisibility.LISTED)
    talk = TalkFactory(meeting=MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=200)))
    r = Client().get("/talks/?to=2999-12-31")
    assert r.status_code == 200
    assert talk.title in r.content.decode()


@pytest.mark.parametrize(
    ("query", "shown", "earlier", "later"),
    [("view=month&date=9999-12-31", "December 2999", "2999-11-01", None),
     ("view=week&date=9999-12-31", "Dec 25 – Dec 31, 2999", "2999-12-18", None),
     ("view=week&date=2999-12-31", "Dec 25 – Dec 31, 2999", "2999-12-18", None),
     ("view=week&date=2999-12-20", "Dec 20 – Dec 26, 2999", "2999-12-13", "2999-12-27"),
     ("view=month&date=0001-01-01", "January 1900", None, "1900-02-01"),
     ("view=week&date=0001-01-01", "Jan 1 – Jan 7, 1900", None, "1900-01-08"),
     ("view=week&date=1900-01-03", "Jan 3 – Jan 9, 1900", "1900-01-01", "1900-01-10")],
)  # fmt: skip
@pytest.mark.django_db
def test_agenda_clamps_every_view_to_the_range(query: str, shown: str, earlier: str | None, later: str | None) -> None:
    client = Client()
    client.force_login(MembershipFactory().user)
    r = client.get(f"/me/agenda/?{query}")
    assert r.status_code == 200
    text = r.content.decode()
    [heading] = re.findall(r'<div class="cal-nav">.*?<h2>(.*?)</h2>', text, re.S)
    assert heading == shown
    view = query.split("&")[0]
    links = dict(re.findall(rf'href="\?{view}&amp;date=([0-9-]+)" rel="(prev|next)"', text))
    assert {v: k for k, v in links.items()} == {k: v for k, v in (("prev", earlier), ("next", later)) if v}
    # No day past the range is shown: the month grid leaves those cells blank.
    assert "3000" not in text
    assert "1899" not in text


@pytest.mark.django_db
def test_agenda_list_ignores_a_date_out_of_range() -> None:
    client = Client()
    client.force_login(MembershipFactory().user)
    assert client.get("/me/agenda/?view=list&date=9999-12-31").status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "3000-01-01"])
@pytest.mark.django_db
def test_scheduling_a_meeting_out_of_range_is_refused_on_the_form_and_the_api(day: str) -> None:
    group = GroupFactory(time_zone="Asia/Tokyo")
    fac = facilitator_of(group)
    client = Client()
    client.force_login(fac)
    form = {"title": "Far out", "date": day, "start_time": "23:00", "time_zone": "America/New_York",
            "networking_before_minutes": 0, "main_minutes": 60, "networking_after_minutes": 0, "format": "in_person",
            "repeat": "weekly"}  # fmt: skip
    r = client.post(f"/groups/{group.slug}/meetings/new/", form)
    assert r.status_code == 400
    assert f"Pick a date {RANGE}." in r.content.decode()
    token = api_token_create(user=fac)[1]
    r = Client().post(f"/api/v1/groups/{group.slug}/meetings", {"title": "Far out", "start": f"{day}T23:00"},
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert r.status_code == 400
    assert r.json() == {"detail": f"Pick a date {RANGE}."}


@pytest.mark.django_db
def test_a_series_near_the_end_of_the_range_never_overflows() -> None:
    group = GroupFactory(time_zone="Pacific/Kiritimati")  # UTC+14, the furthest ahead
    data = services.MeetingData(title="Last", start_local=datetime(2999, 12, 24, 23, 0), time_zone=group.time_zone)
    first = services.meeting_create(group=group, by=facilitator_of(group), data=data, rule="FREQ=WEEKLY",
                                    now=datetime(2999, 12, 1, tzinfo=UTC))  # fmt: skip
    assert first.starts_at == datetime(2999, 12, 24, 9, 0, tzinfo=UTC)
    # Topped up to half a year past the range's last day: still no overflow.
    assert services.extend_all_series(now=datetime(2999, 12, 31, tzinfo=UTC)) == 5
    last = Meeting.objects.filter(group=group).order_by("starts_at").last()
    assert last is not None
    assert (Meeting.objects.filter(group=group).count(), last.starts_at) == (28, datetime(3000, 7, 1, 9, 0, tzinfo=UTC))
