"""Issue 9, items 2-4 in the browser: an RSVP unlocks the video link and the room without
a reload, with one box; with JavaScript off, Remove asks on its own page before it acts;
the only facilitator leaves by handing the group over."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from roundtable.groups.models import Format, Membership, MembershipRole, MembershipState
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory, facilitator_of

pytestmark = pytest.mark.e2e
VIDEO = "https://video.example.org/room-42"


@pytest.mark.django_db(transaction=True)
def test_rsvp_unlocks_the_video_link_and_room_without_a_reload(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Remote Roundtable", format=Format.VIRTUAL)
    facilitator_of(group)
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    MembershipFactory(group=group, user=ann)
    meeting = MeetingFactory(group=group, format=Format.VIRTUAL, video_url=VIDEO, venue="", address="")
    page = new_page(360, 800)
    _login(page, live_server.url, ann.email)
    page.goto(live_server.url + meeting.get_absolute_url())
    expect(page.get_by_text("The video link is shared with members who are going.")).to_be_visible()
    page.evaluate("window.kept = true")
    page.get_by_role("button", name="I'm going").click()
    expect(page.get_by_role("link", name="Join the video call")).to_have_attribute("href", VIDEO)
    expect(page.get_by_role("link", name="Join the live room")).to_be_visible()
    expect(page.get_by_text("The video link is shared with members who are going.")).to_have_count(0)
    expect(page.locator("main .message")).to_have_count(1)
    assert page.evaluate("window.kept === true") is True
    page.screenshot(path="test-results/screenshots/rsvp-360.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_remove_asks_first_without_javascript_and_leave_hands_over(live_server, browser: Browser) -> None:
    group = GroupFactory(name="Careful Circle")
    rosa = UserFactory(email="rosa@example.com", name="Rosa Martinez")
    facilitator_of(group, user=rosa)
    ben = MembershipFactory(group=group, user=UserFactory(name="Ben Brooks"))
    cat = MembershipFactory(group=group, user=UserFactory(name="Cat Chen"))
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    try:
        page = ctx.new_page()
        _login(page, live_server.url, rosa.email)
        page.goto(f"{live_server.url}/groups/{group.slug}/manage/")
        page.get_by_role("link", name="Remove Ben Brooks").click()
        expect(page.get_by_role("heading", name="Remove Ben Brooks from Careful Circle?")).to_be_visible()
        ben.refresh_from_db()
        assert ben.state == MembershipState.ACTIVE
        page.screenshot(path="test-results/screenshots/confirm-remove-360.png", full_page=True)
        page.get_by_role("button", name="Remove").click()
        expect(page.get_by_text("Removed Ben Brooks.")).to_be_visible()
        ben.refresh_from_db()
        assert ben.state == MembershipState.REMOVED

        page.goto(f"{live_server.url}/groups/{group.slug}/")
        page.get_by_role("link", name="Leave group").click()
        expect(page.get_by_text("You are its only facilitator. What should happen to the group?")).to_be_visible()
        page.screenshot(path="test-results/screenshots/leave-only-facilitator-360.png", full_page=True)
        page.get_by_label("New facilitator (if you hand it over)").select_option(label="Cat Chen")
        page.get_by_role("button", name="Leave group").click()
        expect(page.get_by_text("You left Careful Circle.")).to_be_visible()
        cat.refresh_from_db()
        assert (cat.state, cat.role) == (MembershipState.ACTIVE, MembershipRole.FACILITATOR)
        assert Membership.objects.get(group=group, user=rosa).state == MembershipState.LEFT
        # Nothing sits off-screen at 360 px.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
    finally:
        ctx.close()
