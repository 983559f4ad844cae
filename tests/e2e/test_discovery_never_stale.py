"""Issue 9, item 6, in the browser: a bad place replaces the results with the reason and
puts the message beside the field; fixing it brings results back and clears the message;
fast filter changes log no console errors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from roundtable.groups.places import resolve
from tests.factories import GroupFactory

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_discovery_errors_replace_stale_results_and_fast_changes_are_quiet(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    cambridge = resolve("Cambridge, MA")
    assert cambridge is not None
    for i in range(4):
        GroupFactory(name=f"Cambridge Circle {i}", latitude=cambridge.latitude, longitude=cambridge.longitude)
    page = new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + reverse("groups:discover"))
    near = page.get_by_role("textbox", name="Near (city or ZIP)")
    near.fill("Cambridge, MA")
    page.get_by_role("spinbutton", name="Within").fill("10")
    page.get_by_role("spinbutton", name="Within").press("Enter")
    results = page.locator("#results")
    expect(results).to_contain_text("4 groups within 10 km of Cambridge, MA")

    near.fill("99999x")
    near.press("Enter")
    expect(results).to_contain_text("Please check the search")
    expect(results).not_to_contain_text("4 groups within")
    expect(page.locator("#id_near_slot")).to_contain_text("We couldn't find that place.")

    near.fill("Cambridge, MA")
    near.press("Enter")
    expect(results).to_contain_text("4 groups within 10 km of Cambridge, MA")
    expect(page.locator("#id_near_slot")).to_have_text("")

    # Fast changes: every select flipped in a row, faster than the answers come.
    kind = page.get_by_role("combobox", name="Kind")
    for value in ("speakers", "strategic", "support", "", "strategic", ""):
        kind.select_option(value)
    page.get_by_role("combobox", name="Unit").select_option("mi")
    expect(results).to_contain_text("4 groups within 10 miles of Cambridge, MA")
    page.wait_for_load_state("networkidle")
    assert errors == []
