#!/usr/bin/env python
"""The live roundtable under load: rooms of 15 WebSocket clients, delivery latency of changes.

Prepares a SQLite database under var/bench/live/ (migrated; the people are generated once
and reused): --rooms strategic groups, each with a meeting today, a facilitator and
--per-room - 1 members going. Before each part every room is opened again from scratch
(services.roundtable_open) and started, and every person gets a fresh session.

Part 1 starts ONE socket server process (uvicorn config.asgi:application as `scripts/serve
sockets` runs it, DEBUG off, no REDIS_URL: the in-memory channel layer, as `make run`) on a
free loopback port. Part 2 is production: TWO processes sharing REDIS_URL (channels-redis;
the same SQLite file in WAL mode, which two processes may share), with every room's clients
split between them. With --pg both parts use PostgreSQL (database roundtable_bench_live,
through the production pool) instead of the SQLite file.

In each part, one asyncio client process opens --per-room WebSockets per room, each
authenticated by its session cookie, and waits for every first snapshot and for the join
storm to settle. Then each room gets about one change every --interval seconds for
--seconds: the facilitator's socket sends next_phase / add_minute / pause / resume, and
during a brainstorm members send suggestion_add. Every socket also pings every
--ping-seconds (20 s, as the page does), each answered by the server from memory (the
access of every socket is checked on its room's timer instead). The
latency of a delivery is the time from the actor's send to the moment each OTHER socket of
the room holds a snapshot whose version is at least the one the action made (the actor's
version + 1). Prints p50 / p95 /
p99 / max against the budget (p99 < 50 ms up to 750 sockets, as 50 rooms x 15; < 100 ms
beyond, as 200 rooms x 15 = 3,000 sockets; --budget-ms sets it), deliveries received and
missing, connections held and failed, the RSS of each server process before connecting,
after connecting and after the load (and so the memory per socket), and the machine's load
average with each part, since the machine may be shared, the servers' CPU time per
change, which moves less with that load than the latencies do, and how long the servers'
and the client's threads were runnable but waiting for a CPU (other work's share of the
latencies).

Finally it measures in process what one change costs the server's database thread (SQL
queries and milliseconds): the access check, the service and the snapshot, which is built
and serialized once per change for all the sockets of the room.

    .venv/bin/python bench/live.py
    .venv/bin/python bench/live.py --rooms 10 --per-room 15 --seconds 10
    .venv/bin/python bench/live.py --only one       # or --only two (needs Redis at 127.0.0.1:6379)
    .venv/bin/python bench/live.py --only two --rooms 200   # 3,000 sockets on two processes
    .venv/bin/python bench/live.py --only two --rooms 200 --pg   # the same on PostgreSQL (production)

Exits 1 when a connection failed or a delivery went missing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from common import BASE_DIR, free_port, load, percentile, server_env, shown, socket_server_cmd  # bench/common.py

VAR_DIR = BASE_DIR / "var" / "bench" / "live"
DB_PATH = VAR_DIR / "live.sqlite3"
EMAIL = "bench-live-r{:03d}-p{:02d}@example.com"
SLUG = "bench-live-{:03d}"
PHASE_BUDGET_S = 170.0  # per part, for 750 sockets: connecting, settling, load and draining together


def budget_ms(sockets: int) -> float:
    """The bar (issue 13, item 6): p99 under 50 ms for 50 rooms of 15, under 100 ms for 200."""
    return 50.0 if sockets <= 750 else 100.0


PG_DB = "roundtable_bench_live"
DATABASE_URL = ""  # --pg: PostgreSQL (with the production pool) instead of the SQLite file


def _env() -> dict[str, str]:
    if DATABASE_URL:
        return server_env(VAR_DIR, DATABASE_URL=DATABASE_URL, ALLOWED_HOSTS="127.0.0.1")
    return server_env(VAR_DIR, SQLITE_PATH=str(DB_PATH), ALLOWED_HOSTS="127.0.0.1")


def _pg_ensure(server: str) -> str:
    """The benchmark's own PostgreSQL database on that server, created when missing."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(server)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return urlunsplit(parts._replace(path=f"/{PG_DB}"))


def _django_setup() -> None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The same environment as the servers: the same database, and the same (development)
    # SECRET_KEY, so the sessions made here are valid there.
    os.environ.update(_env())
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# Preparing the database ---------------------------------------------------------------


def prepare_people(rooms: int, per_room: int) -> None:
    """Groups, meetings today, a facilitator and members going; created once, reused."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from roundtable.accounts.models import Profile, User
    from roundtable.groups.models import Group, GroupVisibility, JoinPolicy, Kind, Membership, MembershipRole
    from roundtable.groups.models import MembershipState as State
    from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus

    t0 = time.monotonic()
    fresh = not DATABASE_URL and not DB_PATH.exists()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.monotonic() - t0
    now = timezone.now()
    created_groups = 0
    with transaction.atomic():
        have = set(Group.objects.filter(slug__startswith="bench-live-").values_list("slug", flat=True))
        new_groups = [
            Group(name=f"Live bench roundtable {r}", slug=SLUG.format(r), kind=Kind.STRATEGIC,
                  visibility=GroupVisibility.LISTED, join_policy=JoinPolicy.OPEN, member_count=per_room)
            for r in range(rooms) if SLUG.format(r) not in have
        ]  # fmt: skip
        Group.objects.bulk_create(new_groups)
        created_groups = len(new_groups)
        groups = {g.slug: g for g in Group.objects.filter(slug__in=[SLUG.format(r) for r in range(rooms)])}
        emails = [EMAIL.format(r, p) for r in range(rooms) for p in range(per_room)]
        known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        users = []
        for email in emails:
            if email not in known:
                u = User(email=email)
                u.set_unusable_password()
                users.append(u)
        User.objects.bulk_create(users, batch_size=500)  # no post_save: the profiles follow
        by_email = {u.email: u for u in User.objects.filter(email__in=emails)}
        with_profile = set(Profile.objects.filter(user__email__in=emails).values_list("user_id", flat=True))
        Profile.objects.bulk_create(
            [Profile(user=u, display_name=f"R{e[12:15]} P{e[17:19]}") for e, u in by_email.items()
             if u.pk not in with_profile],
            batch_size=500,
        )  # fmt: skip
        memberships, meetings = [], []
        for r in range(rooms):
            group = groups[SLUG.format(r)]
            for p in range(per_room):
                role = MembershipRole.FACILITATOR if p == 0 else MembershipRole.MEMBER
                memberships.append(
                    Membership(group=group, user=by_email[EMAIL.format(r, p)], role=role, state=State.ACTIVE)
                )
        Membership.objects.bulk_create(memberships, ignore_conflicts=True, batch_size=500)
        have_meeting = set(Meeting.objects.filter(group__in=groups.values()).values_list("group_id", flat=True))
        for group in groups.values():
            if group.pk not in have_meeting:
                meetings.append(Meeting(group=group, title="Tonight's roundtable", time_zone="America/New_York",
                                        main_minutes=120, starts_at=now, ends_at=now + timedelta(hours=2)))  # fmt: skip
        Meeting.objects.bulk_create(meetings)
        # "Today" whenever the data is reused.
        Meeting.objects.filter(group__in=groups.values()).update(
            starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=2)
        )
        meeting_of = {m.group_id: m for m in Meeting.objects.filter(group__in=groups.values())}
        rsvps = []
        for r in range(rooms):
            meeting = meeting_of[groups[SLUG.format(r)].pk]
            for p in range(1, per_room):
                rsvps.append(Rsvp(meeting=meeting, user=by_email[EMAIL.format(r, p)], status=RsvpStatus.GOING,
                                  created_at=now - timedelta(days=2, seconds=-p)))  # fmt: skip
        Rsvp.objects.bulk_create(rsvps, ignore_conflicts=True, batch_size=500)
    what = "created" if fresh else "reused"
    where = (f"PostgreSQL database {PG_DB} (Django's pool)" if DATABASE_URL
             else f"SQLite {sqlite3.sqlite_version} (WAL) at {DB_PATH.relative_to(BASE_DIR)}")  # fmt: skip
    print(f"  database: {where}, {what}; "
          f"migrate {migrated:.1f} s, people ready in {time.monotonic() - t0:.1f} s "
          f"({created_groups} groups created now)")  # fmt: skip


@dataclass
class Seat:
    room: int
    rt_id: int
    user_id: int
    cookie: str
    public_id: str  # the socket's address: the meeting's public identifier
    facilitator: bool


def prepare_rooms(rooms: int, per_room: int) -> list[list[Seat]]:
    """Every room opened afresh and started; a new session for everyone."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from roundtable.accounts.models import User
    from roundtable.live import services
    from roundtable.live.models import Roundtable
    from roundtable.meetings.models import Meeting

    t0 = time.monotonic()
    meetings = {
        m.group.slug: m for m in Meeting.objects.filter(group__slug__startswith="bench-live-").select_related("group")
    }
    Roundtable.objects.filter(meeting__in=meetings.values()).delete()
    Session.objects.all().delete()  # this database is the benchmark's own
    emails = [EMAIL.format(r, p) for r in range(rooms) for p in range(per_room)]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    sessions, seats = [], []
    for r in range(rooms):
        meeting = meetings[SLUG.format(r)]
        fac = users[EMAIL.format(r, 0)]
        rt = services.roundtable_open(meeting=meeting, by=fac)
        # Turns go to people who are here: everyone is marked present before the start, as
        # their sockets will be, so the seat is taken and the clock runs from the first turn.
        for p in range(1, per_room):
            services.presence_set(roundtable=rt, by=fac, user_id=users[EMAIL.format(r, p)].pk, present=True)
        services.roundtable_start(roundtable=rt, by=fac)
        row = []
        for p in range(per_room):
            user = users[EMAIL.format(r, p)]
            key = get_random_string(32)
            data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                    HASH_SESSION_KEY: user.get_session_auth_hash()}  # fmt: skip
            sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
            row.append(
                Seat(
                    room=r,
                    rt_id=rt.pk,
                    user_id=user.pk,
                    cookie=f"sessionid={key}",
                    public_id=rt.meeting.public_id,
                    facilitator=p == 0,
                )
            )
        seats.append(row)
    Session.objects.bulk_create(sessions, batch_size=500)
    connection.close()  # the servers have the database to themselves from here
    print(f"  {rooms} rooms opened and started, {len(sessions)} sessions, in {time.monotonic() - t0:.1f} s")
    return seats


# Servers ------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _service_cpu_seconds() -> dict[str, float]:
    """CPU time so far of the machine's database and channel-layer servers, by kind: every
    process named postgres (its backends serve the socket servers' queries) and redis-server.
    Their share of the load is CPU the socket servers and the client did not get."""
    found = {"PostgreSQL": 0.0, "Redis": 0.0}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = (entry / "stat").read_text()
            name = text[text.index("(") + 1 : text.rindex(")")]
            kind = "PostgreSQL" if name.startswith("postgres") else "Redis" if name.startswith("redis-server") else ""
            if kind:
                fields = text.rsplit(")", 1)[1].split()
                found[kind] += (int(fields[11]) + int(fields[12])) / tick
    return found


def _waited_seconds(pid: int) -> float:
    """Time the process's threads spent runnable but waiting for a CPU (the scheduler's run
    queue, /proc/<pid>/task/*/schedstat): on a shared machine, the part of the latencies that
    is other work's, not the server's."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int((task / "schedstat").read_text().split()[1])
    return total / 1e9


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    log: Path


def start_server(name: str, extra: dict[str, str]) -> Server:
    port = free_port()
    log = VAR_DIR / f"server-{name}.log"
    cmd = socket_server_cmd(port, 1)
    if name.endswith("-1"):
        print(f"  server command: DEBUG=false {shown(cmd)}")
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=BASE_DIR, env={**_env(), **extra}, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server {name} exited early ({proc.returncode}); see {log}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return Server(port=port, proc=proc, log=log)
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server {name} did not listen within 30 s; see {log}")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=5)


def _log_errors(server: Server) -> list[str]:
    lines = server.log.read_text(errors="replace").splitlines()
    return [line for line in lines if "Error" in line or "Exception" in line][:5]


# The clients --------------------------------------------------------------------------


@dataclass
class Action:
    version: int  # the version the change makes
    sent: float
    actor: int  # index of the acting socket in the room
    got: dict[int, float] = field(default_factory=dict)  # socket index -> latency in ms


@dataclass
class RoomState:
    actions: list[Action] = field(default_factory=list)
    pending: Action | None = None  # sent, not yet confirmed by the actor's own snapshot
    snapshot: dict[str, Any] | None = None  # the facilitator's latest
    suggestions_in_phase: int = 0
    phase_seen: tuple[Any, ...] = ()
    refused: int = 0
    skipped: int = 0
    sent: int = 0


@dataclass
class Sock:
    seat: Seat
    index: int
    port: int
    ws: Any = None
    version: int = 0
    first: asyncio.Event = field(default_factory=asyncio.Event)
    last_frame_at: float = 0.0
    failed: str = ""
    errors: list[str] = field(default_factory=list)
    ping_sent: float = 0.0  # when the last "ping" went out
    pongs: list[float] = field(default_factory=list)  # ms from each ping to its pong


async def _reader(sock: Sock, rooms: list[RoomState], socks: list[list[Sock]]) -> None:
    room = rooms[sock.seat.room]
    try:
        async for raw in sock.ws:
            now = time.perf_counter()
            sock.last_frame_at = now
            frame = json.loads(raw)
            if frame.get("type") == "snapshot":
                version = int(frame["room"]["version"])
                sock.version = max(sock.version, version)
                if sock.seat.facilitator:
                    room.snapshot = frame["room"]
                sock.first.set()
                for action in room.actions[-4:]:
                    if version >= action.version and sock.index != action.actor and sock.index not in action.got:
                        action.got[sock.index] = (now - action.sent) * 1000
                pending = room.pending
                if pending is not None and sock.index == pending.actor and version >= pending.version:
                    room.pending = None
            elif frame.get("type") == "error":
                pending = room.pending
                if pending is not None and sock.index == pending.actor:
                    room.refused += 1
                    room.actions.remove(pending)
                    room.pending = None
                if len(sock.errors) < 3:
                    sock.errors.append(f"{frame.get('status')} {frame.get('message')}")
            elif frame.get("type") == "pong":
                sock.pongs.append((now - sock.ping_sent) * 1000)
            elif frame.get("type") == "revoked":
                sock.failed = "revoked"
    except Exception as exc:  # a dropped connection shows up in the counts
        if not sock.failed:
            sock.failed = f"dropped: {type(exc).__name__}"
    del socks  # kept for symmetry of the signature; nothing else to do


async def _open(sock: Sock, gate: asyncio.Semaphore, rooms: list[RoomState], socks: list[list[Sock]],
                tasks: list[asyncio.Task[None]]) -> None:  # fmt: skip
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{sock.port}/ws/rooms/{sock.seat.public_id}/"
    async with gate:
        try:
            sock.ws = await connect(
                url,
                origin=f"http://127.0.0.1:{sock.port}",  # type: ignore[arg-type]
                additional_headers={"Cookie": sock.seat.cookie},
                open_timeout=30,
                ping_interval=None,  # browsers do not ping either
                max_size=2**22,
            )
        except Exception as exc:
            sock.failed = f"handshake: {type(exc).__name__}: {exc}"[:160]
            return
        tasks.append(asyncio.create_task(_reader(sock, rooms, socks)))
        try:
            await asyncio.wait_for(sock.first.wait(), 30)
        except TimeoutError:
            code = sock.ws.close_code
            sock.failed = f"no first snapshot (close code {code})"


async def _pinger(sock: Sock, every: float, until: float, rng: random.Random) -> int:
    """Ping as the room's page does (room.js, PING_MS): every `every` seconds from a random
    start. Returns the pings sent."""
    sent = 0
    next_at = time.perf_counter() + rng.uniform(0, every)
    while next_at < until:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        if sock.ws is None or sock.failed:
            return sent
        sock.ping_sent = time.perf_counter()
        with contextlib.suppress(Exception):
            await sock.ws.send('{"action":"ping"}')
            sent += 1
        next_at += every
    return sent


def _choose(state: RoomState, per_room: int, rng: random.Random) -> tuple[int, dict[str, Any]]:
    """(socket index of the actor, message) from the room as the facilitator last saw it."""
    room = state.snapshot or {}
    turn = room.get("turn") or {}
    phase = (turn.get("id"), room.get("phase_index"))
    if phase != state.phase_seen:
        state.phase_seen, state.suggestions_in_phase = phase, 0
    if room.get("paused"):
        return 0, {"action": "resume"}
    if room.get("turn") is None:  # open discussion after the last turn
        return 0, {"action": "pause"}
    if room.get("phase_key") == "brainstorm" and state.suggestions_in_phase < 2:
        state.suggestions_in_phase += 1
        return rng.randrange(1, per_room), {
            "action": "suggestion_add",
            "text": "Ask the hiring manager directly.",
            "turn_id": turn.get("id"),
        }
    pick = rng.random()
    if pick < 0.5:
        return 0, {"action": "next_phase"}
    if pick < 0.75:
        return 0, {"action": "add_minute"}
    return 0, {"action": "pause"}


async def _drive(r: int, state: RoomState, room_socks: list[Sock], per_room: int, interval: float,
                 until: float, rng: random.Random) -> None:  # fmt: skip
    await asyncio.sleep(rng.uniform(0, interval))
    next_at = time.perf_counter()
    while next_at < until:
        if state.pending is not None:
            state.skipped += 1  # the previous change has not come back to its actor yet
        else:
            actor, message = _choose(state, per_room, rng)
            sock = room_socks[actor]
            if sock.ws is not None and not sock.failed:
                action = Action(version=max(s.version for s in room_socks) + 1, sent=time.perf_counter(), actor=actor)
                state.actions.append(action)
                state.pending = action
                state.sent += 1
                await sock.ws.send(json.dumps({**message, "request_id": state.sent}))
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def run_part(label: str, seats: list[list[Seat]], servers: list[Server], args: argparse.Namespace) -> bool:
    rng = random.Random(args.seed)
    rooms = [RoomState() for _ in seats]
    socks = [
        [Sock(seat=seat, index=i, port=servers[(i + r) % len(servers)].port) for i, seat in enumerate(row)]
        for r, row in enumerate(seats)
    ]
    flat = [s for row in socks for s in row]
    tasks: list[asyncio.Task[None]] = []
    rss_before = [_rss_mb(s.proc.pid) for s in servers]
    t0 = time.perf_counter()
    gate = asyncio.Semaphore(args.connect_concurrency)
    await asyncio.gather(*(_open(s, gate, rooms, socks, tasks) for s in rng.sample(flat, len(flat))))
    connected = time.perf_counter() - t0
    # The joins are changes too: wait until nothing has arrived for a second (bounded).
    settle_until = time.perf_counter() + 30
    while time.perf_counter() < settle_until:
        last = max((s.last_frame_at for s in flat), default=0.0)
        if time.perf_counter() - last > 1.0:
            break
        await asyncio.sleep(0.2)
    settled = time.perf_counter() - t0
    held = [s for s in flat if s.ws is not None and not s.failed]
    failed = [s for s in flat if s.failed]
    rss_connected = [_rss_mb(s.proc.pid) for s in servers]

    cpu_before = [_cpu_seconds(s.proc.pid) for s in servers] + [_cpu_seconds(os.getpid())]
    services_before = _service_cpu_seconds()
    waited_before = [_waited_seconds(s.proc.pid) for s in servers] + [_waited_seconds(os.getpid())]
    load_started = time.perf_counter()
    until = load_started + args.seconds
    pingers = [
        asyncio.create_task(_pinger(s, args.ping_seconds, until, random.Random(args.seed + i)))
        for i, s in enumerate(flat) if args.ping_seconds > 0
    ]  # fmt: skip
    await asyncio.gather(
        *(_drive(r, rooms[r], socks[r], args.per_room, args.interval, until, random.Random(args.seed + r))
          for r in range(len(seats)))
    )  # fmt: skip
    pings_sent = sum(await asyncio.gather(*pingers))
    cpu_after = [_cpu_seconds(s.proc.pid) for s in servers] + [_cpu_seconds(os.getpid())]
    services_after = _service_cpu_seconds()
    waited_after = [_waited_seconds(s.proc.pid) for s in servers] + [_waited_seconds(os.getpid())]
    load_seconds = time.perf_counter() - load_started
    cpu_share = [(a - b) / load_seconds * 100 for a, b in zip(cpu_after, cpu_before, strict=True)]
    drain_until = time.perf_counter() + 5
    while time.perf_counter() < drain_until:
        if all(len(a.got) >= len(socks[r]) - 1 for r, st in enumerate(rooms) for a in st.actions):
            break
        await asyncio.sleep(0.1)
    rss_after = [_rss_mb(s.proc.pid) for s in servers]
    held_after = sum(1 for s in flat if s.ws is not None and not s.failed)

    latencies = [ms for st in rooms for a in st.actions for ms in a.got.values()]
    expected = sum(len(socks[r]) - 1 for r, st in enumerate(rooms) for a in st.actions)
    sent = sum(st.sent for st in rooms)
    refused = sum(st.refused for st in rooms)
    skipped = sum(st.skipped for st in rooms)
    errors = sorted({e for s in flat for e in s.errors})

    async def close(ws: Any) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 3)

    await asyncio.gather(*(close(s.ws) for s in flat if s.ws is not None))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    print(f"\n{label} ({load()} when the load ended)")
    print(
        f"  connections: {len(held)} held of {len(flat)}, {len(failed)} failed; all first snapshots in "
          f"{connected:.1f} s, join storm settled at {settled:.1f} s; {held_after} still held after the load"
    )  # fmt: skip
    for s in failed[:3]:
        print(f"    failed: room {s.seat.room} socket {s.index}: {s.failed}")
    for i, srv in enumerate(servers):
        per_conn = (rss_connected[i] - rss_before[i]) * 1024 / max(1, sum(1 for s in held if s.port == srv.port))
        print(f"  server {i + 1} RSS: {rss_before[i]:.0f} MB before connecting, {rss_connected[i]:.0f} MB with "
              f"{sum(1 for s in held if s.port == srv.port)} sockets (~{per_conn:.0f} KB each), "
              f"{rss_after[i]:.0f} MB after the load")  # fmt: skip
    shares = ", ".join(f"server {i + 1} {share:.0f}%" for i, share in enumerate(cpu_share[:-1]))
    # CPU time per change moves much less with the machine's load than the latencies do.
    server_cpu_ms = sum(a - b for a, b in zip(cpu_after[:-1], cpu_before[:-1], strict=True)) * 1000
    per_change = ""
    if sent:
        per_change = f"; {server_cpu_ms / sent:.1f} ms of server CPU per change (both processes, pings included)"
    print(f"  CPU during the load (% of one core): {shares}, the client {cpu_share[-1]:.0f}%{per_change}")
    others = ", ".join(
        f"{kind} {(services_after[kind] - services_before[kind]) / load_seconds * 100:.0f}%" for kind in services_after
    )
    print(f"  the services' CPU during the load (% of one core, all their processes): {others}")
    waits = [(a - b) / load_seconds * 100 for a, b in zip(waited_after, waited_before, strict=True)]
    waited = ", ".join(f"server {i + 1} {w:.0f}%" for i, w in enumerate(waits[:-1]))
    print(f"  runnable but waiting for a CPU during the load (threads summed, % of the time; other work's share): "
          f"{waited}, the client {waits[-1]:.0f}%")  # fmt: skip
    print(f"  actions: {sent} sent over {args.seconds:.0f} s ({sent / args.seconds:.1f}/s), {refused} refused, "
          f"{skipped} ticks skipped (the previous change had not reached its actor yet)")  # fmt: skip
    for e in errors[:3]:
        print(f"    refusal: {e}")
    pongs = [ms for s in flat for ms in s.pongs]
    if args.ping_seconds > 0:
        rtt = (f": round trip p50 {statistics.median(pongs):.1f} ms, p99 {percentile(pongs, 99):.1f} ms"
               if pongs else "")  # fmt: skip
        print(f"  pings (every socket every {args.ping_seconds:g} s, as room.js): "
              f"{pings_sent} sent, {len(pongs)} answered{rtt}")  # fmt: skip
    missing = expected - len(latencies)
    print(f"  deliveries: {len(latencies)} received of {expected} expected ({missing} not in by 5 s after the load)")
    ok = not failed and missing == 0
    if latencies:
        p50, p95, p99 = statistics.median(latencies), percentile(latencies, 95), percentile(latencies, 99)
        budget = args.budget_ms or budget_ms(len(flat))
        verdict = "ok" if p99 < budget else "OVER BUDGET"
        print(f"  latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {max(latencies):.1f}  "
              f"(budget p99 < {budget:.0f} ms for {len(flat):,} sockets: {verdict})")  # fmt: skip
    for srv in servers:
        for line in _log_errors(srv):
            print(f"    server log ({srv.log.name}): {line[:160]}")
    return ok


def part(label: str, seats: list[list[Seat]], extra: list[dict[str, str]], args: argparse.Namespace) -> bool:
    servers: list[Server] = []
    try:
        for i, env in enumerate(extra):
            servers.append(start_server(f"{label.split('.')[0]}-{i + 1}", env))
        sockets = sum(len(row) for row in seats)
        limit = PHASE_BUDGET_S * max(1.0, sockets / 750) + args.seconds
        return asyncio.run(asyncio.wait_for(run_part(label, seats, servers, args), limit))
    finally:
        for srv in servers:
            stop_server(srv)


# Where the time goes --------------------------------------------------------------------


def change_cost(seats: list[list[Seat]], per_room: int) -> None:
    """What one change costs the server's database thread, whatever the room's size: the
    access check, the service, and the snapshot built and serialized once for every socket."""
    from asgiref.sync import async_to_sync
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from roundtable.live import clock, consumers

    fac = seats[0][0]
    act = consumers.act.func  # the synchronous body, run here on this thread

    def one_change() -> None:
        act(fac.user_id, fac.rt_id, "add_minute", {})

    async_to_sync(consumers.act)(fac.user_id, fac.rt_id, "add_minute", {})  # warm up
    runs = 100
    t0 = time.perf_counter()
    for _ in range(runs):
        one_change()
    per_change = (time.perf_counter() - t0) / runs * 1000
    t0 = time.perf_counter()
    for _ in range(runs):
        _user, rt = consumers._authorize(fac.user_id, fac.rt_id)
    per_check = (time.perf_counter() - t0) / runs * 1000
    t0 = time.perf_counter()
    for _ in range(runs):
        text = clock.dumps(clock.snapshot(rt, timezone.now()))
    per_snapshot = (time.perf_counter() - t0) / runs * 1000
    with CaptureQueriesContext(connection) as change_q:
        one_change()
    with CaptureQueriesContext(connection) as snap_q:
        clock.snapshot(rt, timezone.now())
    print("\nWhere the time goes (in process, the same database, the facilitator adding a minute)")
    print(f"  one change: {len(change_q)} queries (with BEGIN/COMMIT), {per_change:.2f} ms, of which the access "
          f"check {per_check:.2f} ms and the snapshot ({len(snap_q)} queries, {len(text):,} bytes of JSON) "
          f"{per_snapshot:.2f} ms")  # fmt: skip
    print(f"  the same for a room of any size: the {per_room} sockets of a room only wrap the JSON text "
          "with their own \"you\" part, with no database work")  # fmt: skip
    connection.close()


def main() -> int:
    global DATABASE_URL, PG_DB
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--per-room", type=int, default=15, help="sockets per room: a facilitator and members")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the load runs in each part")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between changes in one room")
    parser.add_argument("--ping-seconds", type=float, default=20.0,
                        help="each socket pings this often during the load, as the page does (0: never)")  # fmt: skip
    parser.add_argument("--connect-concurrency", type=int, default=50, help="handshakes in flight at once")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="part 2's REDIS_URL")
    parser.add_argument("--only", choices=["one", "two"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg", action="store_true",
                        help=f"PostgreSQL (database {PG_DB}, created if missing) instead of SQLite")  # fmt: skip
    parser.add_argument("--pg-server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-db", default=PG_DB, help="the benchmark's own PostgreSQL database (created if missing)")
    parser.add_argument("--budget-ms", type=float, default=None,
                        help="the p99 bar (default 50 ms up to 750 sockets, 100 ms beyond)")  # fmt: skip
    args = parser.parse_args()
    args.seconds = min(args.seconds, 90.0)  # bounded: both parts stay within a few minutes
    if args.pg:
        PG_DB = args.pg_db
        DATABASE_URL = _pg_ensure(args.pg_server)

    _django_setup()
    print(f"Live roundtable: {args.rooms} rooms x {args.per_room} sockets, about one change per room every "
          f"{args.interval:g} s for {args.seconds:g} s; client: one asyncio process (websockets); "
          f"{os.cpu_count()} CPUs shared by clients and servers; {load()} at the start")  # fmt: skip
    prepare_people(args.rooms, args.per_room)
    ok = True
    seats: list[list[Seat]] = []
    if args.only in (None, "one"):
        seats = prepare_rooms(args.rooms, args.per_room)
        ok &= part("1. one server process, in-memory channel layer", seats, [{}], args)
    if args.only in (None, "two"):
        import redis

        try:
            redis.Redis.from_url(args.redis, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            print(f"\n2. skipped: Redis is not answering at {args.redis} ({exc})")
            return 1
        seats = prepare_rooms(args.rooms, args.per_room)
        env = {"REDIS_URL": args.redis}
        shared = "one PostgreSQL database" if DATABASE_URL else "one SQLite file (WAL)"
        label = f"2. two socket server processes (production), channels-redis, {shared} shared by both"
        ok &= part(label, seats, [env, env], args)
    change_cost(seats, args.per_room)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
