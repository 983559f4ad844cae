"""RRULE parts out of range, repeated, or able to give two meetings a day (issue 8 probe)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.meetings import recurrence
from roundtable.meetings.models import Meeting
from tests.factories import GroupFactory, facilitator_of

NY = "America/New_York"
START = datetime(2026, 12, 8, 18, 0)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL value '0' is out of range: use 1 to 1000."),
        ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL value '-1' is out of range: use 1 to 1000."),
        ("FREQ=WEEKLY;INTERVAL=X", "INTERVAL value 'X' is out of range: use 1 to 1000."),
        ("FREQ=WEEKLY;COUNT=0", "COUNT value '0' is out of range: use 1 to 520."),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR value '24' is out of range: use 0 to 23."),
        ("FREQ=DAILY;BYMINUTE=-1", "BYMINUTE value '-1' is out of range: use 0 to 59."),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY value '0' is out of range: use -31 to -1 or 1 to 31."),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH value '13' is out of range: use 1 to 12."),
        ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO value '54' is out of range: use -53 to -1 or 1 to 53."),
        ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY value '367' is out of range: use -366 to -1 or 1 to 366."),
        ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=0", "BYSETPOS value '0' is out of range: use -366 to -1 or 1 to 366."),
        ("FREQ=MONTHLY;BYDAY=0TU", "BYDAY value '0TU' is not valid: use a weekday such as TU, 2TU or -1FR "
                                   "(ordinal 1-53)."),
        ("FREQ=WEEKLY;WKST=XX", "WKST must be a weekday: MO, TU, WE, TH, FR, SA or SU."),
        ("FREQ=FORTNIGHTLY", "FREQ must be one of DAILY, HOURLY, MINUTELY, MONTHLY, SECONDLY, WEEKLY, YEARLY."),
        ("INTERVAL=2", "The rule needs FREQ, for example FREQ=WEEKLY."),
        ("FREQ=WEEKLY;BYFOO=1", "BYFOO is not a rule part this app accepts (RFC 5545 3.3.10)."),
        ("FREQ=WEEKLY;;", "Write each rule part as NAME=VALUE; '' is not."),
        # RFC 5545 3.3.10: each rule part must not occur more than once.
        ("FREQ=WEEKLY;FREQ=DAILY", "FREQ appears more than once; RFC 5545 allows each rule part once."),
        ("FREQ=WEEKLY;BYDAY=TU;BYDAY=WE", "BYDAY appears more than once; RFC 5545 allows each rule part once."),
        ("FREQ=WEEKLY;UNTIL=20270101;UNTIL=20270201", "UNTIL appears more than once; RFC 5545 allows each rule part "
                                                      "once."),
    ],
)  # fmt: skip
def test_rule_parts_out_of_range_or_repeated_are_refused_naming_the_part(rule: str, message: str) -> None:
    # Refused before dateutil sees the rule: INTERVAL=0 used to spin there for ever (a hang
    # would end this test by pytest-timeout, not by a timed assertion).
    with pytest.raises(recurrence.RuleError) as exc:
        recurrence.validate(rule, START, NY)
    assert str(exc.value) == message


@pytest.mark.django_db
@pytest.mark.parametrize("rule", ["FREQ=WEEKLY;INTERVAL=0", "FREQ=WEEKLY;INTERVAL=-1"])
def test_the_api_and_the_form_answer_400_for_interval_zero_or_negative(rule: str) -> None:
    group = GroupFactory(time_zone=NY)
    fac = facilitator_of(group)
    token = api_token_create(user=fac)[1]
    body = {"title": "Harbor", "start": "2027-03-02T18:00", "rule": rule}
    r = Client().post(f"/api/v1/groups/{group.slug}/meetings", body, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert r.status_code == 400
    assert r.json()["detail"] == f"INTERVAL value '{rule.rsplit('=', 1)[1]}' is out of range: use 1 to 1000."
    c = Client()
    c.force_login(fac)
    r = c.post(f"/groups/{group.slug}/meetings/new/", {
        "title": "Harbor", "date": "2027-03-02", "start_time": "18:00", "time_zone": NY, "main_minutes": 60,
        "networking_before_minutes": 0, "networking_after_minutes": 0, "format": "in_person", "repeat": "custom",
        "rule": rule,
    })  # fmt: skip
    assert r.status_code == 400
    assert "is out of range: use 1 to 1000." in r.text
    assert Meeting.objects.count() == 0


def test_a_rule_with_two_times_of_day_is_refused_though_they_meet_only_in_2044() -> None:
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYDAY=SU,MO;BYHOUR=0,23;BYMINUTE=0;BYSETPOS=2,3"
    # What the rule would give: two meetings an hour apart, first in 2044.
    parsed = recurrence.parse(rule, START, NY)
    pairs = [
        (a, b)
        for a, b in zip(list(parsed.raw())[1:40], list(parsed.raw())[2:41], strict=True)
        if b - a < recurrence.MIN_GAP
    ]
    assert pairs[0] == (datetime(2044, 2, 28, 23, 0), datetime(2044, 2, 29, 0, 0))
    with pytest.raises(recurrence.RuleError) as exc:
        recurrence.validate(rule, START, NY)
    assert str(exc.value) == (
        "Meetings in a series must be at least 1 day apart; BYHOUR=0,23 gives several times of day, "
        "so two meetings can fall less than a day apart. Give one time of day."
    )


@pytest.mark.parametrize(
    "rule", ["FREQ=MONTHLY;BYDAY=TU;BYMINUTE=0,30;BYSETPOS=-1", "FREQ=YEARLY;BYSECOND=0,1;BYMONTH=3"]
)
def test_several_minutes_or_seconds_are_refused_too(rule: str) -> None:
    with pytest.raises(recurrence.RuleError) as exc:
        recurrence.validate(rule, START, NY)
    # Either the scan states the gap it met, or the shape check refuses it.
    assert str(exc.value).startswith("Meetings in a series must be at least 1 day apart; ")


@pytest.mark.parametrize("rule", ["FREQ=MONTHLY;BYDAY=2TU;BYHOUR=18;BYMINUTE=0", "FREQ=WEEKLY;WKST=SU;BYDAY=TU,TH"])
def test_one_time_of_day_is_accepted(rule: str) -> None:
    assert recurrence.validate(rule, START, NY) == rule


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["2027-03-02T18:00+05:00", "2027-03-02T18:00Z", "2027-03-02T18:00:00-05:00"])
def test_the_api_refuses_a_start_with_an_offset_instead_of_dropping_it(start: str) -> None:
    group = GroupFactory(time_zone=NY)
    token = api_token_create(user=facilitator_of(group))[1]
    body = {"title": "Harbor", "start": start, "time_zone": NY}
    r = Client().post(f"/api/v1/groups/{group.slug}/meetings", body, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert r.status_code == 400
    assert r.json()["detail"] == (
        "Give the start as a local time in the meeting's time zone, without an offset or Z "
        "(for example 2027-03-02T18:00)."
    )
    assert Meeting.objects.count() == 0
    ok = dict(body, start="2027-03-02T18:00")
    r = Client().post(f"/api/v1/groups/{group.slug}/meetings", ok, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert r.status_code == 201
    assert r.json()["starts_at"] == "2027-03-02T23:00:00Z"
