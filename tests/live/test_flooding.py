"""Live rooms resist flooding (issue 8): a per-socket rate limit with a clear error frame,
caps on suggestions per turn and per person, and snapshots that stay bounded."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from pytest_django.fixtures import Settings

from roundtable.live import clock, services
from roundtable.live.consumers import TOO_FAST, TokenBucket
from roundtable.live.services import MAX_SUGGESTIONS_PER_PERSON, MAX_SUGGESTIONS_PER_TURN, LiveError

from .conftest import Room, at, going_member, make_room
from .test_consumers import close_all, cookie_headers, enter, quiet


def test_the_token_bucket() -> None:
    bucket = TokenBucket(burst=3, per_second=2.0, now=100.0)
    assert [bucket.take(100.0) for _ in range(4)] == [True, True, True, False]
    assert [bucket.take(100.5), bucket.take(100.5)] == [True, False]  # half a second: one token
    assert [bucket.take(110.0) for _ in range(4)] == [True, True, True, False]  # never more than the burst


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_flooding_socket_gets_a_clear_error_and_the_room_is_unchanged(settings: Settings) -> None:
    settings.LIVE_SOCKET_BURST = 3
    settings.LIVE_SOCKET_PER_SECOND = 0.0  # no refill during the test: the count is exact
    await get_channel_layer().flush()  # type: ignore[union-attr]
    room = await database_sync_to_async(make_room)()
    fac_headers = await database_sync_to_async(lambda: cookie_headers(room.fac))()
    fac, _ = await enter(room.rt.pk, fac_headers)
    await quiet(fac)
    for n in range(3):
        await fac.send_json_to({"action": "ping", "request_id": n})
        assert (await fac.receive_json_from(timeout=3))["type"] == "pong"
    await fac.send_json_to({"action": "start", "request_id": "s"})
    assert await fac.receive_json_from(timeout=3) == {
        "type": "error",
        "message": TOO_FAST,
        "status": 429,
        "request_id": "s",
    }
    assert TOO_FAST == "Too many messages at once: wait a moment, then try again."
    status = await database_sync_to_async(lambda: room.fresh().status)()
    assert status == "open"
    await close_all(fac)


def _brainstorm(room: Room) -> None:
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(1))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(2))


@pytest.mark.django_db
def test_suggestions_are_capped_per_person_and_per_turn() -> None:
    room = make_room()
    people = [room.ben, room.cat] + [going_member(room.group, room.meeting, f"P{n}", 10 + n) for n in range(7)]
    for person in people:
        services.participant_join(roundtable=room.rt, user=person, now=at(0))
    _brainstorm(room)
    turn = room.fresh().current_turn
    assert turn is not None
    for n in range(MAX_SUGGESTIONS_PER_PERSON):
        services.suggestion_add(turn=turn, by=room.ben, text=f"Idea {n}", now=at(3))
    with pytest.raises(LiveError) as mine:
        services.suggestion_add(turn=turn, by=room.ben, text="One more", now=at(4))
    assert (mine.value.status, mine.value.message) == (
        409,
        "You've made 5 suggestions for this turn: leave room for others.",
    )
    for person in people[1:8]:
        for n in range(MAX_SUGGESTIONS_PER_PERSON):
            services.suggestion_add(turn=turn, by=person, text=f"Idea {n}", now=at(5))
    assert MAX_SUGGESTIONS_PER_TURN == 8 * MAX_SUGGESTIONS_PER_PERSON
    with pytest.raises(LiveError) as full:
        services.suggestion_add(turn=turn, by=people[8], text="Late idea", now=at(6))
    assert (full.value.status, full.value.message) == (
        409,
        "This turn has 40 suggestions already: plenty to work on.",
    )
    snap = clock.snapshot(room.fresh(), at(7))
    assert len(snap["turn"]["suggestions"]) == MAX_SUGGESTIONS_PER_TURN
    # The next turn starts from none: a snapshot carries only the turn in the seat.
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(8))
    assert clock.snapshot(room.fresh(), at(9))["turn"]["suggestions"] == []
