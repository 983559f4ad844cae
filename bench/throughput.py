#!/usr/bin/env python
"""Requests per second of the production server: a bare view against the discovery page.

Prepares a SQLite database with the demo data under var/bench/throughput/ (migrate,
collectstatic, demo_data), starts the production server command (uvicorn, DEBUG off) on
a free loopback port, and sends a fixed number of requests to /healthz (a bare view
behind the same middleware), /groups/ and /groups/?q=interview with a small keep-alive
HTTP/1.1 client (asyncio, standard library only), and a stream of searches that are all
different (a word, a kind, a place, a radius no request repeats), which the discovery
cache can never answer. Prints requests per second for each, and the ratio discovery /
healthz (bar: >= 0.33). Stops the server at the end.

    .venv/bin/python bench/throughput.py
    .venv/bin/python bench/throughput.py --requests 4000 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from common import free_port, read_response, server_env, wait_ready  # bench/common.py (scripts run from bench/)

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = BASE_DIR / ".venv" / "bin"
BAR = 0.33
VARIED = "varied searches"
WORDS = ["", "interview", "linkedin", "resume", "networking", "salary", "career change", "support", "speaker",
         "veterans", "coaching", "remote", "tech", "wellbeing", "strategy", "group"]  # fmt: skip
KINDS = ["", "", "speakers", "strategic", "support"]
PLACES = ["", "", "", "Boston, MA", "Austin, TX", "02139", "Denver, CO", "Chicago, IL", "NYC"]


@dataclass
class Result:
    path: str
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)

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


async def _load(port: int, path: str, total: int, concurrency: int, paths: Iterator[str] | None = None) -> Result:
    """Send `total` GETs over `concurrency` keep-alive connections; time the whole batch.

    With `paths`, each request takes the next URL from it instead of `path`.
    """
    result = Result(path=path)

    def request_for(target: str) -> bytes:
        return (
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: roundtable-bench\r\n"
            "Accept: text/html\r\nConnection: keep-alive\r\n\r\n"
        ).encode()

    fixed = request_for(path)
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while remaining > 0:
                remaining -= 1
                request = request_for(next(paths)) if paths is not None else fixed
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


def _merge(results: list[Result]) -> Result:
    out = Result(path=results[0].path)
    for r in results:
        out.requests += r.requests
        out.seconds += r.seconds
        out.errors += r.errors
        out.latencies_ms += r.latencies_ms
        for k, v in r.statuses.items():
            out.statuses[k] = out.statuses.get(k, 0) + v
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per URL (default 2000)")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests per URL first (default 200)")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds the requests are split over")
    parser.add_argument("--var-dir", default=str(BASE_DIR / "var" / "bench" / "throughput"))
    args = parser.parse_args()

    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = _env(var_dir)
    print(f"Preparing {var_dir / 'roundtable.sqlite3'} (SQLite, demo data):")
    _prepare(env)
    port = free_port()
    cmd = [str(VENV_BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(port),
           "--no-access-log", "--log-level", "warning"]  # fmt: skip
    print(f"Starting: DEBUG=false {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}")
    server = subprocess.Popen(cmd, cwd=BASE_DIR, env=env)
    paths = ["/healthz", "/groups/", "/groups/?q=interview", VARIED]
    varied = _varied_paths()

    def load(path: str, total: int) -> Result:
        return asyncio.run(_load(port, path, total, args.concurrency, varied if path == VARIED else None))

    try:
        wait_ready(port, server)
        for path in paths:
            load(path, args.warmup)
        per_round = max(1, args.requests // args.rounds)
        rounds: dict[str, list[Result]] = {p: [] for p in paths}
        for _ in range(args.rounds):
            for path in paths:
                rounds[path].append(load(path, per_round))
        results = {p: _merge(rs) for p, rs in rounds.items()}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    print(f"{per_round * args.rounds} requests per URL over {args.concurrency} keep-alive connections, "
          f"{args.rounds} interleaved rounds, after {args.warmup} warm-up requests; one uvicorn process, "
          f"{os.cpu_count()} CPUs shared with this client.")  # fmt: skip
    print(f"  {'path':<24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  statuses")
    for path, r in results.items():
        lat = sorted(r.latencies_ms)
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r.statuses.items()))
        errors = f", {r.errors} connection errors" if r.errors else ""
        print(f"  {path:<24} {r.rps:>8.0f} {statistics.median(lat):>8.1f} {p95:>8.1f}  {statuses}{errors}")
    hello = results["/healthz"].rps
    for path in paths[1:]:
        ratio = results[path].rps / hello if hello else 0.0
        verdict = "ok" if ratio >= BAR else "BELOW BAR"
        print(f"  ratio {path} / /healthz = {ratio:.2f}  (bar >= {BAR}: {verdict})")
    print(f"  ('{VARIED}': every request a different query string, so never a discovery cache hit;"
          " the two fixed URLs are mostly served from the 60 s cache after their first request.)")  # fmt: skip
    bad = any(set(r.statuses) != {200} or r.errors for r in results.values())
    if bad:
        print("Some responses were not 200: the figures above are not trustworthy.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
