"""Moderation reaches the live room at once, sockets already open included (issue 12, item 3):
a mute refuses the person's suggestions and questions with a clear 403 frame, a hidden
suggestion leaves every screen, a ban closes the banned person's socket. Through the real ASGI
application and channel layer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.live.consumers import CLOSE_FORBIDDEN
from roundtable.live.models import Suggestion
from roundtable.safety import services
from tests.live.conftest import Room
from tests.live.test_consumers import Headers, close_all, closed_with, in_the_brainstorm, quiet, until

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _texts(frame: dict) -> list[str]:
    return [s["text"] for s in frame["room"]["turn"]["suggestions"]]


@database_sync_to_async
def _mute(room: Room, person: User, until: object = None) -> None:
    services.member_mute(group=room.group, person=person, by=room.fac, reason="Off-topic, again.", until=until)


@database_sync_to_async
def _unmute(room: Room, person: User) -> None:
    services.member_unmute(group=room.group, person=person, by=room.fac)


async def test_a_mute_refuses_suggestions_on_a_socket_already_open(live: Room, heads: dict[str, Headers]) -> None:
    fac, ann, ben, cat = await in_the_brainstorm(live, heads)
    await _mute(live, live.ben)
    await ben.send_json_to({"action": "suggestion_add", "text": "Still here", "request_id": 7})
    frame = await until(ben, lambda f: f["type"] == "error")
    assert frame == {
        "type": "error",
        "status": 403,
        "message": "A facilitator has paused your posting in this group's rooms until a facilitator lifts the pause.",
        "request_id": 7,
    }
    assert await fac.receive_nothing(timeout=0.3)
    assert await database_sync_to_async(Suggestion.objects.count)() == 0
    # Others still post; the unmuted person posts again at once.
    await cat.send_json_to({"action": "suggestion_add", "text": "From Cat"})
    await until(fac, lambda f: _texts(f) == ["From Cat"])
    await _unmute(live, live.ben)
    await ben.send_json_to({"action": "suggestion_add", "text": "From Ben"})
    await until(fac, lambda f: _texts(f) == ["From Cat", "From Ben"])
    await close_all(fac, ann, ben, cat)


async def test_a_mute_with_an_end_says_until_when(live: Room, heads: dict[str, Headers]) -> None:
    fac, ann, ben, cat = await in_the_brainstorm(live, heads)
    end = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    await _mute(live, live.ben, until=end)
    await ben.send_json_to({"action": "suggestion_add", "text": "Still here"})
    frame = await until(ben, lambda f: f["type"] == "error")
    from roundtable.safety.mutes import when

    assert (
        frame["message"]
        == f"A facilitator has paused your posting in this group's rooms until {when(end, live.group.time_zone)}."
    )
    await close_all(fac, ann, ben, cat)


async def test_hiding_a_suggestion_takes_it_off_every_open_screen(live: Room, heads: dict[str, Headers]) -> None:
    fac, ann, ben, cat = await in_the_brainstorm(live, heads)
    await ben.send_json_to({"action": "suggestion_add", "text": "Rude words"})
    await cat.send_json_to({"action": "suggestion_add", "text": "Kind words"})
    for comm in (fac, ann, ben, cat):
        await until(comm, lambda f: _texts(f) == ["Rude words", "Kind words"])
    await quiet(fac, ann, ben, cat)
    rude = await database_sync_to_async(lambda: Suggestion.objects.get(text="Rude words").pk)()
    await database_sync_to_async(services.content_hide)(by=live.fac, kind="suggestion", ref=str(rude), reason="Rude")
    for comm in (fac, ann, ben, cat):
        frame = await until(comm, lambda f: f["type"] == "snapshot")
        assert _texts(frame) == ["Kind words"]
    await database_sync_to_async(services.content_unhide)(by=live.fac, kind="suggestion", ref=str(rude))
    for comm in (fac, ann):
        frame = await until(comm, lambda f: f["type"] == "snapshot")
        assert _texts(frame) == ["Rude words", "Kind words"]
    await close_all(fac, ann, ben, cat)


async def test_a_ban_closes_the_banned_persons_open_socket(live: Room, heads: dict[str, Headers]) -> None:
    fac, ann, ben, cat = await in_the_brainstorm(live, heads)
    await database_sync_to_async(services.member_ban)(group=live.group, person=live.ann, by=live.fac, reason="Threats")
    assert await until(ann, lambda f: f["type"] == "revoked") == {
        "type": "revoked",
        "message": "You no longer have access to this room.",
    }
    assert await closed_with(ann) == CLOSE_FORBIDDEN
    frame = await until(ben, lambda f: "Ann" not in [p["name"] for p in f["room"]["participants"]])
    assert frame["you"]["user_id"] == live.ben.pk
    await close_all(fac, ben, cat)
