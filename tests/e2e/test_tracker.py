"""The job-search tracker in Chromium: the quick-add on a 360 px phone, the board moved by
keyboard (the stage list and Move, Up and Down, announced in the live region) and by drag and
drop at desktop width; screenshots of the tracker's pages at 1280 and 360 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.tracker import selectors, services
from roundtable.tracker.models import Activity, Opportunity, StageChange
from tests.e2e.conftest import shot
from tests.e2e.test_join_journey import _login
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def _stages(owner) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(Opportunity.objects.filter(owner=owner).values_list("role", "stage"))


@pytest.mark.django_db(transaction=True)
def test_quick_add_on_a_phone_then_the_board_by_keyboard_and_by_drag_and_drop(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    services.targets_set(owner=ann, per_week={"outreach": 10, "conversation": 3})
    services.contact_create(owner=ann, data=services.ContactData(name="Dana Ortiz", company_name="Northwind"))
    for role in ("Analyst", "Designer", "Researcher"):
        services.opportunity_create(owner=ann, data=services.OpportunityData(company_name="Acme", role=role))
    services.task_create(owner=ann, title="Thank Dana", due_on=timezone.localdate() - timedelta(days=1))

    # A phone: the quick-add from any page, logged in a few taps.
    phone = new_page(360, 740)
    _login(phone, base, ann.email)
    phone.goto(f"{base}/groups/")
    phone.locator("summary", has_text="Log activity").click()
    expect(phone.get_by_text("This week:")).to_be_visible()  # the pickers and progress, loaded on opening
    phone.get_by_label("What did you do?").select_option("outreach")
    phone.get_by_label("With whom (optional)").fill("Dana Ortiz")
    shot(phone, "t01-quick-add-phone")
    phone.get_by_role("button", name="Log it").click()
    today = selectors.today_for(ann)
    expect(phone.get_by_text(f"Logged: Outreach to a hiring manager on {today:%b} {today.day}.")).to_be_visible()
    expect(phone.locator("#qa-progress").get_by_text("1 of 10 outreach to hiring managers")).to_be_visible()
    expect(phone.get_by_label("With whom (optional)")).to_have_value("")
    shot(phone, "t02-quick-add-logged-phone")
    activity = Activity.objects.get(owner=ann)
    assert (activity.kind, activity.contact.name, activity.occurred_on) == ("outreach", "Dana Ortiz", today)
    # The controls fit and are big enough to tap.
    box = phone.get_by_role("button", name="Log it").bounding_box()
    assert box is not None
    assert box["height"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The board on a phone: columns stacked, each card with its stage list.
    phone.goto(f"{base}/tracker/board/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "t03-board-phone")

    # Desktop, by keyboard: the stage list and Move, then Up; each said in the live region.
    page = new_page()
    _login(page, base, ann.email)
    page.goto(f"{base}/tracker/board/")
    page.get_by_label("Stage of Analyst at Acme").focus()
    page.keyboard.press("ArrowDown")  # Networking
    page.keyboard.press("ArrowDown")  # Applied
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move Analyst at Acme")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#board-status")).to_have_text("Analyst at Acme: Applied, position 1.")
    expect(page.locator('.board-cards[data-stage="applied"]').get_by_text("Analyst", exact=True)).to_be_visible()
    assert _stages(ann)["Analyst"] == "applied"
    page.get_by_role("button", name="Up Researcher at Acme").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#board-status")).to_have_text("Researcher at Acme: Researching, position 1.")
    column = page.locator('.board-cards[data-stage="researching"] .board-card-title')
    expect(column).to_have_text(["Researcher", "Designer"])
    expect(page.get_by_role("button", name="Up Researcher at Acme")).to_be_focused()
    shot(page, "t04-board-keyboard")

    # Desktop, drag and drop: Designer onto Interviewing.
    # Picked up by its company line (the middle of a card is its stage list, which takes the mouse).
    designer = "#card-" + Opportunity.objects.get(owner=ann, role="Designer").public_id
    page.drag_and_drop(f"{designer} .board-card-company", '.board-cards[data-stage="interviewing"]')
    expect(page.locator("#board-status")).to_have_text("Designer at Acme: Interviewing, position 1.")
    assert _stages(ann) == {"Analyst": "applied", "Designer": "interviewing", "Researcher": "researching"}
    assert sorted(StageChange.objects.filter(opportunity__owner=ann).values_list("from_stage", "to_stage")) == [
        ("", "researching"), ("", "researching"), ("", "researching"),
        ("researching", "applied"), ("researching", "interviewing"),
    ]  # fmt: skip
    shot(page, "t05-board-dragged")
    # The board as saved is the board shown after a reload.
    page.reload()
    expect(page.locator('.board-cards[data-stage="interviewing"] .board-card-title')).to_have_text(["Designer"])

    # The tracker's pages, for the record, at both widths.
    for name, path in (("home", "/tracker/"), ("contacts", "/tracker/contacts/"), ("tasks", "/tracker/tasks/"),
                       ("import", "/tracker/import/"), ("activities", "/tracker/activities/"),
                       ("personal-home", "/")):  # fmt: skip
        for label, p in (("desk", page), ("phone", phone)):
            p.goto(base + path)
            if label == "phone":
                assert p.evaluate("document.documentElement.scrollWidth") <= 360, path
            shot(p, f"t10-{name}-{label}")
    # A task done from the list, in place.
    page.goto(f"{base}/tracker/tasks/")
    page.get_by_role("button", name="Done Thank Dana").click()
    expect(page.get_by_role("button", name="Undo Thank Dana")).to_be_visible()
