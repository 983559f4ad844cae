"""A live room that fits a real meeting, as a facilitator runs it from a phone: against the
production ASGI server (uvicorn) with real WebSockets.

One press on the meeting page opens the room and goes in. Ann said she was going but is not
there at the start, so the first turn goes to Ben, who is; her turn waits at the end until she
arrives without her phone and the facilitator brings her forward. In her turn the facilitator
stars a suggestion for her ("starred for Ann Alvarez"), and it is in her summary. The phases
are whole minutes that the labels and the clock agree on, and the one-minute last phase opens
calm, warning only in its last 15 seconds. After the end nothing is left to press that no
longer makes sense."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from roundtable.groups.models import Kind
from roundtable.live.models import Roundtable, Suggestion, Turn
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _seconds, room_of, sign_in

pytestmark = pytest.mark.e2e


def _labels(page: Page) -> list[str]:
    return [
        t.replace(" (now)", "").replace(" (done)", "")
        for t in page.locator(".phasebar .phase-label").all_text_contents()
    ]


def _order(page: Page) -> list[str]:
    return [
        f"{name} · {status}"
        for name, status in zip(
            page.locator("[data-bind=order] .turn-name").all_text_contents(),
            page.locator("[data-bind=order] .turn-status").all_text_contents(),
            strict=True,
        )
    ]


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_on_a_phone_runs_a_real_meeting(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    # Turns of 10 minutes: Update 2, Challenge 2, Brainstorm 5, Commitments 1 (whole minutes).
    fac, meeting, (ann_user, ben_user, cat_user) = room_of(
        Kind.STRATEGIC, "Boston Strategic Roundtable", "March roundtable", members=3,
        starts_at=timezone.now() - timedelta(minutes=2), main_minutes=120, turn_minutes=10,
    )  # fmt: skip
    problems: list[str] = []
    rosa = new_page(360, 780)  # the facilitator, on her phone
    ben = new_page(390, 844)
    cat = new_page(1280, 900)
    sign_in(rosa, base, fac.email, problems)
    sign_in(ben, base, ben_user.email, problems)
    sign_in(cat, base, cat_user.email, problems)
    room_url = f"{base}/meetings/{meeting.public_id}/live/"

    # One press on the meeting page: the room opens and she is in it.
    rosa.goto(f"{base}/meetings/{meeting.public_id}/")
    rosa.get_by_role("button", name="Open the live room").click()
    expect(rosa).to_have_url(room_url)
    expect(rosa.locator("#room-conn")).to_have_text("Connected")
    assert Roundtable.objects.get(meeting=meeting).status == "open"
    for page in (ben, cat):
        page.goto(room_url)
        expect(page.locator("#room-conn")).to_have_text("Connected")
    expect(rosa.locator("[data-bind=people] li")).to_have_count(3)
    expect(rosa.locator("[data-bind=order] .turn-name")).to_have_text(["Ann Alvarez", "Ben Brooks", "Cat Chen"])
    expect(rosa.locator("[data-bind=order] .turn-status").first).to_have_text("Waiting · not here yet")
    expect(rosa.get_by_role("button", name="Mark here: Ann Alvarez")).to_be_visible()
    # Nobody going needs letting in: the walk-in form is for members who are not going.
    expect(rosa.get_by_label("Let someone in")).to_have_count(0)

    # Start: the first turn goes to Ben, who is here; Ann's waits at the end.
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(ben.locator("[data-bind=seat]")).to_have_text("Your turn")
    expect(rosa.locator("[data-bind=seat]")).to_have_text("Ben Brooks’s turn")
    expect(cat.locator("[data-bind=order] .turn-name")).to_have_text(["Ben Brooks", "Cat Chen", "Ann Alvarez"])
    expect(cat.locator("[data-bind=order] .turn-status").first).to_have_text("In the seat")
    assert _order(cat) == ["Ben Brooks · In the seat", "Cat Chen · Waiting", "Ann Alvarez · Waiting · not here yet"]

    # The labels say whole minutes that add up to the turn, and the clock counts the same.
    for page in (rosa, cat):
        assert _labels(page) == ["Update 2 min", "Challenge 2 min", "Brainstorm 5 min", "Commitments 1 min"]
    expect(cat.locator("[data-bind=timer-note]")).to_have_text("Update · 2 min phase")
    assert 110 <= _seconds(cat.locator("[data-bind=timer]").inner_text()) <= 120
    shot(rosa, "meet01-facilitator-phone-absent-first-member")
    shot(cat, "meet02-member-laptop-absent-first-member")

    # Ann arrives at the table without her phone: Rosa brings her forward; Ben keeps the seat.
    rosa.get_by_role("button", name="Bring forward: Ann Alvarez, their turn comes next").click()
    expect(cat.locator("[data-bind=order] .turn-name")).to_have_text(["Ben Brooks", "Ann Alvarez", "Cat Chen"])
    expect(rosa.locator("[data-bind=order] .turn-name")).to_have_text(["Ben Brooks", "Ann Alvarez", "Cat Chen"])
    assert _order(rosa) == ["Ben Brooks · In the seat", "Ann Alvarez · Waiting · marked here", "Cat Chen · Waiting"]
    expect(cat.locator("[data-bind=people]")).to_contain_text("Ann Alvarez")
    expect(ben.locator("[data-bind=seat]")).to_have_text("Your turn")

    # Ann's turn, to the brainstorm: Ben and Cat suggest, Rosa stars one for Ann.
    rosa.get_by_role("button", name=re.compile("^Next turn")).click()
    expect(cat.locator("[data-bind=seat]")).to_have_text("Ann Alvarez’s turn")
    for phase in ("Challenge", "Brainstorm"):
        rosa.get_by_role("button", name=re.compile("^Next phase")).click()
        expect(cat.locator(".phasebar [aria-current=step]")).to_contain_text(phase)
    expect(cat.locator("[data-bind=timer-note]")).to_have_text("Brainstorm · 5 min phase")
    assert 290 <= _seconds(cat.locator("[data-bind=timer]").inner_text()) <= 300
    cat.get_by_label("Your suggestion").fill("Ask each recruiter what the next step is before hanging up")
    cat.get_by_role("button", name="Add suggestion").click()
    ben.get_by_label("Your suggestion").fill("Send a thank-you note that restates one result")
    ben.get_by_role("button", name="Add suggestion").click()
    expect(rosa.locator(".suggestion")).to_have_count(2)
    star = rosa.get_by_role("button", name=re.compile("^☆ Star for Ann Alvarez ?: Ask each recruiter"))
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    starred = rosa.get_by_role("button", name=re.compile("^★ Starred for Ann Alvarez ?: Ask each recruiter"))
    expect(starred).to_have_attribute("aria-pressed", "true")
    for page in (ben, cat):
        expect(page.locator(".suggestion.is-starred .star-mark")).to_have_text("★ Starred for Ann Alvarez")
        # Only the member in the seat, or a facilitator for them, has star buttons.
        expect(page.get_by_role("button", name=re.compile("Star"))).to_have_count(0)
    expect(rosa.locator("[data-bind=suggestions-note]")).to_have_text(
        "If Ann Alvarez has no device here, star what they pick: it goes into their summary."
    )
    shot(rosa, "meet03-facilitator-phone-starred-for-ann")

    # The last phase is one minute: it opens calm, and warns only in its last 15 seconds.
    rosa.get_by_role("button", name=re.compile("^Next phase")).click()
    for page in (rosa, cat):
        expect(page.locator(".phasebar [aria-current=step]")).to_contain_text("Commitments")
        expect(page.locator("[data-bind=timer-note]")).to_have_text("Commitments · 1 min phase")
        expect(page.locator("[data-bind=clock]")).to_have_attribute("data-state", "normal")
    assert 50 <= _seconds(cat.locator("[data-bind=timer]").inner_text()) <= 60
    # No heading over nothing: Cat reads that Ann's commitments are still to come.
    expect(cat.locator("[data-bind=commitments-note]")).to_have_text(
        "No commitments yet: Ann Alvarez is choosing them now."
    )
    # 50 seconds on (the room's own clock, moved rather than waited for): nearly time.
    room_id = Roundtable.objects.get(meeting=meeting).pk
    Roundtable.objects.filter(pk=room_id).update(phase_started_at=timezone.now() - timedelta(seconds=50))
    cat.reload()
    expect(cat.locator("[data-bind=clock]")).to_have_attribute("data-state", "warning")
    expect(cat.locator("[data-bind=timer-note]")).to_have_text("Commitments · nearly time")
    assert 1 <= _seconds(cat.locator("[data-bind=timer]").inner_text()) <= 10
    shot(cat, "meet04-member-laptop-last-phase-warning")

    # The end: nothing left to let in, ring or project, and the people heading says who was there.
    rosa.once("dialog", lambda d: d.accept())
    rosa.get_by_role("button", name="End", exact=True).click()
    for page in (rosa, ben, cat):
        expect(page.locator("[data-bind=seat]")).to_have_text("The roundtable has ended")
        expect(page.locator("[data-bind=people-title]")).to_have_text("Who was here")
        expect(page.get_by_role("button", name=re.compile("^Sound at time-up"))).to_be_hidden()
        expect(page.get_by_role("link", name="Display mode")).to_be_hidden()
        expect(page.get_by_role("button", name=re.compile("^(Mark here|Bring forward|Skip)"))).to_have_count(0)
    expect(rosa.get_by_label("Let someone in")).to_be_hidden()
    shot(rosa, "meet05-facilitator-phone-ended")
    rosa.reload()
    expect(rosa.get_by_text("Let someone in")).to_have_count(0)
    expect(rosa.get_by_role("button", name=re.compile("^Sound at time-up"))).to_have_count(0)
    shot(rosa, "meet06-facilitator-phone-ended-reloaded")
    shot(cat, "meet07-member-laptop-ended")

    # The star Rosa gave is Ann's: in the database, and in Ann's summary when she signs in later.
    suggestion = Suggestion.objects.get(starred=True)
    assert (suggestion.turn.user_id, suggestion.starred_by_id, suggestion.text) == (
        ann_user.pk, fac.pk, "Ask each recruiter what the next step is before hanging up",
    )  # fmt: skip
    assert list(Turn.objects.filter(roundtable_id=room_id).values_list("user__email", "status")) == [
        ("ben@example.com", "done"), ("ann@example.com", "done"), ("cat@example.com", "not_reached"),
    ]  # fmt: skip
    ann = new_page(360, 780)
    sign_in(ann, base, ann_user.email, problems)
    ann.goto(f"{room_url}summary/")
    expect(ann.get_by_role("heading", name="Your roundtable summary")).to_be_visible()
    expect(ann.locator(".plain-list li").first).to_contain_text(
        "Ask each recruiter what the next step is before hanging up"
    )
    expect(ann.locator(".plain-list li").first).to_contain_text("from Cat Chen · starred for you by Rosa Martinez")
    shot(ann, "meet08-summary-phone-starred-for-her")
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_with_nobody_waiting_here_the_seat_waits_until_one_is_brought_forward(
    asgi_server: AsgiServer,
    new_page,  # type: ignore[no-untyped-def]
) -> None:
    base = asgi_server.url
    fac, meeting, (ann_user, _ben_user) = room_of(
        Kind.STRATEGIC, "Cambridge Strategic Roundtable", "Video roundtable", members=2, format="virtual",
    )  # fmt: skip
    problems: list[str] = []
    rosa = new_page(360, 780)
    sign_in(rosa, base, fac.email, problems)
    rosa.goto(f"{base}/meetings/{meeting.public_id}/")
    rosa.get_by_role("button", name="Open the live room").click()
    expect(rosa.locator("#room-conn")).to_have_text("Connected")

    # On the video call, nobody has the room open yet: the start leaves the seat waiting.
    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(rosa.locator("[data-bind=seat]")).to_have_text("Waiting for someone to arrive")
    expect(rosa.locator("[data-bind=kicker]")).to_have_text("Waiting")
    expect(rosa.locator("[data-bind=timer]")).to_have_text("–:––")
    expect(rosa.locator("[data-bind=timer-note]")).to_have_text(
        "Everyone still waiting for a turn is away. The first to open the room takes the seat; "
        "for someone at the table without it, press Bring forward beside their name."
    )
    expect(rosa.get_by_role("button", name=re.compile("^Next turn"))).to_be_hidden()
    shot(rosa, "meet09-facilitator-phone-seat-waiting")

    # Ann opens the room on her phone: she is here, and the empty seat is hers at once.
    ann = new_page(390, 844)
    sign_in(ann, base, ann_user.email, problems)
    ann.goto(f"{base}/meetings/{meeting.public_id}/live/")
    expect(ann.locator("#room-conn")).to_have_text("Connected")
    expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
    expect(rosa.locator("[data-bind=timer-note]")).to_have_text("Update · 5 min phase")
    # Listed first, as hers is the turn under way; Ben, still away, waits after her.
    expect(rosa.locator("[data-bind=order] .turn-name")).to_have_text(["Ann Alvarez", "Ben Brooks"])
    expect(rosa.locator("[data-bind=order] .turn-status")).to_have_text(["In the seat", "Waiting · not here yet"])
    # Ann's turn ends with Ben still away: the seat waits again, with no Pause and no Next turn.
    rosa.locator("body").press("t")
    expect(rosa.locator("[data-bind=seat]")).to_have_text("Waiting for someone to arrive")
    expect(ann.locator("[data-bind=timer-note]")).to_have_text(
        "The next turn starts as soon as someone waiting for one is here."
    )
    for name in ("Pause", "Next turn"):
        expect(rosa.get_by_role("button", name=re.compile("^" + name))).to_be_hidden()
    # Ben is at his desk on the call without the room open: Bring forward gives him the seat.
    rosa.get_by_role("button", name="Bring forward: Ben Brooks, their turn starts now").click()
    expect(rosa.locator("[data-bind=seat]")).to_have_text("Ben Brooks’s turn")
    expect(rosa.locator("[data-bind=kicker]")).to_have_text("Turn 2 of 2")
    assert problems == []
