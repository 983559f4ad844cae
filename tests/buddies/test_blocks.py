"""Blocks (accounts.blocks, issue 12) in buddies: the matching never pairs two people with a
block between them (a property over random pools), an open pairing between them ends kindly
at once, and nothing one does (a reply to a check-in) notifies the other."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from roundtable.accounts import blocks
from roundtable.buddies import services
from roundtable.buddies.models import BuddyPair, CheckIn, CheckInReply, PairMember, PoolEntry
from roundtable.notifications.models import Notification
from roundtable.notifications.selectors import inbox_for
from tests.factories import GroupFactory

from .world import WEDNESDAY, as_client, join, paired, person, run_tasks


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(8))
def test_random_pools_never_pair_people_kept_apart(seed: int) -> None:
    rng = random.Random(seed)
    group = GroupFactory()
    size = rng.randint(4, 11)
    people = [person(f"P{seed}-{i}", group) for i in range(size)]
    for p in people:
        join(p, group, checkin_day=rng.randint(0, 1), stage=rng.randint(0, 2))
    apart: set[frozenset[int]] = set()
    for _ in range(rng.randint(1, size)):
        a, b = rng.sample(people, 2)
        blocks.block_create(blocker=a, blocked=b)
        apart.add(frozenset((a.pk, b.pk)))
    run = services.matching_run(group=group, now=WEDNESDAY + timedelta(days=seed))
    assert run is not None
    together = [
        set(PairMember.objects.filter(pair=p).values_list("user_id", flat=True))
        for p in BuddyPair.objects.filter(run=run)
    ]
    for members in together:
        for pair in apart:
            assert not pair <= members
    # Not vacuous: everyone who could be paired with someone was (or waits as the matching says).
    paired_ids = set().union(*together) if together else set()
    free = [p for p in people if not any(frozenset((p.pk, q.pk)) in apart for q in people if q != p)]
    if len(free) >= 2:
        assert len(paired_ids) >= 2
    # Those waiting because of a block read the same reason as after a recent pairing, never a block.
    reasons = set(PoolEntry.objects.filter(group=group).values_list("waiting_reason", flat=True))
    assert reasons <= {"", "recent", "outmatched", "alone"}


@pytest.mark.django_db
def test_two_people_kept_apart_alone_in_a_pool_wait() -> None:
    group = GroupFactory()
    ann, bo = person("Ann", group), person("Bo", group)
    join(ann, group)
    join(bo, group)
    blocks.block_create(blocker=bo, blocked=ann)
    run = services.matching_run(group=group, now=WEDNESDAY)
    assert run is not None
    assert (run.pool_size, run.pairs_made) == (2, 0)
    assert set(PoolEntry.objects.values_list("waiting_reason", flat=True)) == {"recent"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who_blocks", ["ann", "bo"])
def test_a_block_ends_their_pairing_kindly_at_once(who_blocks: str, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    run_tasks()
    mailoutbox.clear()
    blocker, blocked = (w.ann, w.bo) if who_blocks == "ann" else (w.bo, w.ann)
    r = as_client(blocker).post(f"/people/{blocked.public_id}/block/")
    assert r.status_code == 302
    w.pair.refresh_from_db()
    assert (w.pair.ended_by, w.pair.ended_at is not None) == (blocker, True)
    run_tasks()
    # The other is told as when anyone ends a pairing: never that they were blocked.
    assert next(i.title for i in inbox_for(blocked)) == "Your buddy pairing has ended"
    assert all("block" not in i.title.lower() for i in inbox_for(blocked))
    assert set(PoolEntry.objects.filter(left_at__isnull=True).values_list("user", flat=True)) == {w.ann.pk, w.bo.pk}
    # And the next run does not pair them again.
    again = services.matching_run(group=w.group, now=WEDNESDAY + timedelta(days=100))
    assert again is not None
    assert again.pairs_made == 0


@pytest.mark.django_db(transaction=True)
def test_a_reply_from_someone_kept_apart_notifies_nobody() -> None:
    w = paired()
    checkin = services.checkin_save(author=w.ann, pair=w.pair, commitments="3 coffee chats")
    before = [i.title for i in inbox_for(w.ann)]
    services.checkin_reply(author=w.bo, checkin=checkin, reaction="cheer")
    assert [i.title for i in inbox_for(w.ann)] == ["Bo Birch replied to your check-in", *before]
    blocks.block_create(blocker=w.ann, blocked=w.bo)
    services.checkin_reply(author=w.bo, checkin=CheckIn.objects.get(pk=checkin.pk), text="Still here")
    # The reply is kept (the pair's history), but Ann hears nothing of it: no new notification.
    assert CheckInReply.objects.filter(checkin=checkin).count() == 2
    assert Notification.objects.filter(recipient=w.ann, actor=w.bo).count() == 1
