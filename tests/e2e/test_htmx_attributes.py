"""htmx works from the valid data-hx-* attributes: the RSVP card swaps in place with the
CSRF header from <body data-hx-headers>, and discovery's filters update the results alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Request, expect

from roundtable.meetings.models import Rsvp
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory, facilitator_of

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_rsvp_and_discovery_go_through_htmx_from_data_attributes(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    group = GroupFactory(name="Austin Speakers Night")
    facilitator_of(group)
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    MembershipFactory(group=group, user=ann)
    meeting = MeetingFactory(group=group, title="Resumes that get read")
    page = new_page()
    _login(page, base, ann.email)
    page.goto(base + reverse("meetings:detail", args=[meeting.public_id]))
    # A mark that a page load would wipe: the swaps below must keep it.
    page.evaluate("window.kept = true")
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.get_by_role("button", name="I'm going").click()
    request: Request = posted.value
    assert request.headers.get("hx-request") == "true"
    assert request.headers.get("hx-target") == "rsvp"
    assert len(request.headers.get("x-csrftoken", "")) == 64
    expect(page.locator("#rsvp")).to_contain_text("You're going.")
    assert page.evaluate("window.kept === true") is True
    assert list(Rsvp.objects.filter(meeting=meeting).values_list("user__email", "status")) == [
        ("ann@example.com", "going")
    ]

    page.goto(base + reverse("groups:discover"))
    page.evaluate("window.kept = true")
    with page.expect_request(lambda r: "q=Austin" in r.url) as searched:
        page.get_by_role("textbox", name="Search").fill("Austin")
        page.get_by_role("textbox", name="Search").press("Enter")
    assert searched.value.headers.get("hx-request") == "true"
    expect(page.locator("#results")).to_contain_text("Austin Speakers Night")
    assert page.evaluate("window.kept === true") is True
