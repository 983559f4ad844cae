"""The facilitator shapes the turn plan in the room, and every screen follows: against the
production ASGI server (uvicorn), a facilitator on a laptop and a member on a phone.

The plan says when the turns left will not fit the time left and fits them with one press;
the editor renames, lengthens, adds and removes phases; a refused plan keeps what the
facilitator typed, with the reason."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from roundtable.groups.models import Kind
from roundtable.live.models import Roundtable
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, open_and_join, room_of, sign_in

pytestmark = pytest.mark.e2e


def _labels_become(page: Page, expected: list[str]) -> None:
    """Wait (up to 10 s) until the phase bar reads `expected`: a snapshot may still be on its way."""
    for _ in range(100):
        if _labels(page) == expected:
            return
        page.wait_for_timeout(100)
    assert _labels(page) == expected


def _labels(page: Page) -> list[str]:
    return [
        t.replace(" (now)", "").replace(" (done)", "")
        for t in page.locator(".phasebar .phase-label").all_text_contents()
    ]


def _row(page: Page, number: int) -> tuple[str, str]:
    return (
        page.get_by_label(f"Phase {number} name").input_value(),
        page.locator(".plan-row").nth(number - 1).get_by_label("minutes").input_value(),
    )


@pytest.mark.django_db(transaction=True)
def test_the_facilitator_fits_and_edits_the_plan(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    # A short meeting: 40 minutes for the main part, and three members going.
    fac, meeting, _ = room_of(
        Kind.STRATEGIC, "Somerville Strategic Roundtable", "Lunch roundtable", members=3,
        starts_at=timezone.now() - timedelta(minutes=1), main_minutes=40,
    )  # fmt: skip
    problems: list[str] = []
    rosa = new_page(1280, 900)
    ann = new_page(390, 844)
    sign_in(rosa, base, fac.email, problems)
    sign_in(ann, base, "ann@example.com", problems)
    open_and_join(base, meeting.public_id, rosa, [ann])

    # Three turns of 22 minutes do not fit in the 39 minutes left: the plan says so.
    note = rosa.locator("[data-bind=plan-note]")
    expect(note).to_have_text(re.compile(r"^3 turns of 22 min need 66 min, but (38|39) min are left\. Fit the plan"))
    expect(ann.locator("[data-bind=plan-note]")).to_have_text(re.compile(r"^3 turns of 22 min need 66 min, but"))
    expect(ann.get_by_role("button", name="Fit the plan")).to_have_count(0)  # members read, facilitators act
    expect(ann.get_by_text("Change the turn plan")).to_have_count(0)
    # The facilitator has started renaming a phase when the plan is fitted: the fields they did
    # not change follow the fitted plan, their new name stays, and the page says so.
    rosa.get_by_text("Change the turn plan").click()
    rosa.get_by_label("Phase 1 name").fill("Status update")
    rosa.get_by_role("button", name="Fit the plan").click()
    expect(note).to_have_text(re.compile(r"^3 turns of 12 min · the plan fits the time left\.$"))
    expect(rosa.get_by_role("button", name="Fit the plan")).to_be_hidden()
    fitted = Roundtable.objects.get(meeting=meeting).plan
    assert [p["key"] for p in fitted] == ["update", "challenge", "brainstorm", "commitments"]
    # Whole minutes (38 or 39 left: 12 a turn), shared 5:5:10:2: what the labels say, the clocks count.
    assert [p["seconds"] for p in fitted] == [180, 180, 300, 60]
    expect(rosa.locator("#room-alert")).to_have_text(
        "The plan changed while you were editing: the fields you had not changed now show the new plan."
    )
    minutes = [str(p["seconds"] // 60) for p in fitted]  # exactly what is stored: whole minutes
    names = ["Status update", "Challenge", "Brainstorm", "Commitments"]
    assert [_row(rosa, n) for n in (1, 2, 3, 4)] == list(zip(names, minutes, strict=True))
    rosa.get_by_role("button", name="Undo my changes").click()

    # The editor: Brainstorm to 8 minutes, a new "Wrap-up" phase, Commitments removed.
    assert _row(rosa, 1)[0] == "Update"
    assert [_row(rosa, n)[0] for n in (2, 3, 4)] == ["Challenge", "Brainstorm", "Commitments"]
    rosa.locator(".plan-row").nth(0).get_by_label("minutes").fill("4")
    rosa.locator(".plan-row").nth(1).get_by_label("minutes").fill("4")
    rosa.locator(".plan-row").nth(2).get_by_label("minutes").fill("8")
    rosa.get_by_role("button", name="Remove Commitments").click()
    expect(rosa.get_by_label("Phase 4 name")).to_have_count(0)
    rosa.get_by_role("button", name="Add a phase").click()
    expect(rosa.get_by_label("Phase 4 name")).to_be_focused()
    rosa.get_by_label("Phase 4 name").fill("Wrap-up")
    rosa.locator(".plan-row").nth(3).get_by_label("minutes").fill("1")
    expect(rosa.locator("[data-bind=plan-total]")).to_have_text(
        "A turn takes 17 min; 3 turns left need 51 min. Not saved yet."
    )
    shot(rosa, "plan01-editor-unsaved")
    rosa.get_by_role("button", name="Save the plan").click()
    # The old plan has four phases too: wait for the saved one's words, not for a count.
    saved = ["Update 4 min", "Challenge 4 min", "Brainstorm 8 min", "Wrap-up 1 min"]
    for page in (rosa, ann):
        _labels_become(page, saved)
    assert Roundtable.objects.get(meeting=meeting).plan == [
        {"key": "update", "label": "Update", "seconds": 240},
        {"key": "challenge", "label": "Challenge", "seconds": 240},
        {"key": "brainstorm", "label": "Brainstorm", "seconds": 480},
        {"key": "wrap-up", "label": "Wrap-up", "seconds": 60},
    ]
    expect(rosa.locator("[data-bind=plan-total]")).to_have_text("A turn takes 17 min; 3 turns left need 51 min.")

    # A plan the room refuses (two phases with one name) keeps what was typed, with the reason.
    rosa.get_by_label("Phase 2 name").fill("Update")
    rosa.get_by_role("button", name="Save the plan").click()
    expect(rosa.locator("#room-alert")).to_have_text("Two phases are called 'Update': give each its own name.")
    assert _row(rosa, 2) == ("Update", "4")
    # An impossible length (none, or not whole minutes) is caught before sending, with the field focused.
    for length in ("0", "2.5"):
        rosa.locator(".plan-row").nth(2).get_by_label("minutes").fill(length)
        rosa.get_by_role("button", name="Save the plan").click()
        expect(rosa.locator("#room-alert")).to_have_text("Give phase 3 a length in whole minutes, from 1 to 60.")
        expect(rosa.locator(".plan-row").nth(2).get_by_label("minutes")).to_be_focused()
    # Undo brings back the room's plan.
    rosa.get_by_role("button", name="Undo my changes").click()
    assert [_row(rosa, n) for n in (1, 2, 3, 4)] == [
        ("Update", "4"), ("Challenge", "4"), ("Brainstorm", "8"), ("Wrap-up", "1"),
    ]  # fmt: skip
    assert _labels(ann) == saved

    # The new plan runs: the brainstorm is 8 minutes on every screen.
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(rosa.locator("[data-bind=seat]")).to_have_text("Ann Alvarez’s turn")
    for phase in ("Challenge", "Brainstorm"):
        rosa.locator("body").press("n")
        expect(rosa.locator(".phasebar [aria-current=step]")).to_contain_text(phase)
    for page in (rosa, ann):
        expect(page.locator("[data-bind=timer-note]")).to_have_text("Brainstorm · 8 min phase")
    shot(rosa, "plan02-facilitator-running")
    shot(ann, "plan03-member-phone-running")

    # Past the end of the phase the clock counts up, marked in words as well as colour; a
    # reload shows the same (the clock comes from the server's timestamps).
    Roundtable.objects.filter(meeting=meeting).update(phase_started_at=timezone.now() - timedelta(minutes=9))
    ann.reload()
    expect(ann.locator("[data-bind=clock]")).to_have_attribute("data-state", "overtime")
    expect(ann.locator("[data-bind=timer]")).to_have_text(re.compile(r"^\+1:0\d$"))
    expect(ann.locator("[data-bind=timer-note]")).to_have_text(re.compile(r"^Brainstorm · overtime \+1:0\d$"))
    shot(ann, "plan04-member-phone-overtime")
    assert problems == []
