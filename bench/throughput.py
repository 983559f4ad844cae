#!/usr/bin/env python
"""Requests per second against the production stack: bare views and real pages, side by side.

Prepares a SQLite database with the demo data under var/bench/throughput/ (migrate,
collectstatic, demo_data), then starts, on free loopback ports, the production page server
exactly as `scripts/serve pages` runs it (granian's WSGI workers, one per core, DEBUG off)
and, for comparison, one uvicorn process serving the same project over ASGI (as `make run`
does). In interleaved rounds, with a small keep-alive HTTP/1.1 client (asyncio, standard
library only), it sends:

- /healthz, a bare view behind the whole middleware stack, to both servers;
- to the production page server: discovery /groups/ (cached: the same URL again and again,
  served from the 60 s discovery cache), varied searches (each URL different: never a cache
  hit), a group page, a meeting page and the API list /api/v1/groups.

Prints req/s, p50 and p99 for each, with the machine's load average, and each page's ratio to
the fastest bare view (bar: >= 0.33, the design's performance budgets).

    .venv/bin/python bench/throughput.py
    .venv/bin/python bench/throughput.py --requests 4000 --concurrency 16 --page-threads 1
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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

BAR = 0.33
VARIED = "/groups/?<varied>"
WORDS = ["", "interview", "linkedin", "resume", "networking", "salary", "career change", "support", "speaker",
         "veterans", "coaching", "remote", "tech", "wellbeing", "strategy", "group"]  # fmt: skip
KINDS = ["", "", "speakers", "strategic", "support"]
PLACES = ["", "", "", "Boston, MA", "Austin, TX", "02139", "Denver, CO", "Chicago, IL", "NYC"]


@dataclass
class Result:
    label: str
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # the 1-minute load average after each round

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _env(var_dir: Path) -> dict[str, str]:
    return server_env(var_dir, SQLITE_PATH=str(var_dir / "roundtable.sqlite3"), ROUNDTABLE_DEMO_DATA="true")


def _prepare(env: dict[str, str]) -> None:
    python = str(VENV_BIN / "python")
    for args in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["demo_data", "--if-empty"]):
        started = time.monotonic()
        out = subprocess.run([python, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
                             capture_output=True, text=True)  # fmt: skip
        first = (out.stdout.strip().splitlines() or ["done"])[0]
        print(f"  manage.py {args[0]:<13} {time.monotonic() - started:5.1f} s  {first}")


def _varied_paths(seed: int = 11) -> Iterator[str]:
    """Endless discovery URLs, each different from every other (the radius alone differs)."""
    rng = random.Random(seed)
    for i in itertools.count():
        params = {"q": rng.choice(WORDS), "kind": rng.choice(KINDS), "near": rng.choice(PLACES)}
        query = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in params.items() if v)
        radius = f"radius={10 + (i % 49_000) / 100:.2f}"  # 10.00 to 499.99: the form allows up to 500
        yield f"/groups/?{query}&{radius}" if query else f"/groups/?{radius}"


def _find(port: int, path: str, pattern: str) -> str:
    """The first link on a page matching `pattern`: real pages pick the group and meeting."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
        html = answer.read().decode()
    found = re.search(pattern, html)
    if found is None:
        raise RuntimeError(f"no link matching {pattern!r} on {path}")
    return found.group(0).rstrip('"')


async def _load(port: int, label: str, total: int, concurrency: int, paths: Iterator[str]) -> Result:
    """Send `total` GETs over `concurrency` keep-alive connections, each to the next URL of
    `paths`; time the whole batch."""
    result = Result(label=label)
    remaining = total

    def request_for(target: str) -> bytes:
        return (
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: roundtable-bench\r\n"
            "Accept: text/html\r\nConnection: keep-alive\r\n\r\n"
        ).encode()

    async def worker() -> None:
        nonlocal remaining
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while remaining > 0:
                remaining -= 1
                request = request_for(next(paths))
                t0 = time.perf_counter()
                writer.write(request)
                try:
                    status, _body = await read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                result.latencies_ms.append((time.perf_counter() - t0) * 1000)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.requests += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def _add(into: Result, r: Result) -> None:
    into.requests += r.requests
    into.seconds += r.seconds
    into.errors += r.errors
    into.latencies_ms += r.latencies_ms
    for k, v in r.statuses.items():
        into.statuses[k] = into.statuses.get(k, 0) + v


def _start(cmd: list[str], env: dict[str, str], log: Path) -> tuple[int, subprocess.Popen[bytes]]:
    port = int(cmd[cmd.index("--port") + 1])
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    wait_ready(port, proc, timeout=60)
    return port, proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per row (default 2000)")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests per row first (default 200)")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds the requests are split over")
    parser.add_argument("--page-workers", type=int, default=CORES, help="granian workers (default: one per core)")
    parser.add_argument("--page-threads", type=int, default=2, help="granian blocking threads per worker (default 2)")
    parser.add_argument("--var-dir", default=str(BASE_DIR / "var" / "bench" / "throughput"))
    args = parser.parse_args()

    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = _env(var_dir)
    print(f"Preparing {var_dir / 'roundtable.sqlite3'} (SQLite, demo data):")
    _prepare(env)
    page_cmd = page_server_cmd(free_port(), args.page_workers, args.page_threads)
    asgi_cmd = socket_server_cmd(free_port(), 1)
    print(f"Production page server: DEBUG=false {shown(page_cmd)}")
    print(f"One ASGI process:       DEBUG=false {shown(asgi_cmd)}")
    page_port, page_proc = _start(page_cmd, env, var_dir / "granian.log")
    asgi_port, asgi_proc = _start(asgi_cmd, env, var_dir / "uvicorn.log")
    try:
        group = _find(page_port, "/groups/", r'/groups/(?!new/)[a-z0-9-]+/"')
        meeting = _find(page_port, group, r'/meetings/[a-z0-9]{12}/"')
        # (label, server port, the URLs it asks for)
        rows: list[tuple[str, str, int, Iterator[str]]] = [
            ("bare view /healthz", "granian", page_port, itertools.repeat("/healthz")),
            ("bare view /healthz", "uvicorn", asgi_port, itertools.repeat("/healthz")),
            ("discovery /groups/ (cached)", "granian", page_port, itertools.repeat("/groups/")),
            ("discovery, varied (uncached)", "granian", page_port, _varied_paths()),
            ("a group page", "granian", page_port, itertools.repeat(group)),
            ("a meeting page", "granian", page_port, itertools.repeat(meeting)),
            ("API list /api/v1/groups", "granian", page_port, itertools.repeat("/api/v1/groups")),
        ]
        results = {(label, server): Result(label=label) for label, server, _p, _u in rows}
        for label, _server, port, urls in rows:
            asyncio.run(_load(port, label, args.warmup, args.concurrency, urls))
        per_round = max(1, args.requests // args.rounds)
        for _ in range(args.rounds):
            for label, server, port, urls in rows:
                r = asyncio.run(_load(port, label, per_round, args.concurrency, urls))
                _add(results[(label, server)], r)
                results[(label, server)].loads.append(os.getloadavg()[0])
    finally:
        _stop(page_proc)
        _stop(asgi_proc)

    print(f"\n{per_round * args.rounds} requests per row over {args.concurrency} keep-alive connections, "
          f"{args.rounds} interleaved rounds, after {args.warmup} warm-up requests; granian {args.page_workers} "
          f"workers x {args.page_threads} threads, uvicorn 1 process; {CORES} CPUs shared with this client "
          f"and anything else running.")  # fmt: skip
    fastest = max(r.rps for (label, _s), r in results.items() if label.startswith("bare view"))
    print(f"  {'row':<30} {'server':<8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}  {'load (1 min)':<13} "
          "statuses")  # fmt: skip
    for (label, server), r in results.items():
        lat = r.latencies_ms or [0.0]
        ratio = r.rps / fastest if fastest else 0.0
        verdict = "" if label.startswith("bare view") else (" ok" if ratio >= BAR else " BELOW BAR")
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r.statuses.items()))
        errors = f", {r.errors} connection errors" if r.errors else ""
        loads = "-".join(f"{x:.1f}" for x in r.loads)
        print(f"  {label:<30} {server:<8} {r.rps:>7.0f} {statistics.median(lat):>7.1f} {percentile(lat, 99):>7.1f} "
              f"{ratio:>6.2f}  {loads:<13} {statuses}{errors}{verdict}")  # fmt: skip
    print(f"  the group page: {group}; the meeting page: {meeting} (the first links on /groups/ and on that group)")
    print(f"  ratio: each row's req/s over the fastest bare view's ({fastest:.0f}/s); bar >= {BAR} for pages.")
    print("  'cached': the same URL again and again, served from the 60 s discovery cache after the first request;")
    print("  'varied': every request a different query string, never a cache hit.")
    print(f"  {load()} at the end")
    bad = any(set(r.statuses) != {200} or r.errors for r in results.values())
    if bad:
        print("Some responses were not 200: the figures above are not trustworthy.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
