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
    return group, fac, people, m1, m2


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
        ("First circle", 6, 5, 83, 83, 3.0),
        ("Second circle", 4, 0, None, None, None),
    ]  # fmt: skip
    assert (report.goal_share, report.reflected_share, report.average_value) == (83, 83, 3.4)
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
    assert "3.4 <span" in page
    # The note at the top, and the second meeting's three figures.
    assert page.count("not enough answers yet") == 4
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
        "going": 6, "attended": 5, "goal_share": 83, "reflected_share": 83, "average_value": 3.0,
    }  # fmt: skip
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
    assert page_queries(as_client(fac), f"/groups/{group.slug}/health/") == 13


def test_a_group_without_ended_meetings_says_what_to_do() -> None:
    group = GroupFactory()
    fac = MembershipFactory(group=group, role=MembershipRole.FACILITATOR).user
    page = as_client(fac).get(f"/groups/{group.slug}/health/").content.decode()
    assert "No meetings have ended yet" in page
    assert Meeting.objects.count() == 0
