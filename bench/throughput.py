#!/usr/bin/env python
"""Requests per second against the production stack: bare views and real pages, side by side.

Prepares a SQLite database with the demo data under var/bench/throughput/ (migrate,
collectstatic, demo_data), then starts, on free loopback ports, the production page server
exactly as `scripts/serve pages` runs it (granian's WSGI workers, one per core, DEBUG off)
and, for comparison, one uvicorn process serving the same project over ASGI (as `make run`
does). In interleaved rounds, over keep-alive HTTP/1.1 connections, with Debian's wrk when it
is installed (scripts/ensure-wrk; a tenth of the CPU per request of the fallback, a small
asyncio client of the standard library, which on 2 shared CPUs held the bare view down), it
sends:

- /healthz, a bare view behind the whole middleware stack, to both servers;
- to the production page server: discovery /groups/ (cached: the same URL again and again,
  served from the 60 s discovery cache), varied searches (each URL different: never a cache
  hit), a group page, a meeting page and the API list /api/v1/groups.

Prints req/s, p50 and p99 for each, with the machine's load average, and each page's ratio to
the fastest bare view (bar: >= 0.33, the design's performance budgets).

    .venv/bin/python bench/throughput.py
    .venv/bin/python bench/throughput.py --seconds 5 --concurrency 16 --page-threads 1
    .venv/bin/python bench/throughput.py --client python --requests 4000
    .venv/bin/python bench/throughput.py --redis redis://127.0.0.1:6379/11   # the cache in Redis
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import shutil
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

BAR = 0.33  # the design's performance budget: a realistic page >= 1/3 of the bare view
# Issue 13, item 3: uncached discovery >= 1/3; a group's and a meeting's pages >= 1/2.
BARS = {"discovery, varied (uncached)": 1 / 3, "a group page": 1 / 2, "a meeting page": 1 / 2}
VARIED = "/groups/?<varied>"
WORDS = ["", "interview", "linkedin", "resume", "networking", "salary", "career change", "support", "speaker",
         "veterans", "coaching", "remote", "tech", "wellbeing", "strategy", "group"]  # fmt: skip
KINDS = ["", "", "speakers", "strategic", "support"]
PLACES = ["", "", "", "Boston, MA", "Austin, TX", "02139", "Denver, CO", "Chicago, IL", "NYC"]


WRK_LUA = """
local paths = {}
local i = 0
local n = 0
init = function(args)
  for line in io.lines(args[1]) do n = n + 1; paths[n] = line end
  i = tonumber(args[2]) or 0
end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) % n + 1], {["User-Agent"] = "roundtable-bench", ["Accept"] = "text/html"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Result:
    label: str
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # the 1-minute load average after each round
    # wrk gives each run's percentiles, not its latencies: the rounds' p50s and p99s.
    p50s: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)
    not_2xx: int = 0
    server_cpu: float = 0.0  # CPU seconds the server's processes used during the timed runs

    @property
    def cpu_ms(self) -> float:
        """The server's CPU milliseconds per request: unlike req/s, barely moved by other work
        on the machine (the load it does not make itself)."""
        return 1000 * self.server_cpu / self.requests if self.requests else 0.0

    def p50(self) -> float:
        return statistics.median(self.p50s) if self.p50s else statistics.median(self.latencies_ms or [0.0])

    def p99(self) -> float:
        return max(self.p99s) if self.p99s else percentile(self.latencies_ms or [0.0], 99)

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


class Wrk:
    """Runs of wrk (one thread: it drives thousands of requests a second on one core) with a
    Lua script per row that walks that row's URLs from where its last run stopped, so varied
    searches are never asked twice (the discovery cache lives 60 s)."""

    def __init__(self, var_dir: Path, concurrency: int) -> None:
        self.var_dir = var_dir
        self.concurrency = concurrency
        self.scripts: dict[str, Path] = {}
        self.offsets: dict[str, int] = {}

    def _script(self, key: str, paths: Iterator[str], varied: bool) -> Path:
        if key not in self.scripts:
            urls = list(itertools.islice(paths, 60_000 if varied else 1))
            listed = self.var_dir / f"wrk-{len(self.scripts)}.urls"
            listed.write_text("".join(f"{u}\n" for u in urls))
            self.scripts[key], self.offsets[key] = listed, 0
        return self.scripts[key]

    def run(self, port: int, key: str, paths: Iterator[str], varied: bool, seconds: float) -> Result:
        listed = self._script(key, paths, varied)
        script = self.var_dir / "wrk.lua"
        script.write_text(WRK_LUA)
        cmd = ["wrk", "-t1", f"-c{self.concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(script), f"http://127.0.0.1:{port}", "--", str(listed), str(self.offsets[key])]  # fmt: skip
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        found = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.M)
        if found is None:
            raise RuntimeError(f"wrk said nothing usable:\n{out}")
        requests, micros, p50, p99, not_2xx, errors = (int(x) for x in found.groups())
        self.offsets[key] += requests
        r = Result(label=key, requests=requests, seconds=micros / 1e6, errors=errors, not_2xx=not_2xx)
        r.p50s.append(p50 / 1000)
        r.p99s.append(p99 / 1000)
        r.statuses = {200: requests - not_2xx} if requests > not_2xx else {}
        if not_2xx:
            r.statuses[0] = not_2xx  # some status other than 2xx or 3xx (wrk does not say which)
        return r


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants (granian's
    workers are children of its main process). Linux /proc."""
    total, todo, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _add(into: Result, r: Result) -> None:
    into.requests += r.requests
    into.seconds += r.seconds
    into.errors += r.errors
    into.latencies_ms += r.latencies_ms
    into.p50s += r.p50s
    into.p99s += r.p99s
    into.not_2xx += r.not_2xx
    into.server_cpu += r.server_cpu
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
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                        help="the load generator: wrk when installed (auto), or the Python client")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=3.0, help="with wrk: seconds per row and round (default 3)")
    parser.add_argument("--redis", default="", help="REDIS_URL for the servers (the cache in Redis, as in production)")
    args = parser.parse_args()

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
        if client == "python":
            print("wrk is not installed (scripts/ensure-wrk): the Python client takes a share of the CPUs.")
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = _env(var_dir)
    if args.redis:
        env["REDIS_URL"] = args.redis
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
        wrk = Wrk(var_dir, args.concurrency)
        per_round = max(1, args.requests // args.rounds)

        def run(label: str, server: str, port: int, urls: Iterator[str]) -> Result:
            if client == "python":
                return asyncio.run(_load(port, label, per_round, args.concurrency, urls))
            return wrk.run(port, f"{label} {server}", urls, "varied" in label, args.seconds)

        # Warm-up by count, whatever the client: every worker process and thread has served
        # requests of each row before the timing starts (a worker's first requests import the
        # URLconf and compile templates: on a busy machine a second of wrk was not enough).
        for label, _server, port, urls in rows:
            asyncio.run(_load(port, label, args.warmup, args.concurrency, urls))
        pids = {page_port: page_proc.pid, asgi_port: asgi_proc.pid}
        for _ in range(args.rounds):
            for label, server, port, urls in rows:
                before = _tree_cpu(pids[port])
                r = run(label, server, port, urls)
                r.server_cpu = _tree_cpu(pids[port]) - before
                _add(results[(label, server)], r)
                results[(label, server)].loads.append(os.getloadavg()[0])
    finally:
        _stop(page_proc)
        _stop(asgi_proc)

    cache = f"the cache in Redis ({args.redis})" if args.redis else "the cache in local memory (no REDIS_URL)"
    if client == "wrk":
        print(f"\nwrk (1 thread, {args.concurrency} keep-alive connections), {args.seconds:g} s per row in each "
              f"of {args.rounds} interleaved rounds after {args.warmup} warm-up requests (the Python client); p50: "
              "the rounds' median, p99: their highest;")  # fmt: skip
    else:
        print(f"\nThe Python client, {per_round * args.rounds} requests per row over {args.concurrency} keep-alive "
              f"connections, {args.rounds} interleaved rounds, after {args.warmup} warm-up requests;")  # fmt: skip
    print(f"granian {args.page_workers} workers x {args.page_threads} threads, uvicorn 1 process, {cache}; "
          f"{CORES} CPUs shared with the client and anything else running.")  # fmt: skip
    fastest = max(r.rps for (label, _s), r in results.items() if label.startswith("bare view"))
    bare_cpu = results[("bare view /healthz", "granian")].cpu_ms
    print(f"  {'row':<30} {'server':<8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}  {'cpu ms':>6} "
          f"{'cpu ratio':>9}  {'load (1 min)':<13} statuses")  # fmt: skip
    for (label, server), r in results.items():
        ratio = r.rps / fastest if fastest else 0.0
        cpu_ratio = bare_cpu / r.cpu_ms if r.cpu_ms else 0.0
        bar = BARS.get(label, BAR)
        verdict = f" ok (>= {bar:.2f})" if ratio >= bar else f" BELOW {bar:.2f}"
        verdict = "" if label.startswith("bare view") else verdict
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r.statuses.items()))
        errors = f", {r.errors} connection errors" if r.errors else ""
        loads = "-".join(f"{x:.1f}" for x in r.loads)
        print(f"  {label:<30} {server:<8} {r.rps:>7.0f} {r.p50():>7.1f} {r.p99():>7.1f} {ratio:>6.2f}  "
              f"{r.cpu_ms:>6.2f} {cpu_ratio:>9.2f}  {loads:<13} {statuses}{errors}{verdict}")  # fmt: skip
    print(f"  the group page: {group}; the meeting page: {meeting} (the first links on /groups/ and on that group)")
    print(f"  ratio: each row's req/s over the fastest bare view's ({fastest:.0f}/s); bars: issue 13 (discovery")
    print("  varied >= 1/3, a group's and a meeting's page >= 1/2), the design's budget (a page >= 1/3) for the rest.")
    print("  cpu ms: the server's CPU time per request (all its processes); cpu ratio: granian's /healthz's over the")
    print("  row's, the ratio the machine would give if the server had the CPUs to itself (the verdict is on req/s).")
    print("  'cached': the same URL again and again, served from the 60 s discovery cache after the first request;")
    print("  'varied': every request a different query string, never a cache hit.")
    print(f"  {load()} at the end")
    bad = any(set(r.statuses) != {200} or r.errors for r in results.values())
    if bad:
        print("Some responses were not 200: the figures above are not trustworthy.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
