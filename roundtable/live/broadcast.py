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
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from . import clock
from .models import RoomStatus, Roundtable


def group_name(roundtable_id: int) -> str:
    return f"room-{roundtable_id}"


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
    async_to_sync(layer.group_send)(
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
        layer = get_channel_layer()
        if layer is None:
            return
        for roundtable_id in roundtable_ids:
            async_to_sync(layer.group_send)(group_name(roundtable_id), {"type": "access.revoked", "user_id": user_id})

    transaction.on_commit(send)


def access_revoked(group_id: int, user_id: int) -> None:
    """The person lost the group (left, removed, banned): close their sockets in every room
    of the group that has not ended. Safe to call inside a service's transaction: the
    message goes out after commit, and not at all on rollback."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        rooms = Roundtable.objects.filter(meeting__group_id=group_id).exclude(status=RoomStatus.ENDED)
        for roundtable_id in rooms.values_list("pk", flat=True):
            async_to_sync(layer.group_send)(group_name(roundtable_id), {"type": "access.revoked", "user_id": user_id})

    transaction.on_commit(send)
