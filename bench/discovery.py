#!/usr/bin/env python
"""Discovery at scale: time selectors.discover() over 100,000 groups (or --groups N).

Generates the groups once into a separate benchmark database (SQLite under var/bench/,
or a PostgreSQL database, `roundtable_bench` unless --pg-database says otherwise, when
DATABASE_URL is set), then times discover() as an anonymous visitor for several kinds of
query and prints p50/p95 per kind, with the number of SQL queries per call and the
machine's load average while it ran. Budget: p95 under 50 ms.

    .venv/bin/python bench/discovery.py                 # SQLite, reuses var/bench/discovery.sqlite3
    .venv/bin/python bench/discovery.py --regenerate    # start from an empty database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/discovery.py --groups 1000000
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import BASE_DIR, percentile  # bench/common.py (scripts run from bench/)

DEFAULT_PG_DATABASE = "roundtable_bench"
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
        name = args.pg_database
        bench_url = urlunsplit(parts._replace(path=f"/{name}"))
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and (args.regenerate or args.drop):
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if args.drop:
                return f"dropped PostgreSQL database {name}"
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = bench_url
        return f"PostgreSQL database {name} at {parts.hostname}:{parts.port or 5432}"
    path = Path(args.sqlite_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.regenerate:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(path)
    return f"SQLite file {path}"


def _geometric(rng: random.Random, p: float) -> int:
    """Trials up to and including the first success, each succeeding with probability p."""
    return int(math.log(1.0 - rng.random()) / math.log(1.0 - p)) + 1


def _chunks(n: int, rng: random.Random, places: list, topics: list, chunk: int = 10_000) -> Iterator[list[tuple]]:
    """The groups to generate, chunk by chunk: (Group, its topics) pairs, not yet saved."""
    from django.utils import timezone

    from roundtable.groups.models import Format, Group, GroupVisibility, JoinPolicy, Kind

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
    now = timezone.now()
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        # Word r is in each description with probability chance[r], independently: the
        # rows holding it are a Bernoulli process, so they are drawn by geometric gaps
        # (about seven draws a row instead of one for each of the 250 words).
        row_words: list[list[str]] = [[] for _ in range(size)]
        for word, p in zip(VOCAB, chance, strict=True):
            i = _geometric(rng, p) - 1
            while i < size:
                row_words[i].append(word)
                i += _geometric(rng, p)
        rows = []
        for offset in range(size):
            i = start + offset
            kind = rng.choice(kinds)
            fmt = rng.choices([Format.IN_PERSON, Format.VIRTUAL, Format.HYBRID], weights=[55, 25, 20])[0]
            visibility = rng.choices(
                [GroupVisibility.LISTED, GroupVisibility.UNLISTED, GroupVisibility.SECRET], weights=[90, 7, 3]
            )[0]
            place = rng.choice(places)
            words = row_words[offset]
            rng.shuffle(words)
            name = f"{place.label.split(',')[0]} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {KIND_WORDS[kind]}"
            purpose = rng.choice(fillers)
            description = " ".join(rng.sample(fillers, 2)) + " " + " ".join(words).capitalize() + "."
            group_topics = rng.sample(topics, rng.randint(1, 4))
            created = now - timedelta(days=rng.uniform(0, 3 * 365))
            g = Group(
                name=name,
                slug=f"bench-{i}",
                kind=kind,
                format=fmt,
                purpose=purpose,
                description=description,
                description_html=f"<p>{description}</p>",
                audience=rng.choice(audiences),
                visibility=visibility,
                join_policy=JoinPolicy.INVITE
                if visibility == GroupVisibility.SECRET
                else rng.choice([JoinPolicy.OPEN, JoinPolicy.APPROVAL]),
                member_count=min(500, int(rng.paretovariate(1.3) * 3)),
                time_zone=place.time_zone or "America/New_York",
                created_at=created,
                updated_at=created,
                # One in a hundred is archived: discovery leaves those out.
                archived_at=created + timedelta(days=30) if rng.random() < 0.01 else None,
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
            rows.append((g, group_topics))
        yield rows


def _generate(n: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from roundtable.groups.models import Group, Topic
    from roundtable.groups.places import resolve

    places = [p for p in (resolve(c) for c in CITIES) if p is not None]
    topics = [Topic(name=name, slug=name.lower().replace(" ", "-")) for name in TOPICS]
    Topic.objects.bulk_create(topics, ignore_conflicts=True)
    topics = list(Topic.objects.filter(name__in=TOPICS))
    started = time.monotonic()
    done = 0
    write = _copy_chunk if connection.vendor == "postgresql" else _bulk_create_chunk
    with transaction.atomic():
        rebuild = _drop_indexes() if connection.vendor == "postgresql" else []
        next_id = (Group.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for rows in _chunks(n, rng, places, topics):
            next_id = write(rows, next_id)
            done += len(rows)
            if done % 100_000 == 0 or done == n:
                print(f"  generated {done:>9,} groups ({time.monotonic() - started:.0f} s)", flush=True)
    if rebuild:
        # After the commit: PostgreSQL builds no index on a table with deferred
        # constraint checks pending (the topic links' foreign keys).
        print(f"  building {len(rebuild)} indexes ...", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for sql in rebuild:
                cursor.execute(sql)
        print(f"  indexes built ({time.monotonic() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        # Steady state: statistics, and on PostgreSQL a visibility map (index-only scans).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _bulk_create_chunk(rows: list[tuple], next_id: int) -> int:
    """SQLite: bulk_create, whose inserts fire the FTS5 triggers."""
    from roundtable.groups.models import Group

    through = Group.topics.through
    for start in range(0, len(rows), 2000):
        part = rows[start : start + 2000]
        created = Group.objects.bulk_create([g for g, _ in part])
        through.objects.bulk_create(
            [through(group_id=g.pk, topic_id=t.pk) for g, (_, ts) in zip(created, part, strict=True) for t in ts]
        )
    return next_id + len(rows)


def _drop_indexes() -> list[str]:
    """PostgreSQL: drop the groups' secondary indexes (not those of constraints) before a
    bulk load, returning the statements that build them again: building an index once is
    much faster than keeping it up to date row by row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'groups_group' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = 'groups_group'::regclass)"
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _copy_chunk(rows: list[tuple], next_id: int) -> int:
    """PostgreSQL: COPY the rows (ids given here, the sequence moved past them after)."""
    from django.db import connection

    from roundtable.groups.models import Group

    fields = list(Group._meta.concrete_fields)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    links = []
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY groups_group ({columns}) FROM STDIN") as copy:
            for offset, (g, group_topics) in enumerate(rows):
                g.pk = next_id + offset
                copy.write_row([f.get_db_prep_save(getattr(g, f.attname), connection) for f in fields])
                links.extend((g.pk, t.pk) for t in group_topics)
        with cursor.cursor.copy("COPY groups_group_topics (group_id, topic_id) FROM STDIN") as copy:
            for link in links:
                copy.write_row(link)
        last = next_id + len(rows) - 1
        cursor.execute("SELECT setval(pg_get_serial_sequence('groups_group', 'id'), %s)", [last])
    return last + 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=100_000, help="groups to generate (default 100,000)")
    parser.add_argument("--runs", type=int, default=200, help="timed calls per query type (default 200)")
    parser.add_argument("--regenerate", action="store_true", help="drop the benchmark data and generate it again")
    parser.add_argument("--explain", action="store_true", help="print the query plan of each query type")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sqlite-path", default=str(BASE_DIR / "var" / "bench" / "discovery.sqlite3"))
    parser.add_argument("--pg-database", default=DEFAULT_PG_DATABASE, help="PostgreSQL database for the data")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL benchmark database and stop")
    parser.add_argument("--only", default="", help="comma-separated words: time only query types whose label has one")
    parser.add_argument(
        "--against",
        default="",
        help="another version of roundtable/groups/search.py (a file): time it against this one, call by call",
    )
    args = parser.parse_args()

    where = _configure(args)
    if args.drop:
        print(where.capitalize() + ".")
        return 0
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

    if connection.vendor == "postgresql":
        _prewarm(connection)
    rng = random.Random(args.seed + 1)
    places = [p for p in (resolve(c) for c in CITIES) if p is not None]
    topic_slugs = list(Topic.objects.values_list("slug", flat=True))
    words = ["interview", "linkedin", "resume", "networking", "salary negotiation", "career change", "veterans",
             "executives", "support", "roundtable", "burnout", "mock interview", "nurses", "remote", "group",
             "support group", "denver", "boston career", "freelance consulting", "kind"]  # fmt: skip
    kinds = [Kind.SPEAKERS, Kind.STRATEGIC, Kind.SUPPORT]

    prefixes = ["resu", "interv", "netw", "linked", "negotiat", "volunt", "mentor", "recruit"]

    def text() -> DiscoveryFilters:
        return DiscoveryFilters(q=rng.choice(words))

    def prefix() -> DiscoveryFilters:
        return DiscoveryFilters(q=rng.choice(prefixes))

    def text_kind() -> DiscoveryFilters:
        return DiscoveryFilters(q=rng.choice(words), kind=rng.choice(kinds))

    def distance() -> DiscoveryFilters:
        return DiscoveryFilters(near=rng.choice(places), radius_km=rng.uniform(25, 80))

    def kind() -> DiscoveryFilters:
        return DiscoveryFilters(kind=rng.choice(kinds), page=rng.choice([1, 1, 1, 2, 3]))

    def topic() -> DiscoveryFilters:
        return DiscoveryFilters(topic=rng.choice(topic_slugs))

    def browse() -> DiscoveryFilters:
        return DiscoveryFilters(page=rng.choice([1, 1, 1, 2, 5]))

    def deep() -> DiscoveryFilters:
        # The deepest pages there are: the count stops at the cap (1,000), so do the pages.
        return DiscoveryFilters(page=rng.randint(40, 50), kind=rng.choice(["", *kinds]), q=rng.choice(["", "group"]))

    def newest() -> DiscoveryFilters:
        return DiscoveryFilters(sort="newest", kind=rng.choice(["", *kinds]), page=rng.choice([1, 1, 2]))

    def combined() -> DiscoveryFilters:
        return DiscoveryFilters(
            q=rng.choice(words), kind=rng.choice(kinds), near=rng.choice(places), radius_km=rng.uniform(25, 80)
        )

    query_types: list[tuple[str, Callable[[], DiscoveryFilters]]] = [
        ("text (q=)", text),
        ("prefix (q=resu, netw, ...)", prefix),
        ("text+kind (q+kind)", text_kind),
        ("distance (near=, 25-80 km)", distance),
        ("kind (kind=, pages 1-3)", kind),
        ("topic (topic=)", topic),
        ("browse (no filters)", browse),
        ("deep pages (40-50)", deep),
        ("newest (sort=newest)", newest),
        ("combined (q+kind+near)", combined),
    ]
    if args.only:
        wanted = args.only.split(",")
        query_types = [(label, make) for label, make in query_types if any(w in label for w in wanted)]
    viewer = AnonymousUser()

    def run(f: DiscoveryFilters) -> int:
        page, results = discover(viewer, f)
        names = [(r.group.name, r.distance_km, [t.name for t in r.group.topics.all()]) for r in results]
        return page.paginator.count + len(names)

    if args.against:
        return _compare(args.against, query_types, args.runs)

    print(f"Timing {args.runs} calls per query type (anonymous viewer, results materialized; budget p95 < "
          f"{BUDGET_MS:.0f} ms).")  # fmt: skip
    print("cpu p95: this process's CPU time (on SQLite that includes the database's work; it moves less than")
    print("the wall clock when the machine is busy). load: the 1-minute load average while the type ran.")
    heads = ("p50 ms", "p95 ms", "max ms", "cpu p95", "queries")
    print(f"  {'query type':<28} " + " ".join(f"{h:>7}" for h in heads) + f" {'load':>9}  verdict")
    misses = []
    slow_text: dict[str, list[float]] = {}
    for label, make in query_types:
        for _ in range(10):  # warm-up
            run(make())
        with CaptureQueriesContext(connection) as ctx:
            run(make())
        n_queries = len(ctx.captured_queries)
        timings, cpu, loads = [], [], [os.getloadavg()[0]]
        for _ in range(args.runs):
            f = make()
            t0, c0 = time.perf_counter(), time.process_time()
            run(f)
            elapsed = (time.perf_counter() - t0) * 1000
            cpu.append((time.process_time() - c0) * 1000)
            timings.append(elapsed)
            if f.q and label.startswith(("text", "prefix")):
                slow_text.setdefault(f"{label.split()[0]}: {f.q!r}", []).append(elapsed)
        loads.append(os.getloadavg()[0])
        p50, p95 = statistics.median(timings), percentile(timings, 95)
        verdict = "ok" if p95 < BUDGET_MS else "OVER BUDGET"
        if p95 >= BUDGET_MS:
            misses.append(label)
        load = f"{min(loads):.1f}-{max(loads):.1f}"
        print(f"  {label:<28} {p50:>7.1f} {p95:>7.1f} {max(timings):>7.1f} {percentile(cpu, 95):>7.1f} "
              f"{n_queries:>7} {load:>9}  {verdict}", flush=True)  # fmt: skip
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


def _compare(path: str, query_types: list[tuple[str, Callable[[], object]]], runs: int) -> int:
    """Time discover() with search.py's apply_text_search from `path` ("before") and with
    this checkout's ("after"), alternating call by call on the same filters, so that both
    see the same load; and compare every answer (the count and the groups). Exit status 1
    when an answer differed."""
    import importlib.util

    from django.contrib.auth.models import AnonymousUser

    from roundtable.groups import selectors

    spec = importlib.util.spec_from_file_location("roundtable.groups.search_before", path)
    if spec is None or spec.loader is None:
        print(f"Cannot load {path}.")
        return 2
    before = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = before
    spec.loader.exec_module(before)
    versions = {"before": before.apply_text_search, "after": selectors.apply_text_search}

    def answer(version: str, f: object) -> tuple[float, tuple]:
        selectors.apply_text_search = versions[version]
        t0 = time.perf_counter()
        page, results = selectors.discover(AnonymousUser(), f)  # type: ignore[arg-type]
        names = sorted((r.group.name, [t.name for t in r.group.topics.all()]) for r in results)
        return (time.perf_counter() - t0) * 1000, (page.paginator.count, names)

    print(f"{path} (before) against this checkout (after), alternating call by call, {runs} calls each.")
    heads = f"{'before p50':>10} {'p95':>7} {'after p50':>10} {'p95':>7} {'load':>9}"
    print(f"  {'query type':<28} {heads}  differing answers")
    differing_total = 0
    try:
        for label, make in query_types:
            for _ in range(10):  # warm-up
                f = make()
                answer("before", f), answer("after", f)
            timings: dict[str, list[float]] = {"before": [], "after": []}
            loads, differing = [os.getloadavg()[0]], 0
            for i in range(runs):
                f = make()
                got = {}
                for version in ("before", "after") if i % 2 else ("after", "before"):
                    elapsed, got[version] = answer(version, f)
                    timings[version].append(elapsed)
                differing += got["before"] != got["after"]
            loads.append(os.getloadavg()[0])
            differing_total += differing
            b, a = timings["before"], timings["after"]
            print(f"  {label:<28} {statistics.median(b):>10.1f} {percentile(b, 95):>7.1f} "
                  f"{statistics.median(a):>10.1f} {percentile(a, 95):>7.1f} "
                  f"{min(loads):>4.1f}-{max(loads):<4.1f}  {differing}", flush=True)  # fmt: skip
    finally:
        selectors.apply_text_search = versions["after"]
    return 1 if differing_total else 0


def _prewarm(connection) -> None:
    """Read the groups' tables and indexes into the operating system's cache (pg_prewarm),
    so the figures are those of a server in its steady state, not of its first reads."""
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT count(*), sum(pg_prewarm(c.oid, 'read')) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') AND c.relname LIKE 'group%'"
            )
            relations, blocks = cursor.fetchone()
        print(f"Prewarmed {relations} tables and indexes ({(blocks or 0) * 8 // 1024} MB) into the OS cache.")
    except DatabaseError as exc:
        print(f"(No pg_prewarm: {exc}; the first figures may include reads from disk.)")


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
