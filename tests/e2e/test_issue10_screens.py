"""What the tester saw on screens in issue 10 (probe10-report.md), fixed and kept fixed, in
Chromium: the quick-add on a phone answers where the person looks and a double click logs one
activity; the board never scrolls the page sideways at 1280 and a drop low in a column moves
the card; the projector display shows the shared status, display-sized, with an unwrapped
clock at 1280 x 720 and 1920 x 1080; a form's error summary takes focus on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from roundtable.groups.models import Kind
from roundtable.tracker import selectors, services
from roundtable.tracker.models import Activity, Opportunity
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, open_and_join, room_of, sign_in
from tests.e2e.test_join_journey import _login
from tests.factories import UserFactory
from tests.journal.world import end, world

pytestmark = pytest.mark.e2e

# Whether an element is inside the viewport, all of it.
IN_VIEW = """(el) => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"""


@pytest.mark.django_db(transaction=True)
def test_the_quick_add_on_a_phone_answers_in_view_and_a_double_click_logs_once(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    services.targets_set(owner=ann, per_week={"outreach": 10})
    for name in ("Dana Ortiz", "Eli Park", "Fay Ng"):
        services.contact_create(owner=ann, data=services.ContactData(name=name, company_name="Northwind"))
    phone = new_page(360, 740)
    _login(phone, base, ann.email)
    phone.goto(f"{base}/tracker/contacts/")
    phone.locator("summary", has_text="Log activity").click()
    progress = phone.locator("#qa-progress")
    expect(progress).to_have_text("This week: 0 of 10 outreach to hiring managers")
    phone.get_by_label("What did you do?").select_option("outreach")
    phone.get_by_label("Note (optional)").fill("Wrote to Dana")
    button = phone.get_by_role("button", name="Log it")
    button.scroll_into_view_if_needed()
    # htmx disables the button while the post is on its way: watched from the first click.
    phone.evaluate("""() => { window.__disabled = false;
      const b = document.querySelector(".qa-form button[type=submit]");
      new MutationObserver(() => { if (b.disabled) window.__disabled = true; }).observe(b, {attributes: true}); }""")
    button.dblclick()
    today = selectors.today_for(ann)
    logged = phone.locator("#qa-result").get_by_text(f"Logged: Outreach to a hiring manager on {today:%b} {today.day}.")
    expect(logged).to_be_visible()
    phone.wait_for_timeout(800)  # the second click's answer, if one was sent, has come back
    assert phone.evaluate("window.__disabled") is True
    assert list(Activity.objects.filter(owner=ann).values_list("note", flat=True)) == ["Wrote to Dana"]
    # The answer is where the person looks: on the screen, with the one progress line, up to date.
    assert logged.evaluate(IN_VIEW) is True
    expect(progress).to_have_text("This week: 1 of 10 outreach to hiring managers")
    assert progress.evaluate(IN_VIEW) is True
    expect(phone.locator(".qa-panel .progress-line")).to_have_count(1)
    expect(phone.get_by_label("What did you do?")).to_be_focused()
    expect(phone.get_by_label("Note (optional)")).to_have_value("")
    shot(phone, "i10-quick-add-logged-360")
    # A second entry on purpose counts: the key was renewed when a field was touched.
    phone.get_by_label("Note (optional)").fill("Wrote to Eli")
    button.click()
    expect(progress).to_have_text("This week: 2 of 10 outreach to hiring managers")
    assert Activity.objects.filter(owner=ann).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_board_fits_the_page_at_1280_and_takes_a_drop_low_in_a_column(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    for role in ("Analyst", "Designer", "Researcher", "Writer"):
        services.opportunity_create(owner=ann, data=services.OpportunityData(company_name="Acme", role=role))
    page = new_page(1280, 900)
    _login(page, base, ann.email)
    page.goto(f"{base}/tracker/board/")
    # The board scrolls inside its own box; the page itself is as wide as the window.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth") is True
    assert page.evaluate("document.querySelector('[data-board]').scrollWidth > 1280") is True
    # Dropped near the bottom of the empty Applied column, far below its list's first 48 px.
    applied = page.locator(".board-col:has([data-stage=applied])")
    box = applied.bounding_box()
    assert box is not None
    assert box["height"] > 300  # as tall as the Researching column beside it
    writer = "#card-" + Opportunity.objects.get(owner=ann, role="Writer").public_id
    page.drag_and_drop(f"{writer} .board-card-company", ".board-col:has([data-stage=applied])",
                       target_position={"x": box["width"] / 2, "y": box["height"] - 12})  # fmt: skip
    expect(page.locator("#board-status")).to_have_text("Writer at Acme: Applied, position 1.")
    assert Opportunity.objects.get(owner=ann, role="Writer").stage == "applied"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth") is True
    shot(page, "i10-board-1280")


def _fits(page: Page) -> dict[str, object]:
    return page.evaluate("""() => {
      const timer = document.querySelector("[data-bind=timer]");
      const size = parseFloat(getComputedStyle(timer).fontSize);
      const tiles = document.querySelector("[data-bind=ready-tiles]").getBoundingClientRect();
      const number = document.querySelector(".status-tile dd");
      const stage = document.querySelector(".stage").getBoundingClientRect();
      return {
        timerLines: Math.round(timer.getBoundingClientRect().height / (size * 1.0)),
        timerInside: timer.scrollWidth <= timer.clientWidth && timer.getBoundingClientRect().right <= stage.right + 1,
        tilesOnScreen: tiles.top >= 0 && tiles.bottom <= innerHeight,
        numberPx: parseFloat(getComputedStyle(number).fontSize),
        pageFits: document.documentElement.scrollHeight <= innerHeight + 1,
      };
    }""")


@pytest.mark.django_db(transaction=True)
def test_the_display_shows_the_shared_status_and_an_unwrapped_clock_at_720p_and_1080p(
    asgi_server: AsgiServer, new_page
) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    fac, meeting, (ann_user, _ben) = room_of(Kind.STRATEGIC, "Boston Strategic Roundtable", "Roundtable", members=2)
    for kind in ("outreach", "outreach", "conversation", "interview"):
        Activity.objects.create(owner=ann_user, kind=kind, occurred_on=selectors.today_for(ann_user))
    problems: list[str] = []
    rosa = new_page(1280, 900)
    ann = new_page(390, 844)
    sign_in(rosa, base, fac.email, problems)
    sign_in(ann, base, ann_user.email, problems)
    room_url = open_and_join(base, meeting.public_id, rosa, [ann])
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
    ann.get_by_role("button", name="Share with the room").click()
    for width, height in ((1280, 720), (1920, 1080)):
        display = new_page(width, height)
        sign_in(display, base, fac.email, problems)
        display.goto(f"{room_url}display/")
        expect(display.locator("#room-conn")).to_have_text("Connected")
        expect(display.locator("[data-bind=ready-text]")).to_have_text("2 outreach, 1 conversation, 1 interview")
        tiles = display.locator(".status-tile")
        expect(tiles).to_have_text(["outreach2", "conversation1", "interview1"])
        expect(display.locator("[data-bind=ready-tiles]")).to_be_in_viewport(ratio=1)
        fits = _fits(display)
        shot(display, f"i10-display-{width}x{height}")
        assert fits == {"timerLines": 1, "timerInside": True, "tilesOnScreen": True,
                        "numberPx": fits["numberPx"], "pageFits": True}, (width, fits)  # fmt: skip
        assert float(fits["numberPx"]) >= 48, (width, fits)  # numbers read across a room, not 16 px text
        display.close()
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_a_form_with_errors_puts_focus_on_its_summary_on_a_phone(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    w = world(others=1)
    end(w.meeting)
    phone = new_page(360, 740)
    _login(phone, base, w.ann.email)
    phone.goto(f"{base}/meetings/{w.meeting.public_id}/reflection/")
    phone.locator(".scale-point").nth(2).click()
    phone.locator("summary", has_text="Follow-ups").click()
    phone.get_by_label("Due", exact=True).nth(1).fill("2027-01-05")
    phone.get_by_role("button", name="Save my reflection").click()
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("link")).to_have_text(["Follow-up 2: Say what to do by that day."])
    title = phone.get_by_label("Follow-up 2", exact=True)
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_attribute("aria-describedby", "id_follow_up_2_error")
    message = phone.locator("#id_follow_up_2_error")
    expect(message).to_have_css("color", "rgb(164, 38, 44)")
    shot(phone, "i10-reflection-errors-360")
    summary.get_by_role("link").click()
    expect(title).to_be_focused()


# Whether an element and the floating quick-add button overlap on the screen.
UNDER_THE_BUTTON = """(el) => { const a = el.getBoundingClientRect();
  const b = document.querySelector('.quick-add').getBoundingClientRect();
  return a.bottom > b.top && a.top < b.bottom && a.right > b.left && a.left < b.right; }"""


@pytest.mark.django_db(transaction=True)
def test_the_quick_add_never_hides_what_has_focus_on_a_phone(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    """WCAG 2.2, 2.4.11 Focus Not Obscured: a field that takes focus under the floating
    "Log activity" button sends the button aside; one elsewhere leaves it where it is."""
    base = live_server.url
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    phone = new_page(360, 740)
    _login(phone, base, ann.email)
    phone.goto(f"{base}/tracker/contacts/new/")
    aside = phone.locator(".quick-add")
    expect(aside).not_to_have_class("quick-add is-tucked")
    name = phone.get_by_label("Name")
    name.focus()
    phone.wait_for_timeout(300)
    expect(aside).not_to_have_class("quick-add is-tucked")  # at the top: nothing under the button
    # The form's last field brought to the bottom right corner, where the button is.
    field = phone.locator("main form textarea, main form input:not([type=hidden])").last
    phone.evaluate(
        """(el) => { const b = document.querySelector('.quick-add').getBoundingClientRect();
          window.scrollBy(0, el.getBoundingClientRect().bottom - b.bottom); }""",
        field.element_handle(),
    )
    assert field.evaluate(UNDER_THE_BUTTON) is True, "the field is under the button before it takes focus"
    field.focus()
    expect(aside).to_have_class("quick-add is-tucked")
    phone.wait_for_timeout(400)  # the slide
    assert field.evaluate(UNDER_THE_BUTTON) is False
    shot(phone, "i10-quick-add-steps-aside-360")
