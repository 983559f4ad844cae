"""One relay per room per process: how a change of a room reaches the sockets of that room
that this process holds.

Why it exists
    A change of a room (broadcast.room_changed) is one channel-layer message to the room's
    group. When every socket was a member of that group itself, each change was taken apart
    once per socket: channels-redis handed the message's bytes to every socket's queue, each
    socket's task woke, unpacked the whole snapshot again (msgpack), went through channels'
    dispatch and only then wrapped and sent it. At 3,000 sockets that was most of a change's
    CPU on the socket servers (bench/live.py). Now the PROCESS is the group's one member for a
    room, however many of the room's sockets it holds: the message arrives once per process,
    is unpacked once, its parts shared by all (the frame's head, the display version, who is
    here, as a Change), and each local socket of the room gets it through a plain method call
    (Socket.deliver), which adds its own "you" and writes the frame. A socket has no channel
    of its own on the layer (consumers.RoomConsumer.__call__): nothing is sent to one socket
    by name, everything goes to the room.

How a socket joins and leaves
    join(): the first socket of a room in this process makes the room's Relay: a channel of
    its own on the layer, added to the room's group (broadcast.group_name), and a reader task
    that receives from that channel. Every socket of the room awaits that subscription before
    it reads the room from the database, so no change made between its read and its first
    frame is missed (a change that arrives meanwhile is held by the socket and sent after its
    first snapshot if newer). Later sockets join the Relay that is there (nothing is asked of
    the layer). leave(): the socket is dropped from the Relay at once (nothing more is
    delivered to it); the last one leaving takes the Relay down: it is forgotten at once (a
    socket arriving just then makes a new one), then the reader stops and the channel leaves
    the group, so a process with no socket of a room hears nothing of it.

Access
    Unchanged from when every socket listened itself: each socket still decides for its own
    person (consumers.RoomConsumer.deliver: someone not among the room's people in a state
    newer than their entry is asked about before anything is pushed to them), an
    "access.revoked" closes the sockets of that one person here, and the Relay's timer checks
    the access of everyone with a socket of the room in this process every
    LIVE_ACCESS_RECHECK_SECONDS, in one query (see consumers.py, "revoked"). The same tick
    adds the channel to the group again, so a layer's group expiry (the in-memory layer's,
    a day) never ends a long room's subscription.

Reconnecting, and a process that exits
    Nothing here outlives a connection's need for it. A socket that reconnects (to this
    process or another) joins that process's Relay as any new socket does and gets the
    whole room as its first frame: a snapshot is the whole state, so catching up needs no
    replay of what was missed. When the process exits, its sockets close (each leaves its
    Relay, and the last of a room unsubscribes); a process killed outright loses its Redis
    connection, and Redis drops its subscriptions with it. Nothing is stored in Redis.

A Relay belongs to one event loop (tests run several loops in one process).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.layers import get_channel_layer
from django.conf import settings

from . import broadcast, clock
from .seats import RoomId

logger = logging.getLogger(__name__)


class Socket(Protocol):
    """What a Relay needs of a socket (consumers.RoomConsumer)."""

    user_id: int | None
    done: bool

    def deliver(self, change: Change) -> None:
        """Take a change of the room, without waiting: a socket that must wait for something
        (its frame being written, a database check) holds the newest change and sends it
        after."""

    def revoke(self) -> Coroutine[Any, Any, None]:
        """Tell the socket its person lost access, and close it (4403)."""

    def blocks_changed(self) -> Coroutine[Any, Any, None]:
        """A block was made or lifted between its person and someone: read who they are kept
        apart from again, and send the room again as they may now see it."""


# Who among these people may still be in this room: (roundtable_id, user_ids) -> user_ids.
AccessCheck = Callable[[int, set[int]], Awaitable[set[int]]]


@dataclass(eq=False)
class Change:
    """One "room.changed" message, unpacked once for all of a process's sockets of the room.

    version: the room's version; room_json: the room's snapshot as JSON text (built and
    serialized once, by broadcast.room_changed); seat_user_id: who is in the seat (None: nobody,
    or the room ended); present_ids: who is here. People are named as the snapshot names them:
    an account's id, or for a member who goes by a pseudonym in the group a handle (seats.py),
    which is what each socket compares with its own (consumers.RoomConsumer.rid)."""

    version: int
    room_json: str
    seat_user_id: RoomId | None
    present_ids: frozenset[RoomId]
    _display_json: str | None = None
    _authors: frozenset[RoomId] | None = None

    def suggestion_authors(self) -> frozenset[RoomId]:
        """Who wrote the suggestions of the turn in the seat: read from the JSON once per change,
        and only when a socket whose person is kept apart from someone asks (without_authors)."""
        if self._authors is None:
            turn = json.loads(self.room_json).get("turn")
            self._authors = frozenset(s["author_id"] for s in (turn or {}).get("suggestions", ()))
        return self._authors

    def room_text(self, display: bool, apart: frozenset[RoomId]) -> str:
        """The snapshot as JSON text for a socket: the shared text, unless the socket's person is
        kept apart (accounts.blocks) from an author of a suggestion in it; then a copy without
        those suggestions, made for that socket alone (the only sockets that pay for blocks)."""
        text = self.display_json() if display else self.room_json
        if not apart or not (self.suggestion_authors() & apart):
            return text
        return clock.dumps(clock.without_authors(json.loads(text), apart))

    @classmethod
    def of(cls, event: dict[str, Any]) -> Change:
        seat = event.get("seat_user_id")
        return cls(
            version=int(event.get("version", 0)),
            room_json=str(event["room_json"]),
            seat_user_id=None if seat is None else seat if isinstance(seat, str) else int(seat),
            present_ids=frozenset(event.get("present_ids", ())),
        )

    def frame_head(self, display: bool, apart: frozenset[RoomId] = frozenset()) -> str:
        """The snapshot frame up to its "you" part (the caller adds `<you JSON>}`); `apart`: the
        people the socket's person is kept apart from (room_text)."""
        return '{"type":"snapshot","room":' + self.room_text(display, apart) + ',"you":'

    def display_json(self) -> str:
        """The snapshot as a screen for the room sees it (clock.for_display), made once per
        change for all the display sockets."""
        if self._display_json is None:
            self._display_json = clock.dumps(clock.for_display(json.loads(self.room_json)))
        return self._display_json


@dataclass(eq=False)
class Relay:
    """A room's one subscription in this process, and the sockets it feeds."""

    roundtable_id: int
    layer: Any
    access: AccessCheck
    sockets: dict[Socket, None] = field(default_factory=dict)  # in order of arrival
    channel: str = ""
    subscribed: asyncio.Task[None] | None = None
    reader: asyncio.Task[None] | None = None
    timer: asyncio.Task[None] | None = None
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)  # revocations under way
    changes: int = 0  # "room.changed" messages received (tests, and what the bench reports)

    @property
    def group(self) -> str:
        return broadcast.group_name(self.roundtable_id)

    async def _subscribe(self) -> None:
        self.channel = await self.layer.new_channel(prefix="room-relay.")
        await self.layer.group_add(self.group, self.channel)
        self.reader = asyncio.create_task(self._read(), name=f"live relay {self.roundtable_id}")
        self.timer = asyncio.create_task(self._recheck(), name=f"live recheck {self.roundtable_id}")

    async def _read(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            try:
                self.hand_out(message)
            except Exception:
                logger.exception("live room %s: could not hand out %s", self.roundtable_id, message.get("type"))

    def hand_out(self, message: dict[str, Any]) -> None:
        """One message of the room's group, to this process's sockets of the room."""
        kind = message.get("type")
        if kind == "room.changed":
            self.changes += 1
            change = Change.of(message)
            for socket in list(self.sockets):
                socket.deliver(change)
        elif kind == "access.revoked":
            user_id = message.get("user_id")
            for socket in [s for s in self.sockets if s.user_id == user_id and not s.done]:
                self._spawn(socket.revoke())
        elif kind == "blocks.changed":
            people = set(message.get("user_ids", ()))
            for socket in [s for s in self.sockets if s.user_id in people and not s.done]:
                self._spawn(socket.blocks_changed())
        else:
            logger.warning("live room %s: a message of an unknown type %r", self.roundtable_id, kind)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _recheck(self) -> None:
        """Every LIVE_ACCESS_RECHECK_SECONDS, check the access of everyone with a socket of this
        room in this process, in one query, and revoke the sockets of those who lost it: the
        bound for a loss no "access.revoked" brings to this process (see consumers.py). The
        first check comes at a random point of the first period, so that rooms opened together
        (a join storm) do not all ask at the same moment ever after; a socket that arrives later
        is checked at its room's next tick, within the period all the same. One timer per room
        and process, not per socket: at 3,000 sockets, a check per socket was most of the
        servers' database work (bench/live.py). Each tick also renews the channel's membership
        of the group (see the module's docstring)."""
        await asyncio.sleep(random.uniform(0, settings.LIVE_ACCESS_RECHECK_SECONDS))
        while self.sockets:
            people = {s.user_id for s in self.sockets if not s.done and s.user_id is not None}
            try:
                allowed = await self.access(self.roundtable_id, people)
            except Exception:
                logger.exception("live room %s: could not re-check who is in it", self.roundtable_id)
            else:
                # Only the people asked about: a socket that arrived during the query waits for the next tick.
                lost = [s for s in self.sockets if not s.done and s.user_id in people - allowed]
                await asyncio.gather(*(s.revoke() for s in lost))
            try:
                await self.layer.group_add(self.group, self.channel)
            except Exception:
                logger.warning("live room %s: could not renew the subscription", self.roundtable_id, exc_info=True)
            await asyncio.sleep(settings.LIVE_ACCESS_RECHECK_SECONDS)

    async def _close(self) -> None:
        """Stop hearing the room: the reader and the timer stop, the channel leaves the group."""
        current = asyncio.current_task()
        for task in (self.reader, self.timer):
            if task is not None and task is not current:
                task.cancel()
        if self.channel:
            try:
                await self.layer.group_discard(self.group, self.channel)
            except Exception:
                # Messages to it then reach nobody here, and the layer's group expiry ends it.
                logger.warning("live room %s: could not leave the channel group", self.roundtable_id, exc_info=True)


_relays: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, Relay]] = weakref.WeakKeyDictionary()


def relays() -> dict[int, Relay]:
    """This event loop's relays, by room id (tests look)."""
    return _relays.setdefault(asyncio.get_running_loop(), {})


async def join(socket: Socket, roundtable_id: int, access: AccessCheck) -> None:
    """Add the socket to the room's Relay in this process (made and subscribed by the first
    socket), once the Relay hears the room. Raises what the channel layer raised when the
    subscription failed (the Relay is then forgotten, so the next socket tries again), after
    which the socket is not in it."""
    rooms = relays()
    relay = rooms.get(roundtable_id)
    if relay is None or (relay.subscribed is not None and relay.subscribed.done() and relay.reader is None):
        # None yet, or one whose subscription failed and is on its way out: a fresh one.
        relay = rooms[roundtable_id] = Relay(roundtable_id=roundtable_id, layer=get_channel_layer(), access=access)
        relay.subscribed = asyncio.create_task(relay._subscribe())
    relay.sockets[socket] = None
    assert relay.subscribed is not None
    try:
        await asyncio.shield(relay.subscribed)
    except BaseException:
        # The subscription failed, or this socket went away while waiting for it.
        await leave(socket, roundtable_id, relay)
        raise


async def leave(socket: Socket, roundtable_id: int, relay: Relay | None = None) -> None:
    """Take the socket out of the room's Relay (nothing more is delivered to it); the last
    one out stops the Relay. Safe to call twice, or for a socket that never joined."""
    rooms = relays()
    relay = relay or rooms.get(roundtable_id)
    if relay is None or socket not in relay.sockets:
        return
    del relay.sockets[socket]
    if not relay.sockets:
        if rooms.get(roundtable_id) is relay:
            del rooms[roundtable_id]
        if relay.subscribed is not None and not relay.subscribed.done():
            relay.subscribed.cancel()
        await relay._close()
