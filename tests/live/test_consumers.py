"""The live room's WebSocket, end to end through the real ASGI application: session auth,
origin check, routing, consumer, services, the channel layer and the database."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.utils import timezone

import config.asgi
from roundtable.accounts.models import User
from roundtable.groups import services as group_services
from roundtable.groups.models import Kind, Membership, MembershipState
from roundtable.live import broadcast, clock
from roundtable.live.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND
from roundtable.live.models import Participant, Question, QuestionStatus, Roundtable, Suggestion
from tests.factories import MembershipFactory, UserFactory

from .conftest import Room, make_room

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

Headers = list[tuple[bytes, bytes]]
WAIT = 3  # seconds to wait for a frame that must come (the database runs in a thread)


def cookie_headers(user: User | None, origin: bytes = b"http://testserver") -> Headers:
    headers = [(b"host", b"testserver"), (b"origin", origin)]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return headers


async def socket_path(roundtable_id: int) -> str:
    """The room's socket address: its meeting's public identifier (a made-up one for no room)."""
    found = await database_sync_to_async(
        lambda: Roundtable.objects.filter(pk=roundtable_id).values_list("meeting__public_id", flat=True).first()
    )()
    return f"/ws/rooms/{found or 'zzzzzzzzzzzz'}/"


async def open_socket(roundtable_id: int, headers: Headers, app: Any = None, query: str = "") -> WebsocketCommunicator:
    path = await socket_path(roundtable_id) + (f"?{query}" if query else "")
    comm = WebsocketCommunicator(app or config.asgi.application, path, headers=headers)
    connected, _ = await comm.connect(timeout=WAIT)
    assert connected
    return comm


async def enter(roundtable_id: int, headers: Headers, app: Any = None) -> tuple[WebsocketCommunicator, dict]:
    comm = await open_socket(roundtable_id, headers, app)
    frame = await comm.receive_json_from(timeout=WAIT)
    assert frame["type"] == "snapshot"
    return comm, frame


async def closed_with(comm: WebsocketCommunicator) -> int:
    output = await comm.receive_output(timeout=WAIT)
    assert output["type"] == "websocket.close"
    return int(output["code"])


async def until(comm: WebsocketCommunicator, wanted: Callable[[dict], bool]) -> dict:
    """Read frames until one matches (snapshots of intermediate versions may come first)."""
    while True:
        frame = await comm.receive_json_from(timeout=WAIT)
        if wanted(frame):
            return frame


async def quiet(*comms: WebsocketCommunicator) -> None:
    """Let every socket catch up with the room, and drop what it was sent."""
    for comm in comms:
        while not await comm.receive_nothing(timeout=0.15):
            await comm.receive_from()


def _db_version(roundtable_id: int) -> int:
    return Roundtable.objects.get(pk=roundtable_id).version


db_version = database_sync_to_async(_db_version)


async def close_all(*comms: WebsocketCommunicator) -> None:
    for comm in comms:
        await comm.disconnect()


# ---------------------------------------------------------------- connecting


async def test_a_member_who_is_going_gets_the_whole_room(live: Room, heads: dict[str, Headers]) -> None:
    comm, frame = await enter(live.rt.pk, heads["ann"])
    version = await db_version(live.rt.pk)
    assert frame["room"]["version"] == version
    assert frame["room"]["id"] == live.rt.pk
    assert frame["room"]["status"] == "open"
    assert frame["you"] == {"user_id": live.ann.pk, "can_control": False, "in_seat": False, "status_offer": None}
    # Joining put Ann in the room; the broadcast of that join (same version) is not sent twice.
    assert sorted(p["name"] for p in frame["room"]["participants"]) == ["Ann", "Fay"]
    assert await comm.receive_nothing(timeout=0.3)
    await close_all(comm)


async def test_the_facilitator_is_told_they_have_the_controls(live: Room, heads: dict[str, Headers]) -> None:
    comm, frame = await enter(live.rt.pk, heads["fac"])
    assert frame["you"] == {"user_id": live.fac.pk, "can_control": True, "in_seat": False, "status_offer": None}
    await close_all(comm)


@pytest.mark.parametrize("who", ["stranger", "member_not_going", "removed_member"])
async def test_people_who_may_not_enter_are_refused_as_if_no_room(live: Room, who: str) -> None:
    def person() -> User:
        if who == "stranger":
            return UserFactory()
        if who == "member_not_going":
            return MembershipFactory(group=live.group).user
        Membership.objects.filter(group=live.group, user=live.ann).update(state=MembershipState.REMOVED)
        return live.ann

    headers = await database_sync_to_async(lambda: cookie_headers(person()))()
    comm = await open_socket(live.rt.pk, headers)
    # The same close as for a room that does not exist: nothing tells them it does.
    assert await closed_with(comm) == CLOSE_NOT_FOUND
    joined = await database_sync_to_async(lambda: Participant.objects.filter(roundtable=live.rt).count())()
    assert joined == 1  # only the facilitator who opened it


async def test_a_forged_room_id_is_refused(live: Room, heads: dict[str, Headers]) -> None:
    comm = await open_socket(live.rt.pk + 1000, heads["ann"])
    assert await closed_with(comm) == CLOSE_NOT_FOUND


async def test_the_socket_answers_only_to_the_meetings_public_id(live: Room, heads: dict[str, Headers]) -> None:
    path = await socket_path(live.rt.pk)
    public_id = await database_sync_to_async(lambda: live.rt.meeting.public_id)()
    assert path == f"/ws/rooms/{public_id}/"
    # The counting id is no address at all: no route takes it.
    for numeric in (f"/ws/rooms/{live.rt.pk}/", f"/ws/rooms/{live.rt.meeting_id}/"):
        comm = WebsocketCommunicator(config.asgi.application, numeric, headers=heads["ann"])
        with pytest.raises(ValueError, match="No route found"):
            await comm.connect(timeout=WAIT)
    # A public id of the right shape with no meeting answers as a forbidden room does.
    comm = await open_socket(live.rt.pk + 1000, heads["ann"])
    assert await closed_with(comm) == CLOSE_NOT_FOUND


async def test_an_anonymous_visitor_is_refused(live: Room) -> None:
    comm = await open_socket(live.rt.pk, cookie_headers(None))
    assert await closed_with(comm) == CLOSE_FORBIDDEN


async def test_a_foreign_origin_is_refused_at_the_handshake(live: Room) -> None:
    headers = await database_sync_to_async(lambda: cookie_headers(live.ann, origin=b"https://evil.example"))()
    comm = WebsocketCommunicator(config.asgi.application, await socket_path(live.rt.pk), headers=headers)
    connected, _ = await comm.connect(timeout=WAIT)
    assert connected is False
    no_origin = [h for h in headers if h[0] != b"origin"]
    comm = WebsocketCommunicator(config.asgi.application, await socket_path(live.rt.pk), headers=no_origin)
    connected, _ = await comm.connect(timeout=WAIT)
    assert connected is False


# ---------------------------------------------------------------- refusals


FACILITATOR_ONLY: list[dict[str, Any]] = [
    {"action": "start"},
    {"action": "pause"},
    {"action": "resume"},
    {"action": "add_minute"},
    {"action": "next_phase"},
    {"action": "next_turn"},
    {"action": "skip_turn", "user_id": 0},
    {"action": "end"},
    {"action": "nudge"},
    {"action": "order_move", "user_id": 0, "delta": 1},
    {"action": "order_shuffle"},
    {"action": "order_by_arrival"},
    {"action": "order_set", "user_ids": []},
    {"action": "plan_set", "phases": [{"label": "Talk", "seconds": 60}]},
    {"action": "plan_fit"},
    {"action": "admit", "user_id": 0},
]


async def test_a_member_cannot_run_the_room_and_nothing_changes(live: Room, heads: dict[str, Headers]) -> None:
    ann, _ = await enter(live.rt.pk, heads["ann"])
    ben, _ = await enter(live.rt.pk, heads["ben"])
    await quiet(ann, ben)
    before = await db_version(live.rt.pk)
    for number, message in enumerate(FACILITATOR_ONLY):
        params = dict(message)
        if "user_id" in params:
            params["user_id"] = live.cat.pk
        if "user_ids" in params:
            params["user_ids"] = [live.cat.pk, live.ben.pk, live.ann.pk]
        await ann.send_json_to({**params, "request_id": number})
        reply = await ann.receive_json_from(timeout=WAIT)
        assert reply == {
            "type": "error",
            "message": "Only a facilitator of this group can do that.",
            "status": 403,
            "request_id": number,
        }, message["action"]
    assert await db_version(live.rt.pk) == before
    assert (await database_sync_to_async(lambda: live.fresh().status)()) == "open"
    assert await ben.receive_nothing(timeout=0.3)  # the others saw nothing happen
    await close_all(ann, ben)


async def test_bad_messages_get_a_clear_400_and_the_socket_lives_on(live: Room, heads: dict[str, Headers]) -> None:
    fac, _ = await enter(live.rt.pk, heads["fac"])
    before = await db_version(live.rt.pk)

    async def error_for(text: str | None = None, data: bytes | None = None) -> dict:
        await fac.send_to(text_data=text, bytes_data=data)
        reply = await fac.receive_json_from(timeout=WAIT)
        assert reply["type"] == "error"
        assert reply["status"] == 400
        return reply

    unreadable = "This page sent a message the room couldn't read. Reload the page and try again."
    assert (await error_for("{not json"))["message"] == unreadable
    assert (await error_for("[1, 2]"))["message"] == unreadable
    assert (await error_for(data=b"\x00\x01"))["message"] == unreadable
    assert (await error_for('{"request_id": 7}'))["request_id"] == 7
    reply = await error_for('{"action": "fly", "request_id": "r1"}')
    assert reply == {
        "type": "error",
        "message": "This page asked for something the room doesn't do. Reload the page and try again.",
        "status": 400,
        "request_id": "r1",
    }
    # No field names in what a person reads: the thing, in the page's words, and what to do.
    reply = await error_for('{"action": "skip_turn"}')
    assert reply["message"] == "The room couldn't tell the person from that. Reload the page and try again."
    reply = await error_for('{"action": "skip_turn", "user_id": true}')
    assert reply["message"] == "The room couldn't tell the person from that. Reload the page and try again."
    reply = await error_for('{"action": "order_set", "user_ids": "1,2"}')
    assert reply["message"] == (
        "The room couldn't tell the order of the people waiting from that. Reload the page and try again."
    )
    reply = await error_for('{"action": "plan_set", "phases": "long"}')
    assert reply["message"] == "A turn has between 1 and 8 phases."
    # Plans are whole minutes: 136 seconds is refused with the reason, never stored.
    reply = await error_for('{"action": "plan_set", "phases": [{"label": "Update", "seconds": 136}]}')
    assert reply["message"] == "Give phase 1 a length in whole minutes, from 1 to 60."
    reply = await error_for("x" * 70_000)
    assert reply["message"] == "That is too long for the room: shorten it and try again."
    assert await db_version(live.rt.pk) == before
    await fac.send_json_to({"action": "ping", "request_id": 9})
    pong = await fac.receive_json_from(timeout=WAIT)
    assert pong["type"] == "pong"
    assert pong["request_id"] == 9
    assert pong["server_now"].endswith("+00:00")
    await close_all(fac)


async def test_a_refusal_by_the_room_state_is_a_409(live: Room, heads: dict[str, Headers]) -> None:
    fac, _ = await enter(live.rt.pk, heads["fac"])
    await fac.send_json_to({"action": "pause"})
    reply = await fac.receive_json_from(timeout=WAIT)
    assert reply == {"type": "error", "message": "Start the roundtable first.", "status": 409, "request_id": None}
    await close_all(fac)


# ---------------------------------------------------------------- broadcast


async def test_a_facilitator_action_reaches_every_member(live: Room, heads: dict[str, Headers]) -> None:
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    ben, _ = await enter(live.rt.pk, heads["ben"])
    await quiet(fac, ann, ben)
    await fac.send_json_to({"action": "start", "request_id": 1})
    version = None
    for comm, user in ((ann, live.ann), (ben, live.ben), (fac, live.fac)):
        frame = await comm.receive_json_from(timeout=WAIT)
        assert frame["type"] == "snapshot"
        assert frame["room"]["status"] == "running"
        assert frame["room"]["turn"]["name"] == "Ann"
        assert frame["room"]["phase_key"] == "update"
        assert frame["you"]["user_id"] == user.pk
        assert frame["you"]["in_seat"] is (user == live.ann)
        version = frame["room"]["version"]
    assert version == await db_version(live.rt.pk)
    await close_all(fac, ann, ben)


async def in_the_brainstorm(
    live: Room, heads: dict[str, Headers]
) -> tuple[WebsocketCommunicator, WebsocketCommunicator, WebsocketCommunicator, WebsocketCommunicator]:
    """The facilitator's, Ann's, Ben's and Cat's sockets, the room started and moved on to the
    brainstorm of Ann's turn, every frame so far read."""
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    ben, _ = await enter(live.rt.pk, heads["ben"])
    cat, _ = await enter(live.rt.pk, heads["cat"])
    for message in ({"action": "start"}, {"action": "next_phase"}, {"action": "next_phase"}):
        await fac.send_json_to(message)
    await until(ben, lambda f: f["room"]["phase_key"] == "brainstorm")
    await quiet(fac, ann, ben, cat)
    return fac, ann, ben, cat


async def test_a_suggestion_in_the_brainstorm_appears_on_every_screen(live: Room, heads: dict[str, Headers]) -> None:
    fac, ann, ben, cat = await in_the_brainstorm(live, heads)

    await ann.send_json_to({"action": "challenge_set", "text": "No replies from recruiters"})
    await ben.send_json_to(
        {"action": "suggestion_add", "text": "Ask Dana at Acme", "contact": "Dana", "link": "https://acme.example"}
    )
    for comm in (fac, ann, cat, ben):
        frame = await until(comm, lambda f: bool(f["room"]["turn"]["suggestions"]))
        turn = frame["room"]["turn"]
        assert turn["challenge"] == "No replies from recruiters"
        assert [(s["text"], s["author"], s["contact"], s["link"], s["starred"]) for s in turn["suggestions"]] == [
            ("Ask Dana at Acme", "Ben", "Dana", "https://acme.example", False)
        ]
    suggestion_id = turn["suggestions"][0]["id"]

    # Only the member in the seat stars it; a star shows on every screen.
    await ben.send_json_to({"action": "suggestion_star", "suggestion_id": suggestion_id, "starred": True})
    assert (await ben.receive_json_from(timeout=WAIT))["status"] == 403
    await ann.send_json_to({"action": "suggestion_star", "suggestion_id": suggestion_id, "starred": True})
    frame = await until(cat, lambda f: f["room"]["turn"]["suggestions"][0]["starred"])
    assert frame["room"]["version"] == await db_version(live.rt.pk)

    # A turn_id from a turn no longer in the seat is refused rather than landing on the next.
    seat = frame["room"]["turn"]["id"]
    await fac.send_json_to({"action": "next_turn"})
    await until(ann, lambda f: f["room"]["turn"]["name"] == "Ben")
    await ann.send_json_to({"action": "commitment_add", "text": "Email Dana", "turn_id": seat})
    reply = await ann.receive_json_from(timeout=WAIT)
    assert reply == {
        "type": "error",
        "message": "The room has moved on to another turn.",
        "status": 409,
        "request_id": None,
    }
    await ben.send_json_to({"action": "commitment_add", "text": "Email Dana", "due_on": "next week"})
    reply = await until(ben, lambda f: f["type"] == "error")
    unreadable = "That isn't a date the room can read: pick the day from the calendar, or leave it empty."
    assert reply["message"] == unreadable
    await ben.send_json_to({"action": "commitment_add", "text": "Email Dana", "due_on": "9999-12-31"})
    reply = await until(ben, lambda f: f["type"] == "error")
    assert reply["message"] == unreadable
    # The socket uses the real clock: a week from today is always a day the room takes.
    next_week = (timezone.now().astimezone(ZoneInfo(live.meeting.time_zone)).date() + timedelta(days=7)).isoformat()
    await ben.send_json_to({"action": "commitment_add", "text": "Email Dana", "due_on": next_week})
    frame = await until(cat, lambda f: bool(f["room"]["turn"]["commitments"]))
    assert frame["room"]["turn"]["commitments"][0]["due_on"] == next_week
    count = await database_sync_to_async(lambda: Suggestion.objects.filter(starred=True).count())()
    assert count == 1
    await close_all(fac, ann, ben, cat)


def _full_names(room: Room) -> None:
    from roundtable.accounts.models import Profile

    for user, name in ((room.ann, "Ann Archer"), (room.ben, "Ben Brook"), (room.fac, "Fay Field")):
        Profile.objects.filter(user=user).update(display_name=name)


async def test_a_display_screen_gets_first_names_and_nothing_personal(live: Room, heads: dict[str, Headers]) -> None:
    await database_sync_to_async(_full_names)(live)
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    ben, _ = await enter(live.rt.pk, heads["ben"])
    for message in ({"action": "start"}, {"action": "next_phase"}, {"action": "next_phase"}):
        await fac.send_json_to(message)
    await until(ben, lambda f: f["room"]["phase_key"] == "brainstorm")
    await ann.send_json_to({"action": "challenge_set", "text": "No replies from recruiters"})
    await ann.send_json_to({"action": "commitment_add", "text": "Email Dana"})
    await ben.send_json_to(
        {"action": "suggestion_add", "text": "Ask Dana", "contact": "Dana", "link": "https://a.example"}
    )
    await until(ann, lambda f: bool(f["room"]["turn"] and f["room"]["turn"]["suggestions"]))
    await quiet(fac, ann, ben)

    # The facilitator opens the display on the projector: the same room, first names only.
    screen = await open_socket(live.rt.pk, heads["fac"], query="view=display")
    first = await screen.receive_json_from(timeout=WAIT)
    for frame in (first, await _after_a_change(fac, screen)):
        room = frame["room"]
        assert frame["you"] == {"user_id": live.fac.pk, "can_control": False, "in_seat": False, "status_offer": None}
        assert [t["name"] for t in room["turns"]] == ["Ann", "Ben", "Cat"]
        assert sorted(p["name"] for p in room["participants"]) == ["Ann", "Ben", "Fay"]
        assert (room["turn"]["name"], room["turn"]["challenge"], room["turn"]["commitments"]) == ("Ann", "", [])
        assert [(s["text"], s["author"], s["contact"], s["link"]) for s in room["turn"]["suggestions"]] == [
            ("Ask Dana", "Ben", "", "")
        ]
    # The room's own screens still carry full names and details.
    frame = await until(ann, lambda f: f["type"] == "snapshot")
    assert (frame["room"]["turn"]["name"], frame["room"]["turn"]["challenge"]) == (
        "Ann Archer",
        "No replies from recruiters",
    )
    assert frame["room"]["turn"]["suggestions"][0]["contact"] == "Dana"
    await close_all(fac, ann, ben, screen)


async def _after_a_change(fac: WebsocketCommunicator, screen: WebsocketCommunicator) -> dict:
    await fac.send_json_to({"action": "add_minute"})
    return await until(screen, lambda f: f["room"]["extra_seconds"] == 60)


# ---------------------------------------------------------------- reconnect and restart


def _remaining_now(roundtable_id: int) -> float | None:
    rt = Roundtable.objects.get(pk=roundtable_id)
    return clock.remaining_seconds(rt, timezone.now())


remaining_now = database_sync_to_async(_remaining_now)


async def test_a_reconnecting_socket_gets_the_current_state(live: Room, heads: dict[str, Headers]) -> None:
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    await fac.send_json_to({"action": "start"})
    await fac.send_json_to({"action": "add_minute"})
    before = await until(ann, lambda f: f["room"]["extra_seconds"] == 60)
    await ann.disconnect()

    again, frame = await enter(live.rt.pk, heads["ann"])
    assert frame["room"]["version"] == before["room"]["version"] == await db_version(live.rt.pk)
    assert frame["room"]["turn"]["name"] == "Ann"
    assert frame["you"]["in_seat"] is True
    assert frame["room"]["remaining_seconds"] == pytest.approx(await remaining_now(live.rt.pk), abs=1)
    assert frame["room"]["remaining_seconds"] == pytest.approx(before["room"]["remaining_seconds"], abs=1)
    await close_all(fac, again)


async def test_after_a_restart_the_room_is_whole(live: Room, heads: dict[str, Headers]) -> None:
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    for message in ({"action": "start"}, {"action": "next_phase"}, {"action": "next_phase"}, {"action": "pause"}):
        await fac.send_json_to(message)
    await fac.send_json_to({"action": "challenge_set", "text": "Stuck at final rounds"})
    before = await until(ann, lambda f: f["room"]["paused"] and f["room"]["turn"]["challenge"] != "")
    await close_all(fac, ann)

    # A new process: a fresh application and channel layer, nothing in memory from before.
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    fresh_app = importlib.reload(config.asgi).application
    ben, frame = await enter(live.rt.pk, heads["ben"], app=fresh_app)
    room = frame["room"]
    assert room["version"] == await db_version(live.rt.pk)
    assert (room["status"], room["phase_key"], room["turn"]["name"], room["turn"]["challenge"]) == (
        "paused",
        "brainstorm",
        "Ann",
        "Stuck at final rounds",
    )
    # Paused: the clock stood still while everything was down.
    assert room["remaining_seconds"] == pytest.approx(before["room"]["remaining_seconds"], abs=0.01)
    # Ben arrives after the start: his turn moves behind the people here, ahead of Cat (away).
    assert [t["name"] for t in room["turns"]] == ["Ann", "Ben", "Cat"]
    await close_all(ben)


# ---------------------------------------------------------------- losing access


def _remove(room: Room, user: User, *, broadcast_it: bool) -> None:
    with transaction.atomic():
        membership = Membership.objects.get(group=room.group, user=user)
        group_services.membership_remove(membership=membership, by=room.fac, ban=False)
        if broadcast_it:
            broadcast.access_revoked(room.group.pk, user.pk)


async def test_a_removed_member_is_disconnected_at_once(live: Room, heads: dict[str, Headers]) -> None:
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    ben, _ = await enter(live.rt.pk, heads["ben"])
    await quiet(fac, ann, ben)

    await database_sync_to_async(_remove)(live, live.ann, broadcast_it=True)
    assert await ann.receive_json_from(timeout=WAIT) == {
        "type": "revoked",
        "message": "You no longer have access to this room.",
    }
    assert await closed_with(ann) == CLOSE_FORBIDDEN
    # The others see Ann gone from the room; Ann's socket processes nothing more.
    frame = await until(ben, lambda f: "Ann" not in [p["name"] for p in f["room"]["participants"]])
    assert frame["you"]["user_id"] == live.ben.pk
    await ann.send_json_to({"action": "ping"})
    await fac.send_json_to({"action": "start"})
    await until(ben, lambda f: f["room"]["status"] == "running")
    assert await ann.receive_nothing(timeout=0.3)
    await close_all(fac, ben, ann)


async def test_access_is_checked_again_on_every_action(live: Room, heads: dict[str, Headers]) -> None:
    ann, _ = await enter(live.rt.pk, heads["ann"])
    # The account closed by a bare UPDATE, which tells no socket: the next action finds out,
    # before anything is done.
    await quiet(ann)
    await database_sync_to_async(lambda: User.objects.filter(pk=live.ann.pk).update(is_active=False))()
    await ann.send_json_to({"action": "question_raise", "text": "Anyone hiring?", "request_id": 3})
    assert await ann.receive_json_from(timeout=WAIT) == {
        "type": "revoked",
        "message": "You no longer have access to this room.",
    }
    assert await closed_with(ann) == CLOSE_FORBIDDEN


async def test_a_ping_reads_nothing_and_tells_only_the_time(
    live: Room, heads: dict[str, Headers], settings: Any
) -> None:
    # A ping is answered from the event loop: no access check (the room's timer does that for
    # every socket, and an action checks before it acts), so it is answered even for an account
    # closed a moment ago by a bare UPDATE, which tells no socket; nothing of the room comes with it.
    settings.LIVE_ACCESS_RECHECK_SECONDS = 3600  # the timer stays out of this test
    ann, _ = await enter(live.rt.pk, heads["ann"])
    await quiet(ann)
    await database_sync_to_async(lambda: User.objects.filter(pk=live.ann.pk).update(is_active=False))()
    await ann.send_json_to({"action": "ping", "request_id": 4})
    pong = await ann.receive_json_from(timeout=WAIT)
    assert sorted(pong) == ["request_id", "server_now", "type"]
    assert (pong["type"], pong["request_id"]) == ("pong", 4)
    assert abs((timezone.now() - datetime.fromisoformat(pong["server_now"])).total_seconds()) < WAIT
    # The next action is refused as for anyone who lost access.
    await ann.send_json_to({"action": "question_raise", "text": "Anyone hiring?", "request_id": 5})
    assert await ann.receive_json_from(timeout=WAIT) == {
        "type": "revoked",
        "message": "You no longer have access to this room.",
    }
    assert await closed_with(ann) == CLOSE_FORBIDDEN


async def test_revoking_someone_else_leaves_a_socket_alone(live: Room, heads: dict[str, Headers]) -> None:
    ann, _ = await enter(live.rt.pk, heads["ann"])
    await quiet(ann)

    def revoke_ben() -> None:
        broadcast.access_revoked(live.group.pk, live.ben.pk)

    await database_sync_to_async(revoke_ben)()
    assert await ann.receive_nothing(timeout=0.3)
    await ann.send_json_to({"action": "ping"})
    assert (await ann.receive_json_from(timeout=WAIT))["type"] == "pong"
    await close_all(ann)


# ---------------------------------------------------------------- speakers: the question queue


@pytest.fixture
def speakers_room(transactional_db: None) -> Room:
    async_to_sync(get_channel_layer().flush)()  # type: ignore[union-attr]
    return make_room(kind=Kind.SPEAKERS)


async def test_the_question_queue(speakers_room: Room) -> None:
    room = speakers_room
    heads = await database_sync_to_async(lambda: {u.pk: cookie_headers(u) for u in (room.fac, room.ann, room.ben)})()
    fac, _ = await enter(room.rt.pk, heads[room.fac.pk])
    ann, _ = await enter(room.rt.pk, heads[room.ann.pk])
    ben, _ = await enter(room.rt.pk, heads[room.ben.pk])
    await fac.send_json_to({"action": "start"})
    await ann.send_json_to({"action": "question_raise", "text": "How long should a resume be?"})
    await ben.send_json_to({"action": "question_raise", "text": "Is LinkedIn Premium worth it?"})
    frame = await until(fac, lambda f: len(f["room"]["questions"]) == 2)
    bens = next(q["id"] for q in frame["room"]["questions"] if q["name"] == "Ben")
    await ann.send_json_to({"action": "question_withdraw", "question_id": bens})
    assert (await until(ann, lambda f: f["type"] == "error"))["status"] == 404
    await ben.send_json_to({"action": "question_withdraw", "question_id": bens})
    await fac.send_json_to({"action": "question_take_next"})
    frame = await until(ann, lambda f: [q["status"] for q in f["room"]["questions"]] == ["taken"])
    assert frame["room"]["questions"][0]["name"] == "Ann"
    taken_version = frame["room"]["version"]
    await fac.send_json_to({"action": "question_done"})
    # Frames queue up in order; wait for the one the "done" produced, not an older empty list.
    await until(ben, lambda f: f["room"]["questions"] == [] and f["room"]["version"] > taken_version)
    statuses = await database_sync_to_async(
        lambda: sorted(Question.objects.filter(roundtable=room.rt).values_list("status", flat=True))
    )()
    assert statuses == [QuestionStatus.ANSWERED, QuestionStatus.WITHDRAWN]
    await close_all(fac, ann, ben)


# ---------------------------------------------------------------- the origin: scheme, host and port


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (b"http://testserver", True),
        (b"http://TestServer:80", True),  # the same origin, written differently
        (b"https://testserver", False),  # another scheme
        (b"http://testserver:8080", False),  # another port
        (b"http://testserver.evil.example", False),
        (b"null", False),
    ],
)
async def test_the_origin_must_match_in_scheme_host_and_port(live: Room, origin: bytes, accepted: bool) -> None:
    headers = await database_sync_to_async(lambda: cookie_headers(live.ann, origin=origin))()
    comm = WebsocketCommunicator(config.asgi.application, await socket_path(live.rt.pk), headers=headers)
    connected, _ = await comm.connect(timeout=WAIT)
    assert connected is accepted
    await comm.disconnect()


# ---------------------------------------------------------------- presence, and acting for someone without a device


async def test_turns_go_to_people_here_and_a_facilitator_acts_for_a_member_without_a_device(
    live: Room, heads: dict[str, Headers]
) -> None:
    # Ben and Cat have the room open; Ann said she was going and is not here.
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ben, _ = await enter(live.rt.pk, heads["ben"])
    cat, _ = await enter(live.rt.pk, heads["cat"])
    await quiet(fac, ben, cat)
    await fac.send_json_to({"action": "start"})
    frame = await until(cat, lambda f: f["room"]["status"] == "running")
    assert frame["room"]["turn"]["name"] == "Ben"
    assert [(t["name"], t["status"], t["here"]) for t in frame["room"]["turns"]] == [
        ("Ben", "active", True), ("Cat", "pending", True), ("Ann", "pending", False),
    ]  # fmt: skip
    await quiet(fac, ben, cat)

    # Only a facilitator says who is here or brings someone forward.
    for message in (
        {"action": "presence_set", "user_id": live.ann.pk, "present": True},
        {"action": "bring_forward", "user_id": live.ann.pk},
    ):
        await cat.send_json_to({**message, "request_id": "m"})
        assert await cat.receive_json_from(timeout=WAIT) == {
            "type": "error",
            "message": "Only a facilitator of this group can do that.",
            "status": 403,
            "request_id": "m",
        }
    await fac.send_json_to({"action": "presence_set", "user_id": live.ann.pk, "present": "yes", "request_id": 2})
    assert await fac.receive_json_from(timeout=WAIT) == {
        "type": "error", "status": 400, "request_id": 2,
        "message": "The room couldn't tell whether they are here from that. Reload the page and try again.",
    }  # fmt: skip

    # Ann arrives at the table without her phone: the facilitator brings her forward.
    await fac.send_json_to({"action": "bring_forward", "user_id": live.ann.pk})
    frame = await until(cat, lambda f: f["room"]["turns"][1]["name"] == "Ann")
    assert [(t["name"], t["status"], t["here"]) for t in frame["room"]["turns"]] == [
        ("Ben", "active", True), ("Ann", "pending", True), ("Cat", "pending", True),
    ]  # fmt: skip
    # Here on the facilitator's word, Ann is "marked"; the others came with their devices.
    assert sorted((p["name"], p["marked"]) for p in frame["room"]["participants"]) == [
        ("Ann", True), ("Ben", False), ("Cat", False), ("Fay", False),
    ]  # fmt: skip

    # Ann's turn: Cat suggests, and the facilitator stars it for Ann.
    await fac.send_json_to({"action": "next_turn"})
    await until(cat, lambda f: f["room"]["turn"]["name"] == "Ann")
    for message in ({"action": "next_phase"}, {"action": "next_phase"}):
        await fac.send_json_to(message)
    await until(cat, lambda f: f["room"]["phase_key"] == "brainstorm")
    await cat.send_json_to({"action": "suggestion_add", "text": "Ask for the next step before hanging up"})
    frame = await until(fac, lambda f: bool(f["room"]["turn"]["suggestions"]))
    suggestion_id = frame["room"]["turn"]["suggestions"][0]["id"]
    await fac.send_json_to({"action": "suggestion_star", "suggestion_id": suggestion_id, "starred": True})
    frame = await until(ben, lambda f: any(s["starred"] for s in f["room"]["turn"]["suggestions"]))
    assert [(s["starred"], s["starred_for"]) for s in frame["room"]["turn"]["suggestions"]] == [(True, True)]
    starred_by = await database_sync_to_async(
        lambda: Suggestion.objects.values_list("starred_by_id", flat=True).get(pk=suggestion_id)
    )()
    assert starred_by == live.fac.pk

    # After the end nobody is let in.
    await fac.send_json_to({"action": "end"})
    await until(fac, lambda f: f["room"]["status"] == "ended")
    dan = await database_sync_to_async(lambda: MembershipFactory(group=live.group).user)()
    await fac.send_json_to({"action": "admit", "user_id": dan.pk, "request_id": "late"})
    assert await fac.receive_json_from(timeout=WAIT) == {
        "type": "error", "message": "This roundtable has ended.", "status": 409, "request_id": "late",
    }  # fmt: skip
    await close_all(fac, ben, cat)
