"""Two real server processes share one room through channels-redis: a change made through
one reaches a client of the other. Needs Redis at 127.0.0.1:6379 (CI starts it); if it
is not answering the test fails and says so, it is never skipped."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest
import redis
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import ClientConnection, connect

from roundtable.accounts.models import User

from .conftest import make_room

REDIS_HOST = "127.0.0.1:6379"
UVICORN = str(Path(sys.executable).with_name("uvicorn"))
ROOT = Path(__file__).resolve().parents[2]
DELIVERY_SECONDS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_url() -> str:
    # A database of its own per test run, so parallel runs (SQLite and PostgreSQL) on one
    # Redis do not hear each other's rooms: room ids repeat between test databases.
    url = f"redis://{REDIS_HOST}/{1 + os.getpid() % 15}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis is not answering at {REDIS_HOST} ({exc}). This test needs it: start it with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379` (CI does)."
        )
    return url


def database_env() -> dict[str, str]:
    """Point the servers at the database this test is using (pytest-django's test database)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        assert name, "the SQLite test database has no file"
        assert ":memory:" not in name, name
        assert "mode=memory" not in name, name
        return {"SQLITE_PATH": name}
    user, password = db.get("USER") or "", db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return {"DATABASE_URL": f"postgres://{auth}{host}:{port}/{db['NAME']}"}


@contextmanager
def server(port: int, env: dict[str, str], log: IO[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    args = [UVICORN, "config.asgi:application", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - our own server, fixed arguments
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def wait_until_listening(port: int, proc: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 90  # a deadline, not a timing: a busy machine starts slowly
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"The server on port {port} exited early:\n{log.read().decode(errors='replace')}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    log.seek(0)
    pytest.fail(f"The server on port {port} did not start:\n{log.read().decode(errors='replace')}")


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def next_frame(ws: ClientConnection, timeout: float) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def drain(ws: ClientConnection) -> None:
    while True:
        try:
            await next_frame(ws, 0.3)
        except TimeoutError:
            return


@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_process_reaches_a_client_of_the_other() -> None:
    url = redis_url()
    room = make_room()
    fac_cookie, ann_cookie = session_cookie(room.fac), session_cookie(room.ann)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL")},
        **database_env(),
        "REDIS_URL": url,
        "ROUNDTABLE_TESTING": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": settings.SECRET_KEY,  # sessions made here must be valid there
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    port_a, port_b = free_port(), free_port()

    def socket_to(port: int, cookie: str) -> Any:
        return connect(
            f"ws://127.0.0.1:{port}/ws/rooms/{room.rt.meeting.public_id}/",
            origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
            additional_headers={"Cookie": cookie},
        )

    async def clients() -> dict[str, Any]:
        async with socket_to(port_a, fac_cookie) as fac, socket_to(port_b, ann_cookie) as ann:
            first = await next_frame(ann, 5)
            assert first["type"] == "snapshot"
            assert first["room"]["status"] == "open"
            await drain(fac)
            await drain(ann)
            await fac.send(json.dumps({"action": "start", "request_id": 1}))
            sent = time.monotonic()
            while True:
                left = DELIVERY_SECONDS - (time.monotonic() - sent)
                if left <= 0:
                    pytest.fail(f"Process B's client did not get the change within {DELIVERY_SECONDS} s.")
                frame = await next_frame(ann, left)
                if frame["type"] == "snapshot" and frame["room"]["status"] == "running":
                    return frame

    with (
        tempfile.TemporaryFile() as log_a,
        tempfile.TemporaryFile() as log_b,
        server(port_a, env, log_a) as proc_a,
        server(port_b, env, log_b) as proc_b,
    ):
        wait_until_listening(port_a, proc_a, log_a)
        wait_until_listening(port_b, proc_b, log_b)
        try:
            frame = asyncio.run(asyncio.wait_for(clients(), 15))
        except BaseException:
            for log in (log_a, log_b):  # the servers' own words, shown with the failure
                log.seek(0)
                print(log.read().decode(errors="replace"))
            raise
    offer = frame["you"].pop("status_offer")  # ready for the roundtable: Ann's own, in the seat
    assert frame["you"] == {"user_id": room.ann.pk, "can_control": False, "in_seat": True}
    assert offer["text"] == "0 outreach, 0 conversations, 0 interviews"
    assert frame["room"]["turn"]["name"] == "Ann"
    assert frame["room"]["version"] == room.fresh().version
