"""The live room of the two other kinds of group, each screen in its own browser against the
production ASGI server (uvicorn).

A support circle: turns with two phases, Share and Reflect, and nothing to brainstorm: no
challenge to write, no suggestions, no commitments.
A speakers meeting: no turns and no clock, but a queue of raised hands that the facilitator
works through, one question at a time."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from roundtable.groups.models import Kind
from roundtable.live.models import SUPPORT_PLAN, Question, Roundtable
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _same_clock, open_and_join, room_of, sign_in

pytestmark = pytest.mark.e2e

MEMBERS = [("ann@example.com", "Ann Alvarez"), ("ben@example.com", "Ben Brooks")]


def _everyone_in(
    base: str,
    meeting_id: str,
    fac_email: str,
    new_page: Callable[..., Page],
    problems: list[str],
    *,
    ben_size: tuple[int, int],
) -> list[Page]:
    """Rosa on her laptop opens the room; Ann joins from her phone, Ben from a screen of ben_size."""
    rosa = new_page(1280, 900)
    ann = new_page(390, 844)
    ben = new_page(*ben_size)
    for page, email in ((rosa, fac_email), (ann, "ann@example.com"), (ben, "ben@example.com")):
        sign_in(page, base, email, problems)
    open_and_join(base, meeting_id, rosa, [ann, ben])
    expect(rosa.locator("[data-bind=people] li")).to_have_count(3)
    return [rosa, ann, ben]


def _current_phase(page: Page) -> Locator:
    return page.locator(".phasebar [aria-current=step]")


@pytest.mark.django_db(transaction=True)
def test_support_circle_shares_and_reflects_without_suggestions(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    fac, meeting, _ = room_of(Kind.SUPPORT, "Cambridge Support Circle", "Tuesday circle", main_minutes=90)
    problems: list[str] = []
    rosa, ann, ben = screens = _everyone_in(
        base, meeting.public_id, fac.email, new_page, problems, ben_size=(1280, 900)
    )
    assert [p["label"] for p in SUPPORT_PLAN] == ["Share", "Reflect"]

    # The circle's plan: Share, then Reflect; no update, challenge, brainstorm or commitments.
    for page in screens:
        expect(page.locator(".phasebar .phase-label")).to_have_text(["Share 5 min", "Reflect 3 min"])
    expect(rosa.locator("[data-bind=order] .turn-name")).to_have_text(["Ann Alvarez", "Ben Brooks"])

    rosa.get_by_role("button", name="Start the roundtable").click()
    expect(ann.locator("[data-bind=seat]")).to_have_text("Your turn")
    for page in (rosa, ben):
        expect(page.locator("[data-bind=seat]")).to_have_text("Ann Alvarez’s turn")
    for page in screens:
        expect(page.locator("[data-bind=kicker]")).to_have_text("Turn 1 of 2")
        expect(_current_phase(page)).to_contain_text("Share")
        expect(page.locator("[data-bind=timer-note]")).to_have_text("Share · 5 min phase")
        expect(page.locator("#room")).to_have_attribute("data-phase", "share")
    _same_clock(screens)

    # Nothing to write in a circle: no challenge, no suggestions, no commitments, for anyone.
    for page in screens:
        for heading in ("The challenge", "Suggestions", "Commitments"):
            expect(page.get_by_role("heading", name=re.compile(f"^{heading}"))).to_have_count(0)
        for label in ("Your suggestion", "What has kept you from success since last time?", re.compile("^Before the")):
            expect(page.get_by_label(label)).to_be_hidden()
        expect(page.get_by_role("button", name="Add suggestion")).to_have_count(0)
        expect(page.locator("[data-bind=seat-panel]")).to_be_hidden()  # no empty card either
    # Nor a nudge back to solutions for the facilitator; the clock controls are there.
    expect(rosa.get_by_role("button", name="Back to solutions")).to_have_count(0)
    expect(rosa.get_by_role("button", name=re.compile("^Next phase"))).to_be_visible()
    # And the server refuses a suggestion sent anyway.
    ben.evaluate("() => window.roundtableRoom.send('suggestion_add', {text: 'Try a job club'})")
    expect(ben.locator("#room-alert")).to_have_text(
        "Suggestions are open during the brainstorm of the turn in the seat."
    )
    shot(ann, "kinds01-circle-share-phone-390")
    shot(ben, "kinds02-circle-share-desktop-1280")

    # Reflect, then the seat passes to Ben.
    rosa.get_by_role("button", name=re.compile("^Next phase")).click()
    for page in screens:
        expect(_current_phase(page)).to_contain_text("Reflect")
        expect(page.locator("[data-bind=timer-note]")).to_have_text("Reflect · 3 min phase")
    _same_clock(screens)
    shot(rosa, "kinds03-circle-reflect-facilitator-1280")
    rosa.get_by_role("button", name=re.compile("^Next phase")).click()
    expect(ben.locator("[data-bind=seat]")).to_have_text("Your turn")
    for page in (rosa, ann):
        expect(page.locator("[data-bind=seat]")).to_have_text("Ben Brooks’s turn")
    for page in screens:
        expect(page.locator("[data-bind=kicker]")).to_have_text("Turn 2 of 2")
        expect(_current_phase(page)).to_contain_text("Share")
        expect(page.locator("[data-bind=order] .turn-status")).to_have_text(["Done", "In the seat"])
    _same_clock(screens)
    shot(ann, "kinds04-circle-next-turn-phone-390")
    rt = Roundtable.objects.get(meeting=meeting)
    assert (rt.mode, rt.phase_index, rt.current_turn.user.email) == ("circle", 0, "ben@example.com")  # type: ignore[union-attr]

    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_speakers_questions_queue_in_order_on_every_screen(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    fac, meeting, _ = room_of(Kind.SPEAKERS, "Boston Speaker Series", "Salary negotiation talk", main_minutes=90)
    problems: list[str] = []
    rosa, ann, ben = screens = _everyone_in(base, meeting.public_id, fac.email, new_page, problems, ben_size=(390, 844))
    members = [ann, ben]
    queue = "[data-bind=questions] li"
    stage = "[data-bind=question-stage]"
    ask = "Raise your hand with a question"

    # Before the talk starts, no hands can go up yet.
    expect(ann.locator(stage)).to_contain_text("Questions open when the talk starts.")
    expect(ann.get_by_label(ask)).to_be_hidden()

    rosa.get_by_role("button", name="Start the roundtable").click()
    for page in screens:
        expect(page.locator("[data-bind=seat]")).to_have_text("Question time")
        expect(page.locator("[data-bind=kicker]")).to_have_text("Questions")
        expect(page.locator(stage)).to_have_text("No question being answered.0 hands raised")
        # A queue, not turns: no clock, no phases.
        expect(page.locator("[data-bind=clock]")).to_be_hidden()
        expect(page.locator("[data-bind=phasebar]")).to_be_hidden()
    for page in members:
        expect(page.get_by_label(ask)).to_be_visible()
    expect(rosa.get_by_label(ask)).to_be_hidden()  # the facilitator runs the queue
    # No order of turns in a queue (nor a time-up sound), but everyone sees who is here.
    for page in screens:
        expect(page.get_by_role("button", name=re.compile("^Sound at time-up"))).to_be_hidden()
        expect(page.get_by_role("heading", name="Order of turns")).to_be_hidden()
        expect(page.locator("[data-bind=people] li")).to_have_count(3)

    # Ann raises her hand first, then Ben.
    ann.get_by_label(ask).fill("How do I answer the salary question on the first call?")
    ann.get_by_role("button", name="Raise my hand").click()
    expect(ben.locator(queue)).to_have_count(1)
    ben.get_by_label(ask).fill("Is it fine to negotiate a contract role?")
    ben.get_by_role("button", name="Raise my hand").click()
    for page in screens:
        expect(page.locator(f"{queue} strong")).to_have_text(["Ann Alvarez", "Ben Brooks"])
        expect(page.locator(queue).nth(0)).to_contain_text(
            "Ann Alvarez: How do I answer the salary question on the first call?"
        )
        expect(page.locator(queue).nth(1)).to_contain_text("Ben Brooks: Is it fine to negotiate a contract role?")
        expect(page.locator(stage)).to_have_text("No question being answered.2 hands raised")
    # Each asker may lower their own hand, and only theirs; a raised hand cannot be raised twice.
    for page, mine in ((ann, 0), (ben, 1)):
        expect(page.get_by_role("button", name="Lower my hand")).to_have_count(1)
        expect(page.locator(queue).nth(mine).get_by_role("button", name="Lower my hand")).to_be_visible()
        expect(page.get_by_label(ask)).to_be_hidden()
    expect(rosa.get_by_role("button", name="Lower my hand")).to_have_count(0)
    expect(rosa.get_by_role("button", name="Done with this question")).to_be_hidden()
    shot(ann, "kinds05-speakers-queue-phone-ann")
    shot(ben, "kinds06-speakers-queue-phone-ben")

    # The facilitator takes the next question: Ann's, the first hand up.
    rosa.get_by_role("button", name="Take the next question").click()
    for page in screens:
        expect(page.locator(f"{stage} .room-kicker")).to_have_text("Now answering Ann Alvarez’s question")
        expect(page.locator(f"{stage} .question-now")).to_have_text(
            "How do I answer the salary question on the first call?"
        )
        expect(page.locator(stage)).to_contain_text("1 hand raised")
        expect(page.locator(f"{queue} strong")).to_have_text(["Ben Brooks"])
    expect(ann.get_by_label(ask)).to_be_visible()  # her hand is down again: she may ask another
    expect(ann.get_by_role("button", name="Lower my hand")).to_have_count(0)
    shot(rosa, "kinds07-speakers-answering-facilitator")
    shot(ann, "kinds08-speakers-answering-phone")

    # Done with it: nobody's question is on the stage; Ben still waits.
    rosa.get_by_role("button", name="Done with this question").click()
    for page in screens:
        expect(page.locator(stage)).to_have_text("No question being answered.1 hand raised")
        expect(page.locator(f"{queue} strong")).to_have_text(["Ben Brooks"])
    expect(rosa.get_by_role("button", name="Done with this question")).to_be_hidden()

    # Ben changes his mind and lowers his hand: it leaves every screen.
    ben.get_by_role("button", name="Lower my hand").click()
    for page in screens:
        expect(page.locator(queue)).to_have_count(0)
        expect(page.locator(stage)).to_have_text("No question being answered.0 hands raised")
    expect(ben.get_by_label(ask)).to_be_visible()
    shot(ben, "kinds09-speakers-hand-lowered-phone")

    rt = Roundtable.objects.get(meeting=meeting)
    assert rt.mode == "questions"
    assert list(Question.objects.filter(roundtable=rt).values_list("user__email", "status")) == [
        ("ann@example.com", "answered"),
        ("ben@example.com", "withdrawn"),
    ]
    assert problems == []
