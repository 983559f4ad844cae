#!/usr/bin/env python
"""Who to meet for a meeting of 200 attendees (issue 11): p50/p95 server time, on SQLite and on
PostgreSQL.

For each database a child process (this script with --child) migrates its own database (SQLite
under var/bench/recommendations/, PostgreSQL `rt_recommendations_bench` at 127.0.0.1:5432) and
builds, once (kept between runs; --regenerate builds it again), one approval group of 201
members, all going to one meeting next week: the viewer and 200 others with realistic profiles
(a current company for the employed, one to three past companies, two target companies for
those searching, among 80 companies; target roles among 30, industries among 15, expertise and
"can introduce" entries; visibility mixed: a third each field "everyone", half "members", the
rest "only me"; one in ten with recommendations off; 20 landings, half with "will help others").

It then times, after a warm-up (wall clock, and this process's CPU time, which on SQLite
includes the database's work and moves less than the wall clock on a busy machine): the
selector itself (network.selectors.recommendations_for_meeting: the queries, the visibility of
200 profiles, the scoring and ranking); the full page
/meetings/<id>/who-to-meet/ and the meeting page's htmx card through Django's test client
(middleware, view, queries, template; no network); and the API
/api/v1/meetings/<id>/recommendations. Prints p50/p95 ms, the CPU p95, SQL queries per request, how many
people are recommended and the load. The bar: p95 under 100 ms.

    flock /work/bench.lock .venv/bin/python bench/recommendations.py              # both databases
    flock /work/bench.lock .venv/bin/python bench/recommendations.py --db sqlite  # or --db pg
    flock /work/bench.lock .venv/bin/python bench/recommendations.py --requests 300 --regenerate
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from common import BASE_DIR, VENV_BIN, load, migrate_and_collect, percentile, server_env  # bench/common.py

VAR_DIR = BASE_DIR / "var" / "bench" / "recommendations"
PG_URL = "postgres://postgres@127.0.0.1:5432/rt_recommendations_bench"
ATTENDEES = 200
GROUP_SLUG = "bench-who-to-meet"
VIEWER = "bench-who-to-meet-viewer@example.com"


def _pg_ensure() -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'rt_recommendations_bench'").fetchone():
            conn.execute('CREATE DATABASE "rt_recommendations_bench"')


def parent(args: argparse.Namespace) -> int:
    print(f"bench/recommendations.py: who to meet among {ATTENDEES} attendees; {args.requests} requests each "
          f"after a warm-up; {load()}")  # fmt: skip
    failed = 0
    for db in ("sqlite", "pg") if args.db == "both" else (args.db,):
        env = server_env(VAR_DIR)
        if db == "pg":
            _pg_ensure()
            env["DATABASE_URL"] = PG_URL
        else:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            env["SQLITE_PATH"] = str(VAR_DIR / "recommendations.sqlite3")
        cmd = [str(VENV_BIN / "python"), str(Path(__file__)), "--child", db, "--requests", str(args.requests)]
        if args.regenerate:
            cmd.append("--regenerate")
        failed |= subprocess.run(cmd, cwd=BASE_DIR / "bench", env=env, check=False).returncode
    print(f"done; {load()}")
    return failed


def _setup() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


FIRMS = ("Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Hooli", "Acme", "Stark", "Wayne")
KINDS = ("Health", "Labs", "Bank", "Logistics", "Software", "Foods", "Energy", "Media")
COMPANIES = [f"{a} {b}" for a in FIRMS for b in KINDS]
ROLES = ["Data analyst", "Product manager", "UX researcher", "Software engineer", "Project manager", "Recruiter",
         "Business analyst", "Account executive", "Operations manager", "Marketing manager", "Nurse educator",
         "Financial analyst", "Customer success manager", "Technical writer", "QA engineer", "Data scientist",
         "HR generalist", "Supply chain analyst", "Sales engineer", "Program manager", "Controller",
         "Instructional designer", "Content strategist", "DevOps engineer", "Security analyst", "Buyer",
         "Office manager", "Grant writer", "Clinical coordinator", "Paralegal"]  # fmt: skip
INDUSTRIES = ["Healthcare", "Fintech", "Logistics", "Retail", "Education", "Energy", "Media", "Insurance",
              "Manufacturing", "Biotech", "Government", "Nonprofit", "Hospitality", "Real estate",
              "Software"]  # fmt: skip


def _build(regenerate: bool) -> tuple[object, object]:
    """The group, its meeting and 201 members going, built once through bulk inserts."""
    import random
    from datetime import date, timedelta

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from roundtable.accounts.models import PRIVATE_FIELDS, Profile, User
    from roundtable.groups.models import Admission, Group, JoinPolicy, Membership, MembershipRole, MembershipState
    from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus
    from roundtable.tracker.models import Landing

    group = Group.objects.filter(slug=GROUP_SLUG).first()
    viewer = User.objects.filter(email=VIEWER).first()
    if group is not None and viewer is not None and not regenerate:
        return viewer, Meeting.objects.filter(group=group).first()
    started = time.monotonic()
    rng = random.Random(11)
    with transaction.atomic():
        Group.objects.filter(slug=GROUP_SLUG).delete()
        User.objects.filter(email__startswith="bench-who-to-meet-").delete()
        group = Group.objects.create(name="Bench who to meet", slug=GROUP_SLUG, join_policy=JoinPolicy.APPROVAL)
        now = timezone.now()
        meeting = Meeting.objects.create(group=group, title="Bench meeting", time_zone="America/New_York",
                                         starts_at=now + timedelta(days=7),
                                         ends_at=now + timedelta(days=7, hours=2))  # fmt: skip
        unusable = make_password(None)
        User.objects.bulk_create(
            [User(email=VIEWER, password=unusable)]
            + [User(email=f"bench-who-to-meet-{i}@example.com", password=unusable) for i in range(ATTENDEES)]
        )
        users = list(User.objects.filter(email__startswith="bench-who-to-meet-").order_by("pk"))
        viewer = next(u for u in users if u.email == VIEWER)
        Profile.objects.filter(user__in=users).delete()  # rows a signal may have made: all made below
        profiles = []
        for i, u in enumerate(users):
            employed = rng.random() < 0.35
            vis = {f: rng.choices(["everyone", "members", "only_me"], [33, 50, 17])[0] for f in PRIVATE_FIELDS}
            profiles.append(Profile(
                user=u, display_name=f"Person {i:03d}", headline=f"{rng.choice(ROLES)} | {rng.choice(INDUSTRIES)}",
                search_status="helping" if employed and rng.random() < 0.5 else "landed" if employed else "searching",
                current_company=rng.choice(COMPANIES) if employed else "",
                past_companies=", ".join(rng.sample(COMPANIES, rng.randint(1, 3))),
                target_companies="" if employed else ", ".join(rng.sample(COMPANIES, 2)),
                target_roles=", ".join(rng.sample(ROLES, rng.randint(1, 2))),
                industries=", ".join(rng.sample(INDUSTRIES, 2)),
                expertise=", ".join(rng.sample(ROLES, 2)),
                can_introduce=", ".join(rng.sample(COMPANIES + INDUSTRIES, rng.randint(0, 3))),
                visibility={} if u.pk == viewer.pk else vis,
                show_in_recommendations=rng.random() >= 0.1,
            ))  # fmt: skip
        Profile.objects.bulk_create(profiles)
        Membership.objects.bulk_create([
            Membership(group=group, user=u, state=MembershipState.ACTIVE, admission=Admission.APPROVED,
                       role=MembershipRole.FACILITATOR if i == 1 else MembershipRole.MEMBER)
            for i, u in enumerate(users)
        ])  # fmt: skip
        Rsvp.objects.bulk_create([Rsvp(meeting=meeting, user=u, status=RsvpStatus.GOING) for u in users])
        Meeting.objects.filter(pk=meeting.pk).update(going_count=len(users))
        Landing.objects.bulk_create([
            Landing(owner=u, company_name=rng.choice(COMPANIES), role=rng.choice(ROLES), source="networking",
                    landed_on=date(2026, 6, 1), will_help_others=i % 2 == 0)
            for i, u in enumerate(users[2:22])
        ])  # fmt: skip
    print(f"  built the meeting in {time.monotonic() - started:.1f} s")
    return viewer, meeting


def _time(fn: object, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds of each call (on SQLite the CPU time
    includes the database's work; on a busy machine it moves less than the wall clock)."""
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return times, cpu


def child(args: argparse.Namespace) -> int:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from roundtable.accounts.services import api_token_create
    from roundtable.network.selectors import recommendations_for_meeting

    name = {"sqlite": "SQLite", "pg": "PostgreSQL"}[args.child]
    print(f"\n{name} ({connection.vendor}):")
    migrate_and_collect()
    viewer, meeting = _build(args.regenerate)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(viewer)  # type: ignore[arg-type]
    _token, secret = api_token_create(user=viewer)  # type: ignore[arg-type]
    pid = meeting.public_id  # type: ignore[attr-defined]
    recs = recommendations_for_meeting(viewer, meeting)  # type: ignore[arg-type]
    everyone = recommendations_for_meeting(viewer, meeting, limit=10_000)  # type: ignore[arg-type]
    print(f"  {len(everyone)} of {ATTENDEES} worth meeting, the first {len(recs)} shown; the best: "
          f"{recs[0].name} ({recs[0].score}: {'; '.join(recs[0].reasons)})")  # fmt: skip
    cases = [
        ("selector", lambda: recommendations_for_meeting(viewer, meeting), None),  # type: ignore[arg-type]
        ("page", lambda: client.get(f"/meetings/{pid}/who-to-meet/"), 200),
        ("meeting page's card", lambda: client.get(f"/meetings/{pid}/who-to-meet/", HTTP_HX_REQUEST="true"), 200),
        ("API", lambda: client.get(f"/api/v1/meetings/{pid}/recommendations",
                                   HTTP_AUTHORIZATION=f"Bearer {secret}"), 200),
    ]  # fmt: skip
    worst = 0.0
    print(f"  {'what':<22}{'p50 ms':>9}{'p95 ms':>9}{'CPU p95':>9}{'queries':>9}")
    for label, fn, status in cases:
        for _ in range(10):
            out = fn()
            if status is not None:
                assert out.status_code == status, (label, out.status_code)  # type: ignore[attr-defined]
        times, cpu = _time(fn, args.requests)
        with CaptureQueriesContext(connection) as ctx:
            fn()
        p95 = percentile(times, 95)
        worst = max(worst, p95)
        print(f"  {label:<22}{percentile(times, 50):9.1f}{p95:9.1f}{percentile(cpu, 95):9.1f}"
              f"{len(ctx.captured_queries):9d}")  # fmt: skip
    print(f"  worst p95 {worst:.1f} ms: {'under' if worst < 100 else 'OVER'} the 100 ms bar; {load()}")
    return 0 if worst < 100 else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--child", choices=("sqlite", "pg"))
    args = ap.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
