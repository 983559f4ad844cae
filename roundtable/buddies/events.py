"""What happened, told to the people it concerns: one call site per event, each a call of the
notifications app's notify() (notify.py holds the kinds). notify records after commit and
re-checks may_see when it records, emails and shows, so an event raised inside a transaction
that rolls back tells nobody.

Kinds: pair_made, checkin_posted, checkin_replied, pair_ended, and from the tick
checkin_missed and new_buddy_offered (those two claimed once per person and week: tasks.py).
"""

from __future__ import annotations

from typing import Any

from roundtable.accounts.models import User
from roundtable.notifications.services import notify

from . import notify as kinds
from .models import BuddyPair, CheckIn, CheckInReply


def _tell(kind: str, recipient_ids: list[int], pair: BuddyPair, actor: User | None = None,
          data: dict[str, Any] | None = None) -> None:  # fmt: skip
    for recipient in User.objects.filter(pk__in=recipient_ids).order_by("pk"):
        notify(recipient=recipient, kind=kind, subject=pair, actor=actor, data=data)


def pair_made(pair: BuddyPair) -> None:
    _tell(kinds.PAIR_MADE, list(pair.members.values_list("user_id", flat=True)), pair)


def checkin_posted(checkin: CheckIn) -> None:
    others = list(checkin.pair.members.exclude(user_id=checkin.author_id).values_list("user_id", flat=True))
    _tell(kinds.CHECKIN_POSTED, others, checkin.pair, actor=checkin.author)


def checkin_replied(reply: CheckInReply) -> None:
    checkin = reply.checkin
    if checkin.author_id != reply.author_id:
        _tell(kinds.CHECKIN_REPLIED, [checkin.author_id], checkin.pair, actor=reply.author)


def pair_ended(pair: BuddyPair, *, ended_by: User, others: list[int]) -> None:
    _tell(kinds.PAIR_ENDED, others, pair)


def checkin_missed(pair: BuddyPair, user: User, week: str) -> None:
    _tell(kinds.CHECKIN_MISSED, [user.pk], pair, data={"week": week})


def new_buddy_offered(pair: BuddyPair, user: User, week: str) -> None:
    _tell(kinds.NEW_BUDDY_OFFERED, [user.pk], pair, data={"week": week})
