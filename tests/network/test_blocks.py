"""Blocks (accounts.blocks, issue 12) in the network app, both ways: introductions refused
(silently to someone who did not block, clearly to the one who did), recommendations and
suggested introductions never naming one to the other."""

from __future__ import annotations

import pytest

from roundtable.accounts import blocks
from roundtable.network import services
from roundtable.network.models import ClosedBy, IntroStatus
from roundtable.network.selectors import recommendations_for_meeting, suggested_introductions

from .world import World, world

pytestmark = pytest.mark.django_db


def _ask(w: World, **kw):  # type: ignore[no-untyped-def]
    return services.introduction_ask(
        asker=kw.get("asker", w.ann), group=w.group, introducer=kw.get("introducer", w.facilitator),
        target=kw.get("target", w.people["bea"]), note="I'd love to hear how Acme hires analysts.",
    )  # fmt: skip


def test_an_ask_of_someone_who_blocked_the_asker_is_refused_silently() -> None:
    w = world()
    blocks.block_create(blocker=w.people["bea"], blocked=w.ann)
    intro = _ask(w)
    assert (intro.status, intro.closed_by) == (IntroStatus.DECLINED, ClosedBy.BLOCKED)


def test_the_asker_who_blocked_is_told_plainly() -> None:
    w = world()
    blocks.block_create(blocker=w.ann, blocked=w.people["bea"])
    with pytest.raises(services.NetworkError) as err:
        _ask(w)
    assert (err.value.status, err.value.field) == (409, "target")
    assert err.value.message == "You blocked Bea Baker: unblock them from “People you blocked” first."
    blocks.block_create(blocker=w.ann, blocked=w.facilitator)
    with pytest.raises(services.NetworkError) as err:
        _ask(w, target=w.people["cal"])
    assert err.value.field == "introducer"


@pytest.mark.parametrize("direction", ["bea_blocks_cal", "cal_blocks_bea"])
def test_a_proposal_between_people_kept_apart_is_refused_silently(direction: str) -> None:
    w = world()
    bea, cal = w.people["bea"], w.people["cal"]
    blocker, blocked = (bea, cal) if direction == "bea_blocks_cal" else (cal, bea)
    blocks.block_create(blocker=blocker, blocked=blocked)
    intro = services.introduction_propose(facilitator=w.facilitator, group=w.group, asker=bea, target=cal, note="Hi")
    assert (intro.status, intro.closed_by) == (IntroStatus.DECLINED, ClosedBy.BLOCKED)


@pytest.mark.parametrize("direction", ["ann_blocks", "bea_blocks"])
def test_recommendations_leave_out_people_kept_apart_both_ways(direction: str) -> None:
    w = world()
    bea = w.people["bea"]
    assert [r.name for r in recommendations_for_meeting(w.ann, w.meeting)] == ["Bea Baker", "Cal Chen", "Dee Diaz"]
    if direction == "ann_blocks":
        blocks.block_create(blocker=w.ann, blocked=bea)
    else:
        blocks.block_create(blocker=bea, blocked=w.ann)
    assert [r.name for r in recommendations_for_meeting(w.ann, w.meeting)] == ["Cal Chen", "Dee Diaz"]
    assert "Ann" not in [r.name for r in recommendations_for_meeting(bea, w.meeting)]
    blocks.block_delete(blocker=w.ann, blocked=bea)
    blocks.block_delete(blocker=bea, blocked=w.ann)
    assert [r.name for r in recommendations_for_meeting(w.ann, w.meeting)] == ["Bea Baker", "Cal Chen", "Dee Diaz"]


def test_suggested_introductions_leave_out_pairs_kept_apart() -> None:
    w = world()
    before = {frozenset((p.asker.pk, p.target.pk)) for p in suggested_introductions(w.facilitator, w.group)}
    pair = frozenset((w.ann.pk, w.people["bea"].pk))
    assert pair in before
    blocks.block_create(blocker=w.people["bea"], blocked=w.ann)
    after = {frozenset((p.asker.pk, p.target.pk)) for p in suggested_introductions(w.facilitator, w.group)}
    assert after == before - {pair}


@pytest.mark.parametrize("direction", ["ann_blocks", "bea_blocks"])
def test_the_ask_form_offers_nobody_kept_apart_from_the_asker(direction: str) -> None:
    from django.test import Client

    w = world()
    bea = w.people["bea"]
    client = Client()
    client.force_login(w.ann)
    before = client.get(f"/network/introductions/ask/?group={w.group.slug}")
    assert before.status_code == 200
    assert before.text.count(f'value="{bea.public_id}"') == 2  # target and introducer
    blocker, blocked = (w.ann, bea) if direction == "ann_blocks" else (bea, w.ann)
    blocks.block_create(blocker=blocker, blocked=blocked)
    after = client.get(f"/network/introductions/ask/?group={w.group.slug}")
    assert after.status_code == 200
    assert (f'value="{bea.public_id}"' in after.text, "Bea Baker" in after.text) == (False, False)
    assert after.text.count(f'value="{w.people["cal"].public_id}"') == 2
