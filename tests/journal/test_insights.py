"""Insights: exact figures from fixtures, in the member's own time zone and across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from roundtable.groups.models import Kind
from roundtable.journal.insights import insights_for
from roundtable.journal.models import Goal, Reflection
from roundtable.tracker.models import (
    Activity,
    ActivityKind,
    Company,
    Opportunity,
    Source,
    Stage,
    StageChange,
    WeeklyTarget,
)
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory

pytestmark = pytest.mark.django_db

# Wednesday 4 November 2026, 12:00 UTC: New York left daylight saving on Sunday 1 November.
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)


def member(zone: str = "America/New_York"):
    user = UserFactory(name="Nina Novak")
    user.profile.time_zone = zone
    user.profile.save(update_fields=["time_zone"])
    return user


def went(user, group, start: datetime, minutes: int, value: int | None = None, goal_met: str = ""):
    m = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=minutes))
    RsvpFactory(meeting=m, user=user)
    if value is not None or goal_met:
        Goal.objects.create(owner=user, meeting=m, reasons=["learn_topic"])
        Reflection.objects.create(owner=user, meeting=m, value=value, goal_met=goal_met)
    return m


def test_member_with_no_data_has_empty_figures_and_only_the_strategic_advice():
    user = member()
    data = insights_for(user, now=NOW)
    assert data["empty"] is True
    assert data["weeks"][-1] == "2026-11-02"
    assert data["weeks"][0] == "2026-08-17"
    assert len(data["weeks"]) == 12
    assert data["meeting_hours"] == {"total": [0.0] * 12, "groups": []}
    assert data["activity_mix"] == {
        "networking": [0] * 12,
        "applications": [0] * 12,
        "networking_target": 0,
        "applications_target": 0,
    }
    assert data["funnel"] == {"networking": 0, "applications": 0, "interviews": 0, "offers": 0}
    assert data["interview_sources"] == []
    assert data["worth"]["groups"] == []
    assert data["worth"]["months"][-1] == "2026-11"
    assert [a["rule"] for a in data["advice"]] == ["no_strategic_group"]
    assert data["advice"][0]["text"] == "You are not in a strategic planning group yet."


def test_meeting_hours_by_local_week_across_the_dst_change():
    user = member()
    g = GroupFactory(name="Harbor Roundtable", slug="harbor", kind=Kind.STRATEGIC)
    # 01:00 EDT to 03:00 EST on Sunday 1 November: three real hours, in the week of 26 October.
    went(user, g, datetime(2026, 11, 1, 5, 0, tzinfo=UTC), 180, value=4)
    # Sunday 1 November 23:30 EST is Monday 04:30 UTC: still the week of 26 October locally.
    went(user, g, datetime(2026, 11, 2, 4, 30, tzinfo=UTC), 60, value=2)
    # Monday 2 November 00:30 EST: the week of 2 November.
    went(user, g, datetime(2026, 11, 2, 5, 30, tzinfo=UTC), 90)
    data = insights_for(user, now=NOW)
    [group] = data["meeting_hours"]["groups"]
    assert group["hours"][-2:] == [4.0, 1.5]
    assert group["avg_value"] == 3.0
    assert group["n_rated"] == 2
    assert group["kind_label"] == "Strategic planning group"
    # Value per hour in November (both rated meetings start on 1 November locally): 6 points / 4 hours.
    assert data["worth"]["groups"] == [
        {"slug": "harbor", "name": "Harbor Roundtable", "per_hour": [None, None, None, None, None, 1.5]}
    ]


def test_the_same_moments_in_london_fall_in_other_weeks():
    user = member("Europe/London")
    g = GroupFactory(name="Harbor Roundtable", slug="harbor")
    went(user, g, datetime(2026, 11, 2, 4, 30, tzinfo=UTC), 60)  # Monday 04:30 in London
    data = insights_for(user, now=NOW)
    assert data["meeting_hours"]["groups"][0]["hours"][-2:] == [0.0, 1.0]


def test_activity_mix_funnel_and_interview_sources():
    user = member()
    g = GroupFactory(name="Harbor Roundtable", slug="harbor")
    acme = Company.objects.create(owner=user, name="Acme")
    by_group = Opportunity.objects.create(owner=user, company=acme, role="PM", source=Source.GROUP, source_group=g)
    by_app = Opportunity.objects.create(owner=user, company=acme, role="QA", source=Source.APPLICATION)
    WeeklyTarget.objects.create(owner=user, kind=ActivityKind.OUTREACH, per_week=5)
    WeeklyTarget.objects.create(owner=user, kind=ActivityKind.CONVERSATION, per_week=3)
    WeeklyTarget.objects.create(owner=user, kind=ActivityKind.APPLICATION, per_week=2)

    def log(kind, day, n=1, opp=None):
        for _ in range(n):
            Activity.objects.create(owner=user, kind=kind, occurred_on=day, opportunity=opp)

    log(ActivityKind.OUTREACH, date(2026, 11, 2), 3)
    log(ActivityKind.CONVERSATION, date(2026, 11, 1), 2)  # Sunday: the week before
    log(ActivityKind.APPLICATION, date(2026, 11, 3), 4)
    log(ActivityKind.INTERVIEW, date(2026, 11, 3), 2, by_group)
    log(ActivityKind.INTERVIEW, date(2026, 10, 20), 1, by_app)
    log(ActivityKind.INTERVIEW, date(2026, 10, 21), 1)
    log(ActivityKind.OFFER, date(2026, 11, 4), 1, by_group)
    data = insights_for(user, now=NOW)
    mix = data["activity_mix"]
    assert mix["networking"][-2:] == [2, 3]
    assert mix["applications"][-2:] == [0, 4]
    assert (mix["networking_target"], mix["applications_target"]) == (8, 2)
    assert data["funnel"] == {"networking": 5, "applications": 4, "interviews": 4, "offers": 1}
    assert data["interview_sources"] == [
        {"label": "A group: Harbor Roundtable", "n": 2},
        {"label": "Application", "n": 1},
        {"label": "Not tied to an opportunity", "n": 1},
    ]
    assert data["empty"] is False


def test_the_board_counts_where_nothing_was_logged():
    # An offer on the board with no offer logged still counts as an offer; an opportunity that
    # went through Interviewing and was rejected, with no interview logged, as one interview;
    # one with interviews logged is not counted twice.
    user = member()
    g = GroupFactory(name="Harbor Roundtable", slug="harbor")
    acme = Company.objects.create(owner=user, name="Acme")
    offer = Opportunity.objects.create(owner=user, company=acme, role="PM", source=Source.GROUP, source_group=g,
                                       stage=Stage.OFFER)  # fmt: skip
    StageChange.objects.create(opportunity=offer, from_stage="", to_stage=Stage.OFFER)
    gone = Opportunity.objects.create(owner=user, company=acme, role="QA", source=Source.REFERRAL,
                                      stage=Stage.REJECTED)  # fmt: skip
    StageChange.objects.create(opportunity=gone, from_stage="", to_stage=Stage.APPLIED)
    StageChange.objects.create(opportunity=gone, from_stage=Stage.APPLIED, to_stage=Stage.INTERVIEWING)
    StageChange.objects.create(opportunity=gone, from_stage=Stage.INTERVIEWING, to_stage=Stage.REJECTED)
    logged = Opportunity.objects.create(owner=user, company=acme, role="Ops", source=Source.APPLICATION,
                                        stage=Stage.INTERVIEWING)  # fmt: skip
    Activity.objects.create(owner=user, kind=ActivityKind.INTERVIEW, occurred_on=date(2026, 11, 2), opportunity=logged)
    Activity.objects.create(owner=user, kind=ActivityKind.INTERVIEW, occurred_on=date(2026, 11, 3), opportunity=logged)
    Opportunity.objects.create(owner=user, company=acme, role="Early", stage=Stage.APPLIED)  # counts for nothing here
    data = insights_for(user, now=NOW)
    assert data["funnel"] == {"networking": 0, "applications": 0, "interviews": 4, "offers": 1}
    assert data["interview_sources"] == [
        {"label": "Application", "n": 2},
        {"label": "A group: Harbor Roundtable", "n": 1},
        {"label": "Referral", "n": 1},
    ]


def test_only_meetings_gone_to_and_ended_count():
    user = member()
    g = GroupFactory(name="Harbor Roundtable", slug="harbor")
    went(user, g, NOW + timedelta(hours=1), 60)  # not yet ended
    m = MeetingFactory(group=g, starts_at=NOW - timedelta(days=1), ends_at=NOW - timedelta(hours=23))
    RsvpFactory(meeting=m, user=user, status="declined")
    MembershipFactory(group=g, user=user)
    data = insights_for(user, now=NOW)
    assert data["meeting_hours"]["groups"] == []
    assert data["empty"] is True
