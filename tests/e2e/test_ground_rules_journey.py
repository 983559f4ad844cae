"""Ground rules and the code of conduct in a browser (issue 12): a newcomer joins with the rules
in front of them; a member whose group changed its rules sees them, accepts, and enters the live
room, against the production ASGI server with real WebSockets. Screenshots at 1280 and 360 px."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups import services as group_services
from roundtable.groups.models import Group, Kind, Membership
from roundtable.live import services as live_services
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop, _watch_console
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

pytestmark = pytest.mark.e2e

RULES = "What is said here stays here.\nOne person speaks at a time.\nCameras on if you can."
NEW_RULES = RULES + "\nNo selling or recruiting: this circle is for support."


def _change_rules(*, group: Group, by) -> None:  # type: ignore[no-untyped-def]
    data = group_services.GroupData(
        name=group.name, kind=group.kind, format=group.format, ground_rules=NEW_RULES,
        location_text=group.location_text, join_policy=group.join_policy, visibility=group.visibility,
        time_zone=group.time_zone,
    )  # fmt: skip
    group_services.group_update(group=group, data=data, by=by)


@pytest.mark.django_db(transaction=True)
def test_a_member_sees_changed_rules_accepts_and_enters_the_room(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    now = timezone.now()
    group = GroupFactory(name="Boston Strategic Roundtable", kind=Kind.STRATEGIC, ground_rules=RULES)
    rosa = facilitator_of(group, user=UserFactory(email="rosa@example.com", name="Rosa Martinez"))
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    MembershipFactory(group=group, user=ann)
    meeting = MeetingFactory(group=group, title="March roundtable", starts_at=now - timedelta(minutes=2))
    RsvpFactory(meeting=meeting, user=ann)
    _off_loop(live_services.roundtable_open, meeting=meeting, by=rosa)
    room_url = f"{base}/meetings/{meeting.public_id}/live/"
    problems: list[str] = []

    page = new_page(1280, 900)
    _watch_console(page, problems)
    _login(page, base, "ann@example.com")
    expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_have_count(1)
    page.goto(room_url)
    expect(page.locator("#room-conn")).to_have_text("Connected")

    # Rosa changes the rules while Ann is in the room. Ann stays; her next entry asks first.
    _off_loop(_change_rules, group=Group.objects.get(pk=group.pk), by=rosa)
    page.goto(f"{base}/groups/{group.slug}/")
    banner = page.locator("#rules-banner")
    expect(banner.get_by_role("heading", name="Boston Strategic Roundtable updated its ground rules")).to_be_visible()
    expect(banner).to_contain_text("No selling or recruiting: this circle is for support.")
    shot(page, "rules01-group-banner")

    page.goto(room_url)
    page.wait_for_url(re.compile(r"/groups/.+/rules/\?next="))
    expect(page.get_by_role("heading", name="Ground rules of Boston Strategic Roundtable", level=1)).to_be_visible()
    expect(page.get_by_text("Before you enter the live room")).to_be_visible()
    shot(page, "rules02-reaccept-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "rules03-reaccept-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Accept and enter the room").click()
    page.wait_for_url(room_url)
    expect(page.locator("#room-conn")).to_have_text("Connected")
    assert Membership.objects.get(group=group, user=ann).rules_version_accepted == 2
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_a_newcomer_joins_with_the_rules_in_front_of_them(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    group = GroupFactory(name="Boston Job Seekers Support Circle", kind=Kind.SUPPORT, ground_rules=RULES)
    facilitator_of(group)
    nia = UserFactory(email="nia@example.com", name="Nia Okafor")
    pages = {}
    for width, height, name in ((1280, 900, "1280"), (360, 740, "360")):
        page = pages[name] = new_page(width, height)
        page.goto(f"{base}/code-of-conduct/")
        expect(page.get_by_role("heading", name="Code of conduct", level=1)).to_be_visible()
        expect(page.locator("footer").get_by_role("link", name="Code of conduct")).to_have_attribute(
            "aria-current", "page"
        )
        shot(page, f"rules04-code-of-conduct-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _login(page, base, "nia@example.com")
        page.goto(f"{base}/groups/{group.slug}/")
        rules = page.get_by_role("group", name="Ground rules of Boston Job Seekers Support Circle")
        expect(rules).to_contain_text("One person speaks at a time.")
        shot(page, f"rules05-join-with-rules-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        label = page.locator("label[for=id_accept_rules]").bounding_box()
        assert label is not None
        assert label["height"] >= 44
    page = pages["1280"]
    # The browser does not send the form unticked (the server refuses it too: tests/groups).
    page.get_by_role("button", name="Join group").click()
    expect(page.get_by_label("I accept the ground rules")).to_be_focused()
    assert Membership.objects.filter(group=group, user=nia).exists() is False
    page.get_by_label("I accept the ground rules").check()
    page.get_by_role("button", name="Join group").click()
    expect(page.get_by_role("link", name="Leave group")).to_be_visible()
    assert Membership.objects.get(group=group, user=nia).rules_version_accepted == 1
