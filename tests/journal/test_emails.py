"""The "How was it?" email and a landing's thanks, sent by the real task worker, exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from roundtable.accounts.models import Profile
from roundtable.groups.models import MembershipRole, MembershipState
from roundtable.journal import landing, services, tasks
from roundtable.journal.models import LandingThanks, ReflectionPromptSent
from roundtable.meetings import tasks as meeting_tasks
from roundtable.meetings.models import Meeting
from tests.factories import GroupFactory, MembershipFactory, RsvpFactory, UserFactory

from .world import world

AT = datetime(2027, 3, 16, 22, 0, tzinfo=UTC)


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _prompt(at: datetime) -> None:
    tasks.send_reflection_prompts.enqueue(at=at.isoformat())
    _run_tasks()


def _ended_at(w_meeting: Meeting, end: datetime) -> None:
    Meeting.objects.filter(pk=w_meeting.pk).update(starts_at=end - timedelta(minutes=90), ends_at=end)
    w_meeting.refresh_from_db()


@pytest.mark.django_db(transaction=True)
def test_how_was_it_goes_once_to_each_person_going_or_who_came(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world(starts_at=AT + timedelta(days=1), others=2)
    b, c = w.going
    came = MembershipFactory(group=w.group, user=UserFactory(name="Walk In")).user
    RsvpFactory(meeting=w.meeting, user=came, status="declined", attended=True)
    declined = MembershipFactory(group=w.group).user
    RsvpFactory(meeting=w.meeting, user=declined, status="declined")
    left = MembershipFactory(group=w.group, state=MembershipState.LEFT).user
    RsvpFactory(meeting=w.meeting, user=left)
    quiet = MembershipFactory(group=w.group).user
    RsvpFactory(meeting=w.meeting, user=quiet)
    Profile.objects.filter(user=quiet).update(remind_day_before=False)
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["get_help"], note="My pitch", now=AT)
    _ended_at(w.meeting, AT - timedelta(minutes=10))
    services.reflection_save(owner=c, meeting=w.meeting, value=4, now=AT)  # already answered: no email
    _prompt(AT)
    _prompt(AT + timedelta(minutes=5))  # the next tick: still in the window
    assert sorted(m.to[0] for m in mailoutbox) == sorted([w.ann.email, b.email, came.email])
    assert ReflectionPromptSent.objects.count() == 3
    ann_mail = next(m for m in mailoutbox if m.to == [w.ann.email])
    assert ann_mail.subject == "[Roundtable] How was Harbor circle?"
    url = f"http://127.0.0.1:8000/meetings/{w.meeting.public_id}/reflection/"
    assert f"Say how it went: {url}" in ann_mail.body
    assert 'You went for: Get help with my challenge ("My pitch"). Did you get what you came for?' in ann_mail.body
    b_mail = next(m for m in mailoutbox if m.to == [b.email])
    assert "My pitch" not in b_mail.body
    assert "You went for" not in b_mail.body


@pytest.mark.django_db(transaction=True)
def test_no_email_before_the_end_after_the_window_or_for_a_cancelled_meeting(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world(starts_at=AT + timedelta(days=1), others=0)
    _ended_at(w.meeting, AT + timedelta(minutes=1))
    _prompt(AT)
    _prompt(AT + timedelta(days=3))  # ended two days and more before
    assert mailoutbox == []
    Meeting.objects.filter(pk=w.meeting.pk).update(status="cancelled")
    _prompt(AT + timedelta(hours=1))
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_the_meetings_tick_sends_the_prompts(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world(starts_at=AT + timedelta(days=1), others=0)
    _ended_at(w.meeting, AT - timedelta(minutes=1))
    meeting_tasks.tick_once(AT)
    meeting_tasks.tick_once(AT + timedelta(minutes=5))
    assert [m.to for m in mailoutbox] == [[w.ann.email]]


@pytest.mark.django_db(transaction=True)
def test_landing_thanks_go_to_the_facilitators_once_and_only_with_consent(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = world(others=0)
    second = GroupFactory(name="Support Circle")
    fac2 = MembershipFactory(group=second, role=MembershipRole.FACILITATOR).user
    MembershipFactory(group=second, user=w.ann)
    data = landing.LandingData(company_name="Acme", role="Analyst", source="group", landed_on=date(2026, 1, 15),
                               group=w.group, thank_groups=False)  # fmt: skip
    landing.landing_record(owner=w.ann, data=data)
    _run_tasks()
    assert mailoutbox == []
    consent = landing.LandingData(**{**data.__dict__, "thank_groups": True})
    landing.landing_record(owner=w.ann, data=consent)
    _run_tasks()
    landing.landing_record(owner=w.ann, data=consent)  # said again: no second thanks
    _run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([w.facilitator.email, fac2.email])
    harbor = next(m for m in mailoutbox if m.to == [w.facilitator.email])
    assert harbor.subject == "[Roundtable] Good news from Harbor Roundtable: Ann Alvarez landed"
    assert "Ann Alvarez, a member of Harbor Roundtable, has landed a job, and says it came through the group." in (
        harbor.body
    )
    for m in mailoutbox:
        assert "Acme" not in m.body
        assert "Analyst" not in m.body
    other = next(m for m in mailoutbox if m.to == [fac2.email])
    assert "has landed a job. They asked us" in other.body
    assert LandingThanks.objects.count() == 2
