"""Change, cancellation, promotion and facilitator-message emails, through the real worker."""

from __future__ import annotations

from datetime import datetime

import icalendar
import pytest
from django.core.management import call_command

from roundtable.accounts.models import Profile
from roundtable.groups import services as group_services
from roundtable.groups.models import Format, GroupVisibility
from roundtable.meetings import services, tasks
from roundtable.meetings.models import ReminderSent, Rsvp
from roundtable.meetings.services import MeetingData
from tests.factories import GroupFactory, MembershipFactory, UserFactory, facilitator_of

DASH = "\u2013"  # the en dash between start and end times
VIDEO = "https://meet.example.com/harbor-4410"
ADDRESS = "12 Hidden Lane, Springfield"


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _data(**kwargs: object) -> MeetingData:
    fields: dict[str, object] = {
        "title": "Harbor circle",
        "start_local": datetime(2027, 4, 6, 14, 0),
        "time_zone": "America/New_York",
        "format": Format.HYBRID,
        "venue": "Room 4",
        "address": ADDRESS,
        "video_url": VIDEO,
    }
    fields.update(kwargs)
    return MeetingData(**fields)  # type: ignore[arg-type]


def _world(capacity: int | None = 2) -> dict:  # type: ignore[type-arg]
    """A secret group's meeting: two going (one in London), one waiting, one declined, one
    member who never answered, and a stranger."""
    group = GroupFactory(name="Harbor Roundtable", visibility=GroupVisibility.SECRET)
    fac = facilitator_of(group, user=UserFactory(name="Dana Coach"))
    london = MembershipFactory(group=group, user=UserFactory(name="Liam")).user
    Profile.objects.filter(user=london).update(time_zone="Europe/London")
    ny = MembershipFactory(group=group, user=UserFactory(name="Nia")).user
    waiting, declined, silent = (MembershipFactory(group=group).user for _ in range(3))
    meeting = services.meeting_create(group=group, by=fac, data=_data(capacity=capacity))
    for person in (london, ny, waiting):
        services.rsvp_set(meeting=meeting, user=person, going=True)
    services.rsvp_set(meeting=meeting, user=declined, going=False)
    UserFactory()
    return {
        "group": group,
        "fac": fac,
        "london": london,
        "ny": ny,
        "waiting": waiting,
        "meeting": meeting,
        "silent": silent,
    }


def _ics(msg) -> tuple[str, icalendar.Calendar]:  # type: ignore[no-untyped-def]
    [part] = msg.attachments
    assert part.get_content_type() == "text/calendar"
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_content())


@pytest.mark.django_db(transaction=True)
def test_change_email_goes_to_those_going_once_in_their_time(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _world()
    services.meeting_update(
        meeting=w["meeting"], by=w["fac"], data=_data(capacity=2, start_local=datetime(2027, 4, 6, 15, 0))
    )
    _run_tasks()
    _run_tasks()
    by_person = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 2
    assert sorted(by_person) == sorted([w["london"].email, w["ny"].email])
    ny, london = by_person[w["ny"].email], by_person[w["london"].email]
    assert ny.subject == "[Roundtable] Changed: Harbor circle on Tue, Apr 6 at 3 PM Eastern Time"
    assert london.subject == "[Roundtable] Changed: Harbor circle on Tue, Apr 6 at 8 PM UK Time"
    assert f"When: Tuesday, April 6, 2027, 8 PM {DASH} 9 PM UK Time" in london.body
    assert "(Tue, Apr 6, 3 PM Eastern Time in the group's time zone)" in london.body
    assert "in the group's time zone" not in ny.body
    for msg in (ny, london):
        assert VIDEO in msg.body
        assert ADDRESS in msg.alternatives[0].content
        method, cal = _ics(msg)
        assert method == "REQUEST"
        assert str(cal["METHOD"]) == "REQUEST"
        [event] = cal.events
        assert event["SEQUENCE"] == 1
        assert event.start == w["meeting"].starts_at.replace(hour=19)
        assert str(event["ATTENDEE"]) == f"mailto:{msg.to[0]}"


@pytest.mark.django_db(transaction=True)
def test_a_title_only_edit_sends_nothing(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _world()
    services.meeting_update(meeting=w["meeting"], by=w["fac"], data=_data(capacity=2, title="Harbor circle (April)"))
    _run_tasks()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_someone_who_left_before_the_worker_ran_gets_nothing(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _world(capacity=None)
    services.meeting_update(meeting=w["meeting"], by=w["fac"], data=_data(venue="Room 5"))
    group_services.membership_leave(group=w["group"], user=w["ny"])
    _run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([w["london"].email, w["waiting"].email])


@pytest.mark.django_db(transaction=True)
def test_cancel_email_with_cancel_invitation(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _world()
    services.meeting_cancel(meeting=w["meeting"], by=w["fac"])
    _run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([w["london"].email, w["ny"].email])
    ny = next(m for m in mailoutbox if m.to == [w["ny"].email])
    assert ny.subject == "[Roundtable] Cancelled: Harbor circle on Tue, Apr 6 at 2 PM Eastern Time"
    assert "CANCELLED: Harbor circle" in ny.body
    method, cal = _ics(ny)
    assert method == "CANCEL"
    [event] = cal.events
    assert (str(cal["METHOD"]), str(event["STATUS"]), event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 1)


@pytest.mark.django_db(transaction=True)
def test_promotion_email_once(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _world()
    services.rsvp_set(meeting=w["meeting"], user=w["ny"], going=False)
    _run_tasks()
    assert [m.to for m in mailoutbox] == [[w["waiting"].email]]
    msg = mailoutbox[0]
    assert msg.subject == "[Roundtable] You're in: a seat opened up for Harbor circle"
    assert "You're now going." in msg.body
    assert VIDEO in msg.body
    method, cal = _ics(msg)
    assert method == "REQUEST"
    assert str(cal.events[0]["UID"]) == f"meeting-{w['meeting'].pk}@roundtable"
    # The same promotion asked again sends nothing more.
    rsvp = Rsvp.objects.get(meeting=w["meeting"], user=w["waiting"])
    tasks.email_promoted.enqueue(rsvp_id=rsvp.pk)
    _run_tasks()
    assert len(mailoutbox) == 1
    assert ReminderSent.objects.filter(kind="promoted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_facilitator_message_to_those_going_with_reply_to(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _world()
    services.meeting_message(
        meeting=w["meeting"], by=w["fac"], subject="Bring your resume", body="Print two copies.\nSee you <soon>!"
    )
    _run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([w["london"].email, w["ny"].email])
    msg = mailoutbox[0]
    assert msg.subject == "[Roundtable] Harbor Roundtable: Bring your resume"
    assert msg.reply_to == [w["fac"].email]
    assert "Print two copies.\nSee you <soon>!" in msg.body
    assert "<p>Print two copies.<br>See you &lt;soon&gt;!</p>" in msg.alternatives[0].content
    assert "Dana Coach, facilitator of Harbor Roundtable" in msg.body
    assert msg.attachments == []
    assert ADDRESS not in msg.body


@pytest.mark.django_db(transaction=True)
def test_message_from_someone_no_longer_facilitating_is_dropped(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = _world()
    services.meeting_message(meeting=w["meeting"], by=w["ny"], subject="Hi", body="Not a facilitator")
    _run_tasks()
    assert mailoutbox == []
