"""The live room over a WebSocket: one socket per open page, at ws/rooms/<public_id>/, the
room's meeting's public identifier (Meeting.public_id, core.ids: never a counting id, so
nobody can walk through numbers to find rooms).

The consumer is thin: it authorizes, turns a message into a call of a service in
services.py, and relays snapshots. The database owns the room; nothing lives here that a
reconnect or a restart would lose.

Connecting
    The session cookie authenticates (AuthMiddlewareStack) and the Origin header must be the
    site's own origin, the same scheme, host and port (origin.SameOriginValidator: any other
    origin, or none, is refused during the handshake, before any of this runs). A refused
    connection is accepted and then closed at once with a code, so the page can tell "stop
    trying" from a dropped network:

        4403  not signed in (also: access lost while connected, after a "revoked" frame)
        4404  no such room (no meeting with that public identifier, or one without a room),
              or a room this person may not enter: the same answer for both,
              as on every other surface, so nobody can probe for a secret group's rooms
        4428  a member who may enter, but has not accepted the group's current ground rules
              (groups.rules, issue 12): the page reloads, and the room's page sends them to
              the rules with an Accept button that brings them back. Only entering asks: a
              socket already in the room when the rules change stays.
        1011  a fault of ours while letting someone in (the page may try again)

    A screen for the room (display mode) connects with ?view=display: its snapshots carry
    first names only and no contacts, links, challenges or commitments
    (clock.for_display), and its "you" has no controls and no seat.

    Nothing is sent before such a close. An allowed person joins the room
    (services.participant_join; a no-op on reconnect) and gets a snapshot. Closing the
    socket does not leave the room: a reload or a dropped connection keeps one's place.

Person ids (issue 12, item 4)
    Everything the room sends or renders names a person by a <person id>: their account's id
    (an int), or, for a member who goes by a pseudonym in the room's group, a handle scoped to
    the group (a string, "p" and 16 hex digits: seats.py), never their account's id, which
    someone sharing another group with them would see under their real name there. It is the
    same in every frame and on the room's page: you.user_id, room.turns[].user_id,
    room.participants[].user_id, room.turn.user_id, room.turn.suggestions[].author_id,
    room.questions[].user_id, and the let-someone-in form's options. Clients treat ids as opaque
    (compare with ===). Actions take either form back (seats.resolve_all); an unknown handle,
    another group's, or the account id of someone who goes by a pseudonym here is answered as
    any id of nobody in the room is. Blocks match both forms on the server (seats.with_handles).

Server -> client (JSON text frames)
    {"type": "snapshot", "room": <clock.snapshot(roundtable, now)>,
     "you": {"user_id": <person id>, "can_control": bool, "in_seat": bool, "status_offer": dict | null}}
        On connect and after every change of the room. room["version"] goes up by one with
        each change; a socket is never sent a version older than one it already has.
        you["status_offer"] ("ready for the roundtable", journal/readiness.py): only on the
        sockets of the member whose turn is in the seat (never a display's), their status since
        their last meeting of the group ({"since", "outreach", "conversations", "interviews",
        "applications", "commitments_done", "commitments", "text"}), null for everyone else.
        Nobody else sees it until they share it (status_share): then room.turn.shared_status
        holds it on every screen (a display: the numbers only, without "since" and "text").
    {"type": "error", "message": str, "status": int, "request_id": <as sent, or null>}
        The action was refused and the room is unchanged. status as in HTTP: 400 bad
        message or parameters, 403 not allowed, 404 no such thing, 409 not now (the
        room's state forbids it), 429 too many messages (see "Flooding"), 500 a fault of
        ours (the socket stays open).
    {"type": "pong", "server_now": ISO-8601 UTC, "request_id": <as sent, or null>}
        The answer to "ping", at once and from memory: it tells nothing but the server's time
        (for the clock), so it reads no database and waits for no other work of the room.
    {"type": "revoked", "message": str}
        The person lost access (left, removed or banned from the group, or no longer
        allowed in the room). The server closes with 4403 right after; nothing else follows.
        Sent at once when access ends in this process or reaches it through the channel
        layer ("access.revoked"). Otherwise (an account closed in manage.py shell or the task
        worker, or by another process with the in-memory layer) within
        settings.LIVE_ACCESS_RECHECK_SECONDS (20 s): the access of everyone with a socket of
        the room is checked again on that timer (one query for all of a room's sockets in a
        process), as well as on every action (a ping excepted) and room change.

Client -> server
    {"action": str, "request_id": optional (echoed in "error" and "pong"), ...params}
    A successful action sends no direct answer: the new snapshot reaches every socket of
    the room, this one included (an action that changes nothing, such as starring a
    starred suggestion, sends nothing). Access is checked again on every action, before it
    is acted on ("ping" excepted, see "pong").

    action              params                                  who
    ping                -                                       anyone in the room
    start, pause, resume, add_minute, next_phase, next_turn,
    end, nudge, order_shuffle, order_by_arrival, plan_fit,
    question_take_next  -                                       facilitator
    skip_turn           user_id: <person id>                    facilitator
    order_move          user_id: <person id>, delta: int (-1 up, 1 down) facilitator
    order_set           user_ids: [<person id>] (everyone still waiting) facilitator
    presence_set        user_id: <person id>, present: bool     facilitator
        "Mark here" (true) for a member waiting for a turn who is at the table or on the video
        call without the room open on a device; false takes back only a facilitator's own mark
        (409 for someone who joined from their device). See "Presence and turns" below.
    bring_forward       user_id: <person id>                    facilitator
        A member waiting (or skipped) who has arrived: marked here, and their turn comes next,
        or takes the seat at once when the seat is empty because everyone waiting was away.
    plan_set            phases: [{"label", "seconds", "key"?}]  facilitator
        seconds: whole minutes only (a multiple of 60, 60 to 3600); anything else is refused
        with 400 and the reason.
    admit               user_id: <person id>                    facilitator (not after the end: 409)
    challenge_set       text, turn_id?: int                     the member in the seat, facilitator
    suggestion_add      text, contact?, link?, turn_id?: int    anyone here, during the brainstorm
    suggestion_star     suggestion_id: int, starred: bool       the member whose turn it was, or a
        facilitator for them while that turn is in the seat (a member without a device). The
        star is the member's either way (summary, history, next turn); in the snapshot,
        room.turn.suggestions[].starred_for is true when a facilitator starred it for them.
    commitment_add      text, due_on?: "YYYY-MM-DD", turn_id?   the member in the seat, facilitator
        due_on from today (in the writer's time zone) to a year ahead (services.DUE_MAX_DAYS).
    commitment_review   commitment_id: int, status: "done" | "partly" | "not_done"
                                                                the commitment's owner, or a
                                                                facilitator while the owner is in the seat
    status_share        share: bool, turn_id?: int              the member in the seat only
        Shares (true) their "ready for the roundtable" status with the room, or takes it back
        (false); see you["status_offer"] above. A facilitator may not share it for them (403).
    question_raise      text                                    anyone here (speakers rooms)
        suggestion_add and question_raise are refused with 403 to someone a facilitator muted in
        the group (safety.mutes, issue 12), with the message "A facilitator has paused your
        posting in this group's rooms until <when, in the group's time zone>." (or "until a
        facilitator lifts the pause."). The mute is read on every such action, so it holds on
        sockets open before it was made, and ends as soon as it is lifted or its end passes.
        Suggestions a moderator hid (safety.hiding) are left out of every snapshot; hiding or
        unhiding one sends every socket of its room the room again, with the next version.
    question_withdraw   question_id: int                        the asker
    question_done       question_id?: int (default: the question being answered)
                                                                facilitator, or the asker

    Flooding: each socket may send LIVE_SOCKET_BURST messages at once and LIVE_SOCKET_PER_SECOND
    a second after that (a token bucket; settings.py). A message beyond that is not acted on
    and gets the error frame with status 429 and the message TOO_FAST; the socket stays open.
    A turn takes at most services.MAX_SUGGESTIONS_PER_TURN suggestions, and
    services.MAX_SUGGESTIONS_PER_PERSON from one person (409 beyond), so a snapshot, which
    carries only the turn in the seat, stays bounded however long the room runs.

    turn_id is optional and guards against a race: when given and the seat has moved on to
    another turn, the action is refused with 409 instead of landing on the new turn.

Presence and turns
    A person is here (room.participants; room.turns[].here) from when they join from a device
    (connecting this socket) or a facilitator marks them here (presence_set, bring_forward,
    admit; participants[].marked is true while the presence rests only on a facilitator's
    word). Closing the socket, a reload or a dropped connection keeps one's presence (phones
    sleep at the table); losing access ends it (models.Participant). At the start and at every
    change of turn the seat goes to the first waiting member who is here; the waiting turns of
    people not here move behind the others, in their order, and wait there. When nobody waiting
    is here the seat stays empty and room.waiting_for_arrivals is true (room.open_discussion is
    true only when no turn waits at all) until someone waiting arrives (they take the seat at
    once) or a facilitator sends bring_forward. An empty seat has no clock: the room is
    "running" (never "paused") and pause is refused (409).
    room.turns is in the order turns happen: done, in the seat, waiting (people here before
    people away), then "skipped" (by a facilitator). After the end, turns still waiting are
    "not_reached" ("Didn't come round"), never "skipped".

The clock's warning
    room.phase_warn_seconds: the warning ("1 min left") shows while the phase's remaining time
    is at most this many seconds: the last quarter of the phase, at most its last 60 seconds
    (clock.warn_seconds). Plans are made in whole minutes (services._in_whole_minutes).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import json
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from urllib.parse import parse_qs

from asgiref.sync import SyncToAsync
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.db import connections
from django.utils import timezone

from roundtable.accounts import blocks
from roundtable.accounts.models import User
from roundtable.core import dates
from roundtable.groups import rules as group_rules
from roundtable.groups.models import Membership

from . import broadcast, clock, permissions, relay, rows, seats, services
from .models import Commitment, Participant, Question, QuestionStatus, RoomStatus, Roundtable, Suggestion, Turn
from .services import LiveError

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_RULES_FIRST = 4428  # as HTTP 428 Precondition Required: accept the ground rules first
CLOSE_SERVER_ERROR = 1011  # a fault of ours while letting someone in: the page may retry
MAX_FRAME_CHARS = 64 * 1024
REVOKED_MESSAGE = "You no longer have access to this room."
TOO_FAST = "Too many messages at once: wait a moment, then try again."


class TokenBucket:
    """`burst` tokens, refilled at `per_second`; each message takes one. Times are the caller's
    (time.monotonic() in the consumer), so the arithmetic is testable without waiting."""

    def __init__(self, burst: int, per_second: float, now: float) -> None:
        self.burst = float(burst)
        self.per_second = per_second
        self.tokens = float(burst)
        self.at = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.at) * self.per_second)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class AccessDenied(Exception):  # noqa: N818 - a verdict, not a fault
    """The person may not be in this room (any more)."""


class RulesFirst(Exception):  # noqa: N818 - a verdict, not a fault
    """The person may enter once they accept the group's current ground rules."""


# ---------------------------------------------------------------- reading params

# What each parameter is, in the words of the page: a refusal names the thing, never the field.
PARAM_WORDS = {
    "user_id": "the person",
    "turn_id": "the turn",
    "delta": "which way to move them",
    "user_ids": "the order of the people waiting",
    "present": "whether they are here",
    "suggestion_id": "the suggestion",
    "starred": "whether to star it",
    "commitment_id": "the commitment",
    "question_id": "the question",
    "status": "how it went",
    "text": "the text",
    "contact": "the contact",
    "link": "the link",
    "due_on": "the date",
    "share": "whether to share it",
}
RELOAD = "Reload the page and try again."


def _unclear(name: str) -> LiveError:
    """A parameter of the wrong shape: only a page out of date (or a hand-made client) sends
    one, so the way out is a reload."""
    return LiveError(f"The room couldn't tell {PARAM_WORDS.get(name, 'what you meant')} from that. {RELOAD}")


def _int(params: dict[str, Any], name: str) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _unclear(name)
    return value


MAX_HANDLE_CHARS = 40  # a handle (seats.handle) is 17 characters: anything much longer is no id


def _person_ids(ctx: Ctx, name: str, *, many: bool = False) -> list[int]:
    """The people a facilitator's action names (`name`: one id, or with many a list of them),
    each an integer id or a handle (seats.py), as the account ids the services take: an unknown
    handle, another group's, or the integer id of someone who goes by a pseudonym in the room's
    group becomes seats.NOBODY, which the services refuse as they refuse any id of nobody here."""
    value = ctx.params.get(name)
    values = value if many and isinstance(value, list) else [value]
    if (many and not isinstance(value, list)) or any(
        isinstance(v, bool) or not isinstance(v, int | str) or (isinstance(v, str) and len(v) > MAX_HANDLE_CHARS)
        for v in values
    ):
        raise _unclear(name)
    return seats.resolve_all(ctx.rt.meeting.group_id, values)


def _person_id(ctx: Ctx, name: str = "user_id") -> int:
    return _person_ids(ctx, name)[0]


def _optional_int(params: dict[str, Any], name: str) -> int | None:
    return None if params.get(name) is None else _int(params, name)


def _str(params: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = params.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _unclear(name)
    return value


def _bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    if not isinstance(value, bool):
        raise _unclear(name)
    return value


def _date(params: dict[str, Any], name: str) -> date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    # The range itself (from today to a year ahead) is the service's rule (commitment_add).
    wrong = LiveError("That isn't a date the room can read: pick the day from the calendar, or leave it empty.")
    if not isinstance(value, str):
        raise wrong
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise wrong from None
    if not dates.in_range(day):
        raise wrong
    return day


# ---------------------------------------------------------------- actions (sync, in a worker thread)


@dataclass
class Ctx:
    room_id: int
    user: User
    params: dict[str, Any]

    @functools.cached_property
    def rt(self) -> Roundtable:
        """The room with its meeting, group and seat, read when a handler first needs it."""
        rt = rows.room(self.room_id)
        if rt is None:
            raise AccessDenied
        return rt

    @functools.cached_property
    def ref(self) -> Roundtable:
        """The room by its id alone, for a service that locks and reads the row itself (every
        service taking `roundtable=` does that first and uses nothing else of it): reading the
        room here too was about a sixth of a change's CPU (bench/live.py)."""
        return Roundtable(pk=self.room_id)


def _seat(ctx: Ctx) -> Turn:
    """The turn in the seat, or the one the client names if it is still the one in the seat."""
    turn = ctx.rt.current_turn
    if turn is None or ctx.rt.is_ended:
        raise LiveError("Nobody is in the seat right now.", 409)
    wanted = _optional_int(ctx.params, "turn_id")
    if wanted is not None and wanted != turn.pk:
        raise LiveError("The room has moved on to another turn.", 409)
    return turn


def _admit(ctx: Ctx) -> object:
    # Ask about control first, so that nobody else learns which user ids exist.
    if not permissions.can_control(ctx.user, ctx.rt):
        raise LiveError("Only a facilitator of this group can do that.", 403)
    wanted = ctx.params.get("user_id")
    user_id = _person_id(ctx)
    if user_id == seats.NOBODY and isinstance(wanted, int) and not isinstance(wanted, bool):
        # The integer id of someone who goes by a pseudonym here: answered as for anyone who is
        # not in the group (services.participant_admit's checks), so it tells nothing.
        hidden = User.objects.filter(pk=wanted).first()
        if hidden is not None:
            if ctx.rt.is_ended:
                raise LiveError("This roundtable has ended.", 409)
            if not hidden.is_active:
                raise LiveError("This account is closed.", 409)
            raise LiveError(services.ADMIT_MEMBERS_ONLY, 409)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise LiveError("There is no such person.", 404)
    return services.participant_admit(roundtable=ctx.rt, user=person, by=ctx.user)


def _suggestion_star(ctx: Ctx) -> object:
    suggestion = Suggestion.objects.filter(pk=_int(ctx.params, "suggestion_id"), turn__roundtable=ctx.ref).first()
    if suggestion is None:
        raise LiveError("There is no such suggestion in this room.", 404)
    return services.suggestion_star(suggestion=suggestion, by=ctx.user, starred=_bool(ctx.params, "starred"))


def _commitment_review(ctx: Ctx) -> object:
    commitment = Commitment.objects.filter(pk=_int(ctx.params, "commitment_id"), user=ctx.user).first()
    if commitment is None:
        raise LiveError("There is no such commitment of yours.", 404)
    return services.commitment_review(
        commitment=commitment, by=ctx.user, status=_str(ctx.params, "status"), roundtable=ctx.ref
    )


def _question_withdraw(ctx: Ctx) -> object:
    question = Question.objects.filter(
        pk=_int(ctx.params, "question_id"), roundtable=ctx.ref, user=ctx.user, status=QuestionStatus.WAITING
    ).first()
    if question is None:
        raise LiveError("You have no such question waiting.", 404)
    return services.question_withdraw(question=question, by=ctx.user)


def _question_done(ctx: Ctx) -> object:
    qid = _optional_int(ctx.params, "question_id")
    questions = Question.objects.filter(roundtable=ctx.ref)
    if qid is None:
        question = questions.filter(status=QuestionStatus.TAKEN).order_by("taken_at", "id").first()
        if question is None:
            raise LiveError("No question is being answered.", 409)
    else:
        question = questions.filter(pk=qid).first()
        if question is None:
            raise LiveError("There is no such question in this room.", 404)
    return services.question_done(question=question, by=ctx.user)


def _status_share(ctx: Ctx) -> object:
    """Ready for the roundtable: the member in the seat shares their status (journal/readiness.py)."""
    from roundtable.journal import readiness

    return readiness.status_share(turn=_seat(ctx), by=ctx.user, share=_bool(ctx.params, "share"))


def _room(service: Callable[..., object]) -> Callable[[Ctx], object]:
    """An action that needs nothing but the room and who asks."""
    return lambda ctx: service(roundtable=ctx.ref, by=ctx.user)


ACTIONS: dict[str, Callable[[Ctx], object]] = {
    "start": _room(services.roundtable_start),
    "pause": _room(services.clock_pause),
    "resume": _room(services.clock_resume),
    "add_minute": _room(services.clock_add_minute),
    "next_phase": _room(services.phase_next),
    "next_turn": _room(services.turn_next),
    "end": _room(services.roundtable_end),
    "nudge": _room(services.nudge_send),
    "order_shuffle": _room(services.order_shuffle),
    "order_by_arrival": _room(services.order_by_arrival),
    "plan_fit": _room(services.plan_fit),
    "question_take_next": _room(services.question_take_next),
    "skip_turn": lambda c: services.turn_skip(roundtable=c.ref, by=c.user, user_id=_person_id(c)),
    "presence_set": lambda c: services.presence_set(
        roundtable=c.ref, by=c.user, user_id=_person_id(c), present=_bool(c.params, "present")
    ),
    "bring_forward": lambda c: services.turn_bring_forward(roundtable=c.ref, by=c.user, user_id=_person_id(c)),
    "order_move": lambda c: services.order_move(
        roundtable=c.ref, by=c.user, user_id=_person_id(c), delta=_int(c.params, "delta")
    ),
    "order_set": lambda c: services.order_set(
        roundtable=c.ref, by=c.user, user_ids=_person_ids(c, "user_ids", many=True)
    ),
    "plan_set": lambda c: services.plan_set(roundtable=c.ref, by=c.user, phases=c.params.get("phases")),  # type: ignore[arg-type]
    "admit": _admit,
    "challenge_set": lambda c: services.challenge_set(turn=_seat(c), by=c.user, text=_str(c.params, "text")),
    "suggestion_add": lambda c: services.suggestion_add(
        turn=_seat(c),
        by=c.user,
        text=_str(c.params, "text"),
        contact=_str(c.params, "contact", required=False),
        link=_str(c.params, "link", required=False),
    ),
    "suggestion_star": _suggestion_star,
    "commitment_add": lambda c: services.commitment_add(
        turn=_seat(c), by=c.user, text=_str(c.params, "text"), due_on=_date(c.params, "due_on")
    ),
    "commitment_review": _commitment_review,
    "question_raise": lambda c: services.question_raise(roundtable=c.ref, by=c.user, text=_str(c.params, "text")),
    "question_withdraw": _question_withdraw,
    "question_done": _question_done,
    "status_share": _status_share,
}


# ---------------------------------------------------------------- the database, from the socket


class RoomDatabaseSyncToAsync(SyncToAsync):
    """A room call on one of the room threads (room_db), keeping its connection between calls.

    Each room thread keeps its own connection, as channels' database_sync_to_async would not
    (it closes it after each call when CONN_MAX_AGE is 0, as here, and reconnecting was about a
    tenth of a busy server's room work, bench/live.py); a connection from PostgreSQL's pool
    goes back to the pool after each call instead (borrowing it again costs nothing), so the
    room threads hold connections only while they work. A connection is still dropped as
    Django drops one after a request: when a transaction was left open, or when an error
    occurred and it no longer answers. One idle for IDLE_CHECK_SECONDS is asked first whether
    it still answers (a database restart, or a proxy's idle timeout, may have closed it
    meanwhile).
    """

    IDLE_CHECK_SECONDS = 30.0

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        now = time.monotonic()
        for conn in connections.all(initialized_only=True):
            idle = now - getattr(conn, "room_used_at", now)
            if conn.connection is not None and idle > self.IDLE_CHECK_SECONDS and not conn.is_usable():
                conn.close()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            for conn in connections.all(initialized_only=True):
                conn.room_used_at = time.monotonic()  # type: ignore[attr-defined]
                if conn.connection is None:
                    continue
                if conn.get_autocommit() != conn.settings_dict["AUTOCOMMIT"]:
                    conn.close()
                elif conn.errors_occurred:
                    if conn.is_usable():
                        conn.errors_occurred = False
                    else:
                        conn.close()
                elif getattr(conn, "pool", None):
                    conn.close()  # back to the pool


# The room threads: a socket's database work runs on one of these, never on the event loop.
# Several, so that one room's queries need not wait for another's round trips to the
# database (channels' default is one thread for all of a process's database work); sized by
# LIVE_DB_THREADS (settings.py), at most the connections the process's pool may lend.
ROOM_THREADS = ThreadPoolExecutor(max_workers=settings.LIVE_DB_THREADS, thread_name_prefix="room-db")


# One room's calls take turns, in the order they were made (asyncio.Lock is first come,
# first served), as they did when one thread did all the work: a facilitator's "start" is
# acted on before the question a member sent just after it, and no room thread waits on
# another's row lock. Different rooms run side by side. Per event loop (tests run several).
@dataclass
class _Turns:
    lock: asyncio.Lock
    callers: int = 0  # holding or waiting for the lock; the entry goes when none are left


_room_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _Turns]] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def _room_turn(roundtable_id: int | None) -> AsyncIterator[None]:
    if roundtable_id is None:
        yield
        return
    rooms = _room_turns.setdefault(asyncio.get_running_loop(), {})
    turns = rooms.get(roundtable_id)
    if turns is None:
        turns = rooms[roundtable_id] = _Turns(asyncio.Lock())
    turns.callers += 1
    try:
        async with turns.lock:
            yield
    finally:
        turns.callers -= 1
        if not turns.callers:
            del rooms[roundtable_id]


def room_db[**P, R](func: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Run `func` on a room thread and await it, in turn with the other calls for the same
    room (its `roundtable_id` argument; none: no turn to wait for). The room broadcasts its
    changes make (after commit, as always) are sent from the event loop once `func` has
    returned or raised, still in the room's turn (broadcast.deferred), so no room thread
    waits on the channel layer. `.func` is `func`."""

    def collecting(outbox: list[broadcast.Message], *args: P.args, **kwargs: P.kwargs) -> R:
        with broadcast.deferred(outbox):
            return func(*args, **kwargs)

    runner = RoomDatabaseSyncToAsync(collecting, thread_sensitive=False, executor=ROOM_THREADS)
    names = list(inspect.signature(func).parameters)
    at = names.index("roundtable_id") if "roundtable_id" in names else None

    @functools.wraps(func)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        given = kwargs.get("roundtable_id", args[at] if at is not None and at < len(args) else None)
        roundtable_id = cast(int | None, given)
        outbox: list[broadcast.Message] = []
        async with _room_turn(roundtable_id):
            try:
                return cast(R, await runner(outbox, *args, **kwargs))
            finally:
                if outbox:
                    await broadcast.send_all(outbox)

    call.func = func  # type: ignore[attr-defined]
    return call


# ---------------------------------------------------------------- access and snapshots


def _person(user_id: int, roundtable_id: int) -> User:
    """The person (read again: a closed account counts), if they may be in the room; otherwise
    AccessDenied. The rule of every other surface (permissions.may_enter, after the room's
    group is visible to them), asked with the read of the person in one query
    (permissions.person_who_may_stay) rather than the ORM's four or five: this runs for every
    action of every socket."""
    user = permissions.person_who_may_stay(roundtable_id, user_id)
    if user is None:
        raise AccessDenied
    return user


def _authorize(user_id: int, roundtable_id: int) -> tuple[User, Roundtable]:
    """_person, and the room with its meeting, group and seat."""
    user = _person(user_id, roundtable_id)
    ctx = Ctx(room_id=roundtable_id, user=user, params={})
    return user, ctx.rt


@dataclass
class Entry:
    can_control: bool
    in_seat: bool
    room: dict[str, Any] | None  # None: joining changed the room, and its broadcast brings the snapshot
    version: int  # the room's version when the person was let in
    rid: seats.RoomId  # the person as the room's clients know them (seats.own_id)
    group_id: int  # the room's group
    # whom the person is kept apart from (accounts.blocks), under both forms (seats.with_handles)
    apart: frozenset[seats.RoomId] = frozenset()


@room_db
def room_id_for(public_id: str) -> int | None:
    """The Roundtable pk of the meeting with this public identifier, or None (no meeting,
    or no room for it). Access is checked later, by enter, as for every room."""
    return Roundtable.objects.filter(meeting__public_id=public_id).values_list("pk", flat=True).first()


@room_db
def enter(user_id: int, roundtable_id: int) -> Entry:
    """Let an allowed person in (AccessDenied otherwise; RulesFirst when they have not accepted
    the group's current ground rules)."""
    user, rt = _authorize(user_id, roundtable_id)
    group = rt.meeting.group
    rid = seats.own_id(user.pk, group.pk)
    apart = seats.with_handles(group.pk, frozenset(blocks.kept_apart_from(user.pk)))
    if group_rules.has_rules(group):
        membership = Membership.objects.filter(group=group, user=user).first()
        if group_rules.must_accept(membership, group):
            raise RulesFirst
    here = Participant.objects.filter(roundtable=rt, user=user, left_at__isnull=True).exists()
    if not here:
        # An ended room can still be looked at; joining it is what is refused.
        with contextlib.suppress(LiveError):
            services.participant_join(roundtable=rt, user=user)
            # Joining changed the room, and its broadcast, made after the commit, goes out as
            # soon as this returns (room_db), before the socket does anything else, and
            # reaches this socket too (subscribed before the room was read): the snapshot is
            # not built twice.
            joined = Roundtable.objects.filter(pk=rt.pk).values_list("version", flat=True).first()
            return Entry(
                can_control=permissions.can_control(user, rt), in_seat=False, room=None, version=joined or 0,
                rid=rid, group_id=group.pk, apart=apart,
            )  # fmt: skip
    room = clock.snapshot(rt, timezone.now())
    return Entry(
        can_control=permissions.can_control(user, rt),
        in_seat=permissions.is_in_seat(user, rt),
        room=room,
        version=int(room["version"]),
        rid=rid,
        group_id=group.pk,
        apart=apart,
    )


@room_db
def room_now(roundtable_id: int) -> dict[str, Any] | None:
    """The room's snapshot as it is now (None: the room is gone)."""
    rt = rows.room(roundtable_id)
    return None if rt is None else clock.snapshot(rt, timezone.now())


@room_db
def kept_apart(user_id: int, group_id: int) -> frozenset[seats.RoomId]:
    """Whom this person is kept apart from (accounts.blocks), read again after a block changed,
    under both forms (seats.with_handles: a pseudonymous author's id in a snapshot is a handle)."""
    return seats.with_handles(group_id, frozenset(blocks.kept_apart_from(user_id)))


@room_db
def status_offer(user_id: int, roundtable_id: int) -> dict[str, Any] | None:
    """Ready for the roundtable: the status offered to this person if their turn is in the
    seat (journal/readiness.offer_for), else None."""
    from roundtable.journal import readiness

    rt = Roundtable.objects.select_related("meeting").filter(pk=roundtable_id).first()
    user = User.objects.filter(pk=user_id).first()
    return readiness.offer_for(user, rt) if rt is not None and user is not None else None


@room_db
def check(user_id: int, roundtable_id: int, group_id: int | None = None) -> seats.RoomId:
    """AccessDenied unless the person may still be in the room: _person's rule, in one query
    (permissions.who_may_stay). Their id as the room's clients know them now (seats.own_id,
    with group_id: they may have taken or dropped a pseudonym since they came in)."""
    if user_id not in permissions.who_may_stay(roundtable_id, {user_id}):
        raise AccessDenied
    return user_id if group_id is None else seats.own_id(user_id, group_id)


@room_db
def still_allowed(roundtable_id: int, user_ids: set[int]) -> set[int]:
    """Of these people, those who may still be in the room (one query for all of them)."""
    return permissions.who_may_stay(roundtable_id, user_ids)


@room_db
def act(user_id: int, roundtable_id: int, action: str, params: dict[str, Any]) -> None:
    user = _person(user_id, roundtable_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise LiveError(f"This page asked for something the room doesn't do. {RELOAD}")
    handler(Ctx(room_id=roundtable_id, user=user, params=params))


@room_db
def leave(user_id: int, roundtable_id: int) -> None:
    """Take someone who lost access out of the list of who is here."""
    rt = Roundtable.objects.filter(pk=roundtable_id).first()
    user = User.objects.filter(pk=user_id).first()
    if rt is not None and user is not None:
        services.participant_leave(roundtable=rt, user=user)


# ---------------------------------------------------------------- the consumer


class RoomConsumer(AsyncWebsocketConsumer):
    roundtable_id: int
    user_id: int | None = None
    # The person as the room's clients know them (seats.py): user_id, or a handle for someone who
    # goes by a pseudonym in the room's group; what snapshots' ids are compared with.
    rid: seats.RoomId | None = None
    group_id: int = 0
    joined: bool = False  # in its room's relay (relay.py) in this process
    ready: bool = False  # connected and sent its first snapshot: changes go out as they come
    last_version: int = 0
    can_control: bool = False  # from the access check on connect
    entered_version: int = 0  # the room's version when the access check on connect let them in
    display: bool = False  # a screen for the room (?view=display): first names only, no controls
    done: bool = False  # closed by us: nothing more is read or sent
    bucket: TokenBucket
    offer: dict[str, Any] | None = None  # ready for the roundtable, while this person is in the seat
    pending: relay.Change | None = None  # the newest change not yet sent (deliver)
    sending: asyncio.Task[None] | None = None  # sending changes (deliver), while it waits
    you_json: tuple[bool, dict[str, Any] | None, str] | None = None  # (in_seat, offer, "you" JSON), reused
    # Whom this person is kept apart from (accounts.blocks): their suggestions are left out of
    # this socket's snapshots (relay.Change.room_text). Empty for nearly everyone, who pay nothing.
    apart: frozenset[seats.RoomId] = frozenset()
    last_change: relay.Change | None = None  # the last change sent, sent again when blocks change

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """channels' consumer without a channel of its own on the channel layer: the room's
        changes reach this socket through its room's relay in this process (relay.py), and
        nothing is ever sent to one socket by name. That spares every socket a queue, a task
        waiting on it and (channels-redis) a Redis subscription of its own."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch([receive], self.dispatch)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """channels' dispatch without its aclose_old_connections() before every message: that
        is a hop onto the one database thread for each message, even when the handler touches
        no database. Every database call here goes through room_db, which looks after its
        connection itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        public_id = str(self.scope["url_route"]["kwargs"]["public_id"])
        self.display = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("view") == ["display"]
        self.bucket = TokenBucket(settings.LIVE_SOCKET_BURST, settings.LIVE_SOCKET_PER_SECOND, time.monotonic())
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self._shut(CLOSE_FORBIDDEN)
            return
        try:
            roundtable_id = await room_id_for(public_id)
        except Exception:
            logger.exception("live room %s: could not look it up for %s", public_id, user.pk)
            await self._shut(CLOSE_SERVER_ERROR)
            return
        if roundtable_id is None:
            await self._shut(CLOSE_NOT_FOUND)
            return
        self.user_id = user.pk
        self.roundtable_id = roundtable_id
        # Listen before reading, so no change between the read and the subscription is missed
        # (a change that comes meanwhile waits in self.pending until the first snapshot is out).
        try:
            await relay.join(self, self.roundtable_id, still_allowed)
        except Exception:
            logger.exception("live room %s: could not hear the room for %s", self.roundtable_id, user.pk)
            await self._shut(CLOSE_SERVER_ERROR)
            return
        self.joined = True
        try:
            entry = await enter(user.pk, self.roundtable_id)
        except AccessDenied:
            await self._shut(CLOSE_NOT_FOUND)
            return
        except RulesFirst:
            await self._shut(CLOSE_RULES_FIRST)
            return
        except Exception:
            logger.exception("live room %s: could not let %s in", self.roundtable_id, user.pk)
            await self._shut(CLOSE_SERVER_ERROR)
            return
        self.can_control = entry.can_control
        self.rid, self.group_id = entry.rid, entry.group_id
        self.entered_version = entry.version
        self.apart = entry.apart
        if entry.room is not None:
            you = await self._you_with_offer(entry.in_seat)
            room = entry.room
            if self.apart:
                room = clock.without_authors(room, self.apart)
            await self._send_snapshot({"type": "snapshot", "room": room, "you": you})
        self.ready = True
        held, self.pending = self.pending, None
        if held is not None:
            self.deliver(held)

    async def disconnect(self, code: int) -> None:
        self.done = True
        await self._leave()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.done or self.user_id is None:
            return
        request_id: Any = None
        # Every frame takes a token, a malformed one too; the answer still echoes request_id.
        allowed = self.bucket.take(time.monotonic())
        try:
            message = self._parse(text_data)
            request_id = message.get("request_id")
            if not allowed:
                raise LiveError(TOO_FAST, 429)
            action = message.get("action")
            if not isinstance(action, str) or not action:
                raise LiveError(f"This page sent a message the room couldn't read. {RELOAD}")
            if action == "ping":
                # No database: a pong tells nothing but the time, and this socket's access is
                # checked on its room's timer (see the protocol above). Asking on every ping
                # was more queries than the changes themselves, and a ping waited for the
                # room's turn behind them.
                await self._send({"type": "pong", "server_now": clock.iso(timezone.now()), "request_id": request_id})
                return
            params = {k: v for k, v in message.items() if k not in ("action", "request_id")}
            await act(self.user_id, self.roundtable_id, action, params)
        except AccessDenied:
            await self.revoke()
        except LiveError as exc:
            await self._error(exc.message, exc.status, request_id)
        except Exception:
            logger.exception("live room %s: message failed", self.roundtable_id)
            await self._error("Something went wrong on our side; the room is unchanged.", 500, request_id)

    # -- changes of the room, from its relay (relay.py)

    def deliver(self, change: relay.Change) -> None:
        """Take a change of the room from the relay, without making it wait: the common case
        (nothing to ask, the frame written at once) finishes inside this call (an eager task);
        otherwise the newest change waits in self.pending, and the task sending sends it when
        it is done with the one before. A snapshot is the whole room, so skipping a version in
        between loses nothing, and a socket never gets an older one after a newer."""
        if self.done or change.version <= self.last_version:
            return
        if self.pending is None or change.version > self.pending.version:
            self.pending = change
        if not self.ready or self.sending is not None:
            return
        task = asyncio.Task(self._send_changes(), loop=asyncio.get_running_loop(), eager_start=True)
        if not task.done():
            self.sending = task

    async def _send_changes(self) -> None:
        try:
            while self.pending is not None and not self.done:
                change, self.pending = self.pending, None
                await self._send_change(change)
        except OSError:
            pass  # the connection is gone; its disconnect (and leaving the relay) follows
        except Exception:
            logger.exception("live room %s: could not send a change to %s", self.roundtable_id, self.user_id)
        finally:
            self.sending = None

    async def _send_change(self, change: relay.Change) -> None:
        version = change.version
        if self.done or self.user_id is None or version <= self.last_version:
            return
        if version > self.entered_version and self.rid not in change.present_ids:
            # Not listed as here in a state newer than the check that let them in: losing
            # access (services.access_end) takes people out of the room in the same
            # transaction, so this may be someone who lost it and whose "access.revoked" is
            # still on its way. Ask before pushing them anything. (States up to their entry
            # predate that check: a join storm's earlier joins need no second look.) A person
            # who is allowed but not listed (looking at an ended room) is rare and passes.
            try:
                rid = await check(self.user_id, self.roundtable_id, self.group_id)
            except AccessDenied:
                await self.revoke()
                return
            except Exception:
                logger.exception("live room %s: could not re-check %s", self.roundtable_id, self.user_id)
                return
            if self.done or version <= self.last_version:
                return
            if rid != self.rid:
                self.rid, self.you_json = rid, None
        in_seat = change.seat_user_id == self.rid
        you_json = self._you_json(in_seat)
        if you_json is None:  # the status offer is still to be read (a database call)
            you_json = json.dumps(await self._you_with_offer(in_seat))
            if self.done or version <= self.last_version:
                return
        self.last_version = version
        self.last_change = change
        # The snapshot was built and serialized once for the whole room; only "you" is ours
        # (and, for a person kept apart from an author of a suggestion, the copy without it).
        await self._send_text(change.frame_head(self.display, self.apart) + you_json + "}")

    async def blocks_changed(self) -> None:
        """A block was made or lifted between this person and someone (relay "blocks.changed"):
        read whom they are kept apart from, and send the last snapshot again as they may see it
        now (the same version: the page takes it, relay.Change.room_text). Before any change
        was sent on this socket, the room's next change brings the new view."""
        if self.done or self.user_id is None:
            return
        try:
            self.apart = await kept_apart(self.user_id, self.group_id)
        except Exception:
            logger.exception("live room %s: could not read the blocks of %s", self.roundtable_id, self.user_id)
            return
        change = self.last_change
        if change is None:
            # The only snapshot sent so far came from enter, not from a change of the room: read
            # the room again (blocks change rarely; keeping each socket's first snapshot for
            # this cost every socket its memory, bench/live.py).
            room = await room_now(self.roundtable_id)
            if room is None:
                return
            turn = room["turn"]
            seat = turn["user_id"] if turn is not None and room["status"] != RoomStatus.ENDED else None
            change = relay.Change(
                version=int(room["version"]), room_json=clock.dumps(room), seat_user_id=seat,
                present_ids=frozenset(p["user_id"] for p in room["participants"]),
            )  # fmt: skip
        if change is None or self.done or not self.ready:
            return
        in_seat = change.seat_user_id == self.rid
        you_json = self._you_json(in_seat) or json.dumps(await self._you_with_offer(in_seat))
        if not self.done:
            await self._send_text(change.frame_head(self.display, self.apart) + you_json + "}")

    def _you_json(self, in_seat: bool) -> str | None:
        """This socket's "you" as JSON, made again only when it changes; None while the status
        offer (_you_with_offer) is still to be read."""
        in_seat = in_seat and not self.display
        if in_seat and self.offer is None:
            return None
        offer = self.offer if in_seat else None
        if not in_seat:
            self.offer = None
        cached = self.you_json
        if cached is not None and cached[0] == in_seat and cached[1] is offer:
            return cached[2]
        text = json.dumps({**self._you(in_seat), "status_offer": offer})
        self.you_json = (in_seat, offer, text)
        return text

    async def revoke(self) -> None:
        """The person lost access: the "revoked" frame, out of the room, closed with 4403."""
        if self.done:
            return
        await self._send({"type": "revoked", "message": REVOKED_MESSAGE})
        self.done = True  # nothing more is read or sent from here on
        # Mark them gone before closing, so the close means the room has caught up.
        if self.user_id is not None:
            try:
                await leave(self.user_id, self.roundtable_id)
            except Exception:
                logger.exception("live room %s: could not mark %s as gone", self.roundtable_id, self.user_id)
        await self._shut(CLOSE_FORBIDDEN)

    # -- helpers

    @staticmethod
    def _parse(text_data: str | None) -> dict[str, Any]:
        if text_data is None:
            raise LiveError(f"This page sent a message the room couldn't read. {RELOAD}")
        if len(text_data) > MAX_FRAME_CHARS:
            raise LiveError("That is too long for the room: shorten it and try again.")
        try:
            message = json.loads(text_data)
        except ValueError:
            raise LiveError(f"This page sent a message the room couldn't read. {RELOAD}") from None
        if not isinstance(message, dict):
            raise LiveError(f"This page sent a message the room couldn't read. {RELOAD}")
        return message

    def _you(self, in_seat: bool) -> dict[str, Any]:
        """This socket's "you": a display screen has no controls and nobody in its seat."""
        return {
            "user_id": self.rid,
            "can_control": self.can_control and not self.display,
            "in_seat": in_seat and not self.display,
        }

    async def _you_with_offer(self, in_seat: bool) -> dict[str, Any]:
        """_you with "status_offer": this person's status (ready for the roundtable) while their
        turn is in the seat, read once when it starts; null otherwise and on a display."""
        you = self._you(in_seat)
        if not you["in_seat"]:
            self.offer = None
        elif self.offer is None and self.user_id is not None:
            try:
                self.offer = await status_offer(self.user_id, self.roundtable_id)
            except Exception:
                logger.exception("live room %s: could not read the status of %s", self.roundtable_id, self.user_id)
        you["status_offer"] = self.offer if you["in_seat"] else None
        return you

    async def _send(self, payload: dict[str, Any]) -> None:
        await self._send_text(json.dumps(payload))

    async def _send_text(self, text: str) -> None:
        if self.done:
            return
        try:
            await self.send(text_data=text)
        except OSError:
            # The browser went away mid-send (uvicorn's ClientDisconnected is an OSError): its
            # disconnect follows and cleans up; an answer to a ping, say, needs no traceback.
            logger.debug("live room %s: the socket closed before a frame could go", self.roundtable_id)

    async def _send_snapshot(self, frame: dict[str, Any]) -> None:
        version = int(frame["room"]["version"])
        if version <= self.last_version:
            return
        self.last_version = version
        if self.display:
            frame = {**frame, "room": clock.for_display(frame["room"])}
        await self._send(frame)

    async def _error(self, message: str, status: int, request_id: Any) -> None:
        await self._send({"type": "error", "message": message, "status": status, "request_id": request_id})

    async def _leave(self) -> None:
        """Out of the room's relay: nothing more reaches this socket."""
        if self.joined:
            self.joined = False
            self.pending = None
            await relay.leave(self, self.roundtable_id)

    async def _shut(self, code: int) -> None:
        self.done = True
        await self._leave()
        await self.close(code=code)
