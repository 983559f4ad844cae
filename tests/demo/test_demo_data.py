from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from roundtable.accounts.models import Profile, User
from roundtable.groups.models import Group, Kind, Membership, MembershipRole, MembershipState

PASSWORD = "demo-pass-2026"


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "profiles": Profile.objects.count(),
        "groups": Group.objects.count(),
        "memberships": Membership.objects.count(),
        "emails": EmailAddress.objects.count(),
    }


@pytest.mark.django_db
def test_demo_data_loads_a_believable_demo_once(settings) -> None:
    settings.ROUNDTABLE_DEMO_DATA = True
    settings.SITE_URL = "http://127.0.0.1:8041"
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "member@demo.roundtable" in out.getvalue()
    # The address it is served at (make run's SITE_URL, from HOST and PORT), not a fixed port.
    assert "Log in at http://127.0.0.1:8041/accounts/login/ (password" in out.getvalue()
    assert "(also http://127.0.0.1:8041/admin/)" in out.getvalue()

    assert Group.objects.count() >= 40
    assert set(Group.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert Profile.objects.count() >= 150
    assert set(Membership.objects.values_list("state", flat=True)) == set(MembershipState.values)
    # Member counts are the services' own: active memberships, nothing else.
    for group in Group.objects.all():
        active = Membership.objects.filter(group=group, state=MembershipState.ACTIVE).count()
        assert group.member_count == active, group.name
        assert group.search_text
    # Every demo person can sign in: a verified, primary address and a usable password.
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()
    pitches = [p.pitch_words for p in Profile.objects.exclude(pitch="")]
    assert len(pitches) >= 150
    assert all(50 <= n <= 80 for n in pitches)

    facilitated = Membership.objects.filter(
        user__email="facilitator@demo.roundtable", state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR
    ).values_list("group", flat=True)
    assert len(facilitated) >= 2
    assert Membership.objects.filter(
        group__in=facilitated, group__kind=Kind.STRATEGIC, state=MembershipState.PENDING
    ).exists()
    member_groups = Membership.objects.filter(user__email="member@demo.roundtable", state=MembershipState.ACTIVE)
    assert member_groups.count() >= 3
    assert User.objects.get(email="admin@demo.roundtable").is_superuser

    assert Client().login(email="member@demo.roundtable", password=PASSWORD) is True
    # The member's job search: contacts, opportunities across the stages, a week of activity.
    from roundtable.tracker.models import Activity, Contact, Opportunity, StageChange, Task, WeeklyTarget

    member = User.objects.get(email="member@demo.roundtable")
    # Six contacts of the tracker's own, and one for each member met at the demo meetings
    # (the journal's reflections make them).
    from roundtable.journal.models import ReflectionPerson

    met = set(ReflectionPerson.objects.filter(reflection__owner=member).values_list("person", flat=True))
    assert Contact.objects.filter(owner=member, person__isnull=True).count() == 6
    assert set(Contact.objects.filter(owner=member, person__isnull=False).values_list("person", flat=True)) == met
    assert met
    assert len(set(Opportunity.objects.filter(owner=member).values_list("stage", flat=True))) == 6
    assert StageChange.objects.filter(opportunity__owner=member).count() > 6
    # 8 pieces of work spread over five weeks, 12 stage moves each logged on its day, and an
    # interview booked with a time (second tester on issue 10: all were once dated the load day).
    assert Activity.objects.filter(owner=member).count() == 21
    from roundtable.tracker.selectors import today_for, week_of, zone_of

    days = list(Activity.objects.filter(owner=member, starts_at__isnull=True).values_list("occurred_on", flat=True))
    assert max(days) == today_for(member)
    assert len({week_of(d)[0] for d in days}) >= 5
    zone = zone_of(member)
    work = {"networking": "conversation", "applied": "application", "interviewing": "interview", "offer": "offer"}
    for opp in Opportunity.objects.filter(owner=member):
        moves = [
            (work[c.to_stage], c.changed_at.astimezone(zone).date())
            for c in opp.stage_changes.exclude(from_stage="")
            if c.to_stage in work
        ]
        logged = list(
            Activity.objects.filter(opportunity=opp, starts_at__isnull=True)
            .order_by("occurred_on", "pk")
            .values_list("kind", "occurred_on")
        )
        assert logged == moves, opp.role
        if opp.role == "Senior product analyst":
            assert [k for k, _d in logged] == ["conversation", "application", "interview"]
    assert WeeklyTarget.objects.filter(owner=member).count() == 3
    assert Task.objects.filter(owner=member).count() == 3
    assert Client().login(email="facilitator@demo.roundtable", password=PASSWORD) is True
    # Every demo meeting starts at a waking hour where its group meets (the journal's past
    # roundtables once took the build's clock: 3 AM Eastern).
    from zoneinfo import ZoneInfo

    from roundtable.meetings.models import Meeting

    hours = {m.starts_at.astimezone(ZoneInfo(m.group.time_zone)).hour for m in Meeting.objects.select_related("group")}
    assert min(hours) >= 8, hours
    assert max(hours) <= 20, hours

    before = _counts()
    again = StringIO()
    call_command("demo_data", "--if-empty", stdout=again)
    assert "not loaded" in again.getvalue()
    assert _counts() == before


@pytest.mark.django_db
def test_demo_data_respects_the_off_switch(settings) -> None:
    settings.ROUNDTABLE_DEMO_DATA = False
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "Demo data is off" in out.getvalue()
    assert Group.objects.count() == 0
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_demo_has_meetings_talks_and_rsvps_for_every_group() -> None:
    from roundtable.meetings.models import Meeting, Rsvp, Talk

    call_command("demo_data", "--if-empty", stdout=StringIO())
    groups_with_meetings = set(Meeting.objects.values_list("group_id", flat=True).distinct())
    assert groups_with_meetings == set(Group.objects.values_list("id", flat=True))
    assert (
        Talk.objects.filter(meeting__group__kind="speakers").count()
        >= 3 * Group.objects.filter(kind="speakers").count()
    )
    assert Rsvp.objects.filter(status="going").exists()
    # The meetings in the past are the journal's history of one group (demo/journal.py), so its
    # facilitator's health page has figures to show, and the experts' past talks at speakers
    # groups (demo/speakers.py), each with its talk.
    past = Meeting.objects.filter(starts_at__lt=timezone.now())
    not_talks = past.exclude(group__kind="speakers")
    assert set(not_talks.values_list("group__name", flat=True)) == {"Boston Strategic Job Search Roundtable"}
    assert past.filter(group__kind="speakers").exists()
    assert not past.filter(group__kind="speakers", talk__isnull=True).exists()
    past = not_talks
    from roundtable.journal.health import group_health

    report = group_health(past.first().group)  # type: ignore[union-attr]
    assert len(report.meetings) == 4
    assert report.average_value is not None
    assert report.landed == 5
