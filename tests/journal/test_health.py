"""Group health: exact figures on fixtures, nothing below 5 contributors, no individual value on
any surface, facilitators only, a fixed number of queries."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Membership, MembershipRole, MembershipState
from roundtable.journal import health
from roundtable.journal.models import Goal, Reflection
from roundtable.meetings.models import Meeting
from roundtable.tracker.models import Landing
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory
from tests.queries import page_queries

from .world import as_client

pytestmark = pytest.mark.django_db
NOW = timezone.now()
SECRET_TAKEAWAY = "Private takeaway nobody else may read"


def _meeting(group, days_ago: int, **kw):  # type: ignore[no-untyped-def]
    start = NOW - timedelta(days=days_ago)
    return MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=90), **kw)


def _fixture(extra_meetings: int = 0):  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Harbor Roundtable")
    fac = MembershipFactory(group=group, role=MembershipRole.FACILITATOR, user=UserFactory(name="Fay")).user
    people = [MembershipFactory(group=group, user=UserFactory(name=f"Secret Person {i}")).user for i in range(6)]
    m1 = _meeting(group, 14, title="First circle")
    m2 = _meeting(group, 7, title="Second circle")
    _meeting(group, 3, title="Cancelled circle", status="cancelled")
    _meeting(group, -3, title="Future circle")
    for i, u in enumerate(people):
        RsvpFactory(meeting=m1, user=u, attended=i < 5)
    for u in people[:5]:
        Goal.objects.create(owner=u, meeting=m1, reasons=["support"])
    for u, v in zip(people[:5], (1, 2, 3, 4, 5), strict=True):
        Reflection.objects.create(owner=u, meeting=m1, value=v, takeaways=SECRET_TAKEAWAY)
    Reflection.objects.create(owner=people[5], meeting=m1, dismissed_at=NOW)  # a dismissal counts for nothing
    for u, v in zip(people[:4], (5, 5, 5, 1), strict=True):
        RsvpFactory(meeting=m2, user=u)
        Goal.objects.create(owner=u, meeting=m2, reasons=["support"])
        Reflection.objects.create(owner=u, meeting=m2, value=v)
    for _ in range(extra_meetings):  # more data, for the query-count test
        m = _meeting(group, 20)
        for u in people:
            RsvpFactory(meeting=m, user=u)
            Reflection.objects.create(owner=u, meeting=m, value=3)
    _answered_in_time()
    return group, fac, people, m1, m2


def _answered_in_time() -> None:
    """Every reflection so far given the day after its meeting: answers given or changed after
    they closed do not count in group health, and the fixtures' meetings are days old."""
    for r in Reflection.objects.select_related("meeting"):
        Reflection.objects.filter(pk=r.pk).update(updated_at=r.meeting.ends_at + timedelta(days=1))


def _landings(group, people) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 6, 1)
    for u, days in zip(people[:3], (30, 60, 90), strict=True):
        Landing.objects.create(owner=u, company_name="Acme", role="Analyst", source="group",
                               landed_on=day, search_started_on=day - timedelta(days=days))  # fmt: skip
    for u, days in zip(people[3:5], (45, 120), strict=True):
        Membership.objects.filter(group=group, user=u).update(created_at=NOW.replace(year=2026, month=1, day=1))
        Landing.objects.create(owner=u, company_name="Acme", role="Analyst", source="group",
                               landed_on=date(2026, 1, 1) + timedelta(days=days))  # fmt: skip
    outsider = UserFactory()
    Landing.objects.create(owner=outsider, company_name="X", role="Y", source="group", landed_on=day)


def test_figures_are_exact() -> None:
    group, _fac, people, _m1, _m2 = _fixture()
    report = health.group_health(group)
    assert [(m.title, m.going, m.attended, m.goal_share, m.reflected_share, m.average_value)
            for m in report.meetings] == [
        ("First circle", 6, 5, 83, 100, 3.0),  # five of the five there reflected (the sixth was marked absent)
        ("Second circle", 4, None, None, None, None),  # attendance not taken; four answers, still open
    ]  # fmt: skip
    assert [m.answers_open_until for m in report.meetings] == [None, health._day(_m2.ends_at + timedelta(days=7),
                                                                                 group.time_zone)]  # fmt: skip
    # Goals for 9 of the 10 places taken; 9 values from the 9 people there; the average over
    # the meetings whose answers have closed (the first).
    assert (report.goal_share, report.reflected_share, report.average_value) == (90, 100, 3.0)
    assert (report.landed, report.median_days_to_land) == (None, None)
    _landings(group, people)
    assert (health.group_health(group).landed, health.group_health(group).median_days_to_land) == (5, 60)


def test_below_five_contributors_nothing_is_shown() -> None:
    group, _fac, people, m1, _m2 = _fixture()
    Reflection.objects.filter(owner=people[4], meeting=m1).delete()
    Goal.objects.filter(owner=people[4], meeting=m1).delete()
    report = health.group_health(group)
    first = report.meetings[0]
    assert (first.goal_share, first.reflected_share, first.average_value) == (None, None, None)
    # Over both meetings the same four people: still fewer than five.
    assert (report.goal_share, report.reflected_share, report.average_value) == (None, None, None)
    for u in people[:4]:
        Landing.objects.create(owner=u, company_name="A", role="B", source="group", landed_on=date(2026, 1, 1))
    assert (health.group_health(group).landed, health.group_health(group).median_days_to_land) == (None, None)


def test_the_page_and_the_api_show_aggregates_only() -> None:
    group, fac, people, m1, _m2 = _fixture()
    page = as_client(fac).get(f"/groups/{group.slug}/health/").content.decode()
    assert "Group health" in page
    assert "83%" in page
    assert "3.0 of 5" in page
    assert "3.0 <span" in page
    # The note at the top, and the second meeting's goal and reflected shares; its average
    # waits for its answers to close.
    assert page.count("not enough answers yet") == 3
    assert page.count("answers open until") == 1
    assert "not taken" in page  # the second meeting's attendance
    assert "Not enough answers yet" in page  # landed
    for u in people:
        assert u.display_name not in page
        assert u.public_id not in page
    assert SECRET_TAKEAWAY not in page
    _token, secret = api_token_create(user=fac)
    r = Client().get(f"/api/v1/groups/{group.slug}/health", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"group", "min_contributors", "goal_share", "reflected_share", "average_value", "landed",
                         "median_days_to_land", "meetings"}  # fmt: skip
    assert body["meetings"][0] == {
        "meeting": m1.public_id, "title": "First circle", "starts_at": body["meetings"][0]["starts_at"],
        "going": 6, "attended": 5, "goal_share": 83, "reflected_share": 100, "average_value": 3.0,
        "answers_close_at": None,
    }  # fmt: skip
    assert body["meetings"][1]["average_value"] is None
    assert body["meetings"][1]["attended"] is None
    close = _m2.ends_at + timedelta(days=7)  # JSON keeps milliseconds
    assert body["meetings"][1]["answers_close_at"] == close.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    raw = json.dumps(body)
    for u in people:
        assert u.display_name not in raw
        assert u.public_id not in raw
    assert SECRET_TAKEAWAY not in raw


def _unmasked(html: bytes) -> str:
    """The page with its CSRF tokens (masked afresh on every response) blanked."""
    return re.sub(r'(X-CSRFToken": "|value=")[A-Za-z0-9]{64}', r"\1", html.decode())


def test_every_kind_of_viewer_but_the_facilitator_gets_404() -> None:
    group, fac, people, _m1, _m2 = _fixture()
    url = f"/groups/{group.slug}/health/"
    api = f"/api/v1/groups/{group.slug}/health"
    banned = MembershipFactory(group=group, state=MembershipState.BANNED).user
    left = MembershipFactory(group=group, state=MembershipState.LEFT).user
    pending = MembershipFactory(group=group, state=MembershipState.PENDING).user
    r = Client().get(url)
    assert (r.status_code, r["Location"]) == (302, f"/accounts/login/?next={url}")
    assert Client().get(api).status_code == 401
    for user in (UserFactory(), people[0], banned, left, pending):
        c = as_client(user)
        r = c.get(url)
        assert r.status_code == 404
        assert _unmasked(r.content) == _unmasked(c.get("/groups/no-such-group/health/").content)
        _t, secret = api_token_create(user=user)
        r = Client().get(api, headers={"Authorization": f"Bearer {secret}"})
        assert (r.status_code, r.json()) == (404, {"detail": "No such group."})
    assert as_client(fac).get(url).status_code == 200
    # A facilitator who stepped down is a member like any other.
    Membership.objects.filter(user=fac, group=group).update(role=MembershipRole.MEMBER)
    assert as_client(fac).get(url).status_code == 404


@pytest.mark.parametrize("extra", [0, 6])
def test_the_health_page_makes_a_fixed_number_of_queries(extra: int) -> None:
    # The same count with six more meetings of answers: the figures are eight aggregate
    # queries (journal/health.py), whatever the data size.
    group, fac, people, _m1, _m2 = _fixture(extra_meetings=extra)
    _landings(group, people)
    client = as_client(fac)
    # The first look after meetings' answers closed computes and keeps their values (two more),
    # and the landings' figures (one more); the kept figures are one query each. One of each
    # count is the navigation's unread badge (notifications.selectors.badge_count).
    assert page_queries(client, f"/groups/{group.slug}/health/") == 18
    assert page_queries(client, f"/groups/{group.slug}/health/") == 15


def test_a_group_without_ended_meetings_says_what_to_do() -> None:
    group = GroupFactory()
    fac = MembershipFactory(group=group, role=MembershipRole.FACILITATOR).user
    page = as_client(fac).get(f"/groups/{group.slug}/health/").content.decode()
    assert "No meetings have ended yet" in page
    assert Meeting.objects.count() == 0


def test_an_average_never_moves_once_answers_close() -> None:
    # Seen at five answers, an average that then moved with a sixth would give the sixth value
    # away (6 x new - 5 x old). Once answers close, later answers and edits change nothing.
    group, fac, people, m1, _m2 = _fixture()
    latecomer = MembershipFactory(group=group, user=UserFactory(name="Late Lou")).user
    RsvpFactory(meeting=m1, user=latecomer, attended=True)
    assert health.group_health(group).meetings[0].average_value == 3.0
    Reflection.objects.create(owner=latecomer, meeting=m1, value=1)
    Reflection.objects.filter(owner=people[0], meeting=m1).update(value=5)
    _answered_in_time()  # even given "in time", the kept figure does not move
    again = health.group_health(group)
    assert (again.meetings[0].average_value, again.average_value) == (3.0, 3.0)
    _token, secret = api_token_create(user=fac)
    r = Client().get(f"/api/v1/groups/{group.slug}/health", headers={"Authorization": f"Bearer {secret}"})
    assert (r.json()["meetings"][0]["average_value"], r.json()["average_value"]) == (3.0, 3.0)
    # The reflected share counts people, not values: it may move (the latecomer answered).
    assert again.meetings[0].reflected_share == 100


def test_an_average_appears_only_when_answers_close() -> None:
    group = GroupFactory()
    people = [MembershipFactory(group=group).user for _ in range(5)]
    m = _meeting(group, 1, title="Yesterday")
    for u, v in zip(people, (4, 4, 5, 3, 4), strict=True):
        RsvpFactory(meeting=m, user=u)
        Reflection.objects.create(owner=u, meeting=m, value=v)
    _answered_in_time()
    open_now = health.group_health(group)
    assert (open_now.meetings[0].average_value, open_now.average_value) == (None, None)
    assert open_now.meetings[0].answers_close_at == m.ends_at + timedelta(days=7)
    assert open_now.meetings[0].reflected_share == 100  # counts of answers show at once
    later = health.group_health(group, now=m.ends_at + timedelta(days=7))
    assert (later.meetings[0].average_value, later.average_value) == (4.0, 4.0)
    assert later.meetings[0].answers_close_at is None


def test_a_value_from_someone_marked_absent_does_not_count() -> None:
    group = GroupFactory()
    people = [MembershipFactory(group=group).user for _ in range(6)]
    m = _meeting(group, 10, title="Circle")
    for i, u in enumerate(people):
        RsvpFactory(meeting=m, user=u, attended=i != 5)  # the last was marked absent
        Reflection.objects.create(owner=u, meeting=m, value=1 if i == 5 else 4)
    _answered_in_time()
    row = health.group_health(group).meetings[0]
    assert (row.going, row.attended, row.reflected_share, row.average_value) == (6, 5, 100, 4.0)


def test_landing_figures_move_only_in_steps_of_five() -> None:
    # A tester read one member's days to land from the median at five landings and at six.
    group, _fac, people, _m1, _m2 = _fixture()
    _landings(group, people)  # five: 30, 60, 90, 45, 120 days -> median 60
    assert (health.group_health(group).landed, health.group_health(group).median_days_to_land) == (5, 60)
    extra = [MembershipFactory(group=group).user for _ in range(5)]
    day = date(2026, 7, 1)
    for i, u in enumerate(extra[:4]):
        Landing.objects.create(owner=u, company_name="B", role="C", source="group", landed_on=day,
                               search_started_on=day - timedelta(days=200 + i))  # fmt: skip
        # Nine landings: still the five's figures, so none of the four can be read from them.
        assert (health.group_health(group).landed, health.group_health(group).median_days_to_land) == (5, 60)
    # An edit of a counted landing moves nothing either.
    Landing.objects.filter(owner=people[0]).update(search_started_on=date(2025, 1, 1))
    assert health.group_health(group).median_days_to_land == 60
    Landing.objects.create(owner=extra[4], company_name="B", role="C", source="group", landed_on=day,
                           search_started_on=day - timedelta(days=300))  # fmt: skip
    # Ten: five new since, so the figures move, all at once: days 45, 60, 90, 120, 200, 201, 202,
    # 203, 300, 516 (the edit counts now) -> median 200.5, shown as 200 (round half to even).
    assert (health.group_health(group).landed, health.group_health(group).median_days_to_land) == (10, 200)


def test_an_answer_given_or_changed_after_answers_close_is_left_out() -> None:
    group = GroupFactory()
    people = [MembershipFactory(group=group).user for _ in range(6)]
    m = _meeting(group, 30, title="A month ago")
    close = m.ends_at + timedelta(days=7)
    for u, v in zip(people, (4, 4, 4, 4, 4, 1), strict=True):
        RsvpFactory(meeting=m, user=u)
        Reflection.objects.create(owner=u, meeting=m, value=v)
    # Five answered in time; the sixth answered after answers closed, before anyone looked.
    Reflection.objects.filter(meeting=m).update(updated_at=close - timedelta(days=1))
    Reflection.objects.filter(meeting=m, owner=people[5]).update(updated_at=close + timedelta(days=2))
    row = health.group_health(group).meetings[0]
    assert (row.average_value, row.answers_open_until) == (4.0, None)


def test_a_meeting_closed_with_too_few_answers_says_so() -> None:
    group = GroupFactory()
    fac = MembershipFactory(group=group, role=MembershipRole.FACILITATOR).user
    u = MembershipFactory(group=group).user
    m = _meeting(group, 30, title="Quiet circle")
    RsvpFactory(meeting=m, user=u)
    Reflection.objects.create(owner=u, meeting=m, value=5)
    page = as_client(fac).get(f"/groups/{group.slug}/health/").content.decode()
    assert "answers closed with fewer than 5" in page
