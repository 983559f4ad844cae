"""Who may do what in the room: refusals are LiveErrors and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from roundtable.live import services
from roundtable.live.models import Commitment, Suggestion, Turn
from roundtable.live.services import LiveError
from tests.factories import MembershipFactory, UserFactory

from .conftest import Room, at, here

CONTROLS: list[tuple[str, Callable[[Room], Any]]] = [
    ("open", lambda r: services.roundtable_open(meeting=r.meeting, by=r.ann, now=at(1))),
    ("admit", lambda r: services.participant_admit(roundtable=r.rt, user=UserFactory(), by=r.ann, now=at(1))),
    ("order_set", lambda r: services.order_set(roundtable=r.rt, by=r.ann, user_ids=[r.cat.pk, r.ben.pk])),
    ("order_move", lambda r: services.order_move(roundtable=r.rt, by=r.ann, user_id=r.cat.pk, delta=-1)),
    ("order_shuffle", lambda r: services.order_shuffle(roundtable=r.rt, by=r.ann, seed=1)),
    ("order_by_arrival", lambda r: services.order_by_arrival(roundtable=r.rt, by=r.ann)),
    ("plan_set", lambda r: services.plan_set(roundtable=r.rt, by=r.ann, phases=[{"label": "All", "seconds": 60}])),
    ("plan_fit", lambda r: services.plan_fit(roundtable=r.rt, by=r.ann, now=at(5000))),
    ("start", lambda r: services.roundtable_start(roundtable=r.rt, by=r.ann, now=at(1))),
    ("pause", lambda r: services.clock_pause(roundtable=r.rt, by=r.ann, now=at(1))),
    ("resume", lambda r: services.clock_resume(roundtable=r.rt, by=r.ann, now=at(1))),
    ("add_minute", lambda r: services.clock_add_minute(roundtable=r.rt, by=r.ann, now=at(1))),
    ("phase_next", lambda r: services.phase_next(roundtable=r.rt, by=r.ann, now=at(1))),
    ("turn_next", lambda r: services.turn_next(roundtable=r.rt, by=r.ann, now=at(1))),
    ("turn_skip", lambda r: services.turn_skip(roundtable=r.rt, by=r.ann, user_id=r.cat.pk, now=at(1))),
    ("presence_set", lambda r: services.presence_set(roundtable=r.rt, by=r.ann, user_id=r.cat.pk, present=True)),
    ("bring_forward", lambda r: services.turn_bring_forward(roundtable=r.rt, by=r.ann, user_id=r.cat.pk, now=at(1))),
    ("nudge", lambda r: services.nudge_send(roundtable=r.rt, by=r.ann, now=at(1))),
    ("end", lambda r: services.roundtable_end(roundtable=r.rt, by=r.ann, now=at(1))),
]


def _state(room: Room) -> tuple[Any, ...]:
    rt = room.fresh()
    turns = list(Turn.objects.filter(roundtable=rt).values_list("user_id", "position", "status"))
    return (rt.version, rt.status, rt.plan, rt.current_turn_id, rt.phase_index, rt.phase_started_at,
            rt.elapsed_before_pause, rt.extra_seconds, rt.nudge_at, turns)  # fmt: skip


@pytest.mark.parametrize(("name", "call"), CONTROLS, ids=[n for n, _ in CONTROLS])
@pytest.mark.parametrize("started", [False, True], ids=["lobby", "running"])
def test_a_member_cannot_control_the_room(room: Room, name: str, call: Callable[[Room], Any], started: bool) -> None:
    # Ann is a member who is going and present; with the room running she is even in the seat.
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(0))
    if started:
        services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
        if name == "resume":
            services.clock_pause(roundtable=room.rt, by=room.fac, now=at(0))
    before = _state(room)
    with pytest.raises(LiveError) as refused:
        call(room)
    assert refused.value.status == 403
    assert _state(room) == before


def test_a_co_facilitator_can_control_the_room(room: Room) -> None:
    co = MembershipFactory(group=room.group, role="facilitator").user
    rt = services.roundtable_start(roundtable=room.rt, by=co, now=at(0))
    assert rt.status == "running"


def _to_phase(room: Room, index: int) -> Turn:
    here(room, room.ann)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    for i in range(index):
        services.phase_next(roundtable=room.rt, by=room.fac, now=at(i + 1))
    return Turn.objects.get(roundtable=room.rt, user=room.ann)


def test_suggestions_only_during_the_brainstorm_of_the_turn_in_the_seat(room: Room) -> None:
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(0))
    turn = _to_phase(room, 1)  # challenge
    with pytest.raises(LiveError) as early:
        services.suggestion_add(turn=turn, by=room.ben, text="Call them", now=at(5))
    assert (early.value.status, early.value.message) == (
        409,
        "Suggestions are open during the brainstorm of the turn in the seat.",
    )
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(10))  # brainstorm
    s = services.suggestion_add(
        turn=turn, by=room.ben, text="  Ask Priya at Acme  ", contact="priya@acme.test", link="https://acme.test/jobs",
        now=at(11),
    )  # fmt: skip
    assert (s.text, s.contact, s.link, s.author_id, s.starred) == (
        "Ask Priya at Acme", "priya@acme.test", "https://acme.test/jobs", room.ben.pk, False,
    )  # fmt: skip
    # Someone not in the room may not add one; a bad link gets a clear message.
    with pytest.raises(LiveError) as absent:
        services.suggestion_add(turn=turn, by=room.cat, text="Hi", now=at(12))
    assert absent.value.status == 403
    with pytest.raises(LiveError) as bad_link:
        services.suggestion_add(turn=turn, by=room.ben, text="Hi", link="javascript:alert(1)", now=at(12))
    assert (bad_link.value.status, bad_link.value.message) == (
        400,
        "The link must be a web address starting with https://",
    )
    with pytest.raises(LiveError) as long_text:
        services.suggestion_add(turn=turn, by=room.ben, text="x" * 501, now=at(12))
    assert long_text.value.message == "Keep the suggestion to 500 characters or fewer."
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(20))  # commitments
    with pytest.raises(LiveError):
        services.suggestion_add(turn=turn, by=room.ben, text="Too late", now=at(21))
    assert Suggestion.objects.filter(turn=turn).count() == 1


def test_suggestions_are_refused_in_a_support_circle(db: None) -> None:
    from roundtable.groups.models import Kind

    from .conftest import make_room

    room = make_room(kind=Kind.SUPPORT)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    turn = Turn.objects.get(roundtable=room.rt, user=room.ann)
    with pytest.raises(LiveError) as refused:
        services.suggestion_add(turn=turn, by=room.fac, text="Try this", now=at(1))
    assert refused.value.status == 409


def test_only_the_member_in_the_seat_stars_or_a_facilitator_for_them(room: Room) -> None:
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(0))
    turn = _to_phase(room, 2)
    s = services.suggestion_add(turn=turn, by=room.ben, text="Go to the meetup", now=at(5))
    for someone in (room.ben, room.cat):
        with pytest.raises(LiveError) as refused:
            services.suggestion_star(suggestion=s, by=someone, starred=True)
        assert (refused.value.status, refused.value.message) == (
            403,
            "Only the member whose turn it is, or a facilitator for them, can star suggestions.",
        )
    version = room.fresh().version
    assert services.suggestion_star(suggestion=s, by=room.ann, starred=True).starred is True
    assert room.fresh().version == version + 1
    # Starring again changes nothing.
    services.suggestion_star(suggestion=s, by=room.ann, starred=True)
    assert room.fresh().version == version + 1


def test_challenge_and_commitments_by_the_member_or_a_facilitator(room: Room) -> None:
    turn = _to_phase(room, 0)
    with pytest.raises(LiveError) as other:
        services.challenge_set(turn=turn, by=room.ben, text="Not mine")
    assert other.value.status == 403
    services.challenge_set(turn=turn, by=room.ann, text="No replies after applying.", now=at(3))
    c = services.challenge_set(turn=turn, by=room.fac, text="No replies after applying online.", now=at(4))
    assert (c.text, c.written_by_id, turn.challenge.text) == (
        "No replies after applying online.", room.fac.pk, "No replies after applying online.",
    )  # fmt: skip
    with pytest.raises(LiveError) as empty:
        services.challenge_set(turn=turn, by=room.ann, text="   ")
    assert (empty.value.status, empty.value.message) == (400, "Write the challenge first.")

    with pytest.raises(LiveError) as not_theirs:
        services.commitment_add(turn=turn, by=room.ben, text="Mine")
    assert not_theirs.value.status == 403
    for i in range(5):
        services.commitment_add(turn=turn, by=room.ann if i % 2 else room.fac, text=f"Contact {i + 1} hiring managers")
    with pytest.raises(LiveError) as sixth:
        services.commitment_add(turn=turn, by=room.ann, text="One more")
    assert (sixth.value.status, sixth.value.message) == (409, "Keep it to 5 commitments: fewer, done, beats many.")
    # Written by a facilitator or not, the commitment belongs to the member.
    assert set(Commitment.objects.filter(turn=turn).values_list("user_id", flat=True)) == {room.ann.pk}


def test_the_room_refuses_out_of_order_controls(room: Room) -> None:
    with pytest.raises(LiveError) as not_started:
        services.clock_pause(roundtable=room.rt, by=room.fac, now=at(0))
    assert (not_started.value.status, not_started.value.message) == (409, "Start the roundtable first.")
    here(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    with pytest.raises(LiveError) as twice:
        services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(1))
    assert twice.value.status == 409
    with pytest.raises(LiveError) as running:
        services.clock_resume(roundtable=room.rt, by=room.fac, now=at(1))
    assert (running.value.status, running.value.message) == (409, "The clock is already running.")
    with pytest.raises(LiveError) as active:
        services.order_move(roundtable=room.rt, by=room.fac, user_id=room.ann.pk, delta=1)
    assert active.value.message == "Only members still waiting for their turn can be moved."
