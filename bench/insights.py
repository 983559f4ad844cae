#!/usr/bin/env python
"""Insights and the board for a member with three years of history (issue 10): 10,000
activities, 300 opportunities, 2,000 contacts (built as bench/tracker.py builds them) and 500
meetings gone to in six groups, most reflected on and half with a goal, on SQLite and on
PostgreSQL.

For each database a child process migrates its own database (SQLite under var/bench/insights/,
PostgreSQL `rt_insights_bench`), builds the member once (kept between runs; --regenerate builds
again), then times each page in process with Django's test client (the whole request: middleware,
view, queries, template; no network): a warm-up, then --requests requests of each. Prints p50/p95
ms, queries per request and the response size. The bar: p95 under 100 ms.

    flock /work/bench.lock .venv/bin/python bench/insights.py                # both databases
    flock /work/bench.lock .venv/bin/python bench/insights.py --db sqlite --requests 100
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from common import BASE_DIR, VENV_BIN, load, percentile, server_env  # bench/common.py

VAR_DIR = BASE_DIR / "var" / "bench" / "insights"
PG_NAME = "rt_insights_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
EMAIL = "bench-insights-member@example.com"
MEETINGS, GROUPS = 500, 6
PAGES = [
    ("insights", "/me/insights/"),
    ("API insights", "/api/v1/me/insights"),
    ("board", "/tracker/board/"),
]


def _pg_ensure() -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')


def parent(args: argparse.Namespace) -> int:
    print(f"bench/insights.py: 10,000 activities, 300 opportunities, 2,000 contacts, {MEETINGS} meetings; "
          f"{args.requests} requests a page after a warm-up; {load()}")  # fmt: skip
    failed = 0
    for db in ("sqlite", "pg") if args.db == "both" else (args.db,):
        env = server_env(VAR_DIR)
        if db == "pg":
            _pg_ensure()
            env["DATABASE_URL"] = PG_URL
        else:
            env["SQLITE_PATH"] = str(VAR_DIR / "insights.sqlite3")
        cmd = [str(VENV_BIN / "python"), str(Path(__file__)), "--child", db, "--requests", str(args.requests)]
        if args.regenerate:
            cmd.append("--regenerate")
        failed |= subprocess.run(cmd, cwd=BASE_DIR / "bench", env=env, check=False).returncode
    print(f"done; {load()}")
    return failed


def _build(regenerate: bool) -> object:
    """The member's tracker (bench/tracker.py's builder) and 500 meetings in six groups."""
    import random
    from datetime import timedelta

    import tracker as tracker_bench  # bench/tracker.py
    from django.db import transaction
    from django.utils import timezone

    from roundtable.accounts.models import User
    from roundtable.groups.models import Group, Kind, Membership, MembershipState
    from roundtable.journal.models import Goal, Reflection
    from roundtable.meetings.models import Meeting, Rsvp

    user = User.objects.filter(email=EMAIL).first()
    if user is not None and not regenerate:
        return user
    tracker_bench.EMAIL = EMAIL
    user = tracker_bench._build(True)  # type: ignore[assignment]
    started = time.monotonic()
    rng = random.Random(11)
    kinds = [Kind.SPEAKERS, Kind.STRATEGIC, Kind.SUPPORT]
    with transaction.atomic():
        Group.objects.filter(slug__startswith="bench-insights-").delete()
        groups = [
            Group.objects.create(name=f"Bench group {i}", slug=f"bench-insights-{i}", kind=kinds[i % 3])
            for i in range(GROUPS)
        ]
        Membership.objects.bulk_create(
            [Membership(group=g, user=user, state=MembershipState.ACTIVE) for g in groups]  # type: ignore[misc]
        )
        now = timezone.now()
        meetings = Meeting.objects.bulk_create([
            Meeting(group=groups[i % GROUPS], title=f"Meeting {i}", time_zone="America/New_York",
                    starts_at=(s := now - timedelta(hours=2 + i * 1095 * 24 // MEETINGS)),
                    ends_at=s + timedelta(minutes=rng.choice((60, 90, 120))))
            for i in range(MEETINGS)
        ], batch_size=500)  # fmt: skip
        Rsvp.objects.bulk_create([Rsvp(meeting=m, user=user, status="going") for m in meetings], batch_size=500)  # type: ignore[misc]
        Reflection.objects.bulk_create([
            Reflection(owner=user, meeting=m, value=rng.randint(1, 5), goal_met=rng.choice(("yes", "partly", "no")))
            for i, m in enumerate(meetings) if i % 5
        ], batch_size=500)  # type: ignore[misc]  # fmt: skip
        Goal.objects.bulk_create(
            [Goal(owner=user, meeting=m, reasons=["learn_topic"]) for i, m in enumerate(meetings) if i % 2],  # type: ignore[misc]
            batch_size=500,
        )
    print(f"  built the meetings in {time.monotonic() - started:.1f} s")
    return user


def child(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from roundtable.accounts.services import api_token_create

    name = {"sqlite": "SQLite", "pg": "PostgreSQL"}[args.child]
    print(f"\n{name} ({connection.vendor}):")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"  migrate and collectstatic {time.monotonic() - started:.1f} s")
    user = _build(args.regenerate)
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    _token, secret = api_token_create(user=user)  # type: ignore[arg-type]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    worst = 0.0
    print(f"  {'page':<22}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'KB':>8}")
    for label, url in PAGES:
        headers = auth if url.startswith("/api/") else {}
        for _ in range(5):
            assert client.get(url, **headers).status_code == 200, url
        times = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.get(url, **headers)
            times.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, **headers)
        p95 = percentile(times, 95)
        worst = max(worst, p95)
        print(f"  {label:<22}{percentile(times, 50):9.1f}{p95:9.1f}{len(ctx.captured_queries):9d}"
              f"{len(response.content) / 1024:8.1f}")  # fmt: skip
    print(f"  worst p95 {worst:.1f} ms: {'under' if worst < 100 else 'OVER'} the 100 ms bar; {load()}")
    return 0 if worst < 100 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--child", choices=("sqlite", "pg"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    os.chdir(BASE_DIR / "bench")
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
