"""Pseudonymous membership in the live room's socket frames (issue 12, item 4): a member who goes
by a pseudonym in the room's group is named by it in every frame, to every viewer, and nothing
in a frame carries their real name, email or profile id."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async

from roundtable.groups.models import Group, Membership
from roundtable.live.models import Suggestion
from tests.factories import MembershipFactory, UserFactory

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


# ---------------------------------------------------------------- ids (issue 12, item 4: the seat's fix)
#
# Ann goes by "Sparrow" in the room's group (A) and by her real name in a second group (B). No
# frame or page of A's room may carry her account's id (anyone in both groups would see the same
# number under her real name in B's room), her real name, email or profile id: she is a handle
# scoped to A there (live/seats.py), while B's room shows her integer id as before.

REAL_NAME = "Annabel Quill"
NOBODY_HERE = "p0123456789abcdef"  # a handle of the right shape that belongs to nobody


def _pseudonymous_in_a_named_in_b(live: Room) -> Room:
    """Ann is Sparrow in the room's group, Annabel Quill in another group's open room, where she is here."""
    from roundtable.accounts.models import Profile

    from .conftest import here as come_in
    from .conftest import make_room

    Profile.objects.filter(user=live.ann).update(display_name=REAL_NAME)
    _go_by(live, "Sparrow")
    other = make_room()
    MembershipFactory(group=other.group, user=live.ann)
    come_in(other, live.ann)
    return other


def _ids(value: object) -> list[object]:
    """Every person id anywhere in a frame or snapshot (user_id, author_id, user_ids)."""
    found: list[object] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("user_id", "author_id"):
                found.append(item)
            found += _ids(item)
    elif isinstance(value, list):
        for item in value:
            found += _ids(item)
    return found


def _nothing_of_ann(live: Room, frame: dict, handle: str) -> None:
    ids = _ids(frame)
    assert live.ann.pk not in ids
    assert handle in ids
    text = json.dumps(frame)
    for secret in (REAL_NAME, "Annabel", live.ann.email, live.ann.public_id):
        assert secret not in text


async def test_no_frame_of_her_rooms_carries_her_account_id_for_any_viewer(
    live: Room, heads: dict[str, Headers]
) -> None:
    from roundtable.live import seats

    from .test_consumers import in_the_brainstorm, open_socket, quiet, until

    other = await database_sync_to_async(_pseudonymous_in_a_named_in_b)(live)
    handle = seats.handle(live.group.pk, live.ann.pk)
    fac, ann, ben, cat = await in_the_brainstorm(live, heads)
    screen = await open_socket(live.rt.pk, heads["fac"], query="view=display")
    await screen.receive_json_from()
    # Her turn is in the seat (she came first); she adds a suggestion to it, so every place an id
    # goes (you, turns, participants, the seat, a suggestion's author) names her.
    await ann.send_json_to({"action": "suggestion_add", "text": "Try the alumni office."})
    frames = {}
    for name, comm in (("fac", fac), ("ann", ann), ("ben", ben), ("cat", cat), ("display", screen)):
        frames[name] = await until(comm, lambda f: bool(f["room"]["turn"]["suggestions"]))
    for name, frame in frames.items():
        _nothing_of_ann(live, frame, handle)
        turn = frame["room"]["turn"]
        assert (turn["user_id"], [s["author_id"] for s in turn["suggestions"]]) == (handle, [handle])
        assert sorted(map(str, (p["user_id"] for p in frame["room"]["participants"]))) == sorted(
            [str(live.fac.pk), handle, str(live.ben.pk), str(live.cat.pk)]
        )
        assert frame["you"]["in_seat"] is (name == "ann")
    assert frames["ann"]["you"]["user_id"] == handle
    assert [f["you"]["user_id"] for f in (frames["fac"], frames["ben"])] == [live.fac.pk, live.ben.pk]
    await quiet(fac, ann, ben, cat, screen)
    # In the other group's room she is her account's id, under her real name; her handle there
    # is not this group's (so nothing links the two).
    assert seats.handle(other.group.pk, live.ann.pk) != handle
    b_ann, b_frame = await enter(other.rt.pk, heads["ann"])
    assert b_frame["you"]["user_id"] == live.ann.pk
    assert {(p["user_id"], p["name"]) for p in b_frame["room"]["participants"]} >= {(live.ann.pk, REAL_NAME)}
    assert handle not in _ids(b_frame)
    await close_all(fac, ann, ben, cat, screen, b_ann)


async def test_the_room_pages_carry_her_handle_not_her_id(live: Room) -> None:
    from django.test import Client

    from roundtable.live import seats

    from .test_views import _data, _url

    def pages() -> dict[str, str]:
        _pseudonymous_in_a_named_in_b(live)
        out = {}
        # Her own page, while she is going (her own name is in her account menu, so only ids here).
        client = Client()
        client.force_login(live.ann)
        out["ann"] = client.get(_url(live)).content.decode()
        # Then she is a walk-in (not going): the facilitator's let-someone-in form lists her.
        from roundtable.live.models import Turn
        from roundtable.meetings.models import Rsvp

        Rsvp.objects.filter(meeting=live.meeting, user=live.ann).delete()
        Turn.objects.filter(roundtable=live.rt, user=live.ann).delete()
        for who, path in (("fac", ""), ("ben", ""), ("fac-display", "display/")):
            client = Client()
            client.force_login(getattr(live, who.split("-")[0]))
            out[who] = client.get(_url(live, path)).content.decode()
        return out

    found = await database_sync_to_async(pages)()
    handle = seats.handle(live.group.pk, live.ann.pk)
    for who, page in found.items():
        assert live.ann.pk not in _ids(_data(page)), who
        assert f'value="{live.ann.pk}"' not in page
        if who != "ann":
            for secret in (REAL_NAME, "Annabel", live.ann.email, live.ann.public_id):
                assert secret not in page, who
    import re

    admit = re.search(r'<select id="admit-user".*?</select>', found["fac"], re.S)
    assert admit is not None
    options = re.findall(r'<option value="([^"]+)">([^<]+)</option>', admit.group(0))
    assert options == [(handle, "Sparrow")]
    assert _data(found["ann"])["you"]["user_id"] == handle
    assert _data(found["ben"])["you"]["user_id"] == live.ben.pk


async def _refusal(comm: object, message: dict) -> tuple[int, str]:
    from .test_consumers import until

    await comm.send_json_to(message)  # type: ignore[attr-defined]
    frame = await until(comm, lambda f: f["type"] == "error")  # type: ignore[arg-type]
    return frame["status"], frame["message"]


async def test_the_facilitator_runs_her_turn_by_her_handle(live: Room, heads: dict[str, Headers]) -> None:
    from roundtable.live import seats

    from .test_consumers import quiet, until

    def setup() -> None:
        _pseudonymous_in_a_named_in_b(live)
        from .conftest import here as come_in

        come_in(live, live.ben, live.cat)  # Ann is away

    await database_sync_to_async(setup)()
    handle = seats.handle(live.group.pk, live.ann.pk)
    fac, _ = await enter(live.rt.pk, heads["fac"])
    await fac.send_json_to({"action": "start"})
    frame = await until(fac, lambda f: f["room"]["status"] == "running")
    assert [(t["user_id"], t["here"]) for t in frame["room"]["turns"]] == [
        (live.ben.pk, True), (live.cat.pk, True), (handle, False)
    ]  # fmt: skip

    def order(f: dict) -> list[object]:
        return [t["user_id"] for t in f["room"]["turns"]]

    await fac.send_json_to({"action": "presence_set", "user_id": handle, "present": True})
    frame = await until(fac, lambda f: any(p["user_id"] == handle for p in f["room"]["participants"]))
    assert [p["marked"] for p in frame["room"]["participants"] if p["user_id"] == handle] == [True]
    await fac.send_json_to({"action": "bring_forward", "user_id": handle})
    frame = await until(fac, lambda f: order(f) == [live.ben.pk, handle, live.cat.pk])
    await fac.send_json_to({"action": "order_move", "user_id": handle, "delta": 1})
    await until(fac, lambda f: order(f) == [live.ben.pk, live.cat.pk, handle])
    await fac.send_json_to({"action": "order_set", "user_ids": [handle, live.cat.pk]})
    await until(fac, lambda f: order(f) == [live.ben.pk, handle, live.cat.pk])
    await fac.send_json_to({"action": "skip_turn", "user_id": handle})
    frame = await until(fac, lambda f: order(f) == [live.ben.pk, live.cat.pk, handle])
    assert [t["status"] for t in frame["room"]["turns"]] == ["active", "pending", "skipped"]
    await quiet(fac)

    # Someone who joined from their device is named by the pseudonym when "not here" is refused.
    await fac.send_json_to({"action": "presence_set", "user_id": handle, "present": False})
    await until(fac, lambda f: all(p["user_id"] != handle for p in f["room"]["participants"]))
    ann, _ = await enter(live.rt.pk, heads["ann"])
    await until(fac, lambda f: [p["marked"] for p in f["room"]["participants"] if p["user_id"] == handle] == [False])
    assert await _refusal(fac, {"action": "presence_set", "user_id": handle, "present": False}) == (
        409, "Sparrow joined from their own device: skip or move their turn instead."
    )  # fmt: skip
    await close_all(fac, ann)


async def test_unknown_and_foreign_handles_and_her_integer_id_answer_as_nobody(
    live: Room, heads: dict[str, Headers], settings: Any
) -> None:
    from roundtable.live import seats

    settings.LIVE_SOCKET_BURST = 100  # many refusals in a row from one socket

    other = await database_sync_to_async(_pseudonymous_in_a_named_in_b)(live)
    fac, _ = await enter(live.rt.pk, heads["fac"])
    elsewhere = seats.handle(other.group.pk, live.ann.pk)
    stranger_id = other.ben.pk  # a real account, not in this group
    for action in (
        {"action": "skip_turn"},
        {"action": "bring_forward"},
        {"action": "presence_set", "present": True},
        {"action": "order_move", "delta": 1},
    ):
        nobody = await _refusal(fac, {**action, "user_id": stranger_id})
        assert nobody[0] == 409
        for who in (NOBODY_HERE, elsewhere, live.ann.pk):
            assert await _refusal(fac, {**action, "user_id": who}) == nobody, (action, who)
    waiting = [live.ben.pk, live.cat.pk]
    order_refused = (400, "List every member still waiting for a turn exactly once.")
    for who in (NOBODY_HERE, elsewhere, live.ann.pk):
        assert await _refusal(fac, {"action": "order_set", "user_ids": [who, *waiting]}) == order_refused
    # Letting her in by her integer id answers as for any account outside the group.
    from roundtable.live.services import ADMIT_MEMBERS_ONLY

    assert await _refusal(fac, {"action": "admit", "user_id": stranger_id}) == (409, ADMIT_MEMBERS_ONLY)
    assert await _refusal(fac, {"action": "admit", "user_id": live.ann.pk}) == (409, ADMIT_MEMBERS_ONLY)
    for who in (NOBODY_HERE, elsewhere):
        assert await _refusal(fac, {"action": "admit", "user_id": who}) == (404, "There is no such person.")
    # Not an id at all: a clear 400, the socket lives on.
    for bad in (1.5, "p" * 41, None, ["x"]):
        status, message = await _refusal(fac, {"action": "skip_turn", "user_id": bad})
        assert (status, message.startswith("The room couldn't tell the person from that.")) == (400, True)
    await close_all(fac)


async def test_a_walk_in_who_goes_by_a_pseudonym_is_let_in_by_her_handle(live: Room, heads: dict[str, Headers]) -> None:
    from roundtable.live import seats

    from .test_consumers import until

    def walk_in() -> int:
        dee = UserFactory(name="Deborah Real")
        MembershipFactory(group=live.group, user=dee, pseudonym="Wren")
        Group.objects.filter(pk=live.group.pk).update(allow_pseudonyms=True)
        return dee.pk

    dee = await database_sync_to_async(walk_in)()
    handle = seats.handle(live.group.pk, dee)
    fac, _ = await enter(live.rt.pk, heads["fac"])
    await fac.send_json_to({"action": "admit", "user_id": handle})
    frame = await until(fac, lambda f: any(p["user_id"] == handle for p in f["room"]["participants"]))
    assert [p["name"] for p in frame["room"]["participants"] if p["user_id"] == handle] == ["Wren"]
    assert dee not in _ids(frame)
    assert "Deborah" not in json.dumps(frame)
    await close_all(fac)


async def test_a_block_still_hides_her_suggestions_behind_her_handle(live: Room, heads: dict[str, Headers]) -> None:
    from roundtable.accounts import blocks

    from .test_consumers import in_the_brainstorm, quiet, until

    await database_sync_to_async(_go_by)(live, "Sparrow")
    fac, ann, ben, cat = await in_the_brainstorm(live, heads)
    await ann.send_json_to({"action": "suggestion_add", "text": "From Sparrow"})
    await cat.send_json_to({"action": "suggestion_add", "text": "From Cat"})
    for comm in (fac, ann, ben, cat):
        await until(comm, lambda f: len(f["room"]["turn"]["suggestions"]) == 2)
    await quiet(fac, ann, ben, cat)

    def texts(frame: dict) -> list[str]:
        return [s["text"] for s in frame["room"]["turn"]["suggestions"]]

    # Ben blocks her while his socket is open: his copy leaves her suggestion out at once.
    await database_sync_to_async(blocks.block_create)(blocker=live.ben, blocked=live.ann)
    assert texts(await until(ben, lambda f: f["type"] == "snapshot")) == ["From Cat"]
    # The next change, and a socket he opens after the block, leave it out too; others see both.
    await cat.send_json_to({"action": "suggestion_add", "text": "More from Cat"})
    assert texts(await until(ben, lambda f: "More from Cat" in texts(f))) == ["From Cat", "More from Cat"]
    assert texts(await until(fac, lambda f: "More from Cat" in texts(f))) == [
        "From Sparrow", "From Cat", "More from Cat"
    ]  # fmt: skip
    late, first = await enter(live.rt.pk, heads["ben"])
    assert texts(first) == ["From Cat", "More from Cat"]
    await close_all(fac, ann, ben, cat, late)


async def test_her_question_in_a_speakers_queue_carries_her_handle() -> None:
    from roundtable.groups.models import Kind
    from roundtable.live import clock, seats, services

    from .conftest import at, make_room

    def setup() -> tuple[Room, dict]:
        room = make_room(kind=Kind.SPEAKERS)
        _go_by(room, "Sparrow")
        for user in (room.ann, room.ben):
            services.participant_join(roundtable=room.rt, user=user, now=at(0))
        services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
        services.question_raise(roundtable=room.rt, by=room.ann, text="How long should a resume be?", now=at(1))
        services.question_raise(roundtable=room.rt, by=room.ben, text="Cover letters?", now=at(2))
        return room, clock.snapshot(room.fresh(), at(3))

    room, snap = await database_sync_to_async(setup)()
    handle = seats.handle(room.group.pk, room.ann.pk)
    assert [(q["user_id"], q["name"]) for q in snap["questions"]] == [(handle, "Sparrow"), (room.ben.pk, "Ben")]
    assert room.ann.pk not in _ids(snap)
