"""The personal home after signing in (issue 9, item 5)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.groups.models import GroupVisibility, JoinPolicy, MembershipState
from roundtable.meetings.models import MeetingStatus
from tests.factories import (
    CommitmentFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    TurnFactory,
    UserFactory,
    facilitator_of,
)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _section(html: str, heading_id: str) -> str:
    """The text of the <section> labelled by `heading_id`, tags stripped."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    end = html.index("</section>", start)
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:end]).split())


@pytest.mark.django_db
def test_visitors_get_the_landing_page() -> None:
    r = Client().get("/")
    assert r.status_code == 200
    assert "Job search is lonely. Groups fix that." in r.text
    assert "Your next meetings" not in r.text


@pytest.mark.django_db
def test_a_new_account_sees_the_three_first_steps() -> None:
    nia = UserFactory(name="Nia Okafor")
    r = _client(nia).get("/")
    assert r.status_code == 200
    assert "Hello, Nia Okafor" in r.text
    steps = _section(r.text, "steps-title")
    assert "Get started: 0 of 3 done" in steps
    assert "Complete your profile" in steps
    assert "Find a group" in steps
    assert "RSVP to a meeting" in steps
    assert 'href="/me/profile/"' in r.text
    assert "No meetings coming up" in r.text


@pytest.mark.django_db
def test_steps_are_ticked_off_and_disappear_when_all_are_done() -> None:
    nia = UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=nia)
    assert "Get started: 1 of 3 done" in _client(nia).get("/").text
    RsvpFactory(meeting=MeetingFactory(group=group), user=nia)
    assert "Get started: 2 of 3 done" in _client(nia).get("/").text
    profile = nia.profile
    profile.headline = "Analyst"
    profile.pitch = "I turn questions into decisions."
    profile.save()
    assert "Get started" not in _client(nia).get("/").text


@pytest.mark.django_db
def test_next_meetings_show_my_rsvp_and_offer_one() -> None:
    ann = UserFactory()
    group = GroupFactory(name="Boston Strategic")
    MembershipFactory(group=group, user=ann)
    now = timezone.now()
    going = MeetingFactory(group=group, title="Going one", starts_at=now + timedelta(days=1))
    RsvpFactory(meeting=going, user=ann)
    open_one = MeetingFactory(group=group, title="Open one", starts_at=now + timedelta(days=2))
    cancelled = MeetingStatus.CANCELLED
    MeetingFactory(group=group, title="Cancelled one", starts_at=now + timedelta(days=3), status=cancelled)
    MeetingFactory(group=GroupFactory(), title="Not my group", starts_at=now + timedelta(days=1))
    MeetingFactory(group=group, title="Already over", starts_at=now - timedelta(days=2))
    r = _client(ann).get("/")
    section = _section(r.text, "next-title")
    assert [t for t in ("Going one", "Open one", "Cancelled one") if t in section] == [
        "Going one",
        "Open one",
        "Cancelled one",
    ]
    assert section.index("Going one") < section.index("Open one") < section.index("Cancelled one")
    assert "Not my group" not in section
    assert "Already over" not in section
    assert "You're going" in section
    assert "Cancelled" in section
    # One RSVP form: for the open meeting only (not the one I'm going to, not the cancelled).
    forms = re.findall(r'<form method="post" action="(/meetings/[^"]+/rsvp/)"', r.text)
    assert forms == [f"/meetings/{open_one.public_id}/rsvp/"]


@pytest.mark.django_db
def test_rsvp_from_home_records_it() -> None:
    ann = UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=ann)
    meeting = MeetingFactory(group=group)
    r = _client(ann).post(f"/meetings/{meeting.public_id}/rsvp/", {"answer": "going"})
    assert r.status_code == 302
    assert meeting.rsvps.get(user=ann).status == "going"


@pytest.mark.django_db
def test_requests_waiting_for_a_facilitator() -> None:
    group = GroupFactory(name="Career Changers", join_policy=JoinPolicy.APPROVAL)
    rosa = facilitator_of(group)
    for _ in range(2):
        MembershipFactory(group=group, state=MembershipState.PENDING)
    quiet = GroupFactory(name="No requests here")
    facilitator_of(quiet, user=rosa)
    r = _client(rosa).get("/")
    section = _section(r.text, "waiting-title")
    assert "2 people ask to join Career Changers" in section
    assert f'href="/groups/{group.slug}/manage/"' in r.text
    assert "No requests here" not in section


@pytest.mark.django_db
def test_members_do_not_see_requests_of_groups_they_do_not_run() -> None:
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL)
    facilitator_of(group)
    MembershipFactory(group=group, state=MembershipState.PENDING)
    ann = MembershipFactory(group=group).user
    assert "Waiting for you" not in _client(ann).get("/").text


@pytest.mark.django_db
def test_my_own_request_to_join_is_listed() -> None:
    group = GroupFactory(name="Secret Circle", visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.APPROVAL)
    nia = MembershipFactory(group=group, state=MembershipState.PENDING).user
    section = _section(_client(nia).get("/").text, "requests-title")
    assert "Secret Circle" in section


@pytest.mark.django_db
def test_open_commitments_nearest_due_first_and_only_mine() -> None:
    ann = UserFactory()
    turn = TurnFactory(user=ann)
    today = timezone.localdate()
    CommitmentFactory(turn=turn, text="Undated one")
    CommitmentFactory(turn=turn, text="Later one", due_on=today + timedelta(days=5))
    CommitmentFactory(turn=turn, text="Overdue one", due_on=today - timedelta(days=1))
    CommitmentFactory(turn=turn, text="Finished one", status="done")
    CommitmentFactory(text="Someone else's")
    html = _client(ann).get("/").text
    section = _section(html, "commitments-title")
    assert section.index("Later one") < section.index("Undated one")
    later = today + timedelta(days=5)
    assert f"Later one Due {later:%a, %b} {later.day}, {later.year} ·" in section
    # The one whose day has passed waits for Ann at the top, not in this list.
    assert "Overdue one" not in section
    assert "The ones due now are at the top, under Waiting for you." in section
    overdue = today - timedelta(days=1)
    assert f"Your commitment: Overdue one Was due {overdue:%a, %b} {overdue.day}, {overdue.year} ·" in _section(
        html, "waiting-title"
    )
    assert "Finished one" not in html
    assert "Someone else's" not in html


@pytest.mark.django_db
def test_what_waits_comes_before_the_meetings() -> None:
    rosa = UserFactory()
    group = GroupFactory(name="Career Changers", join_policy=JoinPolicy.APPROVAL)
    facilitator_of(group, user=rosa)
    for _ in range(3):
        MembershipFactory(group=group, state=MembershipState.PENDING)
    for _ in range(5):
        RsvpFactory(meeting=MeetingFactory(group=group), user=rosa)
    CommitmentFactory(turn=TurnFactory(user=rosa), text="Call two people", due_on=timezone.localdate())
    html = _client(rosa).get("/").text
    assert html.index('id="waiting-title"') < html.index('id="next-title"')
    waiting = _section(html, "waiting-title")
    assert waiting.startswith('aria-labelledby="waiting-title"> Waiting for you 3 people ask to join Career Changers')
    assert "Your commitment: Call two people Due today ·" in waiting
    assert "Yours due now are at the top, under Waiting for you." in _section(html, "commitments-title")


@pytest.mark.django_db
def test_a_commitment_from_another_year_names_the_year() -> None:
    ann = UserFactory()
    CommitmentFactory(turn=TurnFactory(user=ann), text="Old promise", due_on=date(2025, 1, 1))
    assert "Your commitment: Old promise Was due Wed, Jan 1, 2025 ·" in _section(
        _client(ann).get("/").text, "waiting-title"
    )


@pytest.mark.django_db
def test_home_keeps_a_fixed_number_of_queries() -> None:
    rosa = UserFactory()
    c = _client(rosa)

    def grow(n: int) -> None:
        for _ in range(n):
            g = GroupFactory(join_policy=JoinPolicy.APPROVAL)
            facilitator_of(g, user=rosa)
            MembershipFactory(group=g, state=MembershipState.PENDING)
            m = MeetingFactory(group=g)
            RsvpFactory(meeting=m, user=rosa)
            CommitmentFactory(turn=TurnFactory(user=rosa), due_on=date(2030, 1, 1))
            MembershipFactory(group=GroupFactory(join_policy=JoinPolicy.APPROVAL), user=rosa, state="pending")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/").status_code == 200
        return len(ctx.captured_queries)

    grow(2)
    small = count()
    grow(12)
    assert count() == small
