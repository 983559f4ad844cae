"""Phones (issue 9, item 12): a real menu behind a button instead of a sideways scroller that
cut "Sign up" to "Sign u", and discovery's filters folded behind "Filters" so results come
first. Also screenshots of the personal home at 375 px and 1280 px (item 5).

Issue 11: the facilitator dashboard's tables are cards on a phone, so Approve and Decline are
on screen and work; the account's email page fits a long address. (Every page at 360 px is
the phone sweep's: tests/e2e/test_page_sweep.py.)"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from roundtable.groups.models import JoinPolicy, Kind, Membership, MembershipState
from tests.e2e.conftest import shot
from tests.e2e.test_join_journey import _login
from tests.factories import (
    CommitmentFactory,
    GroupFactory,
    InviteFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    TurnFactory,
    UserFactory,
    facilitator_of,
)

pytestmark = pytest.mark.e2e


def _fits(page: Page) -> None:
    width = page.viewport_size["width"]  # type: ignore[index]
    # On failure, name the elements that stick out past the screen's right edge.
    wide = page.evaluate(
        "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


def _menu_link(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def _inside(page: Page, name: str) -> None:
    box = _menu_link(page, name).bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"]  # type: ignore[index]


@pytest.mark.django_db(transaction=True)
def test_the_phone_menu_opens_and_closes_by_keyboard(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(360, 760)
    page.goto(live_server.url + "/")
    button = page.get_by_role("button", name="Menu")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(_menu_link(page, "Sign up")).to_be_hidden()
    _fits(page)

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    for name in ("Find a group", "Talks", "Log in", "Sign up"):
        expect(_menu_link(page, name)).to_be_visible()
        _inside(page, name)
    _fits(page)
    shot(page, "phone-menu-open-360")
    # Tab goes from the button into the menu, in order.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Find a group"
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(_menu_link(page, "Sign up")).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_wide_screens_show_the_menu_without_a_button(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(1280, 800)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ("Find a group", "Talks", "Log in", "Sign up"):
        expect(_menu_link(page, name)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_phone_menu_wraps_whole(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 360, "height": 760}, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(live_server.url + "/")
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        for name in ("Find a group", "Talks", "Log in", "Sign up"):
            expect(_menu_link(page, name)).to_be_visible()
            _inside(page, name)
        _fits(page)
    finally:
        ctx.close()


@pytest.mark.django_db(transaction=True)
def test_discovery_filters_fold_on_phones(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    facilitator_of(GroupFactory(name="Austin Speakers Night", kind=Kind.SPEAKERS))
    phone = new_page(375, 800)
    phone.goto(live_server.url + "/groups/?kind=speakers")
    summary = phone.locator("summary.filters-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_text("Filters 1 on")
    expect(phone.get_by_label("Search", exact=True)).to_be_hidden()
    # Results come first: the first group is on the first screen.
    result = phone.get_by_role("link", name="Austin Speakers Night")
    expect(result).to_be_in_viewport()
    _fits(phone)
    shot(phone, "discover-375-folded")
    summary.click()
    expect(phone.get_by_label("Search", exact=True)).to_be_visible()
    _fits(phone)

    wide = new_page(1280, 800)
    wide.goto(live_server.url + "/groups/")
    expect(wide.locator("summary.filters-summary")).to_be_hidden()
    expect(wide.get_by_label("Search", exact=True)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_personal_home_on_a_phone_and_a_desk(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    rosa = UserFactory(email="rosa@example.com", name="Rosa Martinez")
    group = GroupFactory(name="Boston Strategic Roundtable", join_policy=JoinPolicy.APPROVAL)
    facilitator_of(group, user=rosa)
    MembershipFactory(group=group, state=MembershipState.PENDING)
    going = MeetingFactory(group=group, title="Weekly roundtable", starts_at=now + timedelta(days=2))
    RsvpFactory(meeting=going, user=rosa)
    MeetingFactory(group=group, title="Monthly check-in", starts_at=now + timedelta(days=9))
    CommitmentFactory(turn=TurnFactory(user=rosa), text="Send three follow-ups", due_on=now.date() + timedelta(days=3))
    for width in (375, 1280):
        page = new_page(width, 900)
        _login(page, live_server.url, rosa.email)
        expect(page.get_by_role("heading", name="Hello, Rosa Martinez")).to_be_visible()
        expect(page.get_by_role("button", name="I'm going to Monthly check-in")).to_be_visible()
        expect(page.get_by_role("link", name="Review requests for Boston Strategic Roundtable")).to_be_visible()
        _fits(page)
        shot(page, f"personal-home-{width}")


def _on_screen(page: Page, locator) -> None:  # type: ignore[no-untyped-def]
    """Wholly inside the screen's width: reachable without scrolling sideways."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"]  # type: ignore[index]
    assert box["height"] >= 44


LONG_NAME = "Daniela Wolfeschlegelsteinhausenbergerdorff-Díaz"


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_is_cards_on_a_phone_and_approve_works(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    rosa = UserFactory(email="rosa@example.com", name="Rosa Martinez")
    group = GroupFactory(name="Career Changers Circle", join_policy=JoinPolicy.APPROVAL)
    facilitator_of(group, user=rosa)
    asking = UserFactory(name=LONG_NAME)
    MembershipFactory(
        group=group, user=asking, state=MembershipState.PENDING,
        answer="Teaching to UX research: https://portfolio.example.com/daniela-wolfeschlegelsteinhausenbergerdorff/work",
    )  # fmt: skip
    declining = MembershipFactory(group=group, state=MembershipState.PENDING, answer="Nursing to health tech.")
    InviteFactory(group=group, created_by=rosa, note="For the spring cohort")

    page = new_page(360, 740)
    _login(page, live_server.url, rosa.email)
    page.goto(f"{live_server.url}/groups/{group.slug}/manage/")
    _fits(page)
    requests = page.get_by_role("region", name=re.compile("Requests to join"))
    # Each cell names its column on the card; the header row is there for screen readers only.
    expect(requests.locator("tbody tr").first.locator(".cell-label")).to_have_text(["Answer", "Asked"])
    expect(requests.locator("thead")).to_have_count(1)
    assert requests.locator("thead").bounding_box()["width"] <= 1  # type: ignore[index]
    approve = page.get_by_role("button", name=f"Approve {LONG_NAME}")
    decline = page.get_by_role("link", name=f"Decline {declining.user.profile.display_name}")
    _on_screen(page, approve)
    _on_screen(page, decline)
    shot(page, "dashboard-cards-360")
    approve.click()
    expect(page.get_by_role("status")).to_contain_text(f"{LONG_NAME} is now a member.")
    assert Membership.objects.get(group=group, user=asking).state == MembershipState.ACTIVE
    _fits(page)

    # On a desk it is a table: the column headers show, the cards' labels do not.
    desk = new_page(1280, 900)
    _login(desk, live_server.url, rosa.email)
    desk.goto(f"{live_server.url}/groups/{group.slug}/manage/")
    expect(desk.get_by_role("columnheader", name="Asked")).to_be_visible()
    expect(desk.locator("table.cards .cell-label").first).to_be_hidden()
    shot(desk, "dashboard-table-1280")


@pytest.mark.django_db(transaction=True)
def test_the_email_page_fits_a_long_address_on_a_phone(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    long_address = "daniela.wolfeschlegelsteinhausenbergerdorff@career-transitions.example.com"
    EmailAddress.objects.create(user=ann, email=long_address, verified=False, primary=False)
    page = new_page(360, 740)
    _login(page, live_server.url, ann.email)
    page.goto(f"{live_server.url}/accounts/email/")
    _fits(page)
    choice = page.get_by_label(re.compile(long_address))
    _on_screen(page, page.locator("label").filter(has=choice))
    for name in ("Make primary", "Remove"):
        _on_screen(page, page.get_by_role("button", name=name))
    shot(page, "account-email-360")
