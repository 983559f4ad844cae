"""Blocks in the live room (issue 12): each of two people kept apart does not see the other's
suggestions, on sockets opened before the block too, while everyone else sees them all; and
unblocking brings them back. Through the real ASGI application and channel layer."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from roundtable.accounts import blocks
from roundtable.accounts.models import User
from roundtable.live import clock

from .conftest import Room
from .test_consumers import Headers, close_all, enter, in_the_brainstorm, quiet, until

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _texts(frame: dict) -> list[str]:
    return [s["text"] for s in frame["room"]["turn"]["suggestions"]]


@database_sync_to_async
def _block(blocker: User, blocked: User) -> None:
    blocks.block_create(blocker=blocker, blocked=blocked)


@database_sync_to_async
def _unblock(blocker: User, blocked: User) -> None:
    blocks.block_delete(blocker=blocker, blocked=blocked)


@pytest.mark.parametrize("who_blocks", ["ben", "cat"])
async def test_sockets_open_before_a_block_leave_out_each_others_suggestions(
    live: Room, heads: dict[str, Headers], who_blocks: str
) -> None:
    fac, ann, ben, cat = await in_the_brainstorm(live, heads)
    await ben.send_json_to({"action": "suggestion_add", "text": "From Ben"})
    await until(cat, lambda f: _texts(f) == ["From Ben"])
    await cat.send_json_to({"action": "suggestion_add", "text": "From Cat"})
    for comm in (fac, ann, ben, cat):
        await until(comm, lambda f: _texts(f) == ["From Ben", "From Cat"])
    await quiet(fac, ann, ben, cat)

    # Ben blocks Cat, or Cat blocks Ben: the same for both sockets, at once, without a change
    # of the room (the same version, sent again as each may now see it).
    blocker, blocked = (live.ben, live.cat) if who_blocks == "ben" else (live.cat, live.ben)
    await _block(blocker, blocked)
    ben_frame = await until(ben, lambda f: f["type"] == "snapshot")
    cat_frame = await until(cat, lambda f: f["type"] == "snapshot")
    assert _texts(ben_frame) == ["From Ben"]
    assert _texts(cat_frame) == ["From Cat"]
    assert ben_frame["you"]["user_id"] == live.ben.pk
    # Nobody else is sent anything, and they still see both.
    assert await fac.receive_nothing(timeout=0.3)
    assert await ann.receive_nothing(timeout=0.1)

    # The next change of the room: the shared snapshot for everyone else, the copies for them.
    await ann.send_json_to({"action": "suggestion_add", "text": "From Ann"})
    for comm in (fac, ann):
        frame = await until(comm, lambda f: "From Ann" in _texts(f))
        assert _texts(frame) == ["From Ben", "From Cat", "From Ann"]
    assert _texts(await until(ben, lambda f: "From Ann" in _texts(f))) == ["From Ben", "From Ann"]
    assert _texts(await until(cat, lambda f: "From Ann" in _texts(f))) == ["From Cat", "From Ann"]

    # A socket opened after the block starts without the other's suggestions.
    late, first = await enter(live.rt.pk, heads["cat"])
    assert _texts(first) == ["From Cat", "From Ann"]

    # Unblocking brings them back on the open sockets.
    await _unblock(blocker, blocked)
    assert _texts(await until(ben, lambda f: f["type"] == "snapshot")) == ["From Ben", "From Cat", "From Ann"]
    assert _texts(await until(cat, lambda f: f["type"] == "snapshot")) == ["From Ben", "From Cat", "From Ann"]
    await close_all(fac, ann, ben, cat, late)


async def test_without_authors_leaves_the_rest_alone() -> None:
    snap = {
        "version": 3,
        "turn": {"id": 1, "suggestions": [{"author_id": 1, "text": "a"}, {"author_id": 2, "text": "b"}]},
    }
    assert clock.without_authors(snap, frozenset({2})) == {
        "version": 3,
        "turn": {"id": 1, "suggestions": [{"author_id": 1, "text": "a"}]},
    }
    assert snap["turn"]["suggestions"][1] == {"author_id": 2, "text": "b"}  # the shared one is untouched
    assert clock.without_authors({"turn": None}, frozenset({2})) == {"turn": None}
