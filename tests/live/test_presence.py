"""A room that fits a real meeting: turns go to people who are here, absent people wait at the
end and are brought forward when they arrive, a facilitator acts for a member without a
device (marks them here, stars and reviews for them), and the plan's phases are whole minutes
with a warning that starts in the phase's last quarter (at most its last minute)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from roundtable.live import clock, services
from roundtable.live.models import Participant, Suggestion, Turn
from roundtable.live.services import LiveError
from tests.factories import MembershipFactory, UserFactory

from .conftest import Room, at, going_member, here, make_room


def order(room: Room) -> list[tuple[str, str, int]]:
    """(name, status, position) of every turn, in the room's order."""
    turns = Turn.objects.filter(roundtable=room.rt).select_related("user__profile")
    return [(t.user.display_name, t.status, t.position) for t in turns]


def seat(room: Room) -> str | None:
    rt = room.fresh()
    return rt.current_turn.user.display_name if rt.current_turn is not None else None


# ---------------------------------------------------------------- turns go to people who are here


def test_start_passes_over_an_absent_first_member_who_waits_at_the_end(room: Room) -> None:
    here(room, room.ben, room.cat)  # Ann said she was going but is not here
    rt = services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    assert (rt.current_turn.user_id, rt.version) == (room.ben.pk, 2)  # type: ignore[union-attr]
    # Her turn is not lost: it waits behind everyone who is here, in the positions they held.
    assert order(room) == [("Ben", "active", 1), ("Cat", "pending", 2), ("Ann", "pending", 3)]
    snap = clock.snapshot(room.fresh(), at(1))
    assert [(t["name"], t["here"]) for t in snap["turns"]] == [("Ben", True), ("Cat", True), ("Ann", False)]
    assert (snap["waiting_for_arrivals"], snap["open_discussion"]) == (False, False)

    # Cat's turn next; then only Ann waits, away: the seat stays empty and says why.
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(100))
    assert seat(room) == "Cat"
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(200))
    assert seat(room) is None
    assert order(room) == [("Ben", "done", 1), ("Cat", "done", 2), ("Ann", "pending", 3)]
    snap = clock.snapshot(room.fresh(), at(201))
    assert (snap["status"], snap["turn"], snap["waiting_for_arrivals"], snap["open_discussion"]) == (
        "running", None, True, False,
    )  # fmt: skip
    assert (snap["phase_index"], snap["remaining_seconds"]) == (None, None)
    with pytest.raises(LiveError) as nobody:
        services.phase_next(roundtable=room.rt, by=room.fac, now=at(202))
    assert (nobody.value.status, nobody.value.message) == (
        409,
        "Nobody is in the seat: the members still waiting are not here yet. Bring one forward when they arrive.",
    )

    # Ann arrives from her phone: the empty seat is hers at once, nobody has to press anything.
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(310))
    rt = room.fresh()
    assert (rt.current_turn.user_id, rt.phase_index, rt.phase_started_at) == (room.ann.pk, 0, at(310))  # type: ignore[union-attr]
    assert clock.remaining_seconds(rt, at(320)) == 290
    # Joined from her own phone: her presence is hers, not the facilitator's word.
    assert Participant.objects.get(roundtable=room.rt, user=room.ann).checked_in_by_id is None
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(400))
    snap = clock.snapshot(room.fresh(), at(401))
    assert (snap["waiting_for_arrivals"], snap["open_discussion"]) == (False, True)
    assert [t["status"] for t in snap["turns"]] == ["done", "done", "done"]


def test_nobody_here_at_the_start_leaves_the_seat_waiting(room: Room) -> None:
    rt = services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    assert (rt.status, rt.current_turn_id, rt.phase_started_at) == ("running", None, None)
    assert order(room) == [("Ann", "pending", 1), ("Ben", "pending", 2), ("Cat", "pending", 3)]
    assert clock.snapshot(room.fresh(), at(1))["waiting_for_arrivals"] is True


def test_absent_people_move_behind_the_present_ones_at_every_change_of_turn(room: Room) -> None:
    here(room, room.ann, room.cat)
    services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.ben.pk, present=True, now=at(0))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    # Ben, at the table without a phone, steps out: the facilitator takes back the mark.
    services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.ben.pk, present=False, now=at(5))
    # At once, mid-turn: the order shown is the order turns will happen.
    assert order(room) == [("Ann", "active", 1), ("Cat", "pending", 2), ("Ben", "pending", 3)]
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(10))
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(20))
    assert order(room) == [("Ann", "done", 1), ("Cat", "active", 2), ("Ben", "pending", 3)]


def test_bring_forward_puts_an_arrival_next_and_marks_them_here(db: None) -> None:
    room = make_room()
    dee = going_member(room.group, room.meeting, "Dee", 4)
    services.roundtable_open(meeting=room.meeting, by=room.fac, now=at(0))  # the room is open already
    Turn.objects.create(roundtable=room.rt, user=dee, position=4)  # as if she had been going before the opening
    here(room, room.ann, room.ben)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    assert order(room) == [("Ann", "active", 1), ("Ben", "pending", 2), ("Cat", "pending", 3), ("Dee", "pending", 4)]
    version = room.fresh().version
    # Dee walks in without a phone: the facilitator brings her forward; Ann keeps the seat.
    rt = services.turn_bring_forward(roundtable=room.rt, by=room.fac, user_id=dee.pk, now=at(30))
    assert (rt.version, seat(room)) == (version + 1, "Ann")
    assert order(room) == [("Ann", "active", 1), ("Dee", "pending", 2), ("Ben", "pending", 3), ("Cat", "pending", 4)]
    marked = Participant.objects.get(roundtable=room.rt, user=dee)
    assert (marked.checked_in_by_id, marked.left_at, marked.joined_at) == (room.fac.pk, None, at(30))
    assert [p["marked"] for p in clock.snapshot(room.fresh(), at(31))["participants"]] == [False, False, False, True]
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(60))
    assert seat(room) == "Dee"
    # Cat, away, still waits at the end; a skipped member brought forward waits again, first.
    services.turn_skip(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, now=at(70))
    services.turn_bring_forward(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, now=at(80))
    assert order(room) == [("Ann", "done", 1), ("Dee", "active", 2), ("Cat", "pending", 3), ("Ben", "pending", 4)]
    # Only a turn still waiting (or skipped) can be brought forward.
    for user_id in (room.ann.pk, dee.pk, room.fac.pk):
        with pytest.raises(LiveError) as refused:
            services.turn_bring_forward(roundtable=room.rt, by=room.fac, user_id=user_id, now=at(90))
        assert (refused.value.status, refused.value.message) == (
            409,
            "Only members still waiting for their turn can be marked here or brought forward.",
        )
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(100))
    with pytest.raises(LiveError) as ended:
        services.turn_bring_forward(roundtable=room.rt, by=room.fac, user_id=room.ben.pk, now=at(110))
    assert (ended.value.status, ended.value.message) == (409, "This roundtable has ended.")


def test_mark_here_in_the_lobby_gives_a_member_without_a_device_their_turn(room: Room) -> None:
    here(room, room.ben)
    version = room.fresh().version
    marked = services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.ann.pk, present=True, now=at(1))
    assert marked is not None
    assert (marked.checked_in_by_id, marked.left_at, room.fresh().version) == (room.fac.pk, None, version + 1)
    # Marking again changes nothing.
    services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.ann.pk, present=True, now=at(2))
    assert room.fresh().version == version + 1
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(10))
    assert seat(room) == "Ann"
    assert order(room) == [("Ann", "active", 1), ("Ben", "pending", 2), ("Cat", "pending", 3)]


def test_not_here_takes_back_only_a_facilitators_own_mark(room: Room) -> None:
    services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, present=True, now=at(1))
    gone = services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, present=False, now=at(2))
    assert gone is not None
    assert (gone.left_at, gone.checked_in_by_id) == (at(2), None)
    # Taking back a mark that is not there changes nothing.
    version = room.fresh().version
    assert services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, present=False) is None
    assert room.fresh().version == version
    # Ben joined from his phone: his presence is not the facilitator's to take back.
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(3))
    with pytest.raises(LiveError) as device:
        services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.ben.pk, present=False, now=at(4))
    assert (device.value.status, device.value.message) == (
        409,
        "Ben joined from their own device: skip or move their turn instead.",
    )
    # Marked here, then joining from a device makes the presence one's own.
    services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.ann.pk, present=True, now=at(5))
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(6))
    assert Participant.objects.get(roundtable=room.rt, user=room.ann).checked_in_by_id is None
    # Only people waiting for a turn are marked here: walk-ins are let in instead.
    dan = MembershipFactory(group=room.group, user=UserFactory(name="Dan")).user
    for user_id in (dan.pk, room.fac.pk):
        with pytest.raises(LiveError) as no_turn:
            services.presence_set(roundtable=room.rt, by=room.fac, user_id=user_id, present=True)
        assert no_turn.value.status == 409


def test_marked_here_after_the_start_goes_to_the_end_like_any_late_arrival(room: Room) -> None:
    here(room, room.ben, room.cat)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    services.turn_skip(roundtable=room.rt, by=room.fac, user_id=room.cat.pk, now=at(1))
    assert order(room) == [("Ben", "active", 1), ("Cat", "skipped", 2), ("Ann", "pending", 3)]
    services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.ann.pk, present=True, now=at(2))
    assert order(room) == [("Ben", "active", 1), ("Cat", "skipped", 2), ("Ann", "pending", 4)]
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(3))
    assert seat(room) == "Ann"


# ---------------------------------------------------------------- acting for a member without a device


def _ann_in_her_brainstorm(room: Room) -> Turn:
    here(room, room.ben)
    services.presence_set(roundtable=room.rt, by=room.fac, user_id=room.ann.pk, present=True, now=at(0))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(1))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(2))
    return Turn.objects.get(roundtable=room.rt, user=room.ann)


def test_a_facilitator_stars_for_the_member_in_the_seat(room: Room) -> None:
    turn = _ann_in_her_brainstorm(room)
    first = services.suggestion_add(turn=turn, by=room.ben, text="Ask for the next step", now=at(3))
    second = services.suggestion_add(turn=turn, by=room.fac, text="Try the alumni list", now=at(4))
    version = room.fresh().version
    starred = services.suggestion_star(suggestion=first, by=room.fac, starred=True)
    assert (starred.starred, starred.starred_by_id, starred.starred_for_member) == (True, room.fac.pk, True)
    assert room.fresh().version == version + 1
    services.suggestion_star(suggestion=second, by=room.ann, starred=True)
    snap = clock.snapshot(room.fresh(), at(5))
    assert [(s["text"], s["starred"], s["starred_for"]) for s in snap["turn"]["suggestions"]] == [
        ("Ask for the next step", True, True),
        ("Try the alumni list", True, False),
    ]
    assert [s["starred_for"] for s in clock.for_display(snap)["turn"]["suggestions"]] == [True, False]
    # Taking a star back clears who gave it.
    services.suggestion_star(suggestion=second, by=room.fac, starred=False)
    assert Suggestion.objects.get(pk=second.pk).starred_by_id is None
    # Once Ann's turn is over, only Ann may change her stars.
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(10))
    with pytest.raises(LiveError) as later:
        services.suggestion_star(suggestion=second, by=room.fac, starred=True)
    assert (later.value.status, later.value.message) == (
        409,
        "A facilitator can star for a member only during their turn.",
    )
    assert services.suggestion_star(suggestion=second, by=room.ann, starred=True).starred_by_id == room.ann.pk


def _starred_for_ann_then_ended(room: Room) -> None:
    turn = _ann_in_her_brainstorm(room)
    s = services.suggestion_add(turn=turn, by=room.ben, text="Ask for the next step", now=at(3))
    services.suggestion_star(suggestion=s, by=room.fac, starred=True)
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(4))
    services.commitment_add(turn=turn, by=room.fac, text="Call two recruiters", due_on=date(2031, 3, 11), now=at(5))
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(10))


def test_stars_given_for_a_member_are_theirs_in_summary_and_history(room: Room) -> None:
    _starred_for_ann_then_ended(room)
    client = Client()
    client.force_login(room.ann)
    summary = client.get(f"/meetings/{room.meeting.public_id}/live/summary/").content.decode()
    assert "Ask for the next step" in summary
    assert "from Ben · starred for you by Fay" in summary
    assert "· by Tue, Mar 11, 2031" in summary
    history = client.get("/me/roundtables/").content.decode()
    assert "from Ben · starred for you by Fay" in history
    assert ">Tue, Mar 4, 2031</time>" in history  # the meeting's day, as the summary writes it


@pytest.mark.django_db(transaction=True)
def test_a_member_marked_here_gets_the_summary_email_with_stars_given_for_them(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    from tests.live.test_summary_email import _html, _only_for, _run_tasks

    room = make_room()
    _starred_for_ann_then_ended(room)
    _run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in (room.fac, room.ann, room.ben))
    ann = _only_for(mailoutbox, room.ann)
    for part in (ann.body, _html(ann)):
        assert "Ask for the next step" in part
        assert "from Ben · starred for you by Fay" in part
        assert "Tue, Mar 11, 2031" in part
        assert "Tue, Mar 4, 2031" in part  # the meeting's day, written the same way


def test_a_facilitator_reviews_last_times_commitments_for_the_member_in_the_seat(db: None) -> None:
    earlier = make_room(starts_at=at(-7 * 86400))
    here(earlier)
    services.roundtable_start(roundtable=earlier.rt, by=earlier.fac, now=at(-7 * 86400))
    turn = Turn.objects.get(roundtable=earlier.rt, user=earlier.ann)
    commitment = services.commitment_add(turn=turn, by=earlier.ann, text="Call two recruiters")
    services.roundtable_end(roundtable=earlier.rt, by=earlier.fac, now=at(-7 * 86400 + 60))

    from roundtable.live.models import Roundtable
    from tests.factories import MeetingFactory, RsvpFactory

    meeting = MeetingFactory(group=earlier.group, starts_at=at(0))
    for user in (earlier.ann, earlier.ben):
        RsvpFactory(meeting=meeting, user=user)
    rt = services.roundtable_open(meeting=meeting, by=earlier.fac, now=at(0))
    services.participant_join(roundtable=rt, user=earlier.ben, now=at(1))
    # Ann is at the table without a phone: not in the seat yet, so nobody reviews for her.
    services.roundtable_start(roundtable=rt, by=earlier.fac, now=at(2))
    rt = Roundtable.objects.get(pk=rt.pk)
    with pytest.raises(LiveError) as not_now:
        services.commitment_review(commitment=commitment, by=earlier.fac, status="done", roundtable=rt)
    assert (not_now.value.status, not_now.value.message) == (
        409,
        "A facilitator can review a member's commitments only during their turn.",
    )
    with pytest.raises(LiveError) as member:
        services.commitment_review(commitment=commitment, by=earlier.ben, status="done", roundtable=rt)
    assert member.value.status == 403
    services.turn_bring_forward(roundtable=rt, by=earlier.fac, user_id=earlier.ann.pk, now=at(3))
    services.turn_next(roundtable=rt, by=earlier.fac, now=at(4))
    rt = Roundtable.objects.get(pk=rt.pk)
    assert rt.current_turn.user_id == earlier.ann.pk  # type: ignore[union-attr]
    reviewed = services.commitment_review(commitment=commitment, by=earlier.fac, status="partly", roundtable=rt)
    assert (reviewed.status, reviewed.reviewed_in_id, reviewed.user_id) == ("partly", rt.pk, earlier.ann.pk)


# ---------------------------------------------------------------- the plan and the clock agree


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (10, [2, 2, 5, 1]),
        (22, [5, 5, 10, 2]),
        (15, [4, 3, 7, 1]),  # shares 3.4, 3.4, 6.8, 1.4: brainstorm, then the earlier of a tie
        (7, [2, 1, 3, 1]),
        (3, [1, 1, 1, 1]),  # fewer minutes than phases: each keeps one
    ],
)
def test_the_default_plan_is_whole_minutes_that_add_up_to_the_turn(db: None, minutes: int, expected: list[int]) -> None:
    plan = make_room(turn_minutes=minutes).fresh().plan
    assert [p["seconds"] for p in plan] == [m * 60 for m in expected]
    if minutes >= len(plan):
        assert sum(p["seconds"] for p in plan) == minutes * 60


def test_a_support_circles_plan_is_whole_minutes_too(db: None) -> None:
    from roundtable.groups.models import Kind

    plan = make_room(kind=Kind.SUPPORT, turn_minutes=10).fresh().plan
    # Share 5 : Reflect 3 of 10 minutes: 6.25 and 3.75, so 6 and 4.
    assert [(p["label"], p["seconds"]) for p in plan] == [("Share", 360), ("Reflect", 240)]


@pytest.mark.parametrize(
    ("total", "warn"),
    [(30, 7), (60, 15), (120, 30), (240, 60), (300, 60), (660, 60), (3600, 60)],
)
def test_the_warning_is_the_last_quarter_of_a_phase_and_at_most_a_minute(total: int, warn: int) -> None:
    assert clock.warn_seconds(total) == warn


def test_a_one_minute_last_phase_does_not_open_already_warning(db: None) -> None:
    room = make_room(turn_minutes=10)
    here(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    for i in range(3):
        rt = services.phase_next(roundtable=room.rt, by=room.fac, now=at(i + 1))
    snap = clock.snapshot(rt, at(3))
    assert (snap["phase_label"], snap["phase_seconds"], snap["phase_warn_seconds"], snap["remaining_seconds"]) == (
        "Commitments", 60, 15, 60.0,
    )  # fmt: skip
    # Warning from 15 s left; with a minute added, the last quarter of two minutes.
    rt = services.clock_add_minute(roundtable=room.rt, by=room.fac, now=at(10))
    assert clock.snapshot(rt, at(10))["phase_warn_seconds"] == 30
