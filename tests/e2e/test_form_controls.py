"""Form controls in a real browser (forms2, items 2, 3 and 5): one height for text, select
and date/time controls at 1280 and 360 px; the schedule form shows "Ends" only for the plain
repeats; the talks filters fold behind "Filters" on a phone with messages beside fields."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from roundtable.groups.models import Kind
from tests.e2e.conftest import shot
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, facilitator_of

pytestmark = pytest.mark.e2e

ONE_LINE = (
    "input[type=text], input[type=number], input[type=url], input[type=date], input[type=time], select:not([multiple])"
)


def _heights(page: Page) -> dict[str, set[float]]:
    found: dict[str, list[float]] = page.evaluate(
        """(selector) => {
            const out = {};
            for (const el of document.querySelectorAll(selector)) {
                const box = el.getBoundingClientRect();
                if (!box.height) continue;  // hidden
                const kind = el.tagName === "SELECT" ? "select" : el.type;
                (out[kind] = out[kind] || []).push(box.height);
            }
            return out;
        }""",
        ONE_LINE,
    )
    return {kind: set(values) for kind, values in found.items()}


def _schedule_form(page: Page, base: str) -> None:
    group = GroupFactory(kind=Kind.STRATEGIC, slug="harbor")
    user = facilitator_of(group)
    _login(page, base, user.email)
    page.goto(f"{base}/groups/harbor/meetings/new/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_every_one_line_control_has_one_height(live_server, new_page, width: int) -> None:  # type: ignore[no-untyped-def]
    page = new_page(width, 900)
    _schedule_form(page, live_server.url)
    page.select_option("#id_repeat", "weekly")
    page.check("#id_ends_1")  # Until a date: its date input shows too
    heights = _heights(page)
    assert set(heights) == {"text", "number", "url", "date", "time", "select"}
    assert set().union(*heights.values()) == {48.0}
    shot(page, f"forms2-schedule-form-{width}")
    page.goto(f"{live_server.url}/talks/")
    if width == 360:
        page.get_by_text("Filters", exact=True).click()
    heights = _heights(page)
    assert set(heights) == {"text", "date", "select"}
    assert set().union(*heights.values()) == {48.0}
    shot(page, f"forms2-talks-{width}")


@pytest.mark.django_db(transaction=True)
def test_ends_shows_only_for_a_plain_repeat_and_only_the_chosen_end(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(1280, 900)
    _schedule_form(page, live_server.url)
    ends = page.locator(".repeat-ends")
    page.select_option("#id_repeat", "none")
    expect(ends).to_be_hidden()
    page.select_option("#id_repeat", "weekly")
    expect(ends).to_be_visible()
    expect(page.locator(".repeat-note")).to_be_hidden()  # the note is for browsers without :has()
    page.check("#id_ends_0")
    expect(page.locator("#id_until")).to_be_hidden()
    expect(page.locator("#id_count")).to_be_hidden()
    page.check("#id_ends_1")
    expect(page.locator("#id_until")).to_be_visible()
    expect(page.locator("#id_count")).to_be_hidden()
    page.check("#id_ends_2")
    expect(page.locator("#id_until")).to_be_hidden()
    expect(page.locator("#id_count")).to_be_visible()
    shot(page, "forms2-ends-count")
    page.select_option("#id_repeat", "custom")
    expect(ends).to_be_hidden()
    page.select_option("#id_repeat", "monthly")
    expect(ends).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_talks_filters_fold_on_a_phone_and_open_on_a_message(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    phone = new_page(360, 760)
    phone.goto(f"{live_server.url}/talks/")
    expect(phone.get_by_text("Filters", exact=True)).to_be_visible()
    expect(phone.get_by_label("Near (city or ZIP)")).to_be_hidden()
    phone.get_by_text("Filters", exact=True).click()
    expect(phone.get_by_label("Near (city or ZIP)")).to_be_visible()
    phone.goto(f"{live_server.url}/talks/?near=zzqx+nowhere&from=2031-05-02&to=2031-05-01")
    near = phone.get_by_label("Near (city or ZIP)")
    expect(near).to_be_visible()
    expect(phone.locator("#id_near_error")).to_have_text(
        "We couldn't find that place. Try a US ZIP code or a city such as Denver, CO."
    )
    expect(phone.locator("#id_to_error")).to_have_text("Pick an end date on or after the start date.")
    # Each message right under its own field.
    near_box, message_box = near.bounding_box(), phone.locator("#id_near_error").bounding_box()
    assert near_box is not None
    assert message_box is not None
    assert 0 <= message_box["y"] - (near_box["y"] + near_box["height"]) < 24
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "forms2-talks-errors-360")
    wide = new_page(1280, 900)
    wide.goto(f"{live_server.url}/talks/")
    expect(wide.get_by_text("Filters", exact=True)).to_be_hidden()
    expect(wide.get_by_label("Near (city or ZIP)")).to_be_visible()
