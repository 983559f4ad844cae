"""Pseudonymous membership in the live room's socket frames (issue 12, item 4): a member who goes
by a pseudonym in the room's group is named by it in every frame, to every viewer, and nothing
in a frame carries their real name, email or profile id."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from roundtable.groups.models import Group, Membership
from roundtable.live.models import Suggestion

from .conftest import Room
from .test_consumers import Headers, close_all, enter

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _go_by(room: Room, name: str) -> None:
    Group.objects.filter(pk=room.group.pk).update(allow_pseudonyms=True)
    Membership.objects.filter(group=room.group, user=room.ann).update(pseudonym=name)


async def test_every_viewer_gets_the_pseudonym_and_nothing_behind_it(live: Room, heads: dict[str, Headers]) -> None:
    await database_sync_to_async(_go_by)(live, "Sparrow")
    ann_comm, _ = await enter(live.rt.pk, heads["ann"])
    comms = [ann_comm]
    for who in ("fac", "ben"):
        comm, frame = await enter(live.rt.pk, heads[who])
        comms.append(comm)
        names = sorted(p["name"] for p in frame["room"]["participants"])
        assert "Sparrow" in names
        assert "Ann" not in names
        text = json.dumps(frame)
        assert live.ann.email not in text
        assert live.ann.public_id not in text
    await close_all(*comms)


async def test_the_seat_and_a_suggestion_carry_the_pseudonym(live: Room) -> None:
    from roundtable.live import clock, services

    from .conftest import at, here

    def setup() -> dict:
        _go_by(live, "Sparrow")
        here(live)
        services.roundtable_start(roundtable=live.rt, by=live.fac, now=at(0))
        seat = clock.snapshot(live.fresh(), at(1))["turn"]
        Suggestion.objects.create(turn_id=seat["id"], author=live.ann, text="Try the alumni office.")
        return clock.snapshot(live.fresh(), at(2))

    snap = await database_sync_to_async(setup)()
    assert snap["turn"]["name"] == "Sparrow"  # Ann came first: her turn is the first
    assert [s["author"] for s in snap["turn"]["suggestions"]] == ["Sparrow"]
    assert sorted(t["name"] for t in snap["turns"]) == ["Ben", "Cat", "Sparrow"]
    text = json.dumps(snap, default=str)
    assert live.ann.public_id not in text
    assert live.ann.email not in text


async def test_the_summary_names_a_pseudonymous_author_and_leaves_them_out_of_people_to_contact(live: Room) -> None:
    from roundtable.live import selectors
    from roundtable.live.models import Participant, Turn

    def setup() -> selectors.TurnSummary:
        _go_by(live, "Sparrow")
        turn = Turn.objects.get(roundtable=live.rt, user=live.ben)
        Suggestion.objects.create(turn=turn, author=live.ann, text="Try the alumni office.", starred=True)
        for user in (live.ann, live.ben, live.cat):
            Participant.objects.get_or_create(roundtable=live.rt, user=user)
        return selectors.turn_summary(live.fresh(), live.ben)

    summary = await database_sync_to_async(setup)()
    assert [s.author_pseudonym for s in summary.starred] == ["Sparrow"]  # type: ignore[attr-defined]
    assert sorted(p.user_id for p in summary.people) == sorted([live.cat.pk, live.fac.pk])
