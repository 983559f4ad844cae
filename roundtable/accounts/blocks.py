"""Blocking anyone (issue 12): the one place that says who is blocked from whom, and the writes.

A Block is one person's choice (blocker -> blocked), but its effect is the same both ways:
two people with a block between them, whoever made it, are "kept apart":

- profiles: each answers the other 404, as a missing person (accounts.views.profile);
- introductions: an ask or a proposal between them is refused; to an asker who did not
  block, the refusal reads as any other (network.services, silently, as network.AskBlock);
- recommendations and suggested introductions never name one to the other (network.selectors);
- buddy matching never pairs them, and an open pairing between them ends kindly, as
  "end pairing" does (buddies/apps.py hears `block_made`);
- live rooms: each socket of either leaves out the other's suggestions, sockets already open
  included (live/apps.py hears `block_made` and `block_lifted`);
- notifications about the other's actions are not made (a reply to a check-in).

The blocked person is never told. network.AskBlock stays as the narrower "don't let them ask
me again" (set from an introduction's answer): it refuses introductions only, and both are
respected there. It stays separate because it promises less: someone who only refused asks
still sees the other's profile and suggestions, and may still be paired with them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal

from roundtable.core.errors import ServiceError

from .models import Block, User

# Sent with sender=Block, blocker=<User>, blocked=<User>, after the change commits.
block_made = Signal()
block_lifted = Signal()

MAX_BLOCKS = 1000
SELF = "You can't block yourself."
NO_SUCH_PERSON = "No such person."


class BlockError(ServiceError):
    """A block that cannot be made or lifted."""


def kept_apart_from(user_id: int | None) -> set[int]:
    """The ids of everyone with a block between them and `user_id`, either way: one query
    (none for None, an anonymous viewer)."""
    if user_id is None:
        return set()
    rows = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list("blocker_id", "blocked_id")
    return {b if a == user_id else a for a, b in rows}


def kept_apart(a_id: int | None, b_id: int | None) -> bool:
    """Whether a block stands between the two, either way. One query (none when either is None
    or they are the same person)."""
    if a_id is None or b_id is None or a_id == b_id:
        return False
    return Block.objects.filter(Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)).exists()


def pairs_among(user_ids: Iterable[int]) -> set[frozenset[int]]:
    """Every pair of these people with a block between them (as frozensets of two ids). One
    query."""
    ids = list(set(user_ids))
    if len(ids) < 2:
        return set()
    rows = Block.objects.filter(blocker_id__in=ids, blocked_id__in=ids).values_list("blocker_id", "blocked_id")
    return {frozenset(r) for r in rows}


def blocks_of(user: User) -> QuerySet[Block]:
    """The people `user` blocked, newest first, with their profiles (one query)."""
    return Block.objects.filter(blocker=user).select_related("blocked__profile").order_by("-created_at", "-pk")


def block_create(*, blocker: User, blocked: User | None) -> tuple[Block, bool]:
    """`blocker` blocks `blocked` (an active account). Returns (the block, whether it is new):
    blocking again is not an error. Raises BlockError: 404 for a missing or closed account,
    400 for oneself, 409 past MAX_BLOCKS. `block_made` is sent after commit for a new block."""
    if blocked is None or not blocked.is_active:
        raise BlockError(NO_SUCH_PERSON, status=404)
    if blocked.pk == blocker.pk:
        raise BlockError(SELF)
    with transaction.atomic():
        found = Block.objects.filter(blocker=blocker, blocked=blocked).first()
        if found is not None:
            return found, False
        if Block.objects.filter(blocker=blocker).count() >= MAX_BLOCKS:
            raise BlockError(f"You can block at most {MAX_BLOCKS} people: unblock someone first.", status=409)
        try:
            with transaction.atomic():
                block = Block.objects.create(blocker=blocker, blocked=blocked)
        except IntegrityError:  # the same block made at the same moment by another request
            return Block.objects.get(blocker=blocker, blocked=blocked), False
        transaction.on_commit(lambda: block_made.send(sender=Block, blocker=blocker, blocked=blocked))
    return block, True


def block_delete(*, blocker: User, blocked: User) -> bool:
    """Lift `blocker`'s block of `blocked`; False when there was none. A block the other person
    made stays. `block_lifted` is sent after commit."""
    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
        if deleted:
            transaction.on_commit(lambda: block_lifted.send(sender=Block, blocker=blocker, blocked=blocked))
    return bool(deleted)
