"""The documented release, run as an operator would (issue 9, items 14-16): `scripts/serve`
on a fresh database with production settings migrates, collects static files, starts the pages
(granian), the sockets (uvicorn) and the task worker, and the site becomes ready by itself: the
worker starts the periodic tick, so `/readyz` turns 200 with no other step. Needs Redis at
127.0.0.1:6379 (production does; CI starts it): the test fails and says so without it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _get_when_up(url: str, *, seconds: float) -> tuple[int, str]:
    """`_get(url)`, asked again every half second while the server does not answer yet."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return _get(url)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _redis_url() -> str:
    url = f"redis://127.0.0.1:6379/{1 + os.getpid() % 15}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not answering at 127.0.0.1:6379 ({exc}); production serving needs it (CI starts it).")
    return url


def test_scripts_serve_from_a_fresh_database_becomes_ready_by_itself(tmp_path: Path) -> None:
    port, sockets_port = _free_port(), _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "ROUNDTABLE_TESTING", "ROUNDTABLE_HTTPS", "DEBUG", "REDIS_URL"}
    }
    env.update(
        ROUNDTABLE_TESTING="false",
        SECRET_KEY="a-production-key-" + "y" * 40,
        ROUNDTABLE_VAR_DIR=str(tmp_path),
        SQLITE_PATH=str(tmp_path / "fresh.sqlite3"),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{port}",
        EMAIL_HOST="smtp.example.org",
        HOST="127.0.0.1",
        PORT=str(port),
        SOCKETS_PORT=str(sockets_port),
        PAGE_WORKERS="1",
        SOCKET_WORKERS="1",
        REDIS_URL=_redis_url(),
        LOG_LEVEL="ERROR",
    )
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        status, body = 0, ""
        while status != 200:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, f"not ready in time:\n{body}"
            try:
                status, body = _get(f"{url}/readyz")
            except OSError:
                status, body = 0, "(not answering yet)"
            time.sleep(0.5)
        lines = body.splitlines()
        assert lines[0] == "ready"
        assert lines[1:4] == ["database: ok - answers", lines[2], "migrations: ok - all applied"]
        assert lines[2].startswith("static files: ok - manifest loaded (")
        assert lines[4] == "task worker: ok - 1 seen in the last 90 s"
        # The first tick may still be running when the site answers ready.
        assert lines[5].startswith(("periodic tick: ok - last ran ", "periodic tick: ok - running for "))
        # HTTPS is on: pages redirect to https, the probes answer over plain HTTP.
        assert _get(f"{url}/healthz") == (200, "ok")
        # The sockets' server (behind the proxy's /ws/) answers its own probe.
        # (Its own process: ready pages do not mean it has finished starting on a busy machine.)
        assert _get_when_up(f"http://127.0.0.1:{sockets_port}/healthz", seconds=90) == (200, "ok")
        # One signal stops the pages, the sockets and the worker together.
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        for each in (port, sockets_port):
            with socket.socket() as probe:
                assert probe.connect_ex(("127.0.0.1", each)) != 0
    finally:
        # The pages, sockets and worker too, even when the test failed before its SIGTERM
        # (a SIGKILL to the script alone would leave them running, serving the next tests).
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(serve.pid, sig)
            except ProcessLookupError:
                break
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                continue
        log.close()
