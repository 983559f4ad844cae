"""Advice: each rule from fixtures, with its exact words, in the member's own weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from roundtable.groups.models import Kind
from roundtable.journal.insights import insights_for
from roundtable.tracker.models import Activity, ActivityKind, Company, Opportunity, Source, Task
from tests.factories import GroupFactory, MembershipFactory

from .test_insights import NOW, member, went

pytestmark = pytest.mark.django_db


def advice(user, now=NOW):
    return {a["rule"]: a for a in insights_for(user, now=now)["advice"]}


def strategic(user):
    MembershipFactory(group=GroupFactory(name="Plan Circle", kind=Kind.STRATEGIC), user=user)


def test_a_strategic_member_with_no_data_gets_no_advice():
    user = member()
    strategic(user)
    assert advice(user) == {}


def test_no_strategic_group():
    user = member()
    MembershipFactory(group=GroupFactory(kind=Kind.SPEAKERS), user=user)
    a = advice(user)["no_strategic_group"]
    assert a["because"] == (
        "because a strategic planning group gives you a turn at every meeting to plan your search with "
        "peers, and holds you to the commitments you make there."
    )
    assert a["link"] == "/groups/?kind=strategic"


def test_two_speakers_meetings_in_one_local_week():
    user = member()
    strategic(user)
    talks = GroupFactory(name="Tech Talks", slug="talks", kind=Kind.SPEAKERS)
    # Monday 26 October 19:00 EDT and Sunday 1 November 20:00 EST (after the change): one local week.
    went(user, talks, datetime(2026, 10, 26, 23, 0, tzinfo=UTC), 60)
    went(user, talks, datetime(2026, 11, 2, 1, 0, tzinfo=UTC), 60)
    a = advice(user)["speakers_too_often"]
    assert a["text"] == "You went to 2 speakers meetings in the week of Monday 26 October."
    assert a["because"].startswith("because the usual advice is at most one speakers meeting a week")
    # In London the second is on Monday 2 November: two weeks, one meeting each.
    london = member("Europe/London")
    strategic(london)
    went(london, talks, datetime(2026, 10, 26, 23, 0, tzinfo=UTC), 60)
    went(london, talks, datetime(2026, 11, 2, 1, 0, tzinfo=UTC), 60)
    assert "speakers_too_often" not in advice(london)


def test_two_speakers_meetings_booked_in_one_coming_week():
    # Today is Wednesday 4 November (New York). Going to two speakers nights in the week of
    # Monday 9 November: the advice looks ahead, while there is time to change plans.
    user = member()
    strategic(user)
    talks = GroupFactory(name="Tech Talks", slug="talks", kind=Kind.SPEAKERS)
    went(user, talks, datetime(2026, 11, 10, 23, 0, tzinfo=UTC), 60)  # Tue 10 Nov, 18:00 EST
    went(user, talks, datetime(2026, 11, 13, 23, 0, tzinfo=UTC), 60)  # Fri 13 Nov
    went(user, talks, datetime(2026, 12, 29, 23, 0, tzinfo=UTC), 60)  # past the 28 days read ahead
    a = advice(user)["speakers_too_often"]
    assert (a["text"], a["link"], a["link_text"]) == (
        "You're down for 2 speakers meetings in the week of Monday 9 November.",
        "/me/agenda/",
        "See your agenda",
    )
    # One booked this week beside one already gone to this week counts too.
    other = member()
    strategic(other)
    went(other, talks, datetime(2026, 11, 2, 23, 0, tzinfo=UTC), 60)  # Mon 2 Nov, gone to
    went(other, talks, datetime(2026, 11, 6, 23, 0, tzinfo=UTC), 60)  # Fri 6 Nov, booked
    assert advice(other)["speakers_too_often"]["text"] == (
        "You're down for 2 speakers meetings in the week of Monday 2 November."
    )


def test_a_group_whose_last_four_meetings_averaged_below_two_and_a_half():
    user = member()
    strategic(user)
    g = GroupFactory(name="Harbor Roundtable", slug="harbor")
    for i, v in enumerate([5, 3, 2, 2, 2]):
        went(user, g, NOW - timedelta(weeks=6 - i), 60, value=v)
    a = advice(user)["low_value_group"]
    assert a["text"] == "Harbor Roundtable: is it still worth your time?"
    assert a["because"] == "because your last four meetings there averaged 2.25 out of 5 (you gave them 3, 2, 2, 2)."
    went(user, g, NOW - timedelta(days=1), 60, value=1)  # last four: 2, 2, 2, 1
    a = advice(user)["low_value_group"]
    assert a["because"] == "because your last four meetings there averaged 1.75 out of 5 (you gave them 2, 2, 2, 1)."
    assert a["link"] == "/groups/harbor/"


def test_exactly_two_and_a_half_is_not_below():
    user = member()
    strategic(user)
    g = GroupFactory(name="Harbor Roundtable", slug="harbor")
    for i, v in enumerate([3, 2, 2, 3]):
        went(user, g, NOW - timedelta(weeks=5 - i), 60, value=v)
    assert "low_value_group" not in advice(user)


def test_meeting_hours_rising_while_outreach_falls():
    user = member()
    strategic(user)
    g = GroupFactory(name="Harbor Roundtable", slug="harbor")
    # Complete weeks from Monday 5 October: 1, 2, 3, 4 hours; outreach 8, 6, 4, 2.
    for i in range(4):
        monday = date(2026, 10, 5) + timedelta(weeks=i)
        for j in range(i + 1):
            went(user, g, datetime(monday.year, monday.month, monday.day + 1 + j, 22, 0, tzinfo=UTC), 60)
        for _ in range(8 - 2 * i):
            Activity.objects.create(owner=user, kind=ActivityKind.OUTREACH, occurred_on=monday)
    a = advice(user)["meetings_up_outreach_down"]
    assert a["text"] == "Your hours in meetings rose three weeks running while your outreach fell."
    assert a["because"] == (
        "because from the week of Monday 5 October, your hours in meetings went 1 \u2192 2 \u2192 3 \u2192 4 "
        "and your conversations and outreach 8 \u2192 6 \u2192 4 \u2192 2."
    )
    Activity.objects.create(owner=user, kind=ActivityKind.CONVERSATION, occurred_on=date(2026, 11, 1))
    Activity.objects.create(owner=user, kind=ActivityKind.CONVERSATION, occurred_on=date(2026, 11, 1))
    assert "meetings_up_outreach_down" not in advice(user)  # 4 conversations the last week: not falling


def test_applications_most_of_the_activity_few_interviews_from_them():
    user = member()
    strategic(user)
    acme = Company.objects.create(owner=user, name="Acme")
    opp = Opportunity.objects.create(owner=user, company=acme, role="QA", source=Source.APPLICATION)
    for i in range(12):
        Activity.objects.create(owner=user, kind=ActivityKind.APPLICATION, occurred_on=date(2026, 10, 1 + i))
    for i in range(3):
        Activity.objects.create(owner=user, kind=ActivityKind.OUTREACH, occurred_on=date(2026, 10, 1 + i))
    Activity.objects.create(owner=user, kind=ActivityKind.INTERVIEW, occurred_on=date(2026, 10, 20), opportunity=opp)
    a = advice(user)["applications_heavy"]
    assert a["text"] == "Applications are most of your activity, but few interviews came from them."
    assert a["because"] == (
        "because in the last 8 weeks you sent 12 applications against 3 conversations and outreach, and "
        "1 interview came from an application; conversations and direct outreach produce most interviews."
    )
    Activity.objects.create(owner=user, kind=ActivityKind.INTERVIEW, occurred_on=date(2026, 10, 21), opportunity=opp)
    assert "applications_heavy" not in advice(user)  # 2 interviews from 12 applications is not few


def test_an_overdue_follow_up_in_the_members_own_day():
    user = member()
    strategic(user)
    Task.objects.create(owner=user, title="Thank Dana", due_on=date(2026, 11, 3))
    Task.objects.create(owner=user, title="Due today", due_on=date(2026, 11, 4))
    a = advice(user)["overdue_follow_up"]
    assert a["text"] == "A follow-up is overdue: \u201cThank Dana\u201d."
    assert a["because"] == (
        "because it was due on Tuesday 3 November, 1 day ago, and a follow-up sent within days keeps a "
        "conversation warm."
    )
    assert a["link"] == "/me/tracker/tasks/" or a["link"].endswith("/tracker/tasks/")
    # 02:00 UTC on 4 November is still 3 November in New York: nothing is overdue yet there.
    assert "overdue_follow_up" not in advice(user, now=datetime(2026, 11, 4, 2, 0, tzinfo=UTC))
    Task.objects.create(owner=user, title="Call Lee", due_on=date(2026, 11, 1))
    a = advice(user)["overdue_follow_up"]
    assert a["text"] == "2 follow-ups are overdue; the oldest is \u201cCall Lee\u201d."


def test_a_goal_not_met_three_times_in_the_same_group():
    user = member()
    strategic(user)
    g = GroupFactory(name="Harbor Roundtable", slug="harbor")
    for i in range(2):
        went(user, g, NOW - timedelta(weeks=5 - i), 60, value=4, goal_met="no")
    went(user, g, NOW - timedelta(weeks=3), 60, value=4, goal_met="yes")
    assert "goal_not_met" not in advice(user)
    went(user, g, NOW - timedelta(weeks=2), 60, value=4, goal_met="no")
    a = advice(user)["goal_not_met"]
    assert a["text"] == "Your goals at Harbor Roundtable went unmet 3 times."
    assert a["because"].startswith("because 3 of your reflections on Harbor Roundtable say you did not get")


def test_a_day_in_another_year_says_its_year():
    user = member()
    strategic(user)
    Task.objects.create(owner=user, title="Thank Dana", due_on=date(1999, 1, 1))
    a = advice(user)["overdue_follow_up"]
    assert a["because"] == (
        "because it was due on Friday 1 January 1999, 10169 days ago, and a follow-up sent within days keeps a "
        "conversation warm."
    )
