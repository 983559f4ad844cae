"""The live room's challenge form shows what helped others with a challenge like the one being
typed (stories' panel, an htmx fragment), against the production ASGI server: a starred
suggestion from an earlier roundtable whose member shares anonymously, named by nobody."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups.models import Kind
from roundtable.live import services as live
from roundtable.live.models import RoomStatus
from roundtable.stories import services as stories
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop
from tests.e2e.test_join_journey import _login
from tests.factories import (
    ChallengeFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RoundtableFactory,
    RsvpFactory,
    SuggestionFactory,
    TurnFactory,
    UserFactory,
    facilitator_of,
)

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_the_challenge_form_shows_what_helped_others(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    group = GroupFactory(name="Harbor Roundtable", kind=Kind.STRATEGIC)
    rosa = facilitator_of(group, user=UserFactory(email="rosa@example.com", name="Rosa Martinez"))
    ann = UserFactory(email="ann@example.com", name="Ann Alvarez")
    zoe = UserFactory(email="zoe@example.com", name="Zoe Sharer")
    for person in (ann, zoe):
        MembershipFactory(group=group, user=person)
    # Last month: Zoe's challenge, and what she starred; she shares her history anonymously.
    earlier = MeetingFactory(group=group, title="February roundtable", starts_at=now - timedelta(days=30))
    turn = TurnFactory(roundtable=RoundtableFactory(meeting=earlier, status=RoomStatus.ENDED), user=zoe, status="done")
    ChallengeFactory(turn=turn, text="Recruiters go silent after the first phone screen.")
    SuggestionFactory(turn=turn, author=rosa, text="Ask what the next step is before the call ends.", starred=True,
                      starred_by=zoe)  # fmt: skip
    stories.anonymous_sharing_set(user=zoe, share=True)
    # Today: Ann is in the seat.
    today = MeetingFactory(group=group, title="March roundtable", starts_at=now - timedelta(minutes=2),
                           main_minutes=120)  # fmt: skip
    RsvpFactory(meeting=today, user=ann)
    room = _off_loop(live.roundtable_open, meeting=today, by=rosa)
    _off_loop(live.participant_join, roundtable=room, user=ann)
    _off_loop(live.roundtable_start, roundtable=room, by=rosa)

    page = new_page(390, 844)
    _login(page, asgi_server.url, "ann@example.com")
    page.goto(f"{asgi_server.url}/meetings/{today.public_id}/live/")
    expect(page.locator("#room-conn")).to_have_text("Connected")
    panel = page.get_by_role("region", name="Others with a challenge like yours")
    expect(panel).to_contain_text("Write your challenge to see what helped others")
    page.get_by_label("What has kept you from success since last time?").fill(
        "Recruiters stop answering after my phone screen."
    )
    expect(panel).to_contain_text("Ask what the next step is before the call ends.", timeout=10_000)
    panel.scroll_into_view_if_needed()
    shot(page, "stories-06-live-panel-phone")
    text = panel.inner_text()
    for secret in ("Zoe", "Rosa", "February", "Harbor Roundtable", "Martinez"):
        assert secret not in text
    assert "a strategic planning group" in text
