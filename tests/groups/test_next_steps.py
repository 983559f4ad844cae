"""After joining or creating a group its page offers what to do next (issue 9, item 5)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.groups.models import Group, JoinPolicy
from roundtable.groups.services import invite_create
from roundtable.meetings.models import MeetingStatus
from tests.factories import GroupFactory, MeetingFactory, UserFactory, facilitator_of


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _next_step(html: str) -> str:
    if 'class="card next-step"' not in html:
        return ""
    start = html.index('class="card next-step"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)]).split())


@pytest.mark.django_db
def test_joining_offers_the_next_meeting_once() -> None:
    group = GroupFactory(name="Boston Roundtable")
    facilitator_of(group)
    now = timezone.now()
    cancelled = MeetingStatus.CANCELLED
    MeetingFactory(group=group, title="Cancelled first", starts_at=now + timedelta(days=1), status=cancelled)
    meeting = MeetingFactory(group=group, title="Tuesday roundtable", starts_at=now + timedelta(days=2))
    c = _client(UserFactory())
    r = c.post(f"/groups/{group.slug}/join/", follow=True)
    step = _next_step(r.text)
    assert "Welcome to Boston Roundtable!" in step
    assert "The next meeting is Tuesday roundtable" in step
    assert f'action="/meetings/{meeting.public_id}/rsvp/"' in r.text
    # One welcome, not two: the card replaces the flash message.
    assert r.text.count("Welcome to Boston Roundtable!") == 1
    # A reload shows the plain page.
    assert _next_step(c.get(f"/groups/{group.slug}/").text) == ""


@pytest.mark.django_db
def test_joining_a_group_with_nothing_scheduled_says_so() -> None:
    group = GroupFactory()
    facilitator_of(group)
    r = _client(UserFactory()).post(f"/groups/{group.slug}/join/", follow=True)
    assert "No meeting is scheduled yet." in _next_step(r.text)


@pytest.mark.django_db
def test_an_invite_link_offers_the_next_meeting_too() -> None:
    group = GroupFactory(join_policy=JoinPolicy.INVITE)
    fac = facilitator_of(group)
    MeetingFactory(group=group, title="First circle")
    _, token = invite_create(group=group, by=fac, note="")
    r = _client(UserFactory()).post(f"/invite/{token}/", follow=True)
    assert "The next meeting is First circle" in _next_step(r.text)


@pytest.mark.django_db
def test_asking_to_join_offers_no_meeting() -> None:
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    facilitator_of(group)
    MeetingFactory(group=group)
    r = _client(UserFactory()).post(f"/groups/{group.slug}/join/", {"answer": "To learn."}, follow=True)
    assert _next_step(r.text) == ""
    assert "Your request was sent." in r.text


@pytest.mark.django_db
def test_creating_a_group_offers_scheduling_and_inviting_as_buttons() -> None:
    c = _client(UserFactory())
    data = {
        "name": "Data Folk Circle", "kind": "strategic", "format": "in_person", "location_text": "02139",
        "time_zone": "America/New_York", "meeting_minutes": "90", "join_policy": "open", "visibility": "listed",
    }  # fmt: skip
    r = c.post("/groups/new/?kind=strategic", data)
    assert r.status_code == 302, r.content
    group = Group.objects.get(name="Data Folk Circle")
    page = c.get(r["Location"]).text
    assert "Data Folk Circle is ready" in _next_step(page)
    assert f'<a class="button" href="/groups/{group.slug}/meetings/new/">Schedule the first meeting</a>' in page
    assert f'href="/groups/{group.slug}/manage/#invite-title">Invite people</a>' in page
