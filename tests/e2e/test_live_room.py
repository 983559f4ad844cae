"""A strategic roundtable run live: a facilitator and three members, each in their own browser,
against the production ASGI server (uvicorn) with real WebSockets.

Two full turns; every screen shows the same seat and the same countdown within a second;
a suggestion typed on one phone appears on the other screens; at the group's next meeting the
first member's commitments come up for follow-up at the start of her turn."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups.models import Kind
from roundtable.live.models import Commitment, Roundtable, Suggestion
from roundtable.tracker.models import Activity
from roundtable.tracker.selectors import today_for
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _same_clock, _timers, _watch_console
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_two_turns_live_then_follow_up_at_the_next_meeting(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    now = timezone.now()
    group = GroupFactory(name="Boston Strategic Roundtable", kind=Kind.STRATEGIC)
    fac = facilitator_of(group, user=UserFactory(email="rosa@example.com", name="Rosa Martinez"))
    first = MeetingFactory(
        group=group, title="March roundtable", starts_at=now - timedelta(minutes=2), main_minutes=120
    )
    second = MeetingFactory(group=group, title="April roundtable", starts_at=now + timedelta(hours=3), main_minutes=120)
    members = []
    for i, (email, name) in enumerate([("ann@example.com", "Ann Alvarez"), ("ben@example.com", "Ben Brooks"),
                                       ("cat@example.com", "Cat Chen")]):  # fmt: skip
        user = UserFactory(email=email, name=name)
        MembershipFactory(group=group, user=user)
        for meeting in (first, second):
            RsvpFactory(meeting=meeting, user=user, created_at=now - timedelta(days=3) + timedelta(minutes=i))
        members.append(user)
    ann_user = members[0]
    for kind in ("outreach", "outreach", "conversation"):
        # Her today where she lives: the site's (UTC) date runs ahead of it after midnight UTC.
        Activity.objects.create(owner=ann_user, kind=kind, occurred_on=today_for(ann_user))
    problems: list[str] = []

    # Everyone signs in on their own device. Ann arrives before the room is open.
    rosa = new_page(1280, 900)
    ann = new_page(390, 844)
    ben = new_page(1280, 900)
    cat = new_page(390, 844)
    for page, email in ((rosa, fac.email), (ann, "ann@example.com"), (ben, "ben@example.com"),
                        (cat, "cat@example.com")):  # fmt: skip
        _watch_console(page, problems)
        _login(page, base, email)
        expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_have_count(1)
    room_url = f"{base}/meetings/{first.public_id}/live/"
    ann.goto(room_url)
    expect(ann.get_by_role("heading", name="The room isn't open yet")).to_be_visible()
    shot(ann, "live01-not-open-phone")

    rosa.goto(room_url)
    rosa.get_by_role("button", name="Open the live room").click()
    expect(rosa.locator("#room-conn")).to_have_text("Connected")
    # Ann's page notices by itself and moves into the room.
    ann.wait_for_url(room_url, timeout=15_000)
    expect(ann.locator("#room-conn")).to_have_text("Connected", timeout=15_000)
    for page in (ben, cat):
        page.goto(room_url)
        expect(page.locator("#room-conn")).to_have_text("Connected")
    expect(rosa.locator("[data-bind=people] li")).to_have_count(4)
    expect(rosa.locator("[data-bind=order] .turn-name")).to_have_text(["Ann Alvarez", "Ben Brooks", "Cat Chen"])

    # The display for the projector, signed in as the facilitator on the room's laptop.
    display = new_page(1920, 1080)
    _watch_console(display, problems)
    _login(display, base, fac.email)
    display.goto(f"{room_url}display/")
    expect(display.locator("#room-conn")).to_have_text("Connected")
    screens = [rosa, ann, ben, cat, display]

    # Start: Ann is in the seat on every screen, and every clock agrees.
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
    for page in (rosa, ben, cat):
        expect(page.locator("[data-bind=seat]")).to_have_text("Ann Alvarez’s turn")
    expect(display.locator("[data-bind=seat]")).to_have_text("Ann’s turn")
    time.sleep(1.2)
    values = _same_clock(screens)
    assert all(4 * 60 + 50 <= v <= 5 * 60 for v in values), values
    expect(rosa.locator(".phasebar [aria-current=step]")).to_contain_text("Update")

    # Ready for the roundtable: Ann alone is offered her status; shared, every screen shows it.
    offered = "Since your last meeting here: 2 outreach, 1 conversation, 0 interviews."
    expect(ann.locator("[data-bind=ready-text]")).to_have_text(offered)
    for page in (rosa, ben, cat, display):
        expect(page.locator("[data-bind=ready]")).to_be_hidden()
    ann.get_by_role("button", name="Share with the room").click()
    for page in (rosa, ben, cat):
        expect(page.locator("[data-bind=ready-text]")).to_have_text(
            "Ann Alvarez since last time: 2 outreach, 1 conversation, 0 interviews"
        )
    expect(ann.locator("[data-bind=ready-text]")).to_have_text("You shared: 2 outreach, 1 conversation, 0 interviews")
    expect(display.locator("[data-bind=ready-text]")).to_have_text("2 outreach, 1 conversation, 0 interviews")
    shot(ann, "live02b-status-shared-phone")

    # Ann writes her challenge; the others read it.
    ann.get_by_label("What has kept you from success since last time?").fill(
        "Recruiters go quiet after the first call."
    )
    ann.get_by_role("button", name="Save the challenge").click()
    for page in (rosa, ben, cat):
        expect(page.locator("[data-bind=challenge]")).to_have_text("Recruiters go quiet after the first call.")

    # Keyboard: the facilitator presses N twice to reach the brainstorm.
    rosa.locator("body").press("n")
    expect(rosa.locator(".phasebar [aria-current=step]")).to_contain_text("Challenge")
    rosa.locator("body").press("n")
    for page in screens:
        expect(page.locator(".phasebar [aria-current=step]")).to_contain_text("Brainstorm")
    _same_clock(screens)

    # Ben suggests from his laptop; it appears on every other screen, the projector too.
    ben.get_by_label("Your suggestion").fill("Send a short thank-you note that restates one result you delivered")
    ben.get_by_text("Add a contact or a link").click()
    ben.get_by_label("A person to contact (optional)").fill("Dana at Northwind")
    ben.get_by_role("button", name="Add suggestion").click()
    for page in (rosa, ann, cat, display):
        expect(page.locator(".suggestion").first).to_contain_text("Send a short thank-you note")
    expect(display.locator(".suggestion").first).to_contain_text("from Ben")
    expect(display.locator(".suggestion").first).not_to_contain_text("Brooks")
    cat.get_by_label("Your suggestion").fill("Ask each recruiter what the next step is before hanging up")
    cat.get_by_role("button", name="Add suggestion").click()
    expect(ann.locator(".suggestion")).to_have_count(2)
    # The visible words start the button's name, then the suggestion (WCAG 2.5.3; Chromium
    # puts a space before the visually hidden part).
    star = ann.get_by_role("button", name=re.compile("^☆ Star ?: Send a short thank-you note"))
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    expect(display.locator(".suggestion.is-starred")).to_have_count(1)
    starred = ann.get_by_role("button", name=re.compile("^★ Starred ?: Send a short thank-you note"))
    expect(starred).to_have_attribute("aria-pressed", "true")

    # The nudge reaches everyone.
    rosa.get_by_role("button", name="Back to solutions").click()
    for page in screens:
        expect(page.locator("#room-nudge")).to_be_visible()
        expect(page.locator("#room-nudge")).to_contain_text("Back to solutions.")

    # +1 minute shows on every clock.
    before = _timers([ben])[0]
    rosa.locator("body").press("+")
    for page in screens:
        expect(page.locator("[data-bind=timer-note]")).to_contain_text("11 min phase")
    assert _timers([ben])[0] >= before + 55
    _same_clock(screens)

    shot(rosa, "live02-facilitator-brainstorm")
    shot(ann, "live03-member-phone-brainstorm")
    shot(display, "live04-display-1080p")

    # Pause with the space bar: everyone sees Paused, and the clocks stand still together.
    rosa.locator("body").press(" ")
    for page in screens:
        expect(page.locator("[data-bind=clock]")).to_have_attribute("data-state", "paused")
        expect(page.locator("[data-bind=timer-note]")).to_contain_text("Paused")
    paused = _same_clock(screens)
    time.sleep(1.1)
    assert _timers(screens) == paused
    rosa.locator("body").press(" ")
    expect(cat.locator("[data-bind=clock]")).to_have_attribute("data-state", "normal")

    # Commitments.
    rosa.get_by_role("button", name=re.compile("^Next phase")).click()
    expect(ann.locator(".phasebar [aria-current=step]")).to_contain_text("Commitments")
    ann.get_by_label("Before the next meeting, I will…").fill("Contact two hiring managers at Acme")
    ann.get_by_role("button", name="Add commitment").click()
    expect(ben.locator("[data-bind=commitments] li")).to_have_text(["Contact two hiring managers at Acme"])
    shot(ann, "live05-member-phone-commitments")

    # The last phase ends Ann's turn; Ben takes the seat.
    rosa.get_by_role("button", name=re.compile("^Next phase")).click()
    expect(ben.locator("[data-bind=seat]")).to_have_text("Your turn")
    expect(ann.locator("[data-bind=seat]")).to_have_text("Ben Brooks’s turn")
    expect(ann.locator("[data-bind=order] .turn.status-done .turn-name")).to_have_text(["Ann Alvarez"])
    time.sleep(0.6)
    _same_clock(screens)

    # Ben's turn, phase by phase.
    for label in ("Challenge", "Brainstorm", "Commitments"):
        rosa.locator("body").press("n")
        expect(ben.locator(".phasebar [aria-current=step]")).to_contain_text(label)
    rosa.locator("body").press("n")
    for page in (rosa, ben, display):
        expect(page.locator("[data-bind=seat]")).to_contain_text("Cat")
    expect(cat.locator("[data-bind=seat]")).to_have_text("Your turn")
    _same_clock(screens)

    # The facilitator ends the meeting; the summary has Ann's turn.
    rosa.once("dialog", lambda d: d.accept())
    rosa.get_by_role("button", name="End").click()
    for page in screens:
        expect(page.locator("[data-bind=seat]")).to_have_text("The roundtable has ended")
    ann.get_by_role("link", name="See my summary").click()
    expect(ann.get_by_role("heading", name="Your roundtable summary")).to_be_visible()
    expect(ann.get_by_text("Send a short thank-you note that restates one result you delivered")).to_be_visible()
    expect(ann.get_by_text("Contact two hiring managers at Acme")).to_be_visible()
    shot(ann, "live06-summary-phone")
    assert Suggestion.objects.filter(turn__user=ann_user, starred=True).count() == 1
    assert list(Commitment.objects.filter(user=ann_user).values_list("text", "status")) == [
        ("Contact two hiring managers at Acme", "open")
    ]

    # The next meeting: Ann's commitments come up for follow-up when her turn starts.
    next_url = f"{base}/meetings/{second.public_id}/live/"
    rosa.goto(next_url)
    rosa.get_by_role("button", name="Open the live room").click()
    expect(rosa.locator("#room-conn")).to_have_text("Connected")
    ann.goto(next_url)
    expect(ann.locator("#room-conn")).to_have_text("Connected")
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
    since = ann.locator("[data-bind=previous]")
    expect(since).to_be_visible()
    expect(since).to_contain_text("Recruiters go quiet after the first call.")
    expect(since).to_contain_text("Contact two hiring managers at Acme")
    expect(rosa.locator("[data-bind=previous]")).to_contain_text("Not reviewed yet")
    ann.get_by_role("button", name="Done", exact=True).click()
    expect(rosa.locator("[data-bind=previous] .review-status")).to_have_text(["Done"])
    shot(ann, "live07-follow-up-phone")
    commitment = Commitment.objects.get(user=ann_user)
    assert (commitment.status, commitment.reviewed_in_id) == ("done", Roundtable.objects.get(meeting=second).pk)

    assert problems == []
