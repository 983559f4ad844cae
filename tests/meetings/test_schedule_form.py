"""The schedule form in plain words (issue 9, item 9): repeat rules built from plain
choices with an end date or a number of meetings, the raw rule kept for those who ask,
"main part" and "roundtable length" explained, time zones named one way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.groups.models import Kind
from roundtable.meetings.forms import MeetingForm
from roundtable.meetings.models import Meeting, MeetingSeries
from tests.factories import GroupFactory, facilitator_of

NY = "America/New_York"


def _post(group, **extra: str) -> object:  # type: ignore[no-untyped-def]
    first = timezone.now().date() + timedelta(days=10)
    data = {"title": "Roundtable", "date": first.isoformat(), "start_time": "18:00", "time_zone": NY,
            "networking_before_minutes": "0", "main_minutes": "60", "networking_after_minutes": "0",
            "format": "virtual", "video_url": "https://meet.example.org/r", "repeat": "none", "ends": "never",
            **extra}  # fmt: skip
    c = Client()
    c.force_login(facilitator_of(group))
    return c.post(reverse("meetings:create", args=[group.slug]), data), first


@pytest.mark.django_db
def test_every_other_week_six_times_builds_count_rule() -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    r, _first = _post(group, repeat="biweekly", ends="count", count="6")
    assert r.status_code == 302
    assert MeetingSeries.objects.get(group=group).rule == "FREQ=WEEKLY;INTERVAL=2;COUNT=6"
    assert Meeting.objects.filter(group=group).count() == 6


@pytest.mark.django_db
def test_weekly_until_a_date_includes_that_day() -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    first = timezone.now().date() + timedelta(days=10)
    last = first + timedelta(weeks=3)
    r, _ = _post(group, repeat="weekly", ends="until", until=last.isoformat())
    assert r.status_code == 302
    assert MeetingSeries.objects.get(group=group).rule == f"FREQ=WEEKLY;UNTIL={last:%Y%m%d}"
    days = [m.starts_at.date() for m in Meeting.objects.filter(group=group).order_by("starts_at")]
    assert len(days) == 4


@pytest.mark.django_db
def test_end_choices_need_their_value() -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    r, _ = _post(group, repeat="weekly", ends="count")
    assert r.status_code == 400
    assert "Say how many meetings, or let the series keep going." in r.text
    r, _first = _post(group, repeat="weekly", ends="until", until=(date.today() - timedelta(days=1)).isoformat())
    assert r.status_code == 400
    assert "The last date is before the first meeting." in r.text
    assert not MeetingSeries.objects.filter(group=group).exists()


@pytest.mark.django_db
def test_raw_rule_still_works_for_those_who_ask() -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    r, _ = _post(group, repeat="custom", rule="FREQ=MONTHLY;BYDAY=-1TH")
    assert r.status_code == 302
    assert MeetingSeries.objects.get(group=group).rule == "FREQ=MONTHLY;BYDAY=-1TH"


@pytest.mark.django_db
def test_form_explains_its_words_and_names_zones_one_way() -> None:
    group = GroupFactory(kind=Kind.STRATEGIC, time_zone=NY)
    c = Client()
    c.force_login(facilitator_of(group))
    text = c.get(reverse("meetings:create", args=[group.slug])).text
    assert "The roundtable itself, between the open networking before and after." in text
    assert "60 minutes of 10-minute turns is 6 people" in text
    assert '<option value="America/New_York" selected>New York (Eastern Time)</option>' in text
    assert "Every other week" in text


@pytest.mark.django_db
def test_first_meeting_suggests_the_kinds_rhythm() -> None:
    assert MeetingForm.initial_for(GroupFactory(kind=Kind.SPEAKERS))["repeat"] == "monthly"
    assert MeetingForm.initial_for(GroupFactory(kind=Kind.STRATEGIC))["repeat"] == "biweekly"
    assert MeetingForm.initial_for(GroupFactory(kind=Kind.SUPPORT))["repeat"] == "weekly"
