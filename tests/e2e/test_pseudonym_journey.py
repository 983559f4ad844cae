"""Pseudonymous membership in a browser (issue 12, item 4): a person joins a support circle under a
chosen name, sees it in the member list and in the live room (real WebSockets, the production
ASGI server), and someone outside the group finds neither the group nor the name on her profile.
Screenshots at 1280 and 360 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups.models import Kind, Membership
from roundtable.live import services as live_services
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop, _watch_console
from tests.e2e.test_join_journey import _login
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
    facilitator_of,
)

pytestmark = pytest.mark.e2e

RULES = "What is said here stays here.\nOne person speaks at a time."


@pytest.mark.django_db(transaction=True)
def test_join_with_a_pseudonym_and_stay_unlinked_outside(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    now = timezone.now()
    group = GroupFactory(
        name="Rainbow Job Seekers Circle", kind=Kind.SUPPORT, ground_rules=RULES, allow_pseudonyms=True
    )
    rosa = facilitator_of(group, user=UserFactory(email="rosa@example.com", name="Rosa Martinez"))
    MembershipFactory(group=group, user=UserFactory(email="otto@example.com", name="Otto Lang"))
    mina = UserFactory(email="mina@example.com", name="Mina Realname")
    outsider = UserFactory(email="nina@example.com", name="Nina Outsider")
    meeting = MeetingFactory(group=group, title="Tuesday circle", starts_at=now - timedelta(minutes=2))
    problems: list[str] = []

    page = new_page(1280, 900)
    _watch_console(page, problems)
    _login(page, base, "mina@example.com")
    page.goto(f"{base}/groups/{group.slug}/")
    shot(page, "pseudonym01-join-1280")
    page.get_by_label("Name in this group (optional)").fill("Sparrow")
    page.get_by_label("I accept the ground rules").check()
    page.get_by_role("button", name="Join group").click()
    expect(page.get_by_role("link", name="Leave group")).to_be_visible()
    assert Membership.objects.get(group=group, user=mina).pseudonym == "Sparrow"

    page.get_by_role("link", name="How you appear").click()
    expect(page.locator("#appear-as")).to_have_text("Sparrow")
    shot(page, "pseudonym02-appearance-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "pseudonym03-appearance-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/groups/{group.slug}/members/")
    people = page.locator("ul.people")
    expect(people).to_contain_text("Sparrow")
    expect(people).not_to_contain_text("Mina Realname")
    assert people.get_by_role("link", name="Sparrow").count() == 0
    shot(page, "pseudonym04-members-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "pseudonym05-members-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    # The live room: Mina in it, Rosa's view names her by the pseudonym only.
    RsvpFactory(meeting=meeting, user=mina)
    _off_loop(live_services.roundtable_open, meeting=meeting, by=rosa)
    room_url = f"{base}/meetings/{meeting.public_id}/live/"
    page.goto(room_url)
    expect(page.locator("#room-conn")).to_have_text("Connected")
    rosa_page = new_page(1280, 900)
    _watch_console(rosa_page, problems)
    _login(rosa_page, base, "rosa@example.com")
    rosa_page.goto(room_url)
    expect(rosa_page.locator("#room-conn")).to_have_text("Connected")
    expect(rosa_page.locator("main")).to_contain_text("Sparrow")
    assert "Mina Realname" not in rosa_page.content()
    assert mina.public_id not in rosa_page.content()
    shot(rosa_page, "pseudonym06-live-room-facilitator-1280")

    # Someone outside the group: Mina's profile does not show the group, nor the name.
    other = new_page(1280, 900)
    _login(other, base, outsider.email)
    other.goto(f"{base}/people/{mina.public_id}/")
    expect(other.get_by_role("heading", name="Mina Realname", level=1)).to_be_visible()
    body = other.content()
    assert "Rainbow Job Seekers Circle" not in body
    assert "Sparrow" not in body
    shot(other, "pseudonym07-profile-outsider-1280")
    # Mina herself still sees the group on her own profile.
    page.goto(f"{base}/people/{mina.public_id}/")
    expect(page.locator("main")).to_contain_text("Rainbow Job Seekers Circle")
    assert problems == []
