"""The room says what is true, in a real browser against the production ASGI server: a
facilitator on a laptop starts while everyone is away, Ann arrives from her phone and the
seat is hers at once (no Pause while nothing runs, "Turn 1 of 3", Ann listed first); the phase
names read in full at 360 px; an old error clears after a save that works; after the end the
members still waiting "didn't come round", and the meeting page offers the summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from roundtable.groups.models import Kind
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, open_and_join, room_of, sign_in

pytestmark = pytest.mark.e2e


def _order(page: Page) -> list[str]:
    return [
        f"{name} · {status}"
        for name, status in zip(
            page.locator("[data-bind=order] .turn-name").all_text_contents(),
            page.locator("[data-bind=order] .turn-status").all_text_contents(),
            strict=True,
        )
    ]


def _names_fit(page: Page) -> list[str]:
    """The phase names that do not fit their space (cut off): none, on a readable bar."""
    return page.eval_on_selector_all(
        ".phasebar .phase-label",
        "nodes => nodes.filter(n => n.scrollWidth > n.clientWidth + 1).map(n => n.textContent)",
    )


@pytest.mark.django_db(transaction=True)
def test_an_arrival_takes_the_empty_seat_and_the_room_says_what_is_true(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    fac, meeting, _ = room_of(Kind.STRATEGIC, "Somerville Strategic Roundtable", "Strategic roundtable", members=3)
    problems: list[str] = []
    rosa = new_page(1280, 900)
    sign_in(rosa, base, fac.email, problems)
    room_url = open_and_join(base, meeting.public_id, rosa, [])

    # Everyone going is away: the seat waits, and no control shows that would do nothing.
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(rosa.locator("[data-bind=seat]")).to_have_text("Waiting for someone to arrive")
    for name in ("Pause", "Resume", "Next turn", "Next phase", "+1 min"):
        expect(rosa.get_by_role("button", name=name)).to_be_hidden()
    shot(rosa, "truth01-facilitator-waiting")

    # Ann arrives from her phone: the seat is hers at once, on every screen.
    ann = new_page(360, 780)
    sign_in(ann, base, "ann@example.com", problems)
    ann.goto(room_url)
    expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
    expect(rosa.locator("[data-bind=seat]")).to_have_text("Ann Alvarez’s turn")
    for page in (rosa, ann):
        expect(page.locator("[data-bind=kicker]")).to_have_text("Turn 1 of 3")
    expect(rosa.get_by_role("button", name="Pause")).to_be_visible()
    expect(rosa.get_by_role("button", name="Next turn")).to_be_visible()
    assert _order(rosa) == [
        "Ann Alvarez · In the seat", "Ben Brooks · Waiting · not here yet", "Cat Chen · Waiting · not here yet",
    ]  # fmt: skip

    # On a 360 px phone every phase name reads in full (two to a row), the current one too.
    expect(ann.locator(".phasebar .phase-label")).to_have_count(4)
    assert _names_fit(ann) == []
    for label in ("Update", "Challenge", "Brainstorm", "Commitments"):
        expect(ann.locator(".phasebar").get_by_text(label)).to_be_visible()
    shot(ann, "truth02-member-phone-her-turn")
    shot(rosa, "truth03-facilitator-ann-arrived")

    # A refusal shows its reason; the next save that works clears it.
    rosa.get_by_text("Change the turn plan").click()
    rosa.get_by_label("Phase 2 name").fill("Update")
    rosa.get_by_role("button", name="Save the plan").click()
    expect(rosa.locator("#room-alert")).to_have_text("Two phases are called 'Update': give each its own name.")
    rosa.get_by_label("Phase 2 name").fill("The challenge")
    rosa.get_by_role("button", name="Save the plan").click()
    expect(ann.locator(".phasebar")).to_contain_text("The challenge")
    expect(rosa.locator("#room-alert")).to_be_hidden()

    # The end: Ben and Cat never came, so their turns didn't come round (nobody skipped them).
    rosa.once("dialog", lambda d: d.accept())
    rosa.get_by_role("button", name="End").click()
    expect(rosa.locator("[data-bind=seat]")).to_have_text("The roundtable has ended")
    expect(rosa.locator("[data-bind=order] .turn-status")).to_have_text(
        ["Done", "Didn’t come round", "Didn’t come round"]
    )
    expect(rosa.get_by_text("Skipped")).to_have_count(0)
    shot(rosa, "truth04-facilitator-ended")

    # The meeting page now offers the summary, not a room to open or join.
    for page in (rosa, ann):
        page.goto(f"{base}/meetings/{meeting.public_id}/")
        expect(page.get_by_role("link", name="See the roundtable summary")).to_be_visible()
        expect(page.get_by_text("Open the live room")).to_have_count(0)
        expect(page.get_by_text("Join the live room")).to_have_count(0)
    shot(ann, "truth05-member-phone-meeting-after-end")
    ann.get_by_role("link", name="See the roundtable summary").click()
    expect(ann.get_by_role("heading", name="Your roundtable summary")).to_be_visible()
    assert problems == []
