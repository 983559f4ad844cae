"""The room's state machine, driven through the services with the clock in the test's hands."""

from __future__ import annotations

import pytest

from roundtable.groups.models import Kind
from roundtable.live import clock, services
from roundtable.live.models import Participant, RoomStatus, Turn
from roundtable.live.services import LiveError
from tests.factories import MembershipFactory, UserFactory

from .conftest import T0, Room, at, here, make_room


def order(room: Room) -> list[tuple[str, str]]:
    return [
        (t.user.display_name, t.status) for t in Turn.objects.filter(roundtable=room.rt).select_related("user__profile")
    ]


def test_open_seats_the_going_members_in_rsvp_order(room: Room) -> None:
    rt = room.fresh()
    assert (rt.mode, rt.status, rt.version, rt.opened_by_id) == ("turns", "open", 1, room.fac.pk)
    assert rt.plan == [
        {"key": "update", "label": "Update", "seconds": 300},
        {"key": "challenge", "label": "Challenge", "seconds": 300},
        {"key": "brainstorm", "label": "Brainstorm", "seconds": 600},
        {"key": "commitments", "label": "Commitments", "seconds": 120},
    ]
    assert order(room) == [("Ann", "pending"), ("Ben", "pending"), ("Cat", "pending")]
    # The facilitator who opened it is in the room; nobody else yet.
    assert list(Participant.objects.filter(roundtable=rt).values_list("user_id", flat=True)) == [room.fac.pk]
    # Opening again returns the same room, unchanged.
    again = services.roundtable_open(meeting=room.meeting, by=room.fac, now=at(5))
    assert (again.pk, again.version) == (rt.pk, 1)


def test_open_scales_the_plan_to_the_meetings_turn_length(db: None) -> None:
    room = make_room(turn_minutes=10)
    # 10 minutes in the default proportions 5:5:10:2 (2.3, 2.3, 4.5 and 0.9 minutes), in whole
    # minutes that add up to the turn: 2, 2, 4 and at least 1, and the minute left goes to the
    # brainstorm, which lost the most in rounding. A label says "2 min" and the clock shows 2:00.
    assert [p["seconds"] for p in room.fresh().plan] == [120, 120, 300, 60]
    assert sum(p["seconds"] for p in room.fresh().plan) == 600


def test_open_modes_follow_the_group_kind(db: None) -> None:
    support = make_room(kind=Kind.SUPPORT).fresh()
    assert (support.mode, support.plan) == (
        "circle",
        [{"key": "share", "label": "Share", "seconds": 300}, {"key": "reflect", "label": "Reflect", "seconds": 180}],
    )
    speakers = make_room(kind=Kind.SPEAKERS).fresh()
    assert (speakers.mode, speakers.plan, speakers.turns.count()) == ("questions", [], 0)


def test_join_admit_and_late_arrivals(room: Room) -> None:
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(10))
    assert room.fresh().version == 2
    # Joining again (a reload) changes nothing.
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(11))
    assert room.fresh().version == 2

    # A member who is not going must be let in by a facilitator.
    dan = MembershipFactory(group=room.group, user=UserFactory(name="Dan")).user
    with pytest.raises(LiveError) as refused:
        services.participant_join(roundtable=room.rt, user=dan, now=at(12))
    assert refused.value.status == 403
    assert room.fresh().version == 2
    p = services.participant_admit(roundtable=room.rt, user=dan, by=room.fac, now=at(13))
    assert p.admitted_by_id == room.fac.pk
    assert order(room) == [("Ann", "pending"), ("Ben", "pending"), ("Cat", "pending"), ("Dan", "pending")]

    services.participant_join(roundtable=room.rt, user=room.cat, now=at(20))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(60))
    # Ben arrives after the start: his turn goes to the end of the order.
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(90))
    # So does a walk-in (a member who was not going).
    eve = MembershipFactory(group=room.group, user=UserFactory(name="Eve")).user
    services.participant_admit(roundtable=room.rt, user=eve, by=room.fac, now=at(95))
    assert order(room) == [
        ("Ann", "active"),
        ("Cat", "pending"),
        ("Dan", "pending"),
        ("Ben", "pending"),
        ("Eve", "pending"),
    ]

    services.participant_leave(roundtable=room.rt, user=room.cat, now=at(100))
    present = Participant.objects.filter(roundtable=room.rt, left_at__isnull=True).order_by("joined_at")
    assert [p.user.display_name for p in present] == ["Fay", "Ann", "Dan", "Ben", "Eve"]
    # Coming back after leaving keeps the place in the order.
    services.participant_join(roundtable=room.rt, user=room.cat, now=at(110))
    assert order(room)[1] == ("Cat", "pending")


def test_order_set_move_shuffle_and_by_arrival(room: Room) -> None:
    a, b, c = room.ann.pk, room.ben.pk, room.cat.pk
    services.order_set(roundtable=room.rt, by=room.fac, user_ids=[c, a, b])
    assert order(room) == [("Cat", "pending"), ("Ann", "pending"), ("Ben", "pending")]
    with pytest.raises(LiveError) as bad:
        services.order_set(roundtable=room.rt, by=room.fac, user_ids=[c, a])
    assert (bad.value.status, bad.value.message) == (400, "List every member still waiting for a turn exactly once.")
    with pytest.raises(LiveError):
        services.order_set(roundtable=room.rt, by=room.fac, user_ids=[c, a, a])

    services.order_move(roundtable=room.rt, by=room.fac, user_id=b, delta=-1)
    assert [n for n, _ in order(room)] == ["Cat", "Ben", "Ann"]
    services.order_move(roundtable=room.rt, by=room.fac, user_id=c, delta=-1)  # already first: stays
    services.order_move(roundtable=room.rt, by=room.fac, user_id=c, delta=5)  # past the end: last
    assert [n for n, _ in order(room)] == ["Ben", "Ann", "Cat"]

    services.order_shuffle(roundtable=room.rt, by=room.fac, seed=7)
    first = [n for n, _ in order(room)]
    services.order_set(roundtable=room.rt, by=room.fac, user_ids=[b, a, c])
    services.order_shuffle(roundtable=room.rt, by=room.fac, seed=7)
    assert [n for n, _ in order(room)] == first == ["Cat", "Ben", "Ann"]

    services.participant_join(roundtable=room.rt, user=room.cat, now=at(1))
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(2))
    services.order_by_arrival(roundtable=room.rt, by=room.fac)
    # Cat and Ben by when they came; Ann is not here yet, so last.
    assert [n for n, _ in order(room)] == ["Cat", "Ben", "Ann"]
    # Each accepted change is one version: open, set, 3 moves, shuffle, set, shuffle, 2 joins, by arrival.
    assert room.fresh().version == 1 + 1 + 3 + 1 + 1 + 1 + 2 + 1


def test_a_whole_turn_through_the_clock(room: Room) -> None:
    here(room)
    rt = services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    assert (rt.status, rt.started_at, rt.current_turn.user_id, rt.phase_index) == ("running", T0, room.ann.pk, 0)
    assert clock.remaining_seconds(rt, at(60)) == 240
    assert clock.is_overtime(rt, at(60)) is False

    # Pause at 100 s: the clock stands still however long the pause.
    rt = services.clock_pause(roundtable=room.rt, by=room.fac, now=at(100))
    assert (rt.status, rt.elapsed_before_pause) == ("paused", 100)
    assert clock.remaining_seconds(rt, at(100)) == 200
    assert clock.remaining_seconds(rt, at(1000)) == 200
    rt = services.clock_resume(roundtable=room.rt, by=room.fac, now=at(1000))
    assert (rt.status, rt.phase_started_at, rt.paused_at) == ("running", at(1000), None)
    assert clock.remaining_seconds(rt, at(1050)) == 150

    # One more minute.
    rt = services.clock_add_minute(roundtable=room.rt, by=room.fac, now=at(1050))
    assert (rt.extra_seconds, clock.phase_total_seconds(rt)) == (60, 360)
    assert clock.remaining_seconds(rt, at(1050)) == 210

    # Past the end of the phase: overtime counts up.
    assert clock.remaining_seconds(rt, at(1300)) == -40
    assert clock.is_overtime(rt, at(1300)) is True

    # Through the phases: each starts from zero, with no extra minute.
    keys = []
    for moment in (1300, 1600, 1900):
        rt = services.phase_next(roundtable=room.rt, by=room.fac, now=at(moment))
        keys.append(clock.current_phase(rt)["key"])  # type: ignore[index]
        assert (rt.phase_started_at, rt.elapsed_before_pause, rt.extra_seconds) == (at(moment), 0, 0)
    assert keys == ["challenge", "brainstorm", "commitments"]
    assert clock.remaining_seconds(rt, at(1960)) == 60

    # After the last phase, Ann's turn is done and Ben takes the seat at the first phase.
    rt = services.phase_next(roundtable=room.rt, by=room.fac, now=at(2000))
    assert (rt.current_turn.user_id, rt.phase_index, rt.phase_started_at) == (room.ben.pk, 0, at(2000))
    assert order(room) == [("Ann", "done"), ("Ben", "active"), ("Cat", "pending")]
    ann_turn = Turn.objects.get(roundtable=rt, user=room.ann)
    assert (ann_turn.started_at, ann_turn.ended_at) == (T0, at(2000))

    # Skip to the next turn: Ben's turn ends now, Cat sits.
    rt = services.turn_next(roundtable=room.rt, by=room.fac, now=at(2100))
    assert order(room) == [("Ann", "done"), ("Ben", "done"), ("Cat", "active")]
    assert (rt.phase_index, rt.phase_started_at) == (0, at(2100))

    # After the last turn: still running, nobody in the seat (open discussion), no clock.
    rt = services.turn_next(roundtable=room.rt, by=room.fac, now=at(2200))
    assert (rt.status, rt.current_turn_id, rt.phase_started_at) == ("running", None, None)
    assert clock.remaining_seconds(rt, at(2300)) is None
    with pytest.raises(LiveError) as nobody:
        services.phase_next(roundtable=room.rt, by=room.fac, now=at(2300))
    assert (nobody.value.status, nobody.value.message) == (409, "Nobody is in the seat: everyone has had a turn.")

    rt = services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(2400))
    assert (rt.status, rt.ended_at) == ("ended", at(2400))
    with pytest.raises(LiveError) as ended:
        services.clock_pause(roundtable=room.rt, by=room.fac, now=at(2500))
    assert (ended.value.status, ended.value.message) == (409, "This roundtable has ended.")
    # start, pause, resume, +1, 4 x next phase, 2 x next turn, end.
    assert rt.version == 1 + 11


def test_a_phase_change_while_paused_stays_paused(room: Room) -> None:
    here(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    services.clock_pause(roundtable=room.rt, by=room.fac, now=at(30))
    rt = services.phase_next(roundtable=room.rt, by=room.fac, now=at(40))
    assert (rt.status, rt.phase_index, clock.remaining_seconds(rt, at(500))) == ("paused", 1, 300)
    rt = services.clock_resume(roundtable=room.rt, by=room.fac, now=at(500))
    assert clock.remaining_seconds(rt, at(510)) == 290


def test_end_marks_the_turns_never_reached_and_skip_then_arrive_goes_last(room: Room) -> None:
    here(room, room.ann, room.cat)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    # Ben is not here: his turn waits behind Cat's from the start.
    assert order(room) == [("Ann", "active"), ("Cat", "pending"), ("Ben", "pending")]
    services.turn_skip(roundtable=room.rt, by=room.fac, user_id=room.ben.pk, now=at(1))
    assert order(room) == [("Ann", "active"), ("Cat", "pending"), ("Ben", "skipped")]
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(30))
    assert order(room) == [("Ann", "active"), ("Cat", "pending"), ("Ben", "pending")]
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(60))
    # Still waiting at the end: their turns didn't come round (nobody skipped them).
    assert order(room) == [("Ann", "done"), ("Cat", "not_reached"), ("Ben", "not_reached")]
    assert room.fresh().status == RoomStatus.ENDED
