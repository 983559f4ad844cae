"""A newcomer starts a strategic group; a second person finds it nearby, asks, and gets in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from roundtable.groups.models import Group, Membership, MembershipState
from tests.e2e.conftest import shot
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def _login(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


@pytest.mark.django_db(transaction=True)
def test_sign_up_start_a_group_and_admit_a_neighbour(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    maya = new_page()

    # 1. Sign up and confirm the email.
    maya.goto(f"{base}/accounts/signup/")
    shot(maya, "01-signup")
    maya.get_by_label("Email").fill("maya@example.com")
    maya.get_by_label("Your name").fill("Maya")
    maya.get_by_label("Password", exact=True).fill("a-long-secret-phrase-42")
    maya.get_by_label("Password, again").fill("a-long-secret-phrase-42")
    maya.get_by_role("button", name="Sign up", exact=True).click()
    expect(maya.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["maya@example.com"]]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body)
    assert link is not None
    maya.goto(link.group(0).replace("http://testserver", base))
    shot(maya, "02-confirm-email")
    maya.get_by_role("button", name=re.compile("Confirm", re.I)).click()

    # 2. Fill in the profile.
    maya.goto(f"{base}/me/profile/")
    maya.get_by_label("Display name").fill("Maya Chen")
    maya.get_by_label("Location", exact=True).fill("02139")
    pitch = maya.get_by_role("textbox", name="Your 30-second introduction")
    pitch.fill("I lead data teams that turn messy questions into clear decisions. " * 2)
    expect(maya.get_by_text(re.compile(r"22 words · about 9 seconds"))).to_be_visible()
    shot(maya, "03-profile")
    maya.get_by_role("button", name=re.compile("Save", re.I)).click()
    expect(maya.get_by_text(re.compile("saved", re.I)).first).to_be_visible()

    # 3. Start a strategic planning group that needs approval.
    maya.goto(f"{base}/groups/new/")
    maya.get_by_role("link", name=re.compile("Start a strategic planning group", re.I)).click()
    maya.get_by_label("Name", exact=True).fill("Cambridge Data Roundtable")
    maya.get_by_label("City or ZIP code").fill("02139")
    maya.get_by_role("radio", name=re.compile("Approval: facilitators")).check()
    maya.get_by_label("Eligibility question").fill("What kind of role are you looking for?")
    maya.get_by_label("Topics").fill("Interviewing, Data")
    shot(maya, "04-create-group")
    maya.get_by_role("button", name="Create group").click()
    expect(maya.get_by_role("heading", name="Cambridge Data Roundtable", exact=True)).to_be_visible()
    expect(maya.get_by_role("link", name="Schedule the first meeting")).to_be_visible()
    shot(maya, "05-group-page")
    group = Group.objects.get(name="Cambridge Data Roundtable")
    assert (group.kind, group.join_policy, group.location_label) == ("strategic", "approval", "Cambridge, MA 02139")

    # 4. A neighbour finds it near their ZIP code and asks to join.
    sam_user = UserFactory(email="sam@example.com", name="Sam Ortiz")
    sam = new_page(390, 844)
    _login(sam, base, "sam@example.com")
    sam.goto(f"{base}/groups/")
    # On a phone the filters fold away behind "Filters" so that results come first.
    expect(sam.get_by_label("Near (city or ZIP)")).to_be_hidden()
    sam.locator("summary.filters-summary").click()
    sam.get_by_label("Near (city or ZIP)").fill("02142")
    sam.get_by_label("Within").fill("10")
    sam.get_by_role("button", name="Search").click()
    expect(sam.get_by_text("1 group within 10 km of Cambridge, MA 02142")).to_be_visible()
    shot(sam, "06-discover-phone")
    sam.get_by_role("link", name="Cambridge Data Roundtable").click()
    sam.wait_for_url(f"**/groups/{group.slug}/")
    sam.get_by_label("What kind of role are you looking for?").fill("Analytics manager in healthcare")
    # The group's ground rules (from its kind's template) are shown, and accepted with a tick.
    expect(sam.get_by_role("group", name="Ground rules of Cambridge Data Roundtable")).to_be_visible()
    sam.get_by_label("I accept the ground rules").check()
    sam.get_by_role("button", name="Send request").click()
    expect(sam.get_by_text("Your request was sent.")).to_be_visible()
    assert Membership.objects.get(group=group, user=sam_user).state == MembershipState.PENDING

    # 5. Maya approves from the dashboard.
    maya.goto(f"{base}/groups/{group.slug}/manage/")
    expect(maya.get_by_text("Analytics manager in healthcare")).to_be_visible()
    shot(maya, "07-dashboard")
    maya.get_by_role("button", name="Approve Sam Ortiz").click()
    expect(maya.get_by_text("Sam Ortiz is now a member.")).to_be_visible()

    # 6. Sam now sees who is in the group.
    sam.goto(f"{base}/groups/{group.slug}/members/")
    expect(sam.locator("#main").get_by_role("link", name="Maya Chen")).to_be_visible()
    expect(sam.locator("#main").get_by_role("link", name="Sam Ortiz")).to_be_visible()
    shot(sam, "08-members-phone")
