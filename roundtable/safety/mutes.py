"""Whether someone is muted in a group's live rooms (issue 12, item 3): asked by the live room
on every suggestion and question (live.services), so a mute reaches sockets already open."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from .models import Mute


def mute_in_force(group_id: int, user_id: int, now: datetime | None = None) -> Mute | None:
    """The mute of this person in this group if it has not ended: one query."""
    now = now or timezone.now()
    return (
        Mute.objects.filter(group_id=group_id, user_id=user_id).filter(Q(until__isnull=True) | Q(until__gt=now)).first()
    )


def when(moment: datetime, zone: str) -> str:
    """A moment in a group's time zone, for people: "Dec 3, 2026, 18:00 EST"."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%b} {local.day}, {local:%Y, %H:%M %Z}"


def muted_message(mute: Mute, zone: str) -> str:
    """What the room says to a muted person who tries to post (the error frame's message);
    `zone` is the group's time zone."""
    end = f"until {when(mute.until, zone)}" if mute.until is not None else "until a facilitator lifts the pause"
    return f"A facilitator has paused your posting in this group's rooms {end}."
