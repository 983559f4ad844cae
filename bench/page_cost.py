#!/usr/bin/env python
"""What a page costs against the bare view: discovery, a group's page and a meeting's page,
each timed in one process beside /healthz, with the ratio the budget is stated in.

Prepares the demo data in SQLite under var/bench/page_cost/ (migrate, collectstatic,
demo_data), then, in this process with the production settings (DEBUG off), sends requests
through Django's test client, which runs the whole middleware stack and the view as the
server would, minus the server itself (the server's own cost per request is the same for
every page, so this ratio is the stricter one). The pages:

- `discovery (uncached)`: anonymous discovery, every query string different (a word, a
  kind, a place, a radius), so the anonymous results cache never answers;
- `group page`, `meeting page`: a listed group with meetings ahead and one of its
  meetings, as an anonymous visitor and as a signed-in member.

Requests alternate in interleaved rounds so every page shares the machine's conditions;
it prints ms per request (wall and this process's CPU), the 1-minute load average, and
each page's ratio to /healthz (requests per second of the page / of /healthz) against
the bars of issue 13: discovery >= 1/3, group and meeting pages >= 1/2.

    .venv/bin/python bench/page_cost.py
    .venv/bin/python bench/page_cost.py --profile "discovery (uncached)"   # cProfile, top 30
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

from common import BASE_DIR, server_env  # bench/common.py (scripts run from bench/)

BARS = {"discovery (uncached)": 1 / 3}
DEFAULT_BAR = 1 / 2
WORDS = ["", "interview", "linkedin", "resume", "networking", "salary", "career change", "support", "speaker",
         "veterans", "coaching", "remote", "tech", "wellbeing", "strategy", "group"]  # fmt: skip
KINDS = ["", "", "speakers", "strategic", "support"]
PLACES = ["", "", "", "Boston, MA", "Austin, TX", "02139", "Denver, CO", "Chicago, IL", "NYC"]


def _varied_discovery(seed: int = 11) -> Iterator[str]:
    """Endless discovery URLs, each different from every other (the radius alone differs)."""
    rng = random.Random(seed)
    for i in itertools.count():
        params = {"q": rng.choice(WORDS), "kind": rng.choice(KINDS), "near": rng.choice(PLACES)}
        query = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in params.items() if v)
        radius = f"radius={10 + (i % 49_000) / 100:.2f}"
        yield f"/groups/?{query}&{radius}" if query else f"/groups/?{radius}"


def _prepare(var_dir: Path) -> dict[str, str]:
    env = server_env(var_dir, SQLITE_PATH=str(var_dir / "roundtable.sqlite3"), ROUNDTABLE_DEMO_DATA="true")
    for args in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["demo_data", "--if-empty"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True)
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="timed requests per page (default 600)")
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds the requests are split over")
    parser.add_argument("--profile", default="", help="profile this page instead (a name from the table)")
    parser.add_argument("--var-dir", default=str(BASE_DIR / "var" / "bench" / "page_cost"))
    args = parser.parse_args()

    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    print(f"Preparing {var_dir / 'roundtable.sqlite3'} (SQLite, demo data) ...", flush=True)
    os.environ.update(_prepare(var_dir))
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from roundtable.groups.models import Group, GroupVisibility, Membership, MembershipState
    from roundtable.meetings.models import Meeting

    meeting = (
        Meeting.objects.filter(group__visibility=GroupVisibility.LISTED, starts_at__gt=timezone.now())
        .select_related("group")
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        print("The demo data has no meeting ahead in a listed group.")
        return 2
    group: Group = meeting.group
    member = (
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE, role="member")
        .select_related("user")
        .first()
    )
    assert member is not None
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(member.user)
    discovery = _varied_discovery()

    pages: dict[str, tuple[Client, Callable[[], str]]] = {
        "/healthz": (anonymous, lambda: "/healthz"),
        "discovery (uncached)": (anonymous, lambda: next(discovery)),
        "group page": (anonymous, lambda: f"/groups/{group.slug}/"),
        "group page (member)": (signed_in, lambda: f"/groups/{group.slug}/"),
        "meeting page": (anonymous, lambda: meeting.get_absolute_url()),
        "meeting page (member)": (signed_in, lambda: meeting.get_absolute_url()),
    }

    def get(name: str) -> None:
        client, url = pages[name]
        r = client.get(url())
        if r.status_code != 200:
            raise SystemExit(f"{name}: {r.status_code} for {r.request['PATH_INFO']}")

    for name in pages:  # warm-up: imports, template loading, connections
        for _ in range(20):
            get(name)

    if args.profile:
        if args.profile not in pages:
            print(f"No page {args.profile!r}; one of: {', '.join(pages)}")
            return 2
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            get(args.profile)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("cumulative").print_stats("roundtable/", 40)  # our own code, by what it costs
        stats.sort_stats("tottime").print_stats(30)
        print(f"cProfile of {args.requests} requests to {args.profile!r}:")
        print(out.getvalue())
        return 0

    wall: dict[str, list[float]] = {n: [] for n in pages}
    cpu: dict[str, list[float]] = {n: [] for n in pages}
    loads = [os.getloadavg()[0]]
    per_round = max(1, args.requests // args.rounds)
    for _ in range(args.rounds):
        for name in pages:
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(per_round):
                get(name)
            wall[name].append((time.perf_counter() - t0) * 1000 / per_round)
            cpu[name].append((time.process_time() - c0) * 1000 / per_round)
        loads.append(os.getloadavg()[0])

    print(f"{per_round * args.rounds} requests per page in {args.rounds} interleaved rounds, one process, "
          f"Django test client, DEBUG={settings.DEBUG}, SQLite demo data ({Group.objects.count()} groups); "
          f"1-minute load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} CPUs.")  # fmt: skip
    print("ms/request: the median of the rounds' means; ratio: the page's requests per second over /healthz's.")
    print(f"  {'page':<24} {'wall ms':>8} {'cpu ms':>8} {'ratio':>6}  bar")
    base_wall = statistics.median(wall["/healthz"])
    below = []
    for name in pages:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        if name == "/healthz":
            print(f"  {name:<24} {w:>8.2f} {c:>8.2f}")
            continue
        ratio = base_wall / w
        bar = BARS.get(name, DEFAULT_BAR)
        verdict = "ok" if ratio >= bar else "BELOW BAR"
        if ratio < bar:
            below.append(name)
        print(f"  {name:<24} {w:>8.2f} {c:>8.2f} {ratio:>6.2f}  >= {bar:.2f} {verdict}")
    print("All pages at or above their bars." if not below else f"Below the bar: {', '.join(below)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
