"""The notification kinds buddies tell people about (registered in apps.py), for the
notifications app: each is about a BuddyPair (the subject), re-checked when recorded, emailed
and shown (`may_see`), and reads as a title, a short text and the buddy page's address.

Only the pair's members are ever told, and a notice names nobody but them. The nudges and
check-in news also need the pair still open and the recipient still in the pool: after the
pairing ends or they leave, those are not delivered (and vanish from the inbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from roundtable.accounts.models import User
from roundtable.notifications.kinds import Kind, Rendered
from roundtable.notifications.models import Notification

from .models import BuddyPair, PairMember, PoolEntry

PAIR_MADE = "buddies.pair_made"
CHECKIN_POSTED = "buddies.checkin_posted"
CHECKIN_REPLIED = "buddies.checkin_replied"
PAIR_ENDED = "buddies.pair_ended"
CHECKIN_MISSED = "buddies.checkin_missed"
NEW_BUDDY_OFFERED = "buddies.new_buddy_offered"
# Kinds that need the pair still open and the recipient still in the pool.
WHILE_PAIRED = {CHECKIN_POSTED, CHECKIN_REPLIED, CHECKIN_MISSED, NEW_BUDDY_OFFERED}


def _may_see(key: str) -> Callable[[User, Any], bool]:
    def may_see(recipient: User, pair: Any) -> bool:
        if not isinstance(pair, BuddyPair) or not recipient.is_active:
            return False
        if not PairMember.objects.filter(pair=pair, user=recipient).exists():
            return False
        if key in WHILE_PAIRED:
            return pair.is_open and PoolEntry.objects.filter(user=recipient, left_at__isnull=True).exists()
        return True

    return may_see


def _actor(n: Notification) -> str:
    return n.actor.display_name if n.actor is not None else "Your buddy"


def render(n: Notification) -> Rendered:
    """A buddies notification in words (the kinds above)."""
    url = reverse("buddies:home")
    if n.kind == PAIR_MADE:
        member = PairMember.objects.filter(pair_id=n.subject_id, user_id=n.recipient_id).first()
        others = [
            m.user.display_name
            for m in PairMember.objects.filter(pair_id=n.subject_id).exclude(user_id=n.recipient_id)
            .select_related("user__profile")
        ]  # fmt: skip
        return Rendered(f"Meet your work search buddy: {' and '.join(others)}",
                        " ".join(member.reasons) if member else "", url)  # fmt: skip
    if n.kind == CHECKIN_POSTED:
        return Rendered(f"{_actor(n)} checked in for the week", "See what they'll do and cheer them on.", url)
    if n.kind == CHECKIN_REPLIED:
        return Rendered(f"{_actor(n)} replied to your check-in", "", url)
    if n.kind == PAIR_ENDED:
        return Rendered(
            "Your buddy pairing has ended",
            "Thank you for the weeks you checked in together. You're back in the pool, and we'll suggest a new "
            "buddy at the next run.",
            url,
        )
    if n.kind == CHECKIN_MISSED:
        return Rendered("A gentle reminder: this week's check-in",
                        "Your buddy is looking forward to it. Two lines are plenty.", url)  # fmt: skip
    if n.kind == NEW_BUDDY_OFFERED:
        return Rendered(
            "Would a new buddy help?",
            "Your buddy hasn't checked in for two weeks. Life gets busy; if you'd like someone new, end the pairing "
            "on your buddy page and we'll suggest someone at the next run.",
            url,
        )
    raise ValueError(f"Unknown kind {n.kind!r}.")


KINDS = (
    Kind(PAIR_MADE, "I'm paired with a work search buddy", "now", _may_see(PAIR_MADE), render),
    Kind(CHECKIN_POSTED, "My buddy checks in for the week", "digest", _may_see(CHECKIN_POSTED), render),
    Kind(CHECKIN_REPLIED, "My buddy replies to my check-in", "digest", _may_see(CHECKIN_REPLIED), render),
    Kind(PAIR_ENDED, "A buddy pairing of mine ends", "now", _may_see(PAIR_ENDED), render),
    Kind(CHECKIN_MISSED, "A reminder when I miss a weekly check-in", "now", _may_see(CHECKIN_MISSED), render),
    Kind(NEW_BUDDY_OFFERED, "An offer of a new buddy when mine is away", "now", _may_see(NEW_BUDDY_OFFERED), render),
)
