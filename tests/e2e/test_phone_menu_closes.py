"""The phone menu closes on a tap outside it and when Tab leaves it (tester's finding 12),
and a tap inside it leaves it open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_the_phone_menu_closes_on_a_tap_outside_and_when_focus_leaves(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(360, 760)
    page.goto(live_server.url + "/")
    button = page.get_by_role("button", name="Menu")
    sign_up = page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up", exact=True)

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    # A tap on the header's own blank space keeps it open.
    page.locator("header.site-header").click(position={"x": 200, "y": 5})
    expect(button).to_have_attribute("aria-expanded", "true")
    shot(page, "phone-menu-open-before-outside-tap-360")
    # A tap on the page below closes it.
    page.locator("main h1").first.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(sign_up).to_be_hidden()
    shot(page, "phone-menu-closed-after-outside-tap-360")

    # Tab out of the last item closes it too.
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    sign_up.focus()
    page.keyboard.press("Tab")
    expect(button).to_have_attribute("aria-expanded", "false")
