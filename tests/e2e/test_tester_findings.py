"""In a browser, the tester's findings that show on screen: a facilitator's own RSVP updates
the Going list and the message form at once (2); Make member asks first (3); the invite
form's errors sit beside their fields (7); the personal home puts what waits first on a
phone (10). Screenshots at 1280 and 360 px."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups.models import JoinPolicy, MembershipRole, MembershipState
from tests.e2e.conftest import shot
from tests.e2e.test_join_journey import _login
from tests.factories import (
    CommitmentFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    TurnFactory,
    UserFactory,
    facilitator_of,
)

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_a_facilitators_rsvp_updates_the_going_list_without_a_reload(live_server, new_page, width: int) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Career Changers")
    rosa = facilitator_of(group, user=UserFactory(name="Rosa Diaz"))
    meeting = MeetingFactory(group=group, title="March roundtable")
    page = new_page(width, 900)
    _login(page, live_server.url, rosa.email)
    page.goto(f"{live_server.url}/meetings/{meeting.public_id}/")
    expect(page.get_by_role("heading", name="Going (0)")).to_be_visible()
    page.evaluate("window.__same_page = true")
    page.get_by_role("button", name="I'm going").click()
    expect(page.locator("#rsvp")).to_contain_text("1 going")
    expect(page.get_by_role("heading", name="Going (1)")).to_be_visible()
    expect(page.locator("#going-people")).to_contain_text("Rosa Diaz")
    expect(page.get_by_role("heading", name="Message everyone going")).to_be_visible()
    assert page.evaluate("window.__same_page") is True  # no reload happened
    shot(page, f"findings-rsvp-going-list-{width}")
    page.get_by_role("button", name="Cancel my RSVP").click()
    expect(page.get_by_role("heading", name="Going (0)")).to_be_visible()
    expect(page.get_by_role("heading", name="Message everyone going")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_make_member_and_invite_errors_on_the_dashboard(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Career Changers")
    rosa = facilitator_of(group, user=UserFactory(name="Rosa Diaz"))
    co = MembershipFactory(group=group, role=MembershipRole.FACILITATOR, user=UserFactory(name="Ana Ruiz"))
    for width in (1280, 360):
        page = new_page(width, 900)
        _login(page, live_server.url, rosa.email)
        page.goto(f"{live_server.url}/groups/{group.slug}/manage/")
        page.get_by_label("Valid for (days)").fill("0")
        page.get_by_label("Note (who it is for)").fill("For Sam")
        page.get_by_role("button", name="Create invite link").click()
        expect(page.get_by_text("A link works for at least 1 day.")).to_be_visible()
        expect(page.get_by_label("Note (who it is for)")).to_have_value("For Sam")
        shot(page, f"findings-invite-error-{width}")
        page.get_by_role("link", name="Make member Ana Ruiz").click()
        expect(page.get_by_role("heading", name="Make Ana Ruiz a member of Career Changers?")).to_be_visible()
        shot(page, f"findings-make-member-confirm-{width}")
    co.refresh_from_db()
    assert co.role == MembershipRole.FACILITATOR


@pytest.mark.django_db(transaction=True)
def test_the_phone_home_puts_what_waits_first(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    rosa = UserFactory(name="Rosa Diaz")
    group = GroupFactory(name="Career Changers", join_policy=JoinPolicy.APPROVAL)
    facilitator_of(group, user=rosa)
    for _ in range(3):
        MembershipFactory(group=group, state=MembershipState.PENDING)
    for _ in range(5):
        RsvpFactory(meeting=MeetingFactory(group=group), user=rosa)
    CommitmentFactory(turn=TurnFactory(user=rosa), text="Call two people", due_on=timezone.localdate())
    page = new_page(375, 800)
    _login(page, live_server.url, rosa.email)
    page.goto(live_server.url + "/")
    waiting = page.get_by_role("heading", name="Waiting for you")
    expect(waiting).to_be_in_viewport()
    assert waiting.bounding_box()["y"] < page.get_by_role("heading", name="Your next meetings").bounding_box()["y"]  # type: ignore[index]
    shot(page, "findings-home-375")
