#!/usr/bin/env python
"""Meetings under load: RSVP on PostgreSQL with 50 clients, and the agenda and feed of a busy member.

Part 1 (PostgreSQL database `roundtable_bench_meetings` at 127.0.0.1:5432, created if
missing and migrated): a group, a meeting with capacity 200 a week ahead, 1,000 active
members with API tokens. Starts the production page server as `scripts/serve pages` does
(granian's WSGI workers, DEBUG off, Django's psycopg connection pool) on a free loopback
port; 50 keep-alive clients POST /api/v1/meetings/{id}/rsvp once for each
member, then DELETE 200 of the seats (each cancellation promotes the first person
waiting). Prints requests/s and p50/p95/p99 latency per phase, then checks in the
database that going never exceeds capacity and that promotion follows the waitlist order.

Part 2 (SQLite under var/bench/meetings/, and PostgreSQL too with --pg): a member of 20
groups, each with a weekly series two years ahead, going to about half of the meetings.
Times /me/agenda/ (list, month, week) and the private feed /calendar/<token>.ics in
process with Django's test client: p50/p95 ms, SQL queries per request, response size.

    .venv/bin/python bench/meetings.py                 # part 1 on PostgreSQL, part 2 on SQLite
    .venv/bin/python bench/meetings.py --pg            # part 2 on PostgreSQL as well
    .venv/bin/python bench/meetings.py --regenerate    # generate the part 2 data again
    .venv/bin/python bench/meetings.py --only rsvp     # or --only agenda
    .venv/bin/python bench/meetings.py --no-pool       # part 1 opening a connection per request
    .venv/bin/python bench/meetings.py --asgi          # part 1 on uvicorn (ASGI) instead of granian

Exits 1 when a database check fails (going above capacity, promotion out of order,
counters that disagree with the rows) or when a response was not the expected status.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from common import (  # bench/common.py (scripts run from bench/)
    BASE_DIR,
    CORES,
    VENV_BIN,
    free_port,
    load,
    page_server_cmd,
    percentile,
    read_response,
    server_env,
    shown,
    socket_server_cmd,
    wait_ready,
)

VAR_DIR = BASE_DIR / "var" / "bench" / "meetings"
PG_DB = "roundtable_bench_meetings"
SERVER_LOG = VAR_DIR / "rsvp-server.log"
RSVP_GROUP = "bench-rsvp"
RSVP_EMAIL = "bench-rsvp-{:04d}@example.com"
AGENDA_EMAIL = "bench-agenda-member@example.com"
AGENDA_GROUPS = 20
AGENDA_DAYS_AHEAD = 730
AGENDA_DAYS_BEHIND = 28
OTHER_MEMBERS = 200
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
TOPICS = ["LinkedIn", "Resume", "Networking", "Interviewing", "Salary negotiation", "Career change"]


# Shared helpers ---------------------------------------------------------------------


def _base_env() -> dict[str, str]:
    return server_env(VAR_DIR)


def _pg_urls(server: str) -> tuple[str, str]:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{PG_DB}")), urlunsplit(parts._replace(path="/postgres"))


def _pg_ensure(server: str, *, drop: bool) -> None:
    import psycopg

    with psycopg.connect(_pg_urls(server)[1], autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{PG_DB}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
            print(f"  created PostgreSQL database {PG_DB}")


def _manage(env: dict[str, str], *args: str) -> None:
    started = time.monotonic()
    subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
                   capture_output=True, text=True)  # fmt: skip
    print(f"  manage.py {args[0]:<13} {time.monotonic() - started:5.1f} s")


def _django_setup() -> None:
    sys.path.insert(0, str(BASE_DIR))
    # MeetingSeries.first_start holds a naive wall-clock time by design; Django warns on each save.
    warnings.filterwarnings("ignore", message=r"DateTimeField MeetingSeries\.first_start received a naive")
    import django

    django.setup()


def _server_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {str(cursor.fetchone()[0]).split()[0]}"


# Part 1: RSVP under load ------------------------------------------------------------


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    # (user_id, answer body) in the order the answers came back
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    bad_samples: list[str] = field(default_factory=list)  # the first bodies of answers that were not 200

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)


async def _send_all(port: int, name: str, method: str, path: str, jobs: list[tuple[int, str]], clients: int) -> Phase:
    """Send one request per (user_id, token) job over `clients` keep-alive connections."""
    phase = Phase(name=name)
    queue = iter(jobs)

    def request(token: str) -> bytes:
        return (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: roundtable-bench\r\n"
            f"Accept: application/json\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\n"
            "Connection: keep-alive\r\n\r\n"
        ).encode()

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for user_id, token in queue:
                t0 = time.perf_counter()
                writer.write(request(token))
                try:
                    status, body = await read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    phase.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                phase.latencies_ms.append((time.perf_counter() - t0) * 1000)
                phase.statuses[status] = phase.statuses.get(status, 0) + 1
                if status != 200 and len(phase.bad_samples) < 3:
                    phase.bad_samples.append(f"{status} {' '.join(body.decode('utf-8', 'replace').split())[:90]}")
                try:
                    phase.answers.append((user_id, json.loads(body)))
                except ValueError:
                    phase.answers.append((user_id, {"raw": body[:200].decode("utf-8", "replace")}))
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    phase.seconds = time.perf_counter() - started
    return phase


class _ConnectionMonitor:
    """Samples pg_stat_activity for the benchmark database while the load runs (one connection)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.peak = 0
        self.peak_idle = 0
        self.peak_lock_waits = 0
        self.limit = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(timeout=10)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        sql = (
            "SELECT count(*), count(*) FILTER (WHERE state = 'idle'), count(*) FILTER (WHERE wait_event_type = 'Lock')"
            " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        with psycopg.connect(self.url, autocommit=True) as conn:
            self.limit = int(conn.execute("SHOW max_connections").fetchone()[0])  # type: ignore[index]
            self._ready.set()
            while not self._stop.wait(0.1):
                total, idle, waiting = conn.execute(sql).fetchone()  # type: ignore[misc]
                self.peak, self.peak_idle = max(self.peak, total), max(self.peak_idle, idle)
                self.peak_lock_waits = max(self.peak_lock_waits, waiting)


def _server_errors() -> list[tuple[int, str]]:
    """The exceptions in the server's log, most frequent first."""
    counts: dict[str, int] = {}
    for line in SERVER_LOG.read_text(errors="replace").splitlines():
        m = re.match(r"^([A-Za-z_][\w.]*(?:Error|Exception)): (.*)", line)
        if m:
            key = f"{m.group(1)}: {m.group(2)[:140]}"
            counts[key] = counts.get(key, 0) + 1
    return sorted(((n, k) for k, n in counts.items()), reverse=True)


def _rsvp_prepare(members: int, capacity: int) -> tuple[int, list[tuple[int, str]]]:
    """Group, members and a fresh meeting; returns the meeting id and (user_id, token) pairs."""
    from django.db import transaction
    from django.utils import timezone

    from roundtable.accounts.models import ApiToken, User
    from roundtable.core.tokens import hash_secret, new_secret
    from roundtable.groups.models import Group, GroupVisibility, JoinPolicy, Kind, Membership, MembershipRole
    from roundtable.groups.models import MembershipState as State
    from roundtable.meetings import services
    from roundtable.meetings.models import Meeting

    with transaction.atomic():
        group, _ = Group.objects.get_or_create(
            slug=RSVP_GROUP,
            defaults={"name": "RSVP Bench Roundtable", "kind": Kind.STRATEGIC, "visibility": GroupVisibility.LISTED,
                      "join_policy": JoinPolicy.OPEN, "time_zone": "America/New_York"},
        )  # fmt: skip
        emails = [RSVP_EMAIL.format(i) for i in range(members)]
        have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        new = []
        for email in emails:
            if email not in have:
                u = User(email=email)
                u.set_unusable_password()  # no Argon2 per user: this is about RSVPs
                new.append(u)
        User.objects.bulk_create(new, batch_size=500)
        users = list(User.objects.filter(email__in=emails).order_by("email"))
        facilitator, _ = User.objects.get_or_create(email="bench-rsvp-facilitator@example.com")
        Membership.objects.bulk_create(
            [Membership(group=group, user=u, state=State.ACTIVE) for u in users]
            + [Membership(group=group, user=facilitator, role=MembershipRole.FACILITATOR, state=State.ACTIVE)],
            ignore_conflicts=True,
            batch_size=500,
        )
        Membership.objects.filter(group=group, user__in=users).update(state=State.ACTIVE)
        Group.objects.filter(pk=group.pk).update(member_count=Membership.objects.filter(group=group).count())
        # A fresh meeting every run; the previous runs' meetings (and their RSVPs) go.
        Meeting.objects.filter(group=group).delete()
        ApiToken.objects.filter(user__in=users).delete()
        secrets = [new_secret("rt") for _ in users]
        pairs = zip(users, secrets, strict=True)
        tokens = [ApiToken(user=u, name="bench", prefix=s[:10], token_hash=hash_secret(s)) for u, s in pairs]
        ApiToken.objects.bulk_create(tokens, batch_size=500)
        start = (timezone.now() + timedelta(days=7)).astimezone(services.recurrence.zone("America/New_York"))
        data = services.MeetingData(
            title="Capacity test roundtable", start_local=start.replace(hour=18, minute=0, second=0, microsecond=0,
                                                                          tzinfo=None),
            time_zone="America/New_York", main_minutes=60, capacity=capacity, venue="Public Library, Room 2",
            address="700 Boylston St, Boston, MA",
        )  # fmt: skip
        meeting = services.meeting_create(group=group, by=facilitator, data=data)
    return meeting.pk, [(u.pk, s) for u, s in zip(users, secrets, strict=True)]


def _phase_line(p: Phase) -> str:
    lat = p.latencies_ms or [0.0]
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(p.statuses.items()))
    errors = f", {p.errors} connection errors" if p.errors else ""
    rps = p.requests / p.seconds if p.seconds else 0.0
    p50, p95, p99 = statistics.median(lat), percentile(lat, 95), percentile(lat, 99)
    return (f"  {p.name:<22} {p.requests:>8} {p.seconds:>7.1f} {rps:>7.0f} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} "
            f"{max(lat):>7.1f}  {statuses}{errors}")  # fmt: skip


def part_rsvp(args: argparse.Namespace) -> int:
    _django_setup()
    from django.db import connection

    from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus

    print(f"\n1. RSVP under load: {args.members:,} members, capacity {args.capacity}, {args.clients} concurrent "
          f"clients, {_server_version()} (database {PG_DB})")  # fmt: skip
    t0 = time.monotonic()
    meeting_id, jobs = _rsvp_prepare(args.members, args.capacity)
    public_id = Meeting.objects.values_list("public_id", flat=True).get(pk=meeting_id)  # the API's address
    print(f"  prepared group {RSVP_GROUP!r}, meeting {public_id} (capacity {args.capacity}, a week ahead) and "
          f"{len(jobs):,} active members with API tokens in {time.monotonic() - t0:.1f} s")  # fmt: skip
    # Keep our own connection (idle, autocommit, no locks) so the checks below can still connect
    # if the server uses up max_connections.
    connection.ensure_connection()

    env = _base_env()
    env.update(DATABASE_URL=os.environ["DATABASE_URL"], ALLOWED_HOSTS="127.0.0.1")
    pool = "off (DATABASE_POOL=false): a connection opened and closed per request"
    if args.no_pool or args.conn_max_age is not None:
        env["DATABASE_POOL"] = "false"
    else:
        size = env.get("DATABASE_POOL_MAX_SIZE", "4")
        pool = f"on: Django's psycopg pool, at most {size} connections per process (DATABASE_POOL_MAX_SIZE)"
    settings_note = "config.settings as they are"
    if args.conn_max_age is not None:
        # The project's settings with one change, in a generated module under var/bench/meetings/.
        shim = VAR_DIR / "bench_settings.py"
        shim.write_text(
            "# Generated by bench/meetings.py --conn-max-age: the project's settings, one value changed.\n"
            "from config.settings import *  # noqa: F403\n"
            f"DATABASES['default']['CONN_MAX_AGE'] = {args.conn_max_age}  # noqa: F405\n"
        )
        env.update(DJANGO_SETTINGS_MODULE="bench_settings", PYTHONPATH=os.pathsep.join([str(VAR_DIR), str(BASE_DIR)]))
        settings_note = f"config.settings with CONN_MAX_AGE={args.conn_max_age} (--conn-max-age, pool off)"
    port = free_port()
    if args.asgi:
        cmd = socket_server_cmd(port, args.workers)
        serving = f"uvicorn (ASGI), {args.workers} processes"
    else:
        cmd = page_server_cmd(port, args.workers, args.threads)
        serving = f"granian (WSGI, as scripts/serve pages), {args.workers} workers x {args.threads} threads"
    print(f"  server: DEBUG=false {shown(cmd)}")
    print(f"  server settings: {settings_note}; connection pool {pool}; its log: {SERVER_LOG.relative_to(BASE_DIR)}")
    log = SERVER_LOG.open("w")
    server = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    monitor = _ConnectionMonitor(os.environ["DATABASE_URL"])
    monitor.start()
    rng = random.Random(args.seed)
    path = f"/api/v1/meetings/{public_id}/rsvp"
    try:
        wait_ready(port, server)
        warm = [jobs[0]] * (4 * args.clients)  # one token: the others stay unused until they RSVP
        warmup = asyncio.run(_send_all(port, "warm-up GET", "GET", f"/api/v1/meetings/{public_id}", warm, args.clients))
        order = jobs[:]
        rng.shuffle(order)
        posts = asyncio.run(_send_all(port, "POST rsvp (say going)", "POST", path, order, args.clients))
        # The waitlist as the database holds it before anyone cancels.
        snapshot = list(
            Rsvp.objects.filter(meeting_id=meeting_id, status=RsvpStatus.WAITLISTED)
            .order_by("waitlisted_at", "id")
            .values_list("user_id", flat=True)
        )
        going_users = [uid for uid, body in posts.answers if body.get("status") == RsvpStatus.GOING]
        tokens = dict(jobs)
        cancelling = rng.sample(going_users, min(args.cancels, len(going_users)))
        deletes = asyncio.run(
            _send_all(port, "DELETE rsvp (cancel)", "DELETE", path, [(u, tokens[u]) for u in cancelling], args.clients)
        )
    finally:
        monitor.stop()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()

    total = Phase(name="all RSVP requests", seconds=posts.seconds + deletes.seconds,
                  errors=posts.errors + deletes.errors,
                  latencies_ms=posts.latencies_ms + deletes.latencies_ms)  # fmt: skip
    for p in (posts, deletes):
        for k, v in p.statuses.items():
            total.statuses[k] = total.statuses.get(k, 0) + v
    print(f"  {serving}; {CORES} CPUs shared with this client; after {warmup.requests} warm-up GETs of the "
          f"meeting; {load()}")  # fmt: skip
    print(f"  {'phase':<22} {'requests':>8} {'seconds':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7}  statuses")  # fmt: skip
    for p in (posts, deletes, total):
        print(_phase_line(p))

    answered = [b for _, b in posts.answers]
    n_going = sum(1 for b in answered if b.get("status") == "going")
    positions = sorted(b["waitlist_position"] for b in answered if b.get("status") == "waitlisted")
    max_seen = max((int(b.get("going_count", 0)) for _, b in posts.answers + deletes.answers), default=0)
    cancelled = sum(1 for _, b in deletes.answers if b.get("status") == "declined")
    print(f"  answers: {n_going} going and {len(positions)} waitlisted to the POSTs, {cancelled} cancellations "
          f"confirmed by the DELETEs; highest going_count in any answer: {max_seen}")  # fmt: skip

    failures: list[str] = []
    bad_status = any(set(p.statuses) - {200} or p.errors for p in (warmup, posts, deletes))
    print(f"  PostgreSQL connections to {PG_DB} during the load: peak {monitor.peak} ({monitor.peak_idle} idle, "
          f"{monitor.peak_lock_waits} waiting for a lock at the most; max_connections {monitor.limit})")  # fmt: skip
    if bad_status:
        failures.append("a response was not 200")
        samples = [b for p in (warmup, posts, deletes) for b in p.bad_samples][:2]
        print(f"  FAIL: some responses were not 200 (e.g. {samples}); the server logged:")
        errors = _server_errors()
        for n, text in errors[:3]:
            print(f"    {n:>5} x {text}")
        if any("too many clients" in text for _, text in errors):
            print("  The server ran out of PostgreSQL connections. Under ASGI each request runs on its own thread,")
            print("  and a connection kept for reuse (CONN_MAX_AGE > 0) stays open on it until garbage collection;")
            print("  Django's docs say to disable persistent connections under ASGI. --conn-max-age 0 measures")
            print("  with them off.")

    meeting = Meeting.objects.get(pk=meeting_id)
    going = Rsvp.objects.filter(meeting_id=meeting_id, status=RsvpStatus.GOING).count()
    waiting = list(
        Rsvp.objects.filter(meeting_id=meeting_id, status=RsvpStatus.WAITLISTED)
        .order_by("waitlisted_at", "id")
        .values_list("user_id", flat=True)
    )
    cap = meeting.capacity or 0
    ok = going <= cap and max_seen <= cap
    if not ok:
        failures.append("going above capacity")
    print(f"  database: going {going} of capacity {cap} — never above capacity: {'OK' if ok else 'FAIL'}"
          f" (highest going_count told to a client: {max_seen})")  # fmt: skip
    counters_ok = meeting.going_count == going and meeting.waitlist_count == len(waiting)
    if not counters_ok:
        failures.append("meeting counters disagree with the rows")
    print(f"  database: waitlist {len(waiting)}; meeting.going_count {meeting.going_count}, waitlist_count "
          f"{meeting.waitlist_count} agree with the rows: {'OK' if counters_ok else 'FAIL'}")  # fmt: skip
    # Who was promoted, in the order it happened (each promotion saves the row, under the
    # meeting's lock, so updated_at orders them), against the waitlist before the cancellations.
    waited = set(snapshot)
    promoted = list(
        Rsvp.objects.filter(meeting_id=meeting_id, status=RsvpStatus.GOING, user_id__in=waited)
        .order_by("updated_at", "id")
        .values_list("user_id", flat=True)
    )
    order_ok = promoted == snapshot[: len(promoted)] and waiting == snapshot[len(promoted) :]
    enough = len(promoted) == min(cancelled, len(snapshot))
    if not (order_ok and enough):
        failures.append("promotion out of waitlist order")
    print(f"  database: {len(promoted)} promoted for {cancelled} cancellations, first come first served "
          f"(promotion order = waitlisted_at ascending, the rest still waiting in that order): "
          f"{'OK' if order_ok and enough else 'FAIL'}")  # fmt: skip
    rank = {uid: i + 1 for i, uid in enumerate(snapshot)}
    told = [(uid, b["waitlist_position"]) for uid, b in posts.answers if b.get("status") == "waitlisted"]
    agree = sum(1 for uid, pos in told if rank.get(uid) == pos)
    verdict = "OK" if agree == len(told) else "MISMATCH (reported, not counted as a failure: see bench/README.md)"
    print(f"  waitlist positions told in the answers: {agree} of {len(told)} equal the person's place by "
          f"waitlisted_at, {len(set(positions))} different numbers for {len(told)} people: {verdict}")  # fmt: skip
    if failures:
        print(f"  FAIL: {'; '.join(failures)}")
        return 1
    return 0


# Part 2: agenda and feed of a member of 20 groups -------------------------------------


def _agenda_generate(rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.utils import timezone

    from roundtable.accounts.models import Profile, User
    from roundtable.groups.models import Format, Group, GroupVisibility, JoinPolicy, Kind, Membership, Topic
    from roundtable.groups.models import MembershipRole as Role
    from roundtable.groups.models import MembershipState as State
    from roundtable.meetings import services
    from roundtable.meetings.models import Meeting, MeetingStatus, Rsvp, RsvpStatus, Talk

    now = timezone.now()
    with transaction.atomic():
        member = User.objects.create_user(AGENDA_EMAIL)  # the post_save signal makes the profile
        Profile.objects.filter(user=member).update(display_name="Busy Member", time_zone="America/New_York")
        facilitator = User.objects.create_user("bench-agenda-facilitator@example.com")
        others = [User(email=f"bench-agenda-{i:04d}@example.com") for i in range(OTHER_MEMBERS)]
        for u in others:
            u.set_unusable_password()
        others = User.objects.bulk_create(others)
        Topic.objects.bulk_create([Topic(name=t, slug=t.lower().replace(" ", "-")) for t in TOPICS],
                                  ignore_conflicts=True)  # fmt: skip
        topics = list(Topic.objects.filter(name__in=TOPICS))
        kinds = [Kind.SPEAKERS, Kind.STRATEGIC, Kind.SUPPORT]
        visibilities = [GroupVisibility.LISTED] * 3 + [GroupVisibility.UNLISTED, GroupVisibility.SECRET]
        formats = [Format.IN_PERSON, Format.IN_PERSON, Format.VIRTUAL, Format.HYBRID]
        groups = []
        for i in range(AGENDA_GROUPS):
            vis = visibilities[i % len(visibilities)]
            groups.append(Group.objects.create(
                name=f"Agenda Bench Group {i:02d}", slug=f"bench-agenda-{i:02d}", kind=kinds[i % 3],
                format=formats[i % 4], visibility=vis, time_zone=ZONES[i % len(ZONES)],
                join_policy=JoinPolicy.INVITE if vis == GroupVisibility.SECRET else JoinPolicy.OPEN,
            ))  # fmt: skip
        memberships = [Membership(group=g, user=member, state=State.ACTIVE) for g in groups]
        memberships += [
            Membership(group=g, user=facilitator, role=Role.FACILITATOR, state=State.ACTIVE) for g in groups
        ]
        other_groups = {u.pk: rng.sample(groups, 3) for u in others}
        memberships += [Membership(group=g, user_id=uid, state=State.ACTIVE) for uid, gs in other_groups.items()
                        for g in gs]  # fmt: skip
        Membership.objects.bulk_create(memberships, batch_size=1000)
        for g in groups:
            Group.objects.filter(pk=g.pk).update(member_count=Membership.objects.filter(group=g).count())

        # A weekly series per group, from four weeks ago: meeting_create with `now` in the past
        # (so the first occurrence is valid), then series_extend to two years ahead.
        then = now - timedelta(days=AGENDA_DAYS_BEHIND + 2)
        for i, g in enumerate(groups):
            day = (then + timedelta(days=1 + i % 7)).astimezone(services.recurrence.zone(g.time_zone))
            online = g.format in (Format.VIRTUAL, Format.HYBRID)
            data = services.MeetingData(
                title=f"{g.name} weekly", start_local=day.replace(hour=12 + i % 8, minute=0, second=0, microsecond=0,
                                                                  tzinfo=None),
                time_zone=g.time_zone, main_minutes=60, networking_before_minutes=15, networking_after_minutes=15,
                capacity=None if i % 2 else 40, format=g.format, venue="" if g.format == Format.VIRTUAL else "Library",
                address="" if g.format == Format.VIRTUAL else "700 Boylston St, Boston, MA",
                video_url=f"https://meet.example.com/bench-{i}" if online else "",
                description="Turns, challenges and solutions. Bring a notebook.",
            )  # fmt: skip
            first = services.meeting_create(group=g, by=facilitator, data=data, rule="FREQ=WEEKLY", now=then)
            assert first.series is not None
            services.series_extend(series=first.series, until=now + timedelta(days=AGENDA_DAYS_AHEAD))
        meetings = list(Meeting.objects.filter(group__in=groups).select_related("group"))
        # Talks for the speakers groups, a few cancelled occurrences.
        talks = [Talk(meeting=m, speaker_name="Jordan Lee", title=f"Talk {m.pk}: getting called back",
                      organisation="Harbor Bank") for m in meetings if m.group.kind == Kind.SPEAKERS]  # fmt: skip
        Talk.objects.bulk_create(talks, batch_size=1000)
        through = Talk.topics.through
        through.objects.bulk_create(
            [through(talk_id=t.pk, topic_id=tp.pk) for t in Talk.objects.filter(meeting__group__in=groups)
             for tp in rng.sample(topics, 2)], batch_size=1000,
        )  # fmt: skip
        cancelled = [m.pk for m in meetings if rng.random() < 0.03]
        Meeting.objects.filter(pk__in=cancelled).update(status=MeetingStatus.CANCELLED)
        rsvps = [Rsvp(meeting=m, user=member, status=RsvpStatus.GOING) for m in meetings if rng.random() < 0.5]
        by_group: dict[int, list[Meeting]] = {}
        for m in meetings:
            by_group.setdefault(m.group_id, []).append(m)
        for uid, gs in other_groups.items():
            rsvps += [Rsvp(meeting=m, user_id=uid, status=RsvpStatus.GOING) for g in gs for m in by_group[g.pk]
                      if rng.random() < 0.5]  # fmt: skip
        Rsvp.objects.bulk_create(rsvps, batch_size=2000)
        going = Rsvp.objects.filter(meeting=OuterRef("pk")).values("meeting").annotate(
            n=Count("id", filter=Q(status=RsvpStatus.GOING))).values("n")  # fmt: skip
        Meeting.objects.filter(group__in=groups).update(going_count=Subquery(going))
        Meeting.objects.filter(group__in=groups, going_count__isnull=True).update(going_count=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _agenda_top_up() -> int:
    """On a reused database: extend the series to two years from today; half of the new
    meetings get the member's RSVP. Returns how many meetings were added."""
    from django.utils import timezone

    from roundtable.accounts.models import User
    from roundtable.meetings import services
    from roundtable.meetings.models import MeetingSeries, Rsvp, RsvpStatus

    member = User.objects.get(email=AGENDA_EMAIL)
    until = timezone.now() + timedelta(days=AGENDA_DAYS_AHEAD)
    added = 0
    for series in MeetingSeries.objects.filter(group__slug__startswith="bench-agenda-"):
        new = services.series_extend(series=series, until=until)
        Rsvp.objects.bulk_create([Rsvp(meeting=m, user=member, status=RsvpStatus.GOING) for m in new[::2]])
        added += len(new)
    return added


@dataclass
class Timing:
    label: str
    ms: list[float]
    queries: int
    size: int
    items: int
    note: str = ""


class _QueryCounter:
    """An execute wrapper that counts SQL statements."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def _time(label: str, call: Callable[[], Any], *, runs: int, budget_s: float, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        call()
    out: list[float] = []
    deadline = time.monotonic() + budget_s
    while len(out) < runs and (not out or time.monotonic() < deadline):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def part_agenda(args: argparse.Namespace) -> int:
    _django_setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from roundtable.accounts.models import User
    from roundtable.meetings import feed_services, feeds, selectors
    from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus

    where = os.environ.get("SQLITE_PATH") or f"database {PG_DB}"
    print(f"\n2. Agenda and private feed of a member of {AGENDA_GROUPS} groups, weekly meetings two years ahead: "
          f"{_server_version()} ({where})")  # fmt: skip
    member = User.objects.filter(email=AGENDA_EMAIL).first()
    t0 = time.monotonic()
    if member is None:
        print("  generating (20 weekly series via services.meeting_create + series_extend) ...", flush=True)
        _agenda_generate(random.Random(args.seed))
        print(f"  generated in {time.monotonic() - t0:.1f} s")
        member = User.objects.get(email=AGENDA_EMAIL)
    else:
        added = _agenda_top_up()
        print(f"  reusing the generated data (--regenerate to start again); {added} meetings added to keep two "
              f"years ahead ({time.monotonic() - t0:.1f} s)")  # fmt: skip
    now = timezone.now()
    mine = Meeting.objects.filter(group__memberships__user=member, group__memberships__state="active")
    going = Rsvp.objects.filter(user=member, status=RsvpStatus.GOING)
    last = mine.order_by("-starts_at").values_list("starts_at", flat=True).first()
    in_window = going.filter(meeting__starts_at__gte=now - feeds.FEED_PAST).count()
    rows = Rsvp.objects.filter(meeting__group__slug__startswith="bench-agenda-").count()
    print(f"  data: {mine.count():,} meetings in the member's groups ({mine.filter(starts_at__gte=now).count():,} "
          f"upcoming, the last on {last:%Y-%m-%d}); the member is going to {going.count():,} "
          f"({in_window:,} in the feed's window); {rows:,} RSVP rows in these groups")  # fmt: skip

    _feed, token = feed_services.calendar_feed_create(user=member)
    client = Client()
    client.force_login(member)
    pages = [
        ("/me/agenda/ (list, 120 days)", "/me/agenda/", b'class="card result meeting-card'),
        ("/me/agenda/?view=month", "/me/agenda/?view=month", b'class="cal-event'),
        ("/me/agenda/?view=week", "/me/agenda/?view=week", b'class="cal-event'),
        ("/calendar/<token>.ics", f"/calendar/{token}.ics", b"BEGIN:VEVENT"),
    ]
    results: list[Timing] = []
    bad: list[str] = []
    for label, url, marker in pages:
        response = client.get(url)
        if response.status_code != 200:
            bad.append(f"{url}: {response.status_code}")
            continue
        # Counted with an execute wrapper: the query log is reset at every request start.
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            response = client.get(url)
        body = response.content
        ms = _time(label, lambda url=url: client.get(url), runs=args.runs, budget_s=args.budget)
        results.append(Timing(label, ms, counter.n, len(body), body.count(marker)))

    # Where the time goes: the selector alone (its queries and the model instances).
    tz_now = timezone.now()
    start, end = tz_now - timedelta(days=1), tz_now + timedelta(days=120)
    sel_agenda = _time("agenda", lambda: selectors.agenda(member, start, end), runs=args.runs, budget_s=args.budget / 2)
    sel_feed = _time("feed", lambda: feeds.private_feed_meetings(member), runs=args.runs, budget_s=args.budget / 2)

    print(f"  {'request (force_login, in process)':<32} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'queries':>8} {'bytes':>10} {'items':>6}")  # fmt: skip
    for r in results:
        print(f"  {r.label:<32} {len(r.ms):>5} {statistics.median(r.ms):>8.1f} {percentile(r.ms, 95):>8.1f} "
              f"{max(r.ms):>8.1f} {r.queries:>8} {r.size:>10,} {r.items:>6}")  # fmt: skip
    print(f"  {'  selectors.agenda (120 days)':<32} {len(sel_agenda):>5} {statistics.median(sel_agenda):>8.1f} "
          f"{percentile(sel_agenda, 95):>8.1f} {max(sel_agenda):>8.1f}")  # fmt: skip
    print(f"  {'  feeds.private_feed_meetings':<32} {len(sel_feed):>5} {statistics.median(sel_feed):>8.1f} "
          f"{percentile(sel_feed, 95):>8.1f} {max(sel_feed):>8.1f}")  # fmt: skip
    print("  (items: meeting cards, calendar entries or VEVENTs in the body; runs stop early after "
          f"{args.budget:.0f} s per row; the selector rows exclude rendering)")  # fmt: skip
    if bad:
        print(f"  FAIL: unexpected statuses: {', '.join(bad)}")
        return 1
    return 0


# Orchestration ------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="also run part 2 on PostgreSQL")
    parser.add_argument("--only", choices=["rsvp", "agenda"], help="run one part")
    parser.add_argument("--regenerate", action="store_true", help="generate the part 2 data again")
    parser.add_argument("--pg-server", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server (the database name in it is ignored)")  # fmt: skip
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=200)
    parser.add_argument("--cancels", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=CORES,
                        help="server worker processes (default: one per CPU, as scripts/serve)")  # fmt: skip
    parser.add_argument("--threads", type=int, default=2, help="granian blocking threads per worker (default 2)")
    parser.add_argument("--asgi", action="store_true", help="part 1 on uvicorn (ASGI) instead of granian (WSGI)")
    parser.add_argument("--no-pool", action="store_true", help="part 1 without the connection pool")
    parser.add_argument("--conn-max-age", type=int, default=None,
                        help="run the server with this CONN_MAX_AGE (and no pool) instead of the settings")  # fmt: skip
    parser.add_argument("--runs", type=int, default=100, help="timed requests per agenda/feed URL (default 100)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds at most per agenda/feed URL (default 60)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--part", choices=["rsvp", "agenda"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.part == "rsvp":
        return part_rsvp(args)
    if args.part == "agenda":
        return part_agenda(args)

    started = time.monotonic()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    pg_url = _pg_urls(args.pg_server)[0]
    sqlite_path = VAR_DIR / "agenda.sqlite3"
    base = _base_env()
    pg_env = {**base, "DATABASE_URL": pg_url}
    sqlite_env = {**base, "SQLITE_PATH": str(sqlite_path)}
    want_rsvp = args.only in (None, "rsvp")
    want_agenda = args.only in (None, "agenda")
    print("Preparing:")
    if want_rsvp or args.pg:
        # --regenerate drops the whole PostgreSQL database; part 1 rebuilds its rows every run anyway.
        _pg_ensure(args.pg_server, drop=args.regenerate and want_agenda and args.pg)
        _manage(pg_env, "migrate", "--noinput", "-v0")
    if want_agenda:
        if args.regenerate:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        _manage(sqlite_env, "migrate", "--noinput", "-v0")
        _manage(sqlite_env, "collectstatic", "--noinput", "-v0")  # DEBUG off: templates need the manifest

    child = [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
    codes = []
    if want_rsvp:
        codes.append(subprocess.run([*child, "--part", "rsvp"], cwd=BASE_DIR, env=pg_env, check=False).returncode)
    if want_agenda:
        codes.append(subprocess.run([*child, "--part", "agenda"], cwd=BASE_DIR, env=sqlite_env, check=False).returncode)
        if args.pg:
            codes.append(subprocess.run([*child, "--part", "agenda"], cwd=BASE_DIR, env=pg_env, check=False).returncode)
    print(f"\nDone in {time.monotonic() - started:.0f} s{'' if not any(codes) else ' (with FAILURES above)'}.")
    return 1 if any(codes) else 0


if __name__ == "__main__":
    sys.exit(main())
