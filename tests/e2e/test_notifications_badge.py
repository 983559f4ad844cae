"""The unread badge updates live: a member has a page open; something happens in one of her
groups (another process records it, as the task worker or a page would); the badge in her menu
shows 1 without a reload, and a screen reader hears it. She opens the inbox, follows the item,
and the badge is gone.

The server is the production command (uvicorn) serving the app with the tests' notification
kind registered (tests/notifications/asgi_app.py); this test process and the server share
Redis (db 5 of 127.0.0.1:6379) as their channel layer, as production's processes do."""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest
import redis
from channels.layers import channel_layers
from django.db import connection, transaction
from playwright.sync_api import expect

from roundtable.notifications import kinds, services
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import BASE_DIR, LOG, VENV_BIN, _free_port, _server_env, collectstatic, sign_in
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.notifications.news import KIND

pytestmark = pytest.mark.e2e

REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.fixture
def shared_layer(settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not answering at {REDIS_URL} ({exc}); this test needs it.")
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
    channel_layers.backends.clear()
    kinds.register(KIND)
    yield REDIS_URL
    kinds.unregister(KIND.key)
    channel_layers.backends.clear()


@pytest.fixture
def server(transactional_db: None, shared_layer: str) -> Iterator[str]:
    env = _server_env()
    env["REDIS_URL"] = shared_layer
    collectstatic(env)
    port = _free_port()
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with LOG.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - the project's own server command
            [str(VENV_BIN / "uvicorn"), "tests.notifications.asgi_app:application", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - loopback
                    break
            except OSError:
                assert process.poll() is None, LOG.read_text()
                assert time.monotonic() < deadline, "the ASGI server did not start"
                time.sleep(0.1)
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), [(1280, 900), (360, 740)])
def test_the_badge_updates_live_when_a_notification_arrives(server: str, new_page, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Harbor Roundtable")
    priya = MembershipFactory(group=group, user=UserFactory(name="Priya Raman", email="priya@example.com")).user
    sam = MembershipFactory(group=group, user=UserFactory(name="Sam Ortiz")).user
    page = new_page(width, height)
    problems: list[str] = []
    sign_in(page, server, priya.email, problems)
    page.goto(f"{server}/tracker/")
    badge = page.locator("[data-inbox-count]")
    expect(badge).to_be_hidden()
    expect(page.locator("html")).to_have_attribute("data-inbox-live", "connected")

    def happen() -> None:
        with transaction.atomic():
            services.notify(
                recipient=priya, kind=KIND.key, subject=group, actor=sam, data={"headline": "Hiring fair on Friday"}
            )
        connection.close()

    # On a thread of its own, as a page's request or the task worker would: Playwright's sync
    # API keeps an event loop running on this one, where async_to_sync may not run.
    thread = threading.Thread(target=happen)
    thread.start()
    thread.join()

    if width < 600:  # on a phone the menu is folded: its button shows the count too
        menu = page.get_by_role("button", name="Menu 1 unread")
        expect(menu).to_be_visible()
        shot(page, f"notifications-menu-button-{width}")
        menu.click()
    expect(badge).to_be_visible()
    expect(badge).to_have_text("11 unread")
    expect(page.locator("[data-inbox-announce]")).to_have_text("You have a new notification.")
    link = page.get_by_role("link", name="Inbox 1 unread")
    expect(link).to_be_visible()
    shot(page, f"notifications-badge-{width}")

    link.click()
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    item = page.get_by_role("link", name="Sam Ortiz posted in Harbor Roundtable: Hiring fair on Friday")
    expect(item).to_be_visible()
    expect(page.locator(".inbox-item.is-unread .inbox-new")).to_have_text("New")
    shot(page, f"notifications-inbox-{width}")
    page.get_by_role("link", name="Choose what reaches you").click()
    expect(page.get_by_role("group", name="News in my groups", exact=True)).to_be_visible()
    shot(page, f"notifications-preferences-{width}")
    page.go_back()
    item.click()
    expect(page).to_have_url(f"{server}/groups/{group.slug}/")
    if width < 600:
        page.get_by_role("button", name="Menu").click()
    expect(page.locator("[data-inbox-count]")).to_be_hidden()
    expect(page.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    assert problems == []
