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


# ------------------------------------------------------- one cap, one range (forms2, item 4)

RANGE_MESSAGE = "Pick a date between 1900-01-01 and 2999-12-31."
CAP_MESSAGE = "A series can have at most 520 meetings."


def _errors_of(html: str, field: str) -> list[str]:
    import re

    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [({"repeat": "weekly", "ends": "count", "count": "521"}, "count", CAP_MESSAGE),
     ({"repeat": "custom", "rule": "FREQ=WEEKLY;COUNT=100000"}, "rule", f"{CAP_MESSAGE} Use COUNT=520 or less."),
     ({"repeat": "custom", "rule": "FREQ=WEEKLY;COUNT=521"}, "rule", f"{CAP_MESSAGE} Use COUNT=520 or less."),
     ({"repeat": "weekly", "ends": "until", "until": "9999-12-31"}, "until", RANGE_MESSAGE),
     ({"repeat": "weekly", "ends": "until", "until": "3000-01-01"}, "until", RANGE_MESSAGE),
     ({"repeat": "custom", "rule": "FREQ=WEEKLY;UNTIL=99991231"}, "rule",
      "UNTIL: pick a date between 1900-01-01 and 2999-12-31."),
     ({"repeat": "custom", "rule": "FREQ=WEEKLY;UNTIL=30000102T000000Z"}, "rule",
      "UNTIL: pick a date between 1900-01-01 and 2999-12-31."),
     ({"date": "9999-12-31", "repeat": "weekly"}, "date", RANGE_MESSAGE)],
)  # fmt: skip
def test_one_cap_and_one_date_range_for_plain_choices_and_written_rules(
    extra: dict[str, str], field: str, message: str
) -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    r, _ = _post(group, **extra)
    assert r.status_code == 400
    assert _errors_of(r.text, field) == [message]
    assert not MeetingSeries.objects.filter(group=group).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "rule"),
    [({"repeat": "weekly", "ends": "count", "count": "520"}, "FREQ=WEEKLY;COUNT=520"),
     ({"repeat": "custom", "rule": "FREQ=WEEKLY;COUNT=520"}, "FREQ=WEEKLY;COUNT=520"),
     ({"repeat": "custom", "rule": "FREQ=WEEKLY;UNTIL=29991231"}, "FREQ=WEEKLY;UNTIL=29991231"),
     ({"repeat": "weekly", "ends": "until", "until": "2999-12-31"}, "FREQ=WEEKLY;UNTIL=29991231")],
)  # fmt: skip
def test_the_cap_and_the_last_day_themselves_are_accepted(extra: dict[str, str], rule: str) -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    r, _ = _post(group, **extra)
    assert r.status_code == 302
    assert MeetingSeries.objects.get(group=group).rule == rule


@pytest.mark.django_db
def test_a_stored_rule_over_the_cap_still_expands() -> None:
    from datetime import UTC, datetime

    from roundtable.meetings import recurrence

    start = datetime(2027, 3, 2, 18, 0)
    got = recurrence.expand("FREQ=WEEKLY;COUNT=100000", start, NY, datetime(2027, 3, 1, tzinfo=UTC),
                            datetime(2027, 4, 1, tzinfo=UTC))  # fmt: skip
    assert [o.local.day for o in got] == [2, 9, 16, 23, 30]


@pytest.mark.django_db
@pytest.mark.parametrize("repeat", ["none", "custom"])
def test_ends_fields_are_ignored_unless_a_plain_repeat_is_chosen(repeat: str) -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    rule = {"rule": "FREQ=WEEKLY;COUNT=3"} if repeat == "custom" else {}
    r, _ = _post(group, repeat=repeat, ends="until", until="not a date", count="100000", **rule)
    assert r.status_code == 302
    series = MeetingSeries.objects.filter(group=group).first()
    assert (series.rule if series else None) == ("FREQ=WEEKLY;COUNT=3" if repeat == "custom" else None)
    assert Meeting.objects.filter(group=group).count() == (3 if repeat == "custom" else 1)


@pytest.mark.django_db
def test_only_the_chosen_end_is_read() -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    r, _ = _post(group, repeat="weekly", ends="count", count="3", until="9999-12-31")
    assert r.status_code == 302
    assert MeetingSeries.objects.get(group=group).rule == "FREQ=WEEKLY;COUNT=3"


@pytest.mark.django_db
def test_the_form_marks_the_ends_fields_for_the_stylesheet_and_says_when_they_count() -> None:
    group = GroupFactory(kind=Kind.SUPPORT, time_zone=NY)
    c = Client()
    c.force_login(facilitator_of(group))
    text = c.get(reverse("meetings:create", args=[group.slug])).text
    assert '<fieldset class="repeat-fields">' in text
    ends = text.index('<div class="repeat-ends">')
    assert ends < text.index('id="id_ends_0"') < text.index('<div class="ends-until">')
    assert text.index('<div class="ends-until">') < text.index('id="id_until"') < text.index('<div class="ends-count">')
    assert text.index('<div class="ends-count">') < text.index('id="id_count"')
    assert (
        "Used only when the meeting repeats every week, every other week or monthly; a rule you write says its own end."
        in text
    )


@pytest.mark.django_db
def test_editing_a_meeting_stored_under_an_alias_shows_its_place_and_keeps_it() -> None:
    from datetime import UTC, datetime

    from tests.factories import MeetingFactory

    group = GroupFactory(kind=Kind.SUPPORT, time_zone="US/Eastern")
    meeting = MeetingFactory(group=group, time_zone="US/Eastern", title="Harbor circle",
                             starts_at=datetime(2031, 3, 4, 23, 0, tzinfo=UTC),)  # fmt: skip
    sequence = meeting.sequence
    c = Client()
    c.force_login(facilitator_of(group))
    url = reverse("meetings:edit", args=[meeting.public_id])
    page = c.get(url).text
    assert '<option value="America/New_York" selected>New York (Eastern Time)</option>' in page
    form = MeetingForm(initial=MeetingForm.initial_for(group, meeting), group=group, editing=meeting)
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(date="2031-03-04", start_time="18:00", time_zone="America/New_York")
    r = c.post(url, data)
    assert r.status_code == 302
    meeting.refresh_from_db()
    # Saved unchanged: not a move, so the zone stays as stored and people's calendars get
    # no new sequence (nor an email saying the meeting changed).
    assert (meeting.time_zone, meeting.starts_at, meeting.sequence) == (
        "US/Eastern",
        datetime(2031, 3, 4, 23, 0, tzinfo=UTC),
        sequence,
    )
