"""A goal before each meeting: set in two taps on the meeting page, people only from those
going whom the member may see, editable until the meeting ends, in the day-before reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.groups.models import GroupVisibility, MembershipState
from roundtable.journal import services
from roundtable.journal.models import Goal, GoalPerson
from roundtable.meetings import tasks as meeting_tasks
from tests.factories import GroupFactory, MembershipFactory, RsvpFactory, TalkFactory, UserFactory

from .world import as_client, end, world

pytestmark = pytest.mark.django_db


def test_two_taps_a_reason_chip_and_save_set_the_goal() -> None:
    w = world()
    c = as_client(w.ann)
    page = c.get(w.meeting.get_absolute_url()).content.decode()
    assert "Your goal for this meeting" in page
    assert 'name="reasons" value="meet_attendees"' in page
    r = c.post(f"/meetings/{w.meeting.public_id}/goal/", {"reasons": ["meet_attendees"]})
    assert r.status_code == 302
    goal = Goal.objects.get()
    assert (goal.owner, goal.meeting, goal.reasons, goal.note) == (w.ann, w.meeting, ["meet_attendees"], "")
    page = c.get(w.meeting.get_absolute_url()).content.decode()
    assert "Goal set: Meet particular attendees" in page


def test_htmx_answer_is_the_card_with_the_goal() -> None:
    w = world()
    c = as_client(w.ann)
    r = c.post(
        f"/meetings/{w.meeting.public_id}/goal/",
        {"reasons": ["learn_topic", "support"], "note": "Ask about interviews"},
        headers={"HX-Request": "true"},
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert body.lstrip().startswith('<section class="card stack journal-card" id="journal-card"')
    assert "Goal set: Learn the topic · Support. “Ask about interviews”" in body


def test_people_to_meet_are_those_going_whom_the_member_may_see_and_the_speaker() -> None:
    w = world(others=2)
    TalkFactory(meeting=w.meeting, speaker_name="Jordan Lee")
    waiting = MembershipFactory(group=w.group, user=UserFactory(name="Wait Listed")).user
    RsvpFactory(meeting=w.meeting, user=waiting, status="waitlisted")
    gone = MembershipFactory(group=w.group, user=UserFactory(name="Left Already"), state=MembershipState.LEFT).user
    RsvpFactory(meeting=w.meeting, user=gone)
    off = MembershipFactory(group=w.group, user=UserFactory(name="Deactivated Dee")).user
    RsvpFactory(meeting=w.meeting, user=off)
    User.objects.filter(pk=off.pk).update(is_active=False)
    outsider = UserFactory(name="Not In Group")
    page = as_client(w.ann).get(w.meeting.get_absolute_url()).content.decode()
    for shown in ("Jordan Lee (the speaker)", "Member B", "Member C"):
        assert shown in page
    for hidden in ("Wait Listed", "Left Already", "Deactivated Dee", "Ann Alvarez</span>"):
        assert hidden not in page
    # Someone else's id in the form: an invalid choice, nothing saved.
    r = as_client(w.ann).post(
        f"/meetings/{w.meeting.public_id}/goal/", {"reasons": ["meet_attendees"], "meet": [outsider.public_id]}
    )
    assert r.status_code == 400
    assert Goal.objects.count() == 0
    # Through the service (the API's path): the same 404 as a missing person.
    for who in (outsider.public_id, gone.public_id, off.public_id, waiting.public_id, "nobody12345x"):
        with pytest.raises(services.JournalError) as exc:
            services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["support"], people=[services.GoalPick(who)])
        assert exc.value.status == 404
    assert Goal.objects.count() == 0
    b = w.going[0]
    as_client(w.ann).post(
        f"/meetings/{w.meeting.public_id}/goal/",
        {"reasons": ["meet_speaker"], "meet": ["speaker", b.public_id], f"why_{b.public_id}": "Works at Acme"},
    )
    assert [(p.person, p.is_speaker, p.why) for p in GoalPerson.objects.order_by("pk")] == [
        (None, True, ""),
        (b, False, "Works at Acme"),
    ]


def test_in_a_secret_group_only_members_see_each_other_and_outsiders_get_404() -> None:
    w = world(visibility=GroupVisibility.SECRET)
    outsider = UserFactory()
    c = as_client(outsider)
    assert c.get(f"/meetings/{w.meeting.public_id}/goal/").status_code == 404
    assert c.post(f"/meetings/{w.meeting.public_id}/goal/", {"reasons": ["support"]}).status_code == 404
    assert Goal.objects.count() == 0


def test_no_goal_for_someone_not_going_and_none_after_the_end() -> None:
    w = world()
    idle = MembershipFactory(group=w.group).user
    page = as_client(idle).get(w.meeting.get_absolute_url()).content.decode()
    assert "Your goal for this meeting" not in page
    r = as_client(idle).post(f"/meetings/{w.meeting.public_id}/goal/", {"reasons": ["support"]})
    assert r.status_code == 400
    assert "Goals are set by people going, until the meeting ends." in r.content.decode()
    # Editable while the meeting runs; not after it ends.
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["support"])
    started = w.meeting.starts_at + timedelta(minutes=5)
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["learn_topic"], now=started)
    assert Goal.objects.get().reasons == ["learn_topic"]
    with pytest.raises(services.JournalError):
        services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["support"], now=w.meeting.ends_at)
    end(w.meeting)
    with pytest.raises(services.JournalError):
        services.goal_clear(owner=w.ann, meeting=w.meeting)
    assert Goal.objects.get().reasons == ["learn_topic"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Pick at least one reason."),
        ({"reasons": ["bribe"]}, "Select a valid choice. bribe is not one of the available choices."),
        ({"reasons": ["support"], "note": "two\nlines"}, "line break"),
        ({"reasons": ["support"], "note": "x" * 301}, "at most 300 characters"),
        ({"reasons": ["support"], "note": "bell\x07"}, "control character"),
    ],
)
def test_bad_goal_input_is_a_form_error_and_saves_nothing(data: dict[str, object], error: str) -> None:
    w = world()
    r = as_client(w.ann).post(f"/meetings/{w.meeting.public_id}/goal/", data)
    assert r.status_code == 400
    assert error in r.content.decode()
    assert Goal.objects.count() == 0


def test_goal_clear_removes_it() -> None:
    w = world()
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["support"])
    r = as_client(w.ann).post(f"/meetings/{w.meeting.public_id}/goal/clear/")
    assert r.status_code == 302
    assert Goal.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_day_before_reminder_links_to_the_goal_and_says_it_when_set(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    at = datetime(2027, 3, 16, 22, 0, tzinfo=UTC)
    w = world(starts_at=at + timedelta(hours=24), others=1)
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["learn_topic", "get_help"], note="Resume help",
                      now=at)  # fmt: skip
    meeting_tasks.send_reminders.enqueue(at=at.isoformat())
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    by_to = {m.to[0]: m for m in mailoutbox}
    url = f"http://127.0.0.1:8000/meetings/{w.meeting.public_id}/goal/"
    ann_mail = by_to[w.ann.email]
    assert f'Your goal: Learn the topic, Get help with my challenge ("Resume help"). Change it: {url}' in ann_mail.body
    other = by_to[w.going[0].email]
    assert f"Set your goal (two taps: why you're going, whom to meet): {url}" in other.body
    assert "Resume help" not in other.body
    html = other.alternatives[0][0]
    assert f'<a href="{url}">Set your goal</a>' in html


def test_goal_page_after_the_end_leads_to_the_reflection() -> None:
    w = world()
    end(w.meeting)
    r = as_client(w.ann).get(f"/meetings/{w.meeting.public_id}/goal/")
    assert (r.status_code, r["Location"]) == (302, f"/meetings/{w.meeting.public_id}/reflection/")


def test_a_group_that_is_not_the_viewers_has_no_card() -> None:
    other = GroupFactory()
    stranger = MembershipFactory(group=other).user
    w = world()
    assert "journal-card" in as_client(stranger).get(w.meeting.get_absolute_url()).content.decode()
    assert "Your goal for this meeting" not in as_client(stranger).get(w.meeting.get_absolute_url()).content.decode()
    assert timezone.now() < w.meeting.starts_at
