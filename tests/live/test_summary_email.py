"""The after-meeting summary email, sent by the real task worker to the locmem outbox."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from roundtable.accounts.models import Profile, User
from roundtable.groups import services as group_services
from roundtable.live import services, tasks
from roundtable.live.models import Turn
from roundtable.live.services import LiveError

from .conftest import Room, at, make_room

TITLE = "Job seekers, March"
ANN_CHALLENGE = "No callbacks after first interviews."
BEN_CHALLENGE = "Switching from teaching to UX research."
PRIVATE = ("Somerville", "A private pitch")


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _html(msg: EmailMessage) -> str:
    [(html, mimetype)] = msg.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    return str(html)


def _only_for(outbox: list[EmailMessage], user: User) -> EmailMessage:
    [msg] = [m for m in outbox if m.to == [user.email]]
    return msg


def _two_turns(room: Room) -> None:
    """Ann and Ben take their turns, each starring one suggestion; Cat's turn never comes."""
    for i, u in enumerate((room.ann, room.ben, room.cat)):
        services.participant_join(roundtable=room.rt, user=u, now=at(i))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(10))
    ann_turn = Turn.objects.get(roundtable=room.rt, user=room.ann)
    services.challenge_set(turn=ann_turn, by=room.ann, text=ANN_CHALLENGE, now=at(20))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(30))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(40))
    s = services.suggestion_add(turn=ann_turn, by=room.ben, text="Send a thank-you note", contact="Dee", now=at(50))
    services.suggestion_add(turn=ann_turn, by=room.cat, text="Ask for feedback", now=at(55))
    services.suggestion_star(suggestion=s, by=room.ann, starred=True)
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(60))
    services.commitment_add(
        turn=ann_turn, by=room.ann, text="Follow up with two recruiters", due_on=date(2031, 3, 11), now=at(70)
    )
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(80))
    ben_turn = Turn.objects.get(roundtable=room.rt, user=room.ben)
    services.challenge_set(turn=ben_turn, by=room.ben, text=BEN_CHALLENGE, now=at(90))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(100))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(110))
    s = services.suggestion_add(turn=ben_turn, by=room.cat, text="Join a research meetup", now=at(120))
    services.suggestion_star(suggestion=s, by=room.ben, starred=True)


def _room() -> Room:
    room = make_room(title=TITLE)
    Profile.objects.filter(user=room.ben).update(
        headline="Data analyst, hiring-side experience",
        location_text="Somerville",
        pitch="A private pitch",
        visibility={"location": "only_me", "pitch": "only_me", "headline": "everyone"},
    )
    _two_turns(room)
    return room


@pytest.mark.django_db(transaction=True)
def test_each_participant_gets_their_own_summary_once(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    room = _room()
    assert mailoutbox == []
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(200))
    assert DBTaskResult.objects.filter(task_path=tasks.email_roundtable_summary.module_path).count() == 4
    _run_tasks()
    _run_tasks()  # nothing is left to send
    # The facilitator opened the room, so was in it too (without a turn).
    everyone = (room.fac, room.ann, room.ben, room.cat)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in everyone)
    assert {m.subject for m in mailoutbox} == {f"[Roundtable] Your roundtable summary: {TITLE}"}

    ann = _only_for(mailoutbox, room.ann)
    for part in (ann.body, _html(ann)):
        assert "Hi Ann," in part
        assert ANN_CHALLENGE in part
        assert "Send a thank-you note" in part
        assert "from Ben" in part
        assert "contact: Dee" in part
        assert "Ask for feedback" not in part  # not starred
        assert "Follow up with two recruiters" in part
        assert "Tue, Mar 11, 2031" in part  # the due date, written as every day on the site
        assert BEN_CHALLENGE not in part  # someone else's turn
        assert "Data analyst, hiring-side experience" in part  # Ben shows it to everyone
        assert f"/meetings/{room.meeting.public_id}/live/summary/" in part
        for private in PRIVATE:
            assert private not in part
    assert f'href="http://127.0.0.1:8000/meetings/{room.meeting.public_id}/live/summary/"' in _html(ann)

    ben = _only_for(mailoutbox, room.ben)
    for part in (ben.body, _html(ben)):
        assert BEN_CHALLENGE in part
        assert "Join a research meetup" in part
        assert "from Cat" in part
        assert ANN_CHALLENGE not in part
        assert "Send a thank-you note" not in part

    fac = _only_for(mailoutbox, room.fac)
    title, group, day = room.meeting.title, room.group.name, "Tue, Mar 4, 2031"
    # "your summary from <title>", never "the roundtable at <title>".
    assert f"Here is your summary from {title} ({group}, {day})." in fac.body
    assert f"Here is your summary from <strong>{title}</strong> ({group}, {day})." in _html(fac)
    for part in (fac.body, _html(fac)):
        assert " at " + title not in part
        assert "You didn't take a turn at this roundtable." in part
        assert ANN_CHALLENGE not in part

    cat = _only_for(mailoutbox, room.cat)
    for part in (cat.body, _html(cat)):
        assert "Your turn didn't come round this time." in part
        assert "Data analyst, hiring-side experience" in part
        for private in PRIVATE:
            assert private not in part


@pytest.mark.django_db(transaction=True)
def test_someone_who_left_the_group_before_the_worker_ran_gets_nothing(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    room = _room()
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(200))
    group_services.membership_leave(group=room.group, user=room.cat)
    _run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in (room.fac, room.ann, room.ben))


@pytest.mark.django_db(transaction=True)
def test_ending_twice_is_refused_and_sends_nothing_more(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    room = _room()
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(200))
    _run_tasks()
    assert len(mailoutbox) == 4
    with pytest.raises(LiveError) as refused:
        services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(300))
    assert refused.value.status == 409
    _run_tasks()
    assert len(mailoutbox) == 4
    assert DBTaskResult.objects.filter(task_path=tasks.email_roundtable_summary.module_path).count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_room_not_ended_sends_nothing(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    room = _room()
    tasks.email_roundtable_summary.enqueue(roundtable_id=room.rt.pk, user_id=room.ann.pk)
    _run_tasks()
    assert mailoutbox == []
