"""What happened, told to the people it concerns: one call site per event.

Each event names its recipients and a subject (a pair or a check-in) and is delivered after
commit by the task worker (tasks.deliver), which checks again at sending time that the
recipient may still see the subject (a member of the pair, an active account) and renders it
as a notice: a title, a short text and a link (`Rendered`, the shape of the notifications
contract: notify.py moves these to the notifications app once it lands).

Kinds: pair_made, checkin_posted, checkin_replied, pair_ended, and from the tick
checkin_missed and new_buddy_offered (those two are claimed once per week: tasks.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from .models import BuddyPair, CheckIn, CheckInReply


@dataclass(frozen=True)
class Rendered:
    title: str
    text: str
    url: str


def _later(kind: str, recipients: list[int], pair_id: int, data: dict[str, Any]) -> None:
    from . import tasks  # tasks imports services, which import this module

    def send() -> None:
        for recipient in recipients:
            tasks.deliver.enqueue(kind=kind, recipient_id=recipient, pair_id=pair_id, data=data)

    transaction.on_commit(send)


def pair_made(pair: BuddyPair) -> None:
    members = list(pair.members.values_list("user_id", flat=True))
    _later("pair_made", members, pair.pk, {})


def checkin_posted(checkin: CheckIn) -> None:
    others = list(checkin.pair.members.exclude(user_id=checkin.author_id).values_list("user_id", flat=True))
    _later("checkin_posted", others, checkin.pair_id, {"checkin": checkin.pk, "author": checkin.author_id})


def checkin_replied(reply: CheckInReply) -> None:
    checkin = reply.checkin
    if checkin.author_id != reply.author_id:
        _later(
            "checkin_replied", [checkin.author_id], checkin.pair_id, {"checkin": checkin.pk, "author": reply.author_id}
        )


def pair_ended(pair: BuddyPair, *, ended_by: Any, others: list[int]) -> None:
    _later("pair_ended", others, pair.pk, {"author": ended_by.pk})
