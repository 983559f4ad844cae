"""Tell a room's clients that it changed. Called after commit, never inside a transaction.

Clients (consumers, a later piece) answer a "room.changed" by fetching the snapshot;
the version lets them ignore anything older than what they have.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .models import Roundtable


def group_name(roundtable_id: int) -> str:
    return f"room-{roundtable_id}"


def room_changed(roundtable_id: int) -> None:
    version = Roundtable.objects.filter(pk=roundtable_id).values_list("version", flat=True).first()
    layer = get_channel_layer()
    if version is None or layer is None:
        return
    async_to_sync(layer.group_send)(group_name(roundtable_id), {"type": "room.changed", "version": version})
