"""The room snapshot every client renders: exact contents, and a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest

from roundtable.live import clock, services
from roundtable.live.models import Roundtable, Turn
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

from .conftest import T0, Room, at, going_member

ISO0 = "2031-03-04T23:00:00+00:00"


def test_snapshot_of_the_lobby(room: Room) -> None:
    snap = clock.snapshot(room.fresh(), at(5))
    assert snap == {
        "id": room.rt.pk,
        "meeting_id": room.meeting.pk,
        "mode": "turns",
        "status": "open",
        "version": 1,
        "server_now": "2031-03-04T23:00:05+00:00",
        "started_at": None,
        "ended_at": None,
        "nudge_at": None,
        "phases": [
            {"key": "update", "label": "Update", "seconds": 300},
            {"key": "challenge", "label": "Challenge", "seconds": 300},
            {"key": "brainstorm", "label": "Brainstorm", "seconds": 600},
            {"key": "commitments", "label": "Commitments", "seconds": 120},
        ],
        "phase_index": None,
        "phase_key": None,
        "phase_label": None,
        "phase_seconds": None,
        "phase_warn_seconds": None,
        "phase_started_at": None,
        "paused": False,
        "elapsed_before_pause": 0.0,
        "extra_seconds": 0,
        "remaining_seconds": None,
        "overtime": False,
        "open_discussion": False,
        "waiting_for_arrivals": False,
        "turns": [
            {
                "user_id": room.ann.pk,
                "name": "Ann",
                "position": 1,
                "status": "pending",
                "current": False,
                "here": False,
            },
            {
                "user_id": room.ben.pk,
                "name": "Ben",
                "position": 2,
                "status": "pending",
                "current": False,
                "here": False,
            },
            {
                "user_id": room.cat.pk,
                "name": "Cat",
                "position": 3,
                "status": "pending",
                "current": False,
                "here": False,
            },
        ],
        "participants": [{"user_id": room.fac.pk, "name": "Fay", "marked": False}],
        "turn": None,
        "questions": [],
    }


def test_snapshot_of_a_brainstorm_in_overtime(room: Room) -> None:
    for i, u in enumerate((room.ann, room.ben)):
        services.participant_join(roundtable=room.rt, user=u, now=at(i + 1))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    turn = Turn.objects.get(roundtable=room.rt, user=room.ann)
    services.challenge_set(turn=turn, by=room.ann, text="No callbacks.", now=at(10))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(300))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(600))
    s = services.suggestion_add(turn=turn, by=room.ben, text="Refresh the resume", contact="Dee", now=at(620))
    services.suggestion_star(suggestion=s, by=room.ann, starred=True)
    c = services.commitment_add(
        turn=turn, by=room.ann, text="Send 5 applications", due_on=date(2031, 3, 10), now=at(690)
    )
    services.clock_add_minute(roundtable=room.rt, by=room.fac, now=at(700))
    services.clock_pause(roundtable=room.rt, by=room.fac, now=at(1200))
    services.nudge_send(roundtable=room.rt, by=room.fac, now=at(1210))
    rt = services.clock_resume(roundtable=room.rt, by=room.fac, now=at(1230))
    # Brainstorm started at 600, ran 600 s before the pause, then 40 s more: 640 of 660.
    snap = clock.snapshot(rt, at(1270))
    assert snap == {
        "id": rt.pk,
        "meeting_id": room.meeting.pk,
        "mode": "turns",
        "status": "running",
        "version": 14,
        "server_now": "2031-03-04T23:21:10+00:00",
        "started_at": ISO0,
        "ended_at": None,
        "nudge_at": "2031-03-04T23:20:10+00:00",
        "phases": rt.plan,
        "phase_index": 2,
        "phase_key": "brainstorm",
        "phase_label": "Brainstorm",
        "phase_seconds": 660,
        # The last quarter of the phase, at most a minute (clock.warn_seconds).
        "phase_warn_seconds": 60,
        "phase_started_at": "2031-03-04T23:20:30+00:00",
        "paused": False,
        "elapsed_before_pause": 600.0,
        "extra_seconds": 60,
        "remaining_seconds": 20.0,
        "overtime": False,
        "open_discussion": False,
        "waiting_for_arrivals": False,
        "turns": [
            {"user_id": room.ann.pk, "name": "Ann", "position": 1, "status": "active", "current": True, "here": True},
            {"user_id": room.ben.pk, "name": "Ben", "position": 2, "status": "pending", "current": False, "here": True},
            # Cat is not here: her turn waits at the end (it is already last).
            {
                "user_id": room.cat.pk,
                "name": "Cat",
                "position": 3,
                "status": "pending",
                "current": False,
                "here": False,
            },
        ],
        "participants": [
            {"user_id": room.fac.pk, "name": "Fay", "marked": False},
            {"user_id": room.ann.pk, "name": "Ann", "marked": False},
            {"user_id": room.ben.pk, "name": "Ben", "marked": False},
        ],
        "turn": {
            "id": turn.pk,
            "user_id": room.ann.pk,
            "name": "Ann",
            "challenge": "No callbacks.",
            "suggestions": [
                {
                    "id": s.pk,
                    "text": "Refresh the resume",
                    "author": "Ben",
                    "author_id": room.ben.pk,
                    "contact": "Dee",
                    "link": "",
                    "starred": True,
                    "starred_for": False,
                },
            ],
            "commitments": [{"id": c.pk, "text": "Send 5 applications", "due_on": "2031-03-10"}],
            "previous_challenge": "",
            "previous_commitments": [],
            "shared_status": None,
        },
        "questions": [],
    }
    later = clock.snapshot(rt, at(1300))
    assert (later["remaining_seconds"], later["overtime"]) == (-10.0, True)


def _room_of(size: int) -> Roundtable:
    group = GroupFactory()
    fac = facilitator_of(group)
    meeting = MeetingFactory(group=group, starts_at=T0)
    users = [UserFactory() for _ in range(size)]
    for u in users:
        MembershipFactory(group=group, user=u)
        RsvpFactory(meeting=meeting, user=u)
    rt = services.roundtable_open(meeting=meeting, by=fac, now=T0)
    for u in users:
        services.participant_join(roundtable=rt, user=u, now=T0)
    services.roundtable_start(roundtable=rt, by=fac, now=T0)
    services.phase_next(roundtable=rt, by=fac, now=at(1))
    services.phase_next(roundtable=rt, by=fac, now=at(2))
    turn = Turn.objects.get(roundtable=rt, status="active")
    services.challenge_set(turn=turn, by=fac, text="Stuck")
    for u in users[1:]:
        services.suggestion_add(turn=turn, by=u, text="Idea", now=at(3))
    services.commitment_add(turn=turn, by=fac, text="Do it")
    return Roundtable.objects.select_related("meeting__group").get(pk=rt.pk)


@pytest.mark.parametrize("size", [5, 15])
@pytest.mark.django_db
def test_snapshot_queries_do_not_grow_with_the_room(size: int, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    rt = _room_of(size)
    # turns (with challenges), participants, suggestions, commitments, the previous turn (none here),
    # the status the member in the seat shared (journal/readiness.py).
    with django_assert_num_queries(6):
        snap = clock.snapshot(rt, at(10))
    assert (len(snap["turns"]), len(snap["participants"]), len(snap["turn"]["suggestions"])) == (
        size, size + 1, size - 1,
    )  # fmt: skip


def test_names_fall_back_as_on_every_page(room: Room) -> None:
    """A person without a display name shows as the start of their email, as User.display_name
    does; a suggestion whose author's account was deleted shows as from "Someone"."""
    from roundtable.accounts.models import Profile

    Profile.objects.filter(user=room.ben).update(display_name="")
    dee = going_member(room.group, room.meeting, "Dee", 4)
    for i, u in enumerate((room.ann, room.ben, dee)):
        services.participant_join(roundtable=room.rt, user=u, now=at(i + 1))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(10))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(20))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(30))
    turn = Turn.objects.get(roundtable=room.rt, user=room.ann)
    services.suggestion_add(turn=turn, by=dee, text="Call Eve", now=at(40))
    services.suggestion_add(turn=turn, by=room.ben, text="Try the alumni list", now=at(41))
    dee.delete()
    snap = clock.snapshot(room.fresh(), at(50))
    ben_name = room.ben.email.split("@")[0]
    assert [t["name"] for t in snap["turns"]] == ["Ann", ben_name, "Cat"]
    assert [(s["text"], s["author"], s["author_id"]) for s in snap["turn"]["suggestions"]] == [
        ("Call Eve", "Someone", None),
        ("Try the alumni list", ben_name, room.ben.pk),
    ]
