#!/usr/bin/env python
"""Discovery at scale: time selectors.discover() over 100,000 groups.

Generates the groups once into a separate benchmark database (SQLite under var/bench/,
or PostgreSQL database `roundtable_bench` when DATABASE_URL is set), then times
discover() as an anonymous visitor for several kinds of query and prints p50/p95 per
kind, with the number of SQL queries per call. Budget: p95 under 50 ms.

    .venv/bin/python bench/discovery.py                 # SQLite, reuses var/bench/discovery.sqlite3
    .venv/bin/python bench/discovery.py --regenerate    # start from an empty database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roundtable_bench .venv/bin/python bench/discovery.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import percentile  # bench/common.py (scripts run from bench/)

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = "roundtable_bench"
BUDGET_MS = 50.0

CITIES = [
    "New York City, NY", "Los Angeles, CA", "Chicago, IL", "Houston, TX", "Phoenix, AZ", "Philadelphia, PA",
    "San Antonio, TX", "San Diego, CA", "Dallas, TX", "San Jose, CA", "Austin, TX", "Jacksonville, FL",
    "Fort Worth, TX", "Columbus, OH", "Charlotte, NC", "San Francisco, CA", "Indianapolis, IN", "Seattle, WA",
    "Denver, CO", "Washington, DC", "Boston, MA", "El Paso, TX", "Nashville, TN", "Detroit, MI",
    "Oklahoma City, OK", "Portland, OR", "Las Vegas, NV", "Memphis, TN", "Louisville, KY", "Baltimore, MD",
    "Milwaukee, WI", "Albuquerque, NM", "Tucson, AZ", "Fresno, CA", "Sacramento, CA", "Kansas City, MO",
    "Atlanta, GA", "Miami, FL", "Raleigh, NC", "Omaha, NE", "Minneapolis, MN", "Tulsa, OK", "Cleveland, OH",
    "Tampa, FL", "Pittsburgh, PA", "Cincinnati, OH", "St. Louis, MO", "Orlando, FL", "Salt Lake City, UT",
    "Richmond, VA",
]  # fmt: skip
TOPICS = [
    "LinkedIn", "Resume", "Networking", "Interviewing", "Salary negotiation", "Career change",
    "Personal branding", "Job search strategy", "Informational interviews", "Wellbeing", "Executive search",
    "Freelance and consulting", "Tech careers", "Accountability", "Healthcare careers", "Nonprofit careers",
    "Finance careers", "Sales careers", "Remote work", "Returning to work", "Veterans", "Early career",
    "Leadership", "Public sector", "Education careers", "Design careers", "Data careers", "Marketing careers",
    "Operations careers", "HR careers",
]  # fmt: skip
ADJECTIVES = (  # noqa: SIM905 - word lists read better as one string
    "Career Job Professional Executive Strategic Monday Tuesday Wednesday Thursday Friday Morning Evening "
    "Downtown Northside Southside Eastside Westside Metro Lakeside Riverside Harbor Summit Pioneer Cedar "
    "Maple Oak Pine Granite Keystone Liberty Union Heritage Frontier Beacon Compass Bridge Horizon"
).split()
NOUNS = (  # noqa: SIM905 - word lists read better as one string
    "Seekers Networkers Changers Leaders Professionals Transitions Connections Builders Navigators Explorers "
    "Climbers Makers Roundtable Circle Collective Forum Exchange Alliance Society Club Network Council"
).split()
KIND_WORDS = {"speakers": "Speaker Series", "strategic": "Roundtable", "support": "Support Circle"}
# Job-search words people type, most common first: word r is in a group's description
# with probability 0.6 / (r + 1) ** 0.8 (capped at 0.5), so "job" is in half the groups,
# "interview" in a quarter, "linkedin" in one in seven and the rarest in about one in a
# hundred. "group" itself is in every row (the kind label is indexed).
VOCAB = (  # noqa: SIM905 - word lists read better as one string
    "job search interview interviewing resume linkedin networking salary negotiation career change coaching "
    "recruiter hiring manager offer layoff transition veterans executives engineers nurses teachers designers "
    "analysts accountants marketers sales product data software healthcare finance nonprofit education "
    "government manufacturing logistics retail hospitality remote hybrid mentor mentoring accountability "
    "confidence wellbeing stress burnout resilience community support peer practice mock feedback pitch "
    "introduction elevator story brand portfolio skills certification training bootcamp freelance consulting "
    "contract parttime internship apprenticeship leadership management director vice president founder "
    "startup enterprise public private sector relocation immigration visa diversity inclusion women lgbtq "
    "parents caregivers returners midcareer early late retirement encore purpose meaning values goals plan "
    "weekly monthly biweekly breakfast lunch evening library coffee zoom meeting speaker panel workshop "
    "clinic lab review critique rehearsal roleplay strategy tactics pipeline outreach followup referral "
    "informational conversation target companies list tracker spreadsheet metrics momentum wins landed "
    "celebrate share listen learn grow help give connect introduce recommend trust safe confidential kind"
).split()


def _configure(args: argparse.Namespace) -> str:
    """Point Django at the benchmark database (creating it if needed); return a description."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ROUNDTABLE_DEV_SECRET", "1")
    os.environ.setdefault("ROUNDTABLE_HTTPS", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BASE_DIR))
    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        bench_url = urlunsplit(parts._replace(path=f"/{BENCH_DB_NAME}"))
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB_NAME]).fetchone()
            if exists and args.regenerate:
                conn.execute(f'DROP DATABASE "{BENCH_DB_NAME}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{BENCH_DB_NAME}"')
        os.environ["DATABASE_URL"] = bench_url
        return f"PostgreSQL database {BENCH_DB_NAME} at {parts.hostname}:{parts.port or 5432}"
    path = Path(args.sqlite_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.regenerate:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(path)
    return f"SQLite file {path}"


def _generate(n: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from roundtable.groups.models import Format, Group, GroupVisibility, JoinPolicy, Kind, Topic
    from roundtable.groups.places import resolve

    places = [p for p in (resolve(c) for c in CITIES) if p is not None]
    topics = [Topic(name=name, slug=name.lower().replace(" ", "-")) for name in TOPICS]
    Topic.objects.bulk_create(topics, ignore_conflicts=True)
    topics = list(Topic.objects.filter(name__in=TOPICS))
    kinds = [Kind.SPEAKERS, Kind.STRATEGIC, Kind.SUPPORT]
    kind_labels = dict(Kind.choices)
    audiences = ["", "", "", "Professionals under 30", "LGBTQ+ community and allies", "Veterans", "Executives",
                 "Career changers", "Professionals 50+", "Parents returning to work"]  # fmt: skip
    chance = [min(0.5, 0.6 / (rank + 1) ** 0.8) for rank in range(len(VOCAB))]
    fillers = [
        "We meet to share progress and help each other.",
        "Everyone is welcome; bring a friend.",
        "Facilitated by volunteers who have been there.",
        "Come early for coffee and introductions.",
    ]
    through = Group.topics.through
    batch = 2000
    started = time.monotonic()
    with transaction.atomic():
        for start in range(0, n, batch):
            rows: list[Group] = []
            chosen_topics: list[list[Topic]] = []
            for i in range(start, min(n, start + batch)):
                kind = rng.choice(kinds)
                fmt = rng.choices([Format.IN_PERSON, Format.VIRTUAL, Format.HYBRID], weights=[55, 25, 20])[0]
                visibility = rng.choices(
                    [GroupVisibility.LISTED, GroupVisibility.UNLISTED, GroupVisibility.SECRET], weights=[90, 7, 3]
                )[0]
                place = rng.choice(places)
                words = [w for w, c in zip(VOCAB, chance, strict=True) if rng.random() < c]
                rng.shuffle(words)
                name = f"{place.label.split(',')[0]} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {KIND_WORDS[kind]}"
                purpose = rng.choice(fillers)
                description = " ".join(rng.sample(fillers, 2)) + " " + " ".join(words).capitalize() + "."
                audience = rng.choice(audiences)
                group_topics = rng.sample(topics, rng.randint(1, 4))
                g = Group(
                    name=name,
                    slug=f"bench-{i}",
                    kind=kind,
                    format=fmt,
                    purpose=purpose,
                    description=description,
                    description_html=f"<p>{description}</p>",
                    audience=audience,
                    visibility=visibility,
                    join_policy=JoinPolicy.INVITE
                    if visibility == GroupVisibility.SECRET
                    else rng.choice([JoinPolicy.OPEN, JoinPolicy.APPROVAL]),
                    member_count=min(500, int(rng.paretovariate(1.3) * 3)),
                    time_zone=place.time_zone or "America/New_York",
                )
                if fmt != Format.VIRTUAL:
                    g.location_text = place.label
                    g.location_label = place.label
                    g.latitude = place.latitude + rng.gauss(0, 0.25)
                    g.longitude = place.longitude + rng.gauss(0, 0.3)
                # The same text services.group_reindex indexes.
                parts = [g.name, g.purpose, g.description, g.audience, g.eligibility, g.location_label,
                         kind_labels[kind], " ".join(t.name for t in group_topics)]  # fmt: skip
                g.search_text = "\n".join(p for p in parts if p)
                rows.append(g)
                chosen_topics.append(group_topics)
            created = Group.objects.bulk_create(rows)
            through.objects.bulk_create(
                [
                    through(group_id=g.pk, topic_id=t.pk)
                    for g, ts in zip(created, chosen_topics, strict=True)
                    for t in ts
                ]
            )
            done = start + len(rows)
            if done % 20000 == 0 or done == n:
                print(f"  generated {done:>7,} groups ({time.monotonic() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        # Steady state: statistics, and on PostgreSQL a visibility map (index-only scans).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=100_000, help="groups to generate (default 100,000)")
    parser.add_argument("--runs", type=int, default=200, help="timed calls per query type (default 200)")
    parser.add_argument("--regenerate", action="store_true", help="drop the benchmark data and generate it again")
    parser.add_argument("--explain", action="store_true", help="print the query plan of each query type")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sqlite-path", default=str(BASE_DIR / "var" / "bench" / "discovery.sqlite3"))
    args = parser.parse_args()

    where = _configure(args)
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test.utils import CaptureQueriesContext, override_settings

    from roundtable.groups.models import Group, Kind, Topic
    from roundtable.groups.places import resolve
    from roundtable.groups.selectors import DiscoveryFilters, discover

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0)
    have = Group.objects.count()
    print(f"Database: {connection.vendor} {_server_version(connection)} ({where})")
    if pending and have:
        # New columns or indexes over the existing rows: without fresh statistics the
        # planner guesses (PostgreSQL had no statistics for a new search column).
        print(f"Applied {len(pending)} migration(s) to the existing data; analyzing ...", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    if have < args.groups:
        if have:
            print(f"Found {have:,} groups, fewer than {args.groups:,}: use --regenerate to start again.")
            return 2
        print(f"Generating {args.groups:,} groups ...", flush=True)
        t0 = time.monotonic()
        _generate(args.groups, random.Random(args.seed))
        print(f"Generated in {time.monotonic() - t0:.1f} s (including ANALYZE; VACUUM ANALYZE on PostgreSQL).")
        have = Group.objects.count()
    else:
        print(f"Reusing {have:,} generated groups (--regenerate to start again).")

    rng = random.Random(args.seed + 1)
    places = [p for p in (resolve(c) for c in CITIES) if p is not None]
    topic_slugs = list(Topic.objects.values_list("slug", flat=True))
    words = ["interview", "linkedin", "resume", "networking", "salary negotiation", "career change", "veterans",
             "executives", "support", "roundtable", "burnout", "mock interview", "nurses", "remote", "group",
             "support group", "denver", "boston career", "freelance consulting", "kind"]  # fmt: skip
    kinds = [Kind.SPEAKERS, Kind.STRATEGIC, Kind.SUPPORT]

    def text() -> DiscoveryFilters:
        return DiscoveryFilters(q=rng.choice(words))

    def distance() -> DiscoveryFilters:
        return DiscoveryFilters(near=rng.choice(places), radius_km=rng.uniform(25, 80))

    def kind() -> DiscoveryFilters:
        return DiscoveryFilters(kind=rng.choice(kinds), page=rng.choice([1, 1, 1, 2, 3]))

    def topic() -> DiscoveryFilters:
        return DiscoveryFilters(topic=rng.choice(topic_slugs))

    def browse() -> DiscoveryFilters:
        return DiscoveryFilters(page=rng.choice([1, 1, 1, 2, 5]))

    def combined() -> DiscoveryFilters:
        return DiscoveryFilters(
            q=rng.choice(words), kind=rng.choice(kinds), near=rng.choice(places), radius_km=rng.uniform(25, 80)
        )

    query_types: list[tuple[str, Callable[[], DiscoveryFilters]]] = [
        ("text (q=)", text),
        ("distance (near=, 25-80 km)", distance),
        ("kind (kind=, pages 1-3)", kind),
        ("topic (topic=)", topic),
        ("browse (no filters)", browse),
        ("combined (q+kind+near)", combined),
    ]
    viewer = AnonymousUser()

    def run(f: DiscoveryFilters) -> int:
        page, results = discover(viewer, f)
        names = [(r.group.name, r.distance_km, [t.name for t in r.group.topics.all()]) for r in results]
        return page.paginator.count + len(names)

    print(f"Timing {args.runs} calls per query type (anonymous viewer, results materialized; budget p95 < "
          f"{BUDGET_MS:.0f} ms):")  # fmt: skip
    print(f"  {'query type':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  verdict")
    misses = []
    slow_text: dict[str, list[float]] = {}
    for label, make in query_types:
        for _ in range(10):  # warm-up
            run(make())
        with CaptureQueriesContext(connection) as ctx:
            run(make())
        n_queries = len(ctx.captured_queries)
        timings = []
        for _ in range(args.runs):
            f = make()
            t0 = time.perf_counter()
            run(f)
            elapsed = (time.perf_counter() - t0) * 1000
            timings.append(elapsed)
            if f.q:
                slow_text.setdefault(f"{label.split()[0]}: {f.q!r}", []).append(elapsed)
        p50, p95 = statistics.median(timings), percentile(timings, 95)
        verdict = "ok" if p95 < BUDGET_MS else "OVER BUDGET"
        if p95 >= BUDGET_MS:
            misses.append(label)
        print(f"  {label:<28} {p50:>8.1f} {p95:>8.1f} {max(timings):>8.1f} {n_queries:>8}  {verdict}", flush=True)
        if args.explain:
            _explain(connection, ctx.captured_queries)
    worst = sorted(slow_text.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    print("Slowest text terms (median ms; listed groups matching the words alone, counted in full here,")
    print("where the page stops counting at the cap and says '1,000+'):")
    for key, values in worst:
        q = key.split(": ", 1)[1].strip("'")
        with override_settings(ROUNDTABLE_DISCOVERY_COUNT_CAP=10**9):
            matches = discover(viewer, DiscoveryFilters(q=q))[0].paginator.count
        print(f"  {key:<36} {statistics.median(values):>8.1f}   {matches:>7,} matches")
    print("All query types within budget." if not misses else f"Over budget: {', '.join(misses)}.")
    return 0


def _server_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


def _explain(connection, queries: list[dict[str, str]]) -> None:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    for q in queries:
        sql = q["sql"]
        print(f"    -- {sql[:300]}{'...' if len(sql) > 300 else ''}")
        try:
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                for row in cursor.fetchall():
                    print("       ", " | ".join(str(c) for c in row))
        except Exception as exc:
            print(f"       (could not explain: {exc})")


if __name__ == "__main__":
    sys.exit(main())
