"""A landed member tells their story anonymously on a phone; another member finds it through
the stories page's filters, on the group page and by "a challenge like yours", and nowhere does
the page name its author."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from roundtable.stories.models import Story
from roundtable.tracker.models import Landing
from tests.e2e.conftest import shot
from tests.factories import PASSWORD, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e


def _login(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_story_is_found_and_names_nobody(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    group = GroupFactory(name="Harbor Job Seekers", slug="harbor")
    lee = UserFactory(email="lee@example.com", name="Lee Landed")
    mel = UserFactory(email="mel@example.com", name="Mel Member")
    for person in (lee, mel):
        MembershipFactory(group=group, user=person)
    Landing.objects.create(owner=lee, company_name="Acme", role="Analyst", source="referral", group=group,
                           landed_on="2026-10-01")  # fmt: skip

    # 1. On a phone, from "I landed", Lee tells the story and stays anonymous.
    phone = new_page(360, 740)
    _login(phone, base, "lee@example.com")
    phone.goto(f"{base}/me/landed/next/")
    phone.get_by_role("link", name="Tell your story").click()
    expect(phone.get_by_role("heading", name="Tell your story")).to_be_visible()
    phone.get_by_label("A title").fill("A referral after a roundtable")
    phone.get_by_label("Your field").select_option("finance")
    phone.get_by_label("What worked").fill("A member at the roundtable introduced me to a hiring manager.")
    phone.get_by_label("Your advice to someone starting out (optional)").fill(
        "Follow up after every phone screen, the same day."
    )
    expect(phone.get_by_label("Which group helped (optional)")).to_have_value("harbor")
    phone.get_by_role("radio", name="All Roundtable members").check()
    phone.get_by_label("Stay anonymous").check()
    shot(phone, "stories-01-write-phone")
    phone.get_by_role("button", name="Share your story").click()
    expect(phone.get_by_role("heading", name="A referral after a roundtable")).to_be_visible()
    expect(phone.get_by_text("By you (shown to others as anonymous)")).to_be_visible()
    story = Story.objects.get()
    assert (story.anonymous, story.channel, story.group, story.audience) == (True, "referral", group, "members")

    # 2. Mel filters the stories page and finds it, unnamed.
    page = new_page()
    _login(page, base, "mel@example.com")
    page.goto(f"{base}/stories/")
    page.get_by_label("Field").select_option("finance")
    page.get_by_label("How the job came").select_option("referral")
    page.get_by_role("button", name="Show stories").click()
    expect(page).to_have_url(re.compile(r"channel=referral"))
    shot(page, "stories-02-list")
    page.get_by_role("link", name="A referral after a roundtable").click()
    expect(page.get_by_text("By a member who chose to stay anonymous")).to_be_visible()
    shot(page, "stories-03-story")
    assert "Lee Landed" not in page.content()
    assert lee.public_id not in page.content()

    # 3. The group page shows it; the search finds its advice for a challenge like Mel's.
    page.goto(f"{base}/groups/harbor/")
    section = page.get_by_role("region", name="Members who landed")
    expect(section.get_by_role("link", name="A referral after a roundtable")).to_be_visible()
    section.scroll_into_view_if_needed()
    shot(page, "stories-04-group-section")
    page.goto(f"{base}/stories/like-yours/")
    page.get_by_label("Your challenge").fill("Recruiters go quiet after the phone screen.")
    page.get_by_role("button", name="Find what helped others").click()
    expect(page.get_by_text("Follow up after every phone screen, the same day.")).to_be_visible()
    shot(page, "stories-05-like-yours")
    assert "Lee Landed" not in page.content()
