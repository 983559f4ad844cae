"""The server goes away in the middle of a roundtable and comes back on the same address.

A facilitator on a laptop and a member on her phone are in a running strategic room. The
production server (uvicorn) is stopped: both pages say they are reconnecting, the clock keeps
counting on its own, and a button pressed meanwhile says it was not sent. While the server is
down the room changes (the next phase, a minute added). When the server is back, both pages
reconnect by themselves, without a reload, and show the room as it is now, with clocks that
agree to the second."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from roundtable.groups.models import Kind
from roundtable.live import services
from roundtable.live.models import Roundtable
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop, _same_clock, _timers, open_and_join, room_of, sign_in

pytestmark = pytest.mark.e2e

# Before the server stops: mark the page (a reload would lose the mark) and record every
# state the connection badge goes through from here on, without repeats.
RECORD_BADGE = """() => {
  window.__noReload = 1;
  window.__connStates = [];
  const node = document.getElementById("room-conn");
  new MutationObserver(() => {
    const entry = node.dataset.state + ": " + node.textContent;
    const seen = window.__connStates;
    if (seen[seen.length - 1] !== entry) seen.push(entry);
  }).observe(node, {attributes: true, attributeFilter: ["data-state"], childList: true, characterData: true,
                    subtree: true});
}"""


def _phase(page: Page) -> Locator:
    return page.locator(".phasebar [aria-current=step]")


@pytest.mark.django_db(transaction=True)
def test_both_screens_catch_up_after_the_server_restarts(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    fac, meeting, (ann_user,) = room_of(Kind.STRATEGIC, "Boston Strategic Roundtable", "March roundtable", members=1)
    rosa = new_page(1280, 900)
    ann = new_page(390, 844)
    problems: dict[str, list[str]] = {"rosa": [], "ann": []}
    sign_in(rosa, base, fac.email, problems["rosa"])
    sign_in(ann, base, ann_user.email, problems["ann"])
    open_and_join(base, meeting.public_id, rosa, [ann])
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
    expect(rosa.locator("[data-bind=seat]")).to_have_text("Ann Alvarez’s turn")
    for page in (rosa, ann):
        expect(_phase(page)).to_contain_text("Update")
    expect(ann.locator("#room")).to_have_attribute("data-wake-lock", "held")
    rt = Roundtable.objects.get(meeting=meeting)
    screens = [rosa, ann]
    for page in screens:
        page.evaluate(RECORD_BADGE)

    # The server goes away (a deploy, a crash): both pages notice at once.
    asgi_server.stop()
    for page in screens:
        expect(page.locator("#room-conn")).to_have_text("Reconnecting…")
        expect(page.locator("#room-conn")).to_have_attribute("data-state", "reconnecting")
    # The clock goes on counting locally, and Ann's phone stays awake.
    ticking = ann.locator("[data-bind=timer]").inner_text()
    expect(ann.locator("[data-bind=timer]")).not_to_have_text(ticking)
    expect(ann.locator("#room")).to_have_attribute("data-wake-lock", "held")
    # A button pressed now is not lost silently: the page says it was not sent.
    rosa.get_by_role("button", name=re.compile("^Next phase")).click()
    expect(rosa.locator("#room-alert")).to_have_text("Not connected right now: reconnecting. Try again in a moment.")
    shot(rosa, "reconnect01-facilitator-server-down")
    shot(ann, "reconnect02-member-phone-server-down")

    # Meanwhile the room moves on (from another server, say): the challenge, with a minute more.
    _off_loop(services.phase_next, roundtable=rt, by=fac)
    _off_loop(services.clock_add_minute, roundtable=rt, by=fac)
    rt.refresh_from_db()
    assert (rt.phase_index, rt.extra_seconds) == (1, 60)
    for page in screens:
        expect(_phase(page)).to_contain_text("Update")  # nobody could tell them yet

    # The server comes back on the same address; the pages reconnect by themselves.
    asgi_server.start()
    for page in screens:
        expect(page.locator("#room-conn")).to_have_text(re.compile(r"^(Reconnected|Connected)$"), timeout=25_000)
        expect(_phase(page)).to_contain_text("Challenge")
        expect(page.locator("[data-bind=timer-note]")).to_have_text("Challenge · 6 min phase")
        expect(_phase(page).locator(".phase-label")).to_have_text("Challenge 6 min (now)")  # the added minute
    # Back online, the "not connected" warning goes.
    expect(rosa.locator("#room-alert")).to_be_hidden()
    # Exactly the room the database has: the press during the outage was not replayed.
    assert [p.evaluate("window.roundtableRoom.room.version") for p in screens] == [rt.version, rt.version]
    assert [p.evaluate("window.__noReload") for p in screens] == [1, 1]
    started = rt.phase_started_at
    assert started is not None
    before = timezone.now()
    values = _same_clock(screens)
    after = timezone.now()
    # Each page within a second of the server's clock; the display rounds up (ceil).
    low = 360 - (after - started).total_seconds() - 1
    high = 360 - (before - started).total_seconds() + 2
    assert all(low <= v < high for v in values), (values, low, high)
    expect(ann.locator("#room")).to_have_attribute("data-wake-lock", "held")
    shot(rosa, "reconnect03-facilitator-reconnected")
    shot(ann, "reconnect04-member-phone-reconnected")

    # The new connection works both ways: the facilitator's next press reaches both screens.
    rosa.locator("body").press("n")
    for page in screens:
        expect(_phase(page)).to_contain_text("Brainstorm")
    _same_clock(screens)
    assert _timers([ann])[0] > 9 * 60

    # "Reconnected" gives way to "Connected" after a few seconds; nothing else happened.
    for page in screens:
        expect(page.locator("#room-conn")).to_have_text("Connected", timeout=10_000)
        assert page.evaluate("window.__connStates") == [
            "reconnecting: Reconnecting…",
            "reconnected: Reconnected",
            "connected: Connected",
        ]
        assert page.evaluate("window.__noReload") == 1

    # The console has exactly the failed attempts to reach the stopped server, and nothing else:
    # the room's socket, and the menu's unread badge (notifications/static/.../badge.js), which
    # reconnects to the same server too.
    def refused_at(path: str) -> re.Pattern[str]:
        return re.compile(
            re.escape(f"error: WebSocket connection to 'ws://127.0.0.1:{asgi_server.port}{path}' failed: ")
            + r"Error in connection establishment: net::ERR_CONNECTION_REFUSED"
        )

    room = refused_at(f"/ws/rooms/{rt.meeting.public_id}/")
    badge = refused_at("/ws/notifications/")
    for name, seen in problems.items():
        expected = [p for p in seen if room.fullmatch(p)]
        assert expected, f"{name}: no failed reconnection attempt while the server was down"
        assert [p for p in seen if not (room.fullmatch(p) or badge.fullmatch(p))] == [], name
