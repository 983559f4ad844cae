"""One relay per room per process (roundtable/live/relay.py): the process, not each socket,
hears a room's changes, and hands each change to its sockets of that room once."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from pytest_django.fixtures import Settings

from roundtable.live import broadcast, clock, relay
from roundtable.live.consumers import CLOSE_FORBIDDEN

from .conftest import Room, make_room
from .test_consumers import (
    WAIT,
    _remove,
    close_all,
    closed_with,
    cookie_headers,
    db_version,
    enter,
    open_socket,
    quiet,
    until,
)
from .test_two_processes import redis_url

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _heads(room: Room, *names: str) -> list[list[tuple[bytes, bytes]]]:
    return await database_sync_to_async(lambda: [cookie_headers(getattr(room, n)) for n in names])()


def _members_of_the_group(roundtable_id: int) -> list[str]:
    """The channels in the room's group on this process's layer (in memory or Redis pub/sub)."""
    layer: Any = get_channel_layer()
    group = broadcast.group_name(roundtable_id)
    if hasattr(layer, "_get_layer"):  # channels-redis pub/sub: one layer per event loop
        loop_layer = layer._get_layer()
        return sorted(loop_layer.groups.get(loop_layer._get_group_channel_name(group), set()))
    return sorted(layer.groups.get(group, {}))


def _redis_subscribed(roundtable_id: int) -> bool:
    """Whether this process's Redis connection is subscribed to the room's group."""
    loop_layer = get_channel_layer()._get_layer()  # type: ignore[union-attr]
    name = loop_layer._get_group_channel_name(broadcast.group_name(roundtable_id))
    return any(name in shard._subscribed_to for shard in loop_layer._shards)


async def _snapshots(comm: WebsocketCommunicator) -> list[dict[str, Any]]:
    """Every frame the socket holds now, once the room has settled."""
    frames = []
    while not await comm.receive_nothing(timeout=0.3):
        frames.append(await comm.receive_json_from())
    return frames


async def _each_change_once(room: Room) -> None:
    fac_h, ann_h, ben_h = await _heads(room, "fac", "ann", "ben")
    fac, _ = await enter(room.rt.pk, fac_h)
    ann, _ = await enter(room.rt.pk, ann_h)
    ben, _ = await enter(room.rt.pk, ben_h)
    await quiet(fac, ann, ben)
    here = relay.relays()[room.rt.pk]
    assert len(here.sockets) == 3
    # The process is the group's one member for the room, however many sockets it holds.
    assert _members_of_the_group(room.rt.pk) == [here.channel]
    heard = here.changes

    await fac.send_json_to({"action": "start"})
    version = (await until(fac, lambda f: f["type"] == "snapshot" and f["room"]["status"] == "running"))["room"][
        "version"
    ]
    assert version == await db_version(room.rt.pk)
    assert here.changes == heard + 1  # arrived once in this process
    for comm, user in ((ann, room.ann), (ben, room.ben)):
        frames = await _snapshots(comm)
        assert [(f["type"], f["room"]["version"], f["you"]["user_id"]) for f in frames] == [
            ("snapshot", version, user.pk)
        ]
    assert await fac.receive_nothing(timeout=0.3)
    await close_all(fac, ann, ben)
    assert room.rt.pk not in relay.relays()


async def test_two_sockets_of_a_room_get_each_change_exactly_once(live: Room) -> None:
    await _each_change_once(live)


async def test_with_redis_the_process_subscribes_once_per_room(transactional_db: None, settings: Settings) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [redis_url()]}}
    }
    room = await database_sync_to_async(make_room)()
    try:
        await _each_change_once(room)
        assert not _redis_subscribed(room.rt.pk)  # the last socket out unsubscribed the process
    finally:
        await get_channel_layer().flush()  # type: ignore[union-attr]


async def test_a_socket_that_leaves_hears_nothing_more_and_the_last_one_out_unsubscribes(live: Room) -> None:
    fac_h, ann_h, ben_h = await _heads(live, "fac", "ann", "ben")
    fac, _ = await enter(live.rt.pk, fac_h)
    ann, _ = await enter(live.rt.pk, ann_h)
    ben, _ = await enter(live.rt.pk, ben_h)
    await quiet(fac, ann, ben)
    channel = relay.relays()[live.rt.pk].channel

    await ann.disconnect()
    assert len(relay.relays()[live.rt.pk].sockets) == 2
    await fac.send_json_to({"action": "start"})
    frame = await until(ben, lambda f: f["room"]["status"] == "running")
    assert frame["room"]["version"] == await db_version(live.rt.pk)
    assert _members_of_the_group(live.rt.pk) == [channel]

    await close_all(fac, ben)
    assert live.rt.pk not in relay.relays()
    assert _members_of_the_group(live.rt.pk) == []
    # A change now reaches nobody in this process, and nothing is left to hear it.
    await database_sync_to_async(broadcast.room_changed)(live.rt.pk)
    assert live.rt.pk not in relay.relays()


async def test_a_removed_member_stops_hearing_at_once_and_the_others_go_on(live: Room) -> None:
    fac_h, ann_h, ben_h, cat_h = await _heads(live, "fac", "ann", "ben", "cat")
    fac, _ = await enter(live.rt.pk, fac_h)
    ann, _ = await enter(live.rt.pk, ann_h)
    ben, _ = await enter(live.rt.pk, ben_h)
    cat, _ = await enter(live.rt.pk, cat_h)
    await quiet(fac, ann, ben, cat)

    await database_sync_to_async(_remove)(live, live.ben, broadcast_it=True)
    assert await ben.receive_json_from(timeout=WAIT) == {
        "type": "revoked",
        "message": "You no longer have access to this room.",
    }
    assert await closed_with(ben) == CLOSE_FORBIDDEN
    here = relay.relays()[live.rt.pk]
    assert sorted(s.user_id for s in here.sockets) == sorted([live.fac.pk, live.ann.pk, live.cat.pk])

    await fac.send_json_to({"action": "start"})
    version = (await until(fac, lambda f: f["type"] == "snapshot" and f["room"]["status"] == "running"))["room"][
        "version"
    ]
    for comm in (ann, cat):
        frame = await until(comm, lambda f: f["room"]["version"] == version)
        assert "Ben" not in [p["name"] for p in frame["room"]["participants"]]
    assert await ben.receive_nothing(timeout=0.3)
    await close_all(fac, ann, cat, ben)


async def test_a_socket_that_reconnects_catches_up(live: Room) -> None:
    fac_h, ann_h = await _heads(live, "fac", "ann")
    fac, _ = await enter(live.rt.pk, fac_h)
    ann, _ = await enter(live.rt.pk, ann_h)
    await quiet(fac, ann)

    await ann.disconnect()  # a phone asleep at the table
    await fac.send_json_to({"action": "start"})
    await until(fac, lambda f: f["room"]["status"] == "running")
    await fac.send_json_to({"action": "pause"})
    await until(fac, lambda f: f["room"]["status"] == "paused")
    await close_all(fac)
    assert live.rt.pk not in relay.relays()  # nobody of the room left in this process

    ann, frame = await enter(live.rt.pk, ann_h)
    assert (frame["room"]["status"], frame["room"]["version"]) == ("paused", await db_version(live.rt.pk))
    assert live.rt.pk in relay.relays()
    # And the changes after it keep coming.
    fac, _ = await enter(live.rt.pk, fac_h)
    await quiet(fac, ann)
    await fac.send_json_to({"action": "resume"})
    frame = await until(ann, lambda f: f["room"]["status"] == "running")
    assert frame["room"]["version"] == await db_version(live.rt.pk)
    await close_all(fac, ann)


async def test_a_display_and_a_member_share_one_relay_and_each_gets_its_own_frame(live: Room) -> None:
    ann_h, fac_h = await _heads(live, "ann", "fac")
    ann, _ = await enter(live.rt.pk, ann_h)
    screen = await open_socket(live.rt.pk, fac_h, query="view=display")
    await quiet(ann, screen)
    assert len(relay.relays()[live.rt.pk].sockets) == 2

    await database_sync_to_async(broadcast.room_changed)(live.rt.pk)  # the same version again: nothing
    assert await ann.receive_nothing(timeout=0.3)
    fac, _ = await enter(live.rt.pk, fac_h)
    await quiet(fac, ann, screen)
    await fac.send_json_to({"action": "start"})
    mine = await until(ann, lambda f: f["room"]["status"] == "running")
    shown = await until(screen, lambda f: f["room"]["status"] == "running")
    assert mine["room"]["version"] == shown["room"]["version"]
    assert shown["you"] == {"user_id": live.fac.pk, "can_control": False, "in_seat": False, "status_offer": None}
    assert shown["room"] == clock.for_display(mine["room"])  # made once per change for every screen
    await close_all(fac, ann, screen)
