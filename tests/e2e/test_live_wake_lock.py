"""Phones in the room stay awake while a turn is running (the Screen Wake Lock API), and let
the screen sleep again when the facilitator pauses or ends the roundtable.

Headless Chromium grants navigator.wakeLock.request("screen") on http://127.0.0.1 (a secure
context) without asking, so the lock here is the browser's own, not a stand-in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from roundtable.groups.models import Kind
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, open_and_join, room_of, sign_in

pytestmark = pytest.mark.e2e

# Every value #room's data-wake-lock takes from now on, without repeats.
RECORD_WAKE_LOCK = """() => {
  window.__wakeLock = [];
  const root = document.getElementById("room");
  new MutationObserver(() => {
    const seen = window.__wakeLock;
    if (seen[seen.length - 1] !== root.dataset.wakeLock) seen.push(root.dataset.wakeLock);
  }).observe(root, {attributes: true, attributeFilter: ["data-wake-lock"]});
}"""
# The browser's own sentinel for the screen lock the page holds, if any.
HOLDS_SCREEN_LOCK = (
    "() => { const l = window.roundtableRoom.wakeLock; return !!l && l.type === 'screen' && !l.released; }"
)


def _lock_state(page: Page) -> str | None:
    return page.evaluate("() => document.getElementById('room').dataset.wakeLock ?? null")


@pytest.mark.django_db(transaction=True)
def test_phones_stay_awake_while_a_turn_runs(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    fac, meeting, _ = room_of(Kind.STRATEGIC, "Boston Strategic Roundtable", "March roundtable")
    problems: list[str] = []
    rosa = new_page(1280, 900)
    ann = new_page(390, 844)
    ben = new_page(390, 844)
    for page, email in ((rosa, fac.email), (ann, "ann@example.com"), (ben, "ben@example.com")):
        sign_in(page, base, email, problems)
    open_and_join(base, meeting.public_id, rosa, [ann, ben])
    phones = [ann, ben]
    for page in phones:
        assert page.evaluate("() => navigator.wakeLock !== undefined && window.isSecureContext") is True
        page.evaluate(RECORD_WAKE_LOCK)
    expect(rosa.locator("[data-bind=people] li")).to_have_count(3)

    # In the lobby nobody's screen is held awake.
    assert [_lock_state(p) for p in phones] == [None, None]

    # Start: Ann is in the seat. Both phones hold a real screen lock, the seat's and the listener's.
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
    for page in phones:
        expect(page.locator("#room")).to_have_attribute("data-wake-lock", "held")
        assert page.evaluate(HOLDS_SCREEN_LOCK) is True
        page.evaluate("() => { window.__firstLock = window.roundtableRoom.wakeLock; }")
    expect(rosa.locator("#room")).to_have_attribute("data-wake-lock", "held")
    shot(ann, "wakelock01-member-phone-running")

    # Pause: the screens may sleep; the browser's lock is really given back.
    rosa.get_by_role("button", name=re.compile("^Pause")).click()
    for page in phones:
        expect(page.locator("[data-bind=clock]")).to_have_attribute("data-state", "paused")
        expect(page.locator("#room")).to_have_attribute("data-wake-lock", "released")
        assert page.evaluate("() => window.__firstLock.released && window.roundtableRoom.wakeLock === null") is True
    shot(ann, "wakelock02-member-phone-paused")

    # Resume: held again, with a new lock.
    rosa.get_by_role("button", name=re.compile("^Resume")).click()
    for page in phones:
        expect(page.locator("#room")).to_have_attribute("data-wake-lock", "held")
        assert page.evaluate(HOLDS_SCREEN_LOCK) is True
        assert page.evaluate("() => window.roundtableRoom.wakeLock !== window.__firstLock") is True
        page.evaluate("() => { window.__secondLock = window.roundtableRoom.wakeLock; }")

    # The seat moves on to Ben: the same lock stays held, no flicker.
    rosa.get_by_role("button", name=re.compile("^Next turn")).click()
    expect(ben.locator("[data-bind=seat]")).to_have_text("Your turn")
    expect(ann.locator("[data-bind=seat]")).to_have_text("Ben Brooks’s turn")
    for page in phones:
        assert page.evaluate("() => window.roundtableRoom.wakeLock === window.__secondLock") is True
        assert page.evaluate(HOLDS_SCREEN_LOCK) is True

    # After the last turn nobody is in the seat (open discussion): the screens may sleep.
    rosa.get_by_role("button", name=re.compile("^Next turn")).click()
    for page in phones:
        expect(page.locator("[data-bind=seat]")).to_have_text("Everyone has had a turn")
        expect(page.locator("#room")).to_have_attribute("data-wake-lock", "released")
        assert page.evaluate("() => window.__secondLock.released && window.roundtableRoom.wakeLock === null") is True
    expect(ann.locator("#room")).to_have_attribute("data-status", "running")
    shot(ann, "wakelock03-member-phone-open-discussion")

    # The facilitator ends the roundtable: nothing is held again.
    rosa.once("dialog", lambda d: d.accept())
    rosa.get_by_role("button", name="End").click()
    for page in phones:
        expect(page.locator("[data-bind=seat]")).to_have_text("The roundtable has ended")
        expect(page.locator("#room")).to_have_attribute("data-wake-lock", "released")
        assert page.evaluate("window.__wakeLock") == ["held", "released", "held", "released"]
    expect(rosa.locator("#room")).to_have_attribute("data-wake-lock", "released")
    shot(ann, "wakelock04-member-phone-ended")

    assert problems == []
