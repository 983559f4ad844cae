"""Reminders and the weekly digest, sent by the real task worker to the locmem outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from roundtable.accounts.models import Profile
from roundtable.groups import services as group_services
from roundtable.groups.models import Format, GroupVisibility, Kind, Membership, MembershipState
from roundtable.meetings import tasks
from roundtable.meetings.models import DigestSent, ReminderSent
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    TalkFactory,
    TopicFactory,
    UserFactory,
)

# A Tuesday evening in New York; reminders are computed from this instant, not the clock.
AT = datetime(2027, 3, 16, 22, 0, tzinfo=UTC)
DASH = "\u2013"  # the en dash between start and end times
VIDEO = "https://meet.example.com/harbor-2231"
ADDRESS = "700 Boylston St, Boston, MA"


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _remind(at: datetime = AT) -> None:
    tasks.send_reminders.enqueue(at=at.isoformat())
    _run_tasks()


def _setup(starts_at: datetime, **meeting: object) -> dict:  # type: ignore[type-arg]
    group = GroupFactory(name="Harbor Roundtable", visibility=GroupVisibility.SECRET)
    going = MembershipFactory(group=group, user=UserFactory(name="Priya Raman")).user
    waiting = MembershipFactory(group=group).user
    idle = MembershipFactory(group=group).user
    m = MeetingFactory(
        group=group,
        title="Harbor circle",
        starts_at=starts_at,
        format=Format.HYBRID,
        video_url=VIDEO,
        address=ADDRESS,
        venue="Public Library",
        **meeting,
    )
    RsvpFactory(meeting=m, user=going)
    RsvpFactory(meeting=m, user=waiting, status="waitlisted")
    RsvpFactory(meeting=m, user=idle, status="declined")
    return {"group": group, "going": going, "waiting": waiting, "idle": idle, "meeting": m}


@pytest.mark.django_db(transaction=True)
def test_day_before_reminder_rendered_with_ics_and_sent_once(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _setup(AT + timedelta(hours=24))
    _remind()
    _remind(AT + timedelta(minutes=5))  # the next tick: the meeting is still in the window
    _remind(AT + timedelta(minutes=10))
    assert [m.to for m in mailoutbox] == [[w["going"].email]]
    msg = mailoutbox[0]
    assert msg.subject == "[Roundtable] Reminder: Harbor circle on Wed, Mar 17 at 6 PM Eastern Time"
    assert "Hi Priya Raman," in msg.body
    assert "A reminder: you're going to a meeting of Harbor Roundtable tomorrow." in msg.body
    assert f"When: Wednesday, March 17, 2027, 6 PM {DASH} 7:30 PM Eastern Time" in msg.body
    assert f"Where: Public Library, {ADDRESS}" in msg.body
    assert f"Join online: {VIDEO}" in msg.body
    [(html, mimetype)] = msg.alternatives
    assert mimetype == "text/html"
    assert f'<a href="{VIDEO}">{VIDEO}</a>' in html
    assert f'href="http://127.0.0.1:8000/meetings/{w["meeting"].public_id}/"' in html
    [part] = msg.attachments
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "meeting.ics"
    cal = icalendar.Calendar.from_ical(part.get_content())
    [event] = cal.events
    assert str(event["UID"]) == f"meeting-{w['meeting'].pk}@roundtable"
    assert event.start == w["meeting"].starts_at
    assert ReminderSent.objects.filter(kind="day").count() == 1


@pytest.mark.django_db(transaction=True)
def test_hour_before_reminder_and_preferences(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _setup(AT + timedelta(minutes=60))
    no_hour = MembershipFactory(group=w["group"]).user
    RsvpFactory(meeting=w["meeting"], user=no_hour)
    Profile.objects.filter(user=no_hour).update(remind_hour_before=False)
    no_day = MembershipFactory(group=w["group"]).user
    RsvpFactory(meeting=w["meeting"], user=no_day)
    Profile.objects.filter(user=no_day).update(remind_day_before=False)
    _remind()
    _remind()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([w["going"].email, no_day.email])
    assert {m.subject for m in mailoutbox} == {"[Roundtable] Starting soon: Harbor circle at 7 PM Eastern Time"}
    assert "starts in about an hour" in mailoutbox[0].body


@pytest.mark.django_db(transaction=True)
def test_day_preference_off_means_no_day_reminder(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _setup(AT + timedelta(hours=24))
    Profile.objects.filter(user=w["going"]).update(remind_day_before=False)
    _remind()
    assert mailoutbox == []
    assert ReminderSent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_no_reminder_after_leaving_the_group(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    starts = timezone.now() + timedelta(hours=24)
    w = _setup(starts)
    group_services.membership_leave(group=w["group"], user=w["going"])
    tasks.send_reminders.enqueue()
    _run_tasks()
    # The seat went to the person waiting, who hears about it and is reminded; the leaver gets nothing.
    assert sorted((m.to, m.subject.split(":")[0]) for m in mailoutbox) == [
        ([w["waiting"].email], "[Roundtable] Reminder"),
        ([w["waiting"].email], "[Roundtable] You're in"),
    ]


@pytest.mark.django_db(transaction=True)
def test_no_reminder_once_access_is_lost_even_if_the_rsvp_remains(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    # Whatever path took the membership away, the send-time check is what stops the email.
    w = _setup(AT + timedelta(hours=24))
    Membership.objects.filter(user=w["going"]).update(state=MembershipState.BANNED)
    _remind()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_no_reminder_for_cancelled_meetings(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    _setup(AT + timedelta(hours=24), status="cancelled")
    _remind()
    assert mailoutbox == []


# The weekly digest ----------------------------------------------------------------------------------

MONDAY = datetime(2027, 3, 15, 8, 30, tzinfo=UTC)


def _digest(at: datetime = MONDAY) -> None:
    tasks.send_digest.enqueue(at=at.isoformat())
    _run_tasks()


@pytest.mark.django_db(transaction=True)
def test_weekly_digest_lists_my_groups_and_my_topics_once_a_week(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    resume = TopicFactory(name="Resume")
    home = GroupFactory(name="Harbor Roundtable")
    alice = MembershipFactory(group=home, user=UserFactory(name="Alice Ng")).user
    profile = Profile.objects.get(user=alice)
    profile.latitude, profile.longitude = 42.36, -71.06  # Boston
    profile.save()
    profile.interests.add(resume)
    MeetingFactory(
        group=home,
        title="Harbor circle",
        starts_at=MONDAY + timedelta(days=2),
        video_url=VIDEO,
        address="12 Hidden Lane",
    )
    MeetingFactory(group=home, title="Called off", starts_at=MONDAY + timedelta(days=3), status="cancelled")
    MeetingFactory(group=home, title="Too far ahead", starts_at=MONDAY + timedelta(days=9))

    def talk(group_kwargs: dict, title: str, days: int, fmt: str = Format.IN_PERSON) -> None:  # type: ignore[type-arg]
        group = GroupFactory(kind=Kind.SPEAKERS, **group_kwargs)
        meeting = MeetingFactory(
            group=group,
            title=title,
            starts_at=MONDAY + timedelta(days=days),
            format=fmt,
            video_url=VIDEO if fmt != Format.IN_PERSON else "",
        )
        TalkFactory(meeting=meeting, title=f"{title} talk").topics.add(resume)

    talk({"name": "Boston Speakers"}, "Near", 3)
    talk({"name": "Online Speakers", "latitude": 47.6, "longitude": -122.3}, "Online", 4, Format.VIRTUAL)
    talk({"name": "Seattle Speakers", "latitude": 47.6, "longitude": -122.3}, "Far away", 4)
    talk({"name": "Hidden Speakers", "visibility": GroupVisibility.SECRET}, "Secret", 4)
    talk({"name": "Unlisted Speakers", "visibility": GroupVisibility.UNLISTED}, "Unlisted", 4)
    UserFactory()  # wants the digest, has nothing in it
    quiet = MembershipFactory(group=home).user
    Profile.objects.filter(user=quiet).update(weekly_digest=False)
    left = MembershipFactory(group=home, state=MembershipState.LEFT).user

    _digest()
    _digest(MONDAY + timedelta(minutes=5))
    assert [m.to for m in mailoutbox] == [[alice.email]]
    msg = mailoutbox[0]
    assert msg.subject == "[Roundtable] Your week ahead: 3 upcoming meetings"
    body = msg.body
    assert body.index("IN YOUR GROUPS") < body.index("- Harbor circle") < body.index("TALKS ON TOPICS YOU FOLLOW")
    assert body.index("- Near: Near talk") < body.index("- Online: Online talk")
    assert "Wed, Mar 17 at 4:30 AM Eastern Time" in body  # MONDAY + 2 days, in Alice's New York time
    for absent in ("Called off", "Too far ahead", "Far away", "Secret", "Unlisted", VIDEO, "12 Hidden Lane"):
        assert absent not in body
        assert absent not in msg.alternatives[0].content
    assert msg.attachments == []
    assert list(DigestSent.objects.values_list("user_id", "week")) == [(alice.pk, "2027-W11")]
    assert left not in [m.to[0] for m in mailoutbox]
    # The next week brings a new digest.
    MeetingFactory(group=home, title="Next week", starts_at=MONDAY + timedelta(days=8))
    _digest(MONDAY + timedelta(days=7))
    assert [m.to for m in mailoutbox] == [[alice.email], [alice.email]]
    assert "Next week" in mailoutbox[1].body


# The tick ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_tick_sends_due_reminders_and_keeps_exactly_one_tick_queued(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _setup(timezone.now() + timedelta(hours=24))
    Profile.objects.update(weekly_digest=False)  # Monday 08:00 UTC is digest time; keep this test about reminders
    out = StringIO()
    call_command("meetings_tick", stdout=out)
    assert out.getvalue() == "Meetings tick queued; the task worker runs it every 5 minutes.\n"
    _run_tasks()
    assert [m.to for m in mailoutbox] == [[w["going"].email]]
    ticks = DBTaskResult.objects.filter(task_path="roundtable.meetings.tasks.tick")
    assert ticks.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    [pending] = ticks.filter(status=TaskResultStatus.READY)
    assert timedelta(minutes=4) < pending.run_after - timezone.now() <= timedelta(minutes=5)
    out = StringIO()
    call_command("meetings_tick", stdout=out)
    assert out.getvalue() == "Meetings tick already queued.\n"
    assert ticks.filter(status=TaskResultStatus.READY).count() == 1
    # The queued tick is not due yet: a batch worker finds nothing to do.
    _run_tasks()
    assert len(mailoutbox) == 1
    out = StringIO()
    call_command("meetings_tick", "--once", stdout=out)
    assert out.getvalue() == "Meetings tick: 0 meetings created, 0 reminders and 0 digests sent.\n"
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_digest_runs_only_on_monday_morning_utc() -> None:
    assert tasks.is_digest_hour(datetime(2027, 3, 15, 8, 0, tzinfo=UTC)) is True
    assert tasks.is_digest_hour(datetime(2027, 3, 15, 8, 59, tzinfo=UTC)) is True
    assert tasks.is_digest_hour(datetime(2027, 3, 15, 9, 0, tzinfo=UTC)) is False
    assert tasks.is_digest_hour(datetime(2027, 3, 16, 8, 30, tzinfo=UTC)) is False
    assert tasks.iso_week(datetime(2027, 1, 4, 8, 30, tzinfo=UTC)) == "2027-W01"
