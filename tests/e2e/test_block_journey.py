"""Blocking in a browser (issue 12): from a profile to the confirmation that says what blocking
does, to the list of people I blocked, and Unblock; the blocked person's profile is gone for
both. Against the production ASGI server. Screenshots at 1280 and 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from roundtable.accounts.models import Block
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop, _watch_console
from tests.e2e.test_join_journey import _login
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

LONG = "Daniela Wolfeschlegelsteinhausenbergerdorff-Díaz"


def _blocks() -> list[tuple[int, int]]:
    return list(Block.objects.values_list("blocker_id", "blocked_id"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_block_from_a_profile_then_unblock(asgi_server: AsgiServer, new_page, width: int) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    dan = UserFactory(email="dan@example.com", name=LONG)
    problems: list[str] = []
    page = new_page(width, 900)
    _watch_console(page, problems)
    _login(page, base, "ann@example.com")
    expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_have_count(1)

    page.goto(f"{base}/people/{dan.public_id}/")
    page.get_by_role("link", name=f"Block {LONG}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Block {LONG}?")
    expect(page.get_by_text("They are not told.")).to_be_visible()
    shot(page, f"block-confirm-{width}")
    assert _off_loop(_blocks) == []
    page.get_by_role("button", name="Block").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("People you blocked")
    expect(page.get_by_text(f"You blocked {LONG}. They are not told.")).to_be_visible()
    shot(page, f"block-list-{width}")
    assert _off_loop(_blocks) == [(ann.pk, dan.pk)]
    # Her profile is gone for Ann, as a missing person's.
    response = page.goto(f"{base}/people/{dan.public_id}/")
    assert response is not None
    assert response.status == 404

    page.goto(f"{base}/me/blocked/")
    page.get_by_role("link", name=f"Unblock {LONG}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Unblock {LONG}?")
    page.get_by_role("button", name="Unblock").click()
    expect(page.get_by_text("You haven't blocked anyone.")).to_be_visible()
    shot(page, f"block-list-empty-{width}")
    assert _off_loop(_blocks) == []
    # The one error in the console is the profile's 404 above, which is the point.
    assert problems == ["error: Failed to load resource: the server responded with a status of 404 (Not Found)"]
