"""Tell a room's sockets that something happened. Nothing here runs inside a transaction:
room_changed is called after commit by the services, and access_revoked defers itself
until the surrounding transaction (if any) commits.

A "room.changed" carries the room's snapshot as JSON text, built and serialized once per
change here (not once per socket): consumers wrap it with their own "you" part and forward
it; the version lets them ignore anything older than what they have, and seat_user_id tells
each socket whether its person is in the seat, and present_ids who is in the room: a socket
whose person is not listed asks the database before it forwards anything (consumers.py), so
no room pushes a frame to someone who may no longer be there. An "access.revoked" closes the
sockets of that one person.

Who sends: called from plain synchronous code (a page, the task worker, manage.py shell),
each message goes out at once with async_to_sync. A socket's own database work
(consumers.room_db) runs inside `deferred()` instead: the messages, made after commit as
always, are handed back to the event loop, which sends them (send_all) once the database
call has returned. Otherwise the database thread would wait, idle, for the event loop to
publish each change it just made (a fifth of a busy socket server's database time,
bench/live.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from . import clock
from .models import RoomStatus, Roundtable

logger = logging.getLogger(__name__)

Message = tuple[str, dict[str, Any]]  # (channel group, message)
_outbox: ContextVar[list[Message] | None] = ContextVar("live_broadcast_outbox", default=None)


def group_name(roundtable_id: int) -> str:
    return f"room-{roundtable_id}"


@contextmanager
def deferred(outbox: list[Message]) -> Iterator[None]:
    """Inside this block (on one thread), messages are appended to `outbox` instead of being
    sent; the caller sends them afterwards with send_all, from the event loop."""
    token = _outbox.set(outbox)
    try:
        yield
    finally:
        _outbox.reset(token)


def _send(group: str, message: dict[str, Any]) -> None:
    outbox = _outbox.get()
    if outbox is not None:
        outbox.append((group, message))
        return
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


async def send_all(outbox: list[Message]) -> None:
    """Send what a deferred() block collected, in order. The changes are committed whatever
    happens here, so a failure to publish is logged, not raised: the sockets catch up with
    the room's next change, or on reconnecting."""
    layer = get_channel_layer()
    if layer is None:
        return
    for group, message in outbox:
        try:
            await layer.group_send(group, message)
        except Exception:
            logger.exception("live: could not send %s to %s", message.get("type"), group)


def room_changed(roundtable_id: int, roundtable: Roundtable | None = None) -> None:
    """Send the room's snapshot to its sockets. A service passes the room row it locked and
    saved (after commit, that is the committed state); anyone else passes just the id."""
    layer = get_channel_layer()
    if layer is None:
        return
    rt = roundtable or (
        Roundtable.objects.select_related("meeting__group", "current_turn").filter(pk=roundtable_id).first()
    )
    if rt is None:
        return
    room = clock.snapshot(rt, timezone.now())
    seat = room["turn"]["user_id"] if room["turn"] is not None and room["status"] != RoomStatus.ENDED else None
    present = [p["user_id"] for p in room["participants"]]
    _send(
        group_name(roundtable_id),
        {
            "type": "room.changed",
            "version": rt.version,
            "room_json": clock.dumps(room),
            "seat_user_id": seat,
            "present_ids": present,
        },
    )


def access_revoked_in(roundtable_ids: list[int], user_id: int) -> None:
    """Close one person's sockets in these rooms, after the surrounding transaction commits
    (their account was closed: services.access_end)."""

    def send() -> None:
        if get_channel_layer() is None:
            return
        for roundtable_id in roundtable_ids:
            _send(group_name(roundtable_id), {"type": "access.revoked", "user_id": user_id})

    transaction.on_commit(send)


def access_revoked(group_id: int, user_id: int) -> None:
    """The person lost the group (left, removed, banned): close their sockets in every room
    of the group that has not ended. Safe to call inside a service's transaction: the
    message goes out after commit, and not at all on rollback."""

    def send() -> None:
        if get_channel_layer() is None:
            return
        rooms = Roundtable.objects.filter(meeting__group_id=group_id).exclude(status=RoomStatus.ENDED)
        for roundtable_id in rooms.values_list("pk", flat=True):
            _send(group_name(roundtable_id), {"type": "access.revoked", "user_id": user_id})

    transaction.on_commit(send)


def blocks_changed(user_ids: list[int]) -> None:
    """A block was made or lifted between these people (accounts.blocks): their sockets in every
    room not ended where any of them takes part read who they are kept apart from again and get
    the room again (consumers.RoomConsumer.blocks_changed). After the surrounding commit."""

    def send() -> None:
        if get_channel_layer() is None:
            return
        from .models import Participant

        rooms = (
            Participant.objects.filter(user_id__in=user_ids)
            .exclude(roundtable__status=RoomStatus.ENDED)
            .values_list("roundtable_id", flat=True)
            .distinct()
        )
        for roundtable_id in rooms:
            _send(group_name(roundtable_id), {"type": "blocks.changed", "user_ids": list(user_ids)})

    transaction.on_commit(send)
