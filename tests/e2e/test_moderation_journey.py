"""Moderation in a browser (issue 12, items 2 and 3): in the live room Cat reports Ben's
suggestion; Rosa, the facilitator, hides it from her moderation queue (it leaves every open
screen at once) and mutes Ben (his open room refuses his next suggestion, saying why and until
when); she closes the report, and Cat is told the outcome. Against the production ASGI
server. Screenshots of the new pages at 1280 and 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from roundtable.groups.models import Kind
from roundtable.safety.models import Hidden, Mute, Report
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop, open_and_join, room_of, sign_in

pytestmark = pytest.mark.e2e

PITCH = "Buy my resume course, 50% off today"


def _both_widths(page: Page, name: str) -> None:
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, f"{name}-360")
    page.set_viewport_size({"width": 1280, "height": 900})


def _state() -> tuple[list[tuple[str, str]], int, int]:
    return (
        list(Report.objects.values_list("kind", "status")),
        Hidden.objects.count(),
        Mute.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_report_hide_mute_and_the_reporter_told(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    fac, meeting, (ann, ben, cat) = room_of(Kind.STRATEGIC, "Boston Strategic Roundtable", "Tuesday turns", members=3)
    problems: list[str] = []
    rosa, annp, benp, catp = (new_page(1280, 900) for _ in range(4))
    for page, email in ((rosa, fac.email), (annp, ann.email), (benp, ben.email), (catp, cat.email)):
        sign_in(page, base, email, problems)
    room_url = open_and_join(base, meeting.public_id, rosa, [annp, benp, catp])
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(annp.locator("[data-bind=seat]")).to_have_text("Your turn")
    rosa.locator("body").press("n")
    expect(rosa.locator(".phasebar [aria-current=step]")).to_contain_text("Challenge")
    rosa.locator("body").press("n")
    for page in (rosa, annp, benp, catp):
        expect(page.locator(".phasebar [aria-current=step]")).to_contain_text("Brainstorm")

    benp.get_by_label("Your suggestion").fill(PITCH)
    benp.get_by_role("button", name="Add suggestion").click()
    for page in (rosa, annp, catp):
        expect(page.locator(".suggestion")).to_have_count(1)
    # Nobody is offered to report their own words.
    expect(benp.locator(".suggestion .report-link")).to_have_count(0)

    # Cat reports it from the room.
    catp.locator(".suggestion .report-link").click()
    expect(catp.get_by_role("heading", level=1)).to_have_text("Report a suggestion by Ben Brooks")
    _both_widths(catp, "moderation-report-form")
    catp.get_by_label("Spam or selling").check()
    catp.get_by_label(re.compile("^Anything the moderators should know")).fill("An advert in Ann's turn.")
    catp.get_by_role("button", name="Send report").click()
    expect(catp.get_by_role("heading", level=1)).to_have_text("Your reports")
    expect(catp.get_by_text("Being looked at")).to_be_visible()
    assert _off_loop(_state) == ([("suggestion", "open")], 0, 0)

    # Rosa's queue, in another tab: the report with the words reported.
    queue = rosa.context.new_page()
    queue.goto(f"{base}/groups/{meeting.group.slug}/moderation/")
    expect(queue.get_by_role("heading", name="Open reports (1)")).to_be_visible()
    expect(queue.get_by_text(PITCH)).to_be_visible()
    expect(queue.get_by_text("An advert in Ann's turn.")).to_be_visible()
    _both_widths(queue, "moderation-queue")
    queue.get_by_role("button", name="Hide it").click()
    expect(queue.get_by_text("Hidden. Nobody else sees it now; you can unhide it below.")).to_be_visible()
    expect(queue.get_by_role("heading", name="Hidden content (1)")).to_be_visible()
    # Gone from every open screen at once, the facilitator's room too.
    for page in (rosa, annp, benp, catp):
        expect(page.locator(".suggestion")).to_have_count(0)

    # Rosa mutes Ben from his name on the report.
    queue.get_by_role("link", name="Ben Brooks").first.click()
    expect(queue.get_by_role("heading", level=1)).to_have_text("Ben Brooks in Boston Strategic Roundtable")
    queue.get_by_label("Action", exact=True).select_option("mute")
    queue.get_by_label(re.compile("^Reason")).fill("Selling in the brainstorm, after a warning.")
    queue.get_by_role("button", name="Do it").click()
    expect(queue.get_by_text("Muted in this group's live rooms.")).to_be_visible()
    expect(queue.get_by_role("cell", name="Paused posting in live rooms")).to_be_visible()
    _both_widths(queue, "moderation-person")

    # Ben's room, open all along, refuses his next suggestion and says why.
    benp.get_by_label("Your suggestion").fill("One more offer")
    benp.get_by_role("button", name="Add suggestion").click()
    paused = "A facilitator has paused your posting in this group's rooms until a facilitator lifts the pause."
    expect(benp.get_by_text(paused)).to_be_visible()
    expect(annp.locator(".suggestion")).to_have_count(0)

    # Rosa closes the report; Cat is told, in fixed words.
    queue.goto(f"{base}/groups/{meeting.group.slug}/moderation/")
    queue.get_by_role("button", name="Close: action taken").click()
    expect(queue.get_by_text("Decided. The reporter is told.")).to_be_visible()
    expect(queue.get_by_role("heading", name="Open reports (0)")).to_be_visible()
    catp.goto(f"{base}/me/reports/")
    expect(catp.get_by_text("We took action")).to_be_visible()
    _both_widths(catp, "moderation-my-reports")
    catp.goto(f"{base}/inbox/")
    expect(catp.get_by_role("link", name="We took action on your report")).to_be_visible()
    expect(catp.get_by_text("Selling in the brainstorm")).to_have_count(0)
    assert _off_loop(_state) == ([("suggestion", "actioned")], 1, 1)
    assert room_url.endswith("/live/")
    assert problems == []
