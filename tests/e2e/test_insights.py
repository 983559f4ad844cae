"""Insights in Chromium: the charts and the advice at 1280 and 360 px, and both changing after
the member logs a conversation with the quick-add."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups.models import Kind
from roundtable.journal.models import Reflection
from roundtable.tracker.models import Activity, ActivityKind
from roundtable.tracker.selectors import today_for
from tests.e2e.conftest import shot
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory

pytestmark = pytest.mark.e2e

HEAVY = "Applications are most of your activity, but few interviews came from them."


@pytest.mark.django_db(transaction=True)
def test_the_member_sees_the_charts_and_the_advice_change(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    plan = GroupFactory(name="Plan Circle", kind=Kind.STRATEGIC)
    talks = GroupFactory(name="Tech Talks", kind=Kind.SPEAKERS)
    MembershipFactory(group=plan, user=ann)
    now = timezone.now()
    for i in range(8):
        start = now - timedelta(days=2 + 5 * i)
        m = MeetingFactory(group=plan if i % 2 else talks, starts_at=start, ends_at=start + timedelta(minutes=90))
        RsvpFactory(meeting=m, user=ann)
        Reflection.objects.create(owner=ann, meeting=m, value=2 + i % 4)
    today = today_for(ann)  # hers, not the site's: the two differ for hours after midnight UTC
    for i in range(10):
        Activity.objects.create(owner=ann, kind=ActivityKind.APPLICATION, occurred_on=today - timedelta(days=i))
    for i in range(9):
        Activity.objects.create(owner=ann, kind=ActivityKind.CONVERSATION, occurred_on=today - timedelta(days=i))

    page = new_page()
    _login(page, base, ann.email)
    page.goto(f"{base}/tracker/")
    page.get_by_role("link", name="Insights", exact=True).click()
    expect(page.get_by_role("heading", name="Insights", level=1)).to_be_visible()
    expect(page.get_by_text(HEAVY)).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(4)  # no interviews yet: no sources chart
    page.get_by_text("The funnel as a table").click()
    expect(page.locator("details.chart-table").nth(2).get_by_role("row", name="Applications 10")).to_be_visible()
    shot(page, "i01-insights-desk")

    phone = new_page(360, 740)
    _login(phone, base, ann.email)
    phone.goto(f"{base}/me/insights/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # Chart text stays readable on a phone: the funnel's labels render at 12 px or more.
    height = phone.evaluate("document.querySelector('.chart-hbars .hbar-label').getBoundingClientRect().height")
    assert height >= 12, height
    shot(phone, "i02-insights-phone")
    # The quick-add on the phone: one more conversation evens the mix, and the advice goes.
    phone.locator("summary", has_text="Log activity").click()
    phone.get_by_label("What did you do?").select_option("conversation")
    phone.get_by_role("button", name="Log it").click()
    expect(phone.locator(".qa-result")).to_be_visible()
    phone.goto(f"{base}/me/insights/")
    expect(phone.get_by_text(HEAVY)).to_have_count(0)
    phone.get_by_text("The funnel as a table").click()
    expect(phone.get_by_role("row", name="Conversations and outreach How many 10")).to_be_visible()
    shot(phone, "i03-insights-phone-after")

    # A member with nothing yet: the empty state, not empty charts.
    bea = UserFactory(email="bea@example.com", name="Bea Brown")
    fresh = new_page(360, 740)
    _login(fresh, base, bea.email)
    fresh.goto(f"{base}/me/insights/")
    expect(fresh.get_by_role("heading", name="Nothing to chart yet")).to_be_visible()
    shot(fresh, "i04-insights-empty-phone")
