"""The insights page and GET /api/v1/me/insights: charts with their tables, advice, the empty
state, owner-only access, and a fixed number of queries whatever the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.groups.models import Kind
from roundtable.journal.insights import insights_for
from roundtable.tracker.models import Activity, ActivityKind, Company, Opportunity, Source, Task, WeeklyTarget
from roundtable.tracker.selectors import today_for
from tests.factories import GroupFactory, MembershipFactory
from tests.queries import page_queries
from tests.tracker.helpers import bearer, logged_in

from .test_insights import member, went

pytestmark = pytest.mark.django_db


def history(user, size: int) -> None:
    """`size` meetings rated in two groups, 3*size activities, one overdue task, targets."""
    talks = GroupFactory(name="Tech Talks", kind=Kind.SPEAKERS)
    plan = GroupFactory(name="Plan Circle", kind=Kind.STRATEGIC)
    MembershipFactory(group=plan, user=user)
    acme = Company.objects.create(owner=user, name="Acme")
    opp = Opportunity.objects.create(owner=user, company=acme, role="PM", source=Source.GROUP, source_group=plan)
    now = timezone.now()
    for i in range(size):
        went(user, talks if i % 2 else plan, now - timedelta(days=3 + 4 * i), 90, value=1 + i % 5)
    today = today_for(user)  # theirs: the site's (UTC) date runs ahead of it after midnight UTC
    for i in range(size):
        Activity.objects.create(owner=user, kind=ActivityKind.OUTREACH, occurred_on=today - timedelta(days=i))
        Activity.objects.create(owner=user, kind=ActivityKind.APPLICATION, occurred_on=today - timedelta(days=i))
        Activity.objects.create(
            owner=user, kind=ActivityKind.INTERVIEW, occurred_on=today - timedelta(days=i), opportunity=opp
        )
    WeeklyTarget.objects.create(owner=user, kind=ActivityKind.OUTREACH, per_week=5)
    Task.objects.create(owner=user, title="Thank Dana", due_on=date(2020, 1, 6))


def test_a_member_with_no_data_sees_the_empty_state_and_one_piece_of_advice():
    user = member()
    body = logged_in(user).get("/me/insights/").content.decode()
    assert "Nothing to chart yet" in body
    assert "You are not in a strategic planning group yet." in body
    assert '<svg class="chart chart-' not in body


def test_the_page_draws_every_chart_with_its_table():
    user = member()
    history(user, 6)
    response = logged_in(user).get("/me/insights/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<svg class="chart chart-') == 5  # hours, mix, funnel, sources, worth
    assert body.count('<details class="chart-table">') == 5
    assert "Hours in meetings as a table" in body
    assert '<th scope="row">A group: Plan Circle</th><td><span class="cell-label">Interviews</span>6</td>' in body
    assert "A follow-up is overdue: \u201cThank Dana\u201d." in body
    assert "Nothing to chart yet" not in body
    assert 'style="' not in body.split("<main", 1)[1]  # CSP: no inline style
    assert "<script>" not in body


def test_the_page_and_the_api_are_the_callers_own():
    assert Client().get("/me/insights/").status_code == 302
    assert Client().get("/api/v1/me/insights").status_code == 401
    user = member()
    history(user, 3)
    other = member()
    answer = Client().get("/api/v1/me/insights", **bearer(other))
    assert answer.status_code == 200
    assert answer.json()["empty"] is True
    mine = Client().get("/api/v1/me/insights", **bearer(user)).json()
    expected = insights_for(user)
    assert mine["funnel"] == expected["funnel"] == {"networking": 3, "applications": 3, "interviews": 3, "offers": 0}
    assert mine["advice"] == expected["advice"]
    assert mine["weeks"] == expected["weeks"]
    assert [g["name"] for g in mine["meeting_hours"]["groups"]] == ["Plan Circle", "Tech Talks"]


@pytest.mark.parametrize("size", [2, 20])
def test_queries_do_not_grow_with_history(size: int):
    user = member()
    history(user, size)
    # Eight of them journal.selectors.insight_rows, one the navigation's unread badge.
    assert page_queries(logged_in(user), "/me/insights/") == 11
