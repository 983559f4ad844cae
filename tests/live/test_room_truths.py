"""What the room says is what is true: an arrival takes an empty seat at once, the order
listed is the order turns happen, a clock that is not running cannot be paused, a turn the
end cut short "didn't come round" (only a facilitator's skip is "skipped"), "not going" after
the opening withdraws a waiting turn, and commitments are due from today to a year ahead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from roundtable.accounts.models import Profile, User
from roundtable.live import clock, services
from roundtable.live.models import Turn
from roundtable.live.services import LiveError
from roundtable.meetings import services as meeting_services
from roundtable.meetings.models import Meeting

from .conftest import T0, Room, at, going_member, here, make_room

pytestmark = pytest.mark.django_db


def listed(room: Room, seconds: float = 1000) -> list[tuple[str, str, bool]]:
    """(name, status, here) of every turn, in the order the room lists them."""
    snap = clock.snapshot(room.fresh(), at(seconds))
    return [(t["name"], t["status"], t["here"]) for t in snap["turns"]]


def with_lena(room: Room) -> User:
    """Dee, Eve and Lena say they're going too: six members, nobody here yet."""
    going_member(room.group, room.meeting, "Dee", 4)
    going_member(room.group, room.meeting, "Eve", 5)
    lena = going_member(room.group, room.meeting, "Lena", 6)
    Turn.objects.bulk_create(
        Turn(roundtable=room.rt, user=u, position=p)
        for p, u in enumerate(User.objects.filter(profile__display_name__in=["Dee", "Eve", "Lena"]).order_by("pk"), 4)
    )
    return lena


def test_someone_who_arrives_takes_the_empty_seat_at_once() -> None:
    room = make_room()
    lena = with_lena(room)
    rt = services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    assert (rt.status, rt.current_turn_id) == ("running", None)
    snap = clock.snapshot(room.fresh(), at(1))
    assert (snap["waiting_for_arrivals"], snap["turn"]) == (True, None)
    version = room.fresh().version

    # Lena joins from her phone: the seat is hers at once, her clock starts, the room says so.
    services.participant_join(roundtable=room.rt, user=lena, now=at(60))
    rt = room.fresh()
    assert (rt.current_turn.user_id, rt.phase_index, rt.phase_started_at, rt.version) == (  # type: ignore[union-attr]
        lena.pk, 0, at(60), version + 1,
    )  # fmt: skip
    snap = clock.snapshot(rt, at(70))
    assert (snap["status"], snap["waiting_for_arrivals"], snap["open_discussion"], snap["remaining_seconds"]) == (
        "running", False, False, 290.0,
    )  # fmt: skip
    # Listed first, as hers is the first turn: not at the end behind five people away.
    assert listed(room) == [
        ("Lena", "active", True),
        ("Ann", "pending", False),
        ("Ben", "pending", False),
        ("Cat", "pending", False),
        ("Dee", "pending", False),
        ("Eve", "pending", False),
    ]

    # Ben arrives during her turn: he is next, ahead of everyone still away.
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(100))
    assert [n for n, _, _ in listed(room)] == ["Lena", "Ben", "Ann", "Cat", "Dee", "Eve"]
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(200))
    assert listed(room)[:3] == [("Lena", "done", True), ("Ben", "active", True), ("Ann", "pending", False)]
    # Ben's turn ends with nobody here waiting: the seat waits again, and a member marked here
    # by the facilitator takes it at once, as one who joins from a device does.
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(300))
    assert room.fresh().current_turn_id is None
    services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, present=True, now=at(310))
    rt = room.fresh()
    assert (rt.current_turn.user_id, rt.phase_started_at) == (room.cat.pk, at(310))  # type: ignore[union-attr]
    assert [n for n, _, _ in listed(room)] == ["Lena", "Ben", "Cat", "Ann", "Dee", "Eve"]


def test_a_clock_that_is_not_running_cannot_be_paused_and_an_empty_seat_unpauses() -> None:
    room = make_room()
    here(room, room.ann)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    services.clock_pause(roundtable=room.rt, by=room.fac, now=at(10))
    # Ann's turn ends while paused, and nobody waiting is here: nothing is left to pause.
    rt = services.turn_next(roundtable=room.rt, by=room.fac, now=at(20))
    assert (rt.status, rt.current_turn_id, rt.paused_at, rt.phase_started_at) == ("running", None, None, None)
    assert room.fresh().status == "running"
    with pytest.raises(LiveError) as refused:
        services.clock_pause(roundtable=room.rt, by=room.fac, now=at(30))
    assert (refused.value.status, refused.value.message) == (409, "No clock is running: nobody is in the seat.")
    # Ben arrives: his clock runs from the moment he sits.
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(40))
    assert clock.remaining_seconds(room.fresh(), at(50)) == 290


def test_bring_forward_into_the_empty_seat_lists_the_turn_first_and_counts_from_one() -> None:
    room = make_room()
    with_lena(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    lena = User.objects.get(profile__display_name="Lena")
    services.turn_bring_forward(roundtable=room.rt, by=room.fac, user_id=lena.pk, now=at(5))
    # Positions follow the order turns happen, so every list (the room's, the pages') agrees.
    assert list(Turn.objects.filter(roundtable=room.rt).values_list("user__profile__display_name", "position")) == [
        ("Lena", 1), ("Ann", 2), ("Ben", 3), ("Cat", 4), ("Dee", 5), ("Eve", 6),
    ]  # fmt: skip
    assert listed(room)[0] == ("Lena", "active", True)
    # A facilitator's skip is listed after everyone still waiting.
    services.turn_skip(roundtable=room.rt, by=room.fac, user_id=room.ann.pk, now=at(6))
    assert [(n, s) for n, s, _ in listed(room)] == [
        ("Lena", "active"), ("Ben", "pending"), ("Cat", "pending"), ("Dee", "pending"), ("Eve", "pending"),
        ("Ann", "skipped"),
    ]  # fmt: skip


def test_moving_in_the_order_stays_among_people_here_or_people_away_while_the_room_runs(room: Room) -> None:
    here(room, room.ann, room.ben)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    # Ann in the seat; Ben here; Cat away. Cat cannot go ahead of Ben: the seat goes to Ben first.
    services.order_move(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, delta=-1)
    assert [n for n, _, _ in listed(room)] == ["Ann", "Ben", "Cat"]
    services.order_set(roundtable=room.rt, by=room.fac, user_ids=[room.cat.pk, room.ben.pk])
    assert [n for n, _, _ in listed(room)] == ["Ann", "Ben", "Cat"]


def test_the_end_says_didnt_come_round_and_only_a_facilitators_skip_is_skipped() -> None:
    room = make_room()
    here(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    services.turn_skip(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, now=at(5))
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(60))
    # Ben was here and waiting when time ran out; Cat was skipped by the facilitator.
    assert [(n, s) for n, s, _ in listed(room)] == [("Ann", "done"), ("Ben", "not_reached"), ("Cat", "skipped")]
    pages = {}
    for user in (room.ben, room.cat):
        client = Client()
        client.force_login(user)
        pages[user.pk] = client.get(f"/meetings/{room.meeting.public_id}/live/summary/").content.decode()
    assert "Your turn didn't come round this time. It will next time." in pages[room.ben.pk]
    assert "skipped" not in pages[room.ben.pk]
    assert "Your turn was skipped this time: you weren't here when it came round." in pages[room.cat.pk]


def test_not_going_after_the_opening_withdraws_a_waiting_turn_unless_they_are_here(room: Room) -> None:
    meeting = Meeting.objects.get(pk=room.meeting.pk)
    here(room, room.ben)
    version = room.fresh().version
    before = T0 - timedelta(hours=1)  # the room opens before the meeting; RSVPs close at its start
    meeting_services.rsvp_set(meeting=meeting, user=room.ann, going=False, now=before)
    assert list(Turn.objects.filter(roundtable=room.rt).values_list("user_id", flat=True)) == [room.ben.pk, room.cat.pk]
    assert room.fresh().version == version + 1
    # Ben is in the room: saying "not going" from his phone at the table keeps his turn.
    meeting_services.rsvp_set(meeting=meeting, user=room.ben, going=False, now=before)
    assert list(Turn.objects.filter(roundtable=room.rt).values_list("user_id", flat=True)) == [room.ben.pk, room.cat.pk]
    assert room.fresh().version == version + 1
    # Ann changes her mind again and comes: she gets a turn when she joins, as any going member.
    meeting_services.rsvp_set(meeting=meeting, user=room.ann, going=True, now=before)
    services.participant_join(roundtable=room.rt, user=room.ann, now=before)
    assert Turn.objects.filter(roundtable=room.rt, user=room.ann, status="pending").count() == 1


def _in_commitments(room: Room) -> Turn:
    here(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    for second in (1, 2, 3):
        services.phase_next(roundtable=room.rt, by=room.fac, now=at(second))
    return Turn.objects.get(roundtable=room.rt, user=room.ann)


def test_a_commitment_is_due_from_today_to_a_year_ahead_in_the_writers_zone(room: Room) -> None:
    turn = _in_commitments(room)
    # 23:00 UTC on Mar 4 is 18:00 on Mar 4 in New York (Ann's zone).
    now = T0
    for due, message in (
        (
            date(2020, 1, 1),
            "That day has passed: choose a day from today (Tue, Mar 4, 2031) on, or leave the date empty.",
        ),
        (
            date(2031, 3, 3),
            "That day has passed: choose a day from today (Tue, Mar 4, 2031) on, or leave the date empty.",
        ),
        (date(2032, 3, 4), "Choose a day within a year, by Wed, Mar 3, 2032, or leave the date empty."),
    ):
        with pytest.raises(LiveError) as refused:
            services.commitment_add(turn=turn, by=room.ann, text="Call Dana", due_on=due, now=now)
        assert (refused.value.status, refused.value.message) == (400, message)
    for due in (date(2031, 3, 4), date(2032, 3, 3), None):
        services.commitment_add(turn=turn, by=room.ann, text=f"Due {due}", due_on=due, now=now)
    assert list(turn.commitments.values_list("due_on", flat=True)) == [date(2031, 3, 4), date(2032, 3, 3), None]
    # The same moment is already Mar 5 for a facilitator writing from Kiritimati (UTC+14).
    Profile.objects.filter(user=room.fac).update(time_zone="Pacific/Kiritimati")
    room.fac.refresh_from_db()
    with pytest.raises(LiveError) as theirs:
        services.commitment_add(turn=turn, by=room.fac, text="Call Dana", due_on=date(2031, 3, 4), now=now)
    assert theirs.value.message == (
        "That day has passed: choose a day from today (Wed, Mar 5, 2031) on, or leave the date empty."
    )
