"""A facilitator schedules a biweekly roundtable for three; the fourth person waits, then gets in."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups.models import Kind
from roundtable.meetings.models import Meeting, Rsvp
from tests.e2e.conftest import shot
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, MembershipFactory, UserFactory, facilitator_of

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_biweekly_roundtable_waitlist_and_promotion(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    group = GroupFactory(name="Denver Strategic Roundtable", kind=Kind.STRATEGIC, time_zone="America/Denver")
    fac = facilitator_of(group, user=UserFactory(email="fac@example.com", name="Rosa Facilitator"))
    members = [
        MembershipFactory(group=group, user=UserFactory(email=f"m{i}@example.com", name=f"Member {i}")).user
        for i in range(1, 5)
    ]

    # The facilitator schedules the series.
    page = new_page()
    _login(page, base, fac.email)
    page.goto(f"{base}/groups/{group.slug}/")
    page.get_by_role("link", name="Schedule a meeting").click()
    day = (timezone.now() + timedelta(days=5)).date().isoformat()
    page.get_by_label("Title").fill("Biweekly roundtable")
    page.get_by_label("Date", exact=True).fill(day)
    page.get_by_label("Starts at").fill("18:30")
    page.get_by_label("Repeat", exact=True).select_option("biweekly")
    page.get_by_label("Capacity").fill("3")
    page.get_by_label("Default turn length (minutes)").fill("12")
    shot(page, "m01-schedule")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", name="Biweekly roundtable")).to_be_visible()
    expect(page.get_by_text("Part of a recurring series.")).to_be_visible()
    meeting = Meeting.objects.filter(group=group).order_by("starts_at").first()
    assert meeting is not None
    assert meeting.series.rule == "FREQ=WEEKLY;INTERVAL=2"  # type: ignore[union-attr]
    url = f"{base}/meetings/{meeting.public_id}/"

    # Four members answer; the fourth lands on the waitlist.
    pages = []
    for i, member in enumerate(members):
        p = new_page(390, 844)
        _login(p, base, member.email)
        p.goto(url)
        button = "Join the waitlist" if i == 3 else "I'm going"
        p.get_by_role("button", name=button).click()
        if i < 3:
            expect(p.get_by_text("You're going.").first).to_be_visible()
        else:
            expect(p.get_by_text("you're number 1 on the waitlist").first).to_be_visible()
            shot(p, "m02-waitlisted-phone")
        pages.append(p)
    assert Rsvp.objects.filter(meeting=meeting, status="going").count() == 3
    assert Rsvp.objects.get(meeting=meeting, user=members[3]).status == "waitlisted"

    # One cancels; the fourth is promoted.
    pages[1].get_by_role("button", name="Cancel my RSVP").click()
    expect(pages[1].get_by_text("Thanks for letting the group know.")).to_be_visible()
    assert Rsvp.objects.get(meeting=meeting, user=members[3]).status == "going"

    fourth = pages[3]
    fourth.goto(f"{base}/me/agenda/")
    card = fourth.locator(".meeting-card", has_text="Biweekly roundtable").first
    expect(card.get_by_text("You're going")).to_be_visible()
    shot(fourth, "m03-agenda-phone")
    fourth.goto(url)
    with fourth.expect_download() as info:
        fourth.get_by_role("link", name="Add to calendar (.ics)").click()
    ics = Path(info.value.path()).read_text(encoding="utf-8")
    assert "SUMMARY:Biweekly roundtable" in ics
    assert re.search(r"DTSTART;TZID=America/Denver:\d{8}T183000", ics)

    # The facilitator sees who is going and who waits.
    page.goto(url)
    expect(page.get_by_role("heading", name="Going (3)")).to_be_visible()
    shot(page, "m04-facilitator-view")
