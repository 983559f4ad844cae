"""A pseudonymous member in the live room's controls, in a browser (issue 12, item 4): the
facilitator marks her here, skips her and lets a pseudonymous walk-in in through buttons and the
let-someone-in form that carry group-scoped handles (live/seats.py), never account ids; the member
herself sees "(you)" by her own handle. Real WebSockets, the production ASGI server."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups.models import Kind
from roundtable.live import seats
from roundtable.live import services as live_services
from roundtable.live.models import Participant
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop, _watch_console
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_the_facilitator_runs_a_pseudonymous_members_turn_by_handle(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    now = timezone.now()
    group = GroupFactory(name="Quiet Strategic Roundtable", kind=Kind.STRATEGIC, allow_pseudonyms=True)
    rosa = facilitator_of(group, user=UserFactory(email="rosa@example.com", name="Rosa Martinez"))
    meeting = MeetingFactory(group=group, title="Thursday roundtable", starts_at=now - timedelta(minutes=2))
    mina = UserFactory(email="mina@example.com", name="Mina Realname")
    MembershipFactory(group=group, user=mina, pseudonym="Sparrow")
    otto = UserFactory(email="otto@example.com", name="Otto Lang")
    MembershipFactory(group=group, user=otto)
    walt = UserFactory(email="walt@example.com", name="Walter Realname")
    MembershipFactory(group=group, user=walt, pseudonym="Wren")  # not going: a walk-in
    for user in (mina, otto):
        RsvpFactory(meeting=meeting, user=user)
    rt = _off_loop(live_services.roundtable_open, meeting=meeting, by=rosa)
    Participant.objects.create(roundtable=rt, user=otto, joined_at=now)
    sparrow, wren = seats.handle(group.pk, mina.pk), seats.handle(group.pk, walt.pk)
    problems: list[str] = []

    page = new_page(1280, 900)
    _watch_console(page, problems)
    _login(page, base, "rosa@example.com")
    room_url = f"{base}/meetings/{meeting.public_id}/live/"
    page.goto(room_url)
    expect(page.locator("#room-conn")).to_have_text("Connected")
    # Her button carries her handle; the form offers the walk-in by his.
    mark = page.get_by_role("button", name="Mark here: Sparrow")
    expect(mark).to_have_attribute("data-user-id", sparrow)
    expect(page.locator("#admit-user option", has_text="Wren")).to_have_attribute("value", wren)
    mark.click()
    expect(page.locator("[data-bind=people]")).to_contain_text("Sparrow (marked here)")

    page.get_by_label("Let someone in").select_option(label="Wren")
    page.get_by_role("button", name="Let in").click()
    expect(page.locator("[data-bind=people]")).to_contain_text("Wren")
    expect(page.locator("#admit-user option", has_text="Wren")).to_be_hidden()

    # Before the start she goes after Otto (order_move by handle); then the seat is his, and
    # she is skipped (skip_turn by handle).
    order = page.locator("[data-bind=order]")
    page.get_by_role("button", name="Move Sparrow down").click()
    expect(order.locator(".turn-name")).to_have_text(["Otto Lang", "Sparrow", "Wren"])
    page.get_by_role("button", name="Start the roundtable").click()
    expect(page.locator("#room-seat")).to_contain_text("Otto Lang")
    page.get_by_role("button", name="Skip Sparrow").click()
    expect(order.locator(".turn-name")).to_have_text(["Otto Lang", "Wren", "Sparrow"])
    expect(order.locator(".turn-status")).to_contain_text(["In the seat", "Waiting", "Skipped"])
    # The page as served now (its first snapshot, json_script) carries the handles too.
    page.reload()
    expect(page.locator("#room-conn")).to_have_text("Connected")
    data = page.evaluate("document.getElementById('room-data').textContent")
    for secret in ("Mina Realname", "Walter Realname", mina.public_id, walt.public_id, mina.email):
        assert secret not in page.content()
    ids = [p["user_id"] for p in json.loads(data)["room"]["participants"]]
    assert sorted(map(str, ids)) == sorted([str(otto.pk), str(rosa.pk), sparrow, wren])
    shot(page, "pseudonym-seat-facilitator-1280")

    # Mina, on her own phone, is "(you)" by her handle.
    phone = new_page(360, 740)
    _watch_console(phone, problems)
    _login(phone, base, "mina@example.com")
    phone.goto(room_url)
    expect(phone.locator("#room-conn")).to_have_text("Connected")
    expect(phone.locator("[data-bind=people]")).to_contain_text("Sparrow (you)")
    shot(phone, "pseudonym-seat-member-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert problems == []
