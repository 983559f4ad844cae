"""Shared pieces of the live-room browser journeys: the production ASGI server (uvicorn) in a
subprocess against the pytest test database, which a test may stop and start again on the
same port, and small readers of what the room shows."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

BASE_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = BASE_DIR / ".venv" / "bin"
LOG = BASE_DIR / "test-results" / "live-room-server.log"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL"}}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        # The test database pytest-django created, on the same server.
        env["DATABASE_URL"] = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
            **{k: db.get(k) or "" for k in ("USER", "PASSWORD", "HOST", "PORT", "NAME")}
        )
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ROUNDTABLE_TESTING="1",
        ROUNDTABLE_HTTPS="false",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    return env


_collected = False


def collectstatic(env: dict[str, str]) -> None:
    """Once per test run: the server serves the collected files."""
    global _collected
    if _collected:
        return
    subprocess.run(  # noqa: S603 - our own manage.py
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip
    _collected = True


class AsgiServer:
    """The production command on one fixed port. stop() ends it as a deploy or a crash
    would (SIGTERM: uvicorn closes open WebSockets with 1012); start() brings it back on
    the same port, so open pages can reconnect to the same address."""

    def __init__(self, env: dict[str, str], port: int | None = None) -> None:
        self.env = env
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[str] | None = None
        self.starts = 0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 30) -> None:
        assert not self.running, "the server is already running"
        LOG.parent.mkdir(parents=True, exist_ok=True)
        self._log = LOG.open("w" if self.starts == 0 else "a")
        self.starts += 1
        self.process = subprocess.Popen(  # noqa: S603 - the project's own server command
            [str(VENV_BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning"],
            cwd=BASE_DIR, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):  # noqa: S310 - loopback
                    return
            except OSError:
                assert self.process.poll() is None, LOG.read_text()
                assert time.monotonic() < deadline, "the ASGI server did not start"
                time.sleep(0.1)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


def _off_loop(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service from the test. Playwright's sync API keeps an event loop running in
    the test's thread, where the services' broadcast (async_to_sync) refuses to run; so the
    call runs in a thread of its own, with its own database connection, closed after."""

    def call() -> Any:
        try:
            return service(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _seconds(text: str) -> int:
    found = re.fullmatch(r"\+?(\d+):(\d\d)", text.strip())
    assert found, f"not a clock: {text!r}"
    return int(found.group(1)) * 60 + int(found.group(2))


def _timers(pages: list[Page]) -> list[int]:
    """Every screen's timer, read as close to the same moment as the browsers allow."""
    return [_seconds(p.locator("[data-bind=timer]").inner_text()) for p in pages]


def _same_clock(pages: list[Page]) -> list[int]:
    values = _timers(pages)
    assert max(values) - min(values) <= 1, values
    return values


def _seat(page: Page) -> str:
    return page.locator("[data-bind=seat]").inner_text()


def _watch_console(page: Page, problems: list[str]) -> None:
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))


# Building a room --------------------------------------------------------------------------

PEOPLE = [("ann@example.com", "Ann Alvarez"), ("ben@example.com", "Ben Brooks"), ("cat@example.com", "Cat Chen")]


def room_of(kind: str, group_name: str, title: str, members: int = 2, **meeting_kw: Any) -> tuple[Any, Any, list[Any]]:
    """A group of the kind with Rosa Martinez as its facilitator, a meeting under way (started
    two minutes ago, two hours long, unless meeting_kw says otherwise) and the first `members`
    of PEOPLE going, in that order. Returns (Rosa, the meeting, the members)."""
    now = timezone.now()
    group = GroupFactory(name=group_name, kind=kind)
    fac = facilitator_of(group, user=UserFactory(email="rosa@example.com", name="Rosa Martinez"))
    meeting_kw = {"starts_at": now - timedelta(minutes=2), "main_minutes": 120, **meeting_kw}
    meeting = MeetingFactory(group=group, title=title, **meeting_kw)
    users = []
    for i, (email, name) in enumerate(PEOPLE[:members]):
        user = UserFactory(email=email, name=name)
        MembershipFactory(group=group, user=user)
        RsvpFactory(meeting=meeting, user=user, created_at=now - timedelta(days=1) + timedelta(minutes=i))
        users.append(user)
    return fac, meeting, users


def sign_in(page: Page, base: str, email: str, problems: list[str]) -> None:
    """Watch the page's console for errors, and sign in."""
    from tests.e2e.test_join_journey import _login  # here: that module imports conftest, which imports this one

    _watch_console(page, problems)
    _login(page, base, email)
    # Signed in: the menu has a way out (on a phone it is folded behind "Menu", so hidden).
    expect(page.locator("#site-nav button", has_text="Log out")).to_have_count(1)


def open_and_join(base: str, meeting_id: str, facilitator: Page, members: list[Page]) -> str:
    """The facilitator opens the live room, then each member's page joins it. The room's URL."""
    room_url = f"{base}/meetings/{meeting_id}/live/"
    facilitator.goto(room_url)
    facilitator.get_by_role("button", name="Open the live room").click()
    expect(facilitator.locator("#room-conn")).to_have_text("Connected")
    for page in members:
        page.goto(room_url)
        expect(page.locator("#room-conn")).to_have_text("Connected")
    return room_url
