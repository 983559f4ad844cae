"""Future activities are upcoming (issue 10, tester's fault 3): an interview's day is its
start's day where the owner lives, and nothing counts until it has happened."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client

from roundtable.journal import readiness
from roundtable.journal.insights import insights_for
from roundtable.tracker import selectors, services
from roundtable.tracker.models import Activity, ActivityKind, Contact, WeeklyTarget
from tests.factories import MeetingFactory, RoundtableFactory, RsvpFactory, UserFactory
from tests.tracker.helpers import bearer, logged_in

pytestmark = pytest.mark.django_db

# Tuesday 1 December 2026, 15:00 UTC (10 AM in New York).
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def new_yorker():
    user = UserFactory(name="Nina Novak")
    user.profile.time_zone = "America/New_York"
    user.profile.save(update_fields=["time_zone"])
    return user


def post(client: Client, headers: dict[str, str], body: dict[str, object]):
    return client.post("/api/v1/me/activities", json.dumps(body), content_type="application/json", **headers)


def test_the_day_is_the_start_s_day_where_the_owner_lives_and_a_different_day_is_refused() -> None:
    owner = new_yorker()
    client, headers = Client(), bearer(owner)
    start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=2, minute=0, second=0, microsecond=0)
    local_day = (start - timedelta(hours=5)).date()  # 2 AM UTC is the evening before in New York
    created = post(client, headers, {"kind": "interview", "starts_at": start.isoformat()})
    assert created.status_code == 201
    assert (created.json()["day"], created.json()["upcoming"]) == (local_day.isoformat(), True)

    before = Activity.objects.count()
    utc_day = start.date().isoformat()
    wrong = post(client, headers, {"kind": "interview", "day": utc_day, "starts_at": start.isoformat()})
    assert wrong.status_code == 400
    assert wrong.json() == {
        "detail": f"The day ({start.date().isoformat()}) is not the interview's day where you live "
        f"({local_day.isoformat()}): leave the day out, or give the same day."
    }
    same = post(client, headers, {"kind": "interview", "day": local_day.isoformat(), "starts_at": start.isoformat()})
    assert same.status_code == 201
    assert Activity.objects.count() == before + 1


def test_the_form_refuses_nothing_it_builds_itself_and_names_the_day_field() -> None:
    owner = new_yorker()
    with pytest.raises(services.TrackerError) as err:
        services.activity_create(owner=owner, data=services.ActivityData(
            kind="interview", occurred_on=date(2026, 12, 1), starts_at=datetime(2026, 12, 5, 15, tzinfo=UTC)
        ))  # fmt: skip
    assert err.value.field == "occurred_on"
    assert Activity.objects.filter(owner=owner).count() == 0


def _log(owner, kind: str, day: date, starts_at: datetime | None = None) -> Activity:
    return Activity.objects.create(owner=owner, kind=kind, occurred_on=day, starts_at=starts_at)


def test_upcoming_activities_count_nowhere_until_they_happen() -> None:
    owner = new_yorker()
    WeeklyTarget.objects.create(owner=owner, kind=ActivityKind.INTERVIEW, per_week=2)
    _log(owner, "interview", date(2026, 11, 30))  # yesterday: done
    _log(owner, "interview", date(2026, 12, 1), datetime(2026, 12, 1, 14, tzinfo=UTC))  # an hour ago: done
    later_today = _log(owner, "interview", date(2026, 12, 1), datetime(2026, 12, 1, 20, tzinfo=UTC))
    thursday = _log(owner, "interview", date(2026, 12, 3))

    assert list(selectors.done_activities(owner, now=NOW).order_by("pk")) == list(
        Activity.objects.filter(owner=owner).order_by("pk")[:2]
    )
    assert selectors.upcoming_activities(owner, now=NOW) == [later_today, thursday]
    _monday, progress = selectors.week_progress(owner, now=NOW)
    assert [(p.kind, p.done, p.target) for p in progress] == [("interview", 2, 2)]
    listed = {a.pk: a.upcoming for a in selectors.activities(owner, now=NOW)}
    assert listed == {later_today.pk: True, thursday.pk: True, **{pk: False for pk in listed if pk < later_today.pk}}

    funnel = insights_for(owner, now=NOW)["funnel"]
    assert funnel == {"networking": 0, "applications": 0, "interviews": 2, "offers": 0}
    # Once Thursday's interview has happened, it counts.
    friday = datetime(2026, 12, 4, 15, tzinfo=UTC)
    assert insights_for(owner, now=friday)["funnel"]["interviews"] == 4

    meeting = MeetingFactory(starts_at=NOW, ends_at=NOW + timedelta(hours=1))
    week_ago = NOW - timedelta(days=7)
    earlier = MeetingFactory(group=meeting.group, starts_at=week_ago, ends_at=week_ago + timedelta(hours=1))
    RsvpFactory(meeting=earlier, user=owner)
    status = readiness.status_for(owner, RoundtableFactory(meeting=meeting), now=NOW)
    assert (status["interviews"], status["text"]) == (2, "0 outreach, 0 conversations, 2 interviews")


def test_the_tracker_home_shows_an_upcoming_interview_as_coming_up_not_latest() -> None:
    owner = new_yorker()
    contact = services.contact_create(owner=owner, data=services.ContactData(name="Dana Ortiz"))
    start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=20, minute=0, second=0, microsecond=0)
    services.activity_create(owner=owner, data=services.ActivityData(kind="interview", starts_at=start,
                                                                     contact=contact))  # fmt: skip
    page = logged_in(owner).get("/tracker/").content.decode()
    coming, latest = page.index("Coming up"), page.index("Latest activity")
    assert "Interview with Dana Ortiz" in page[coming:latest]
    assert "Interview with Dana Ortiz" not in page[latest:]
    assert "at 3:00 PM: Interview" in page  # 20:00 UTC is 3 PM in New York in December
    # An upcoming interview is no touch yet.
    assert Contact.objects.get(pk=contact.pk).last_touch_on is None
    listed = logged_in(owner).get("/tracker/activities/").content.decode()
    assert 'Interview <span class="muted small">(upcoming)</span>' in listed
