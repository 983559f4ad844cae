"""Issue 9, item 4: what the page says is what happens. One RSVP box, the video link and
the room the moment one is going, attendance only once the meeting has begun, and no
"say hello" without a way to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.groups.models import Format
from roundtable.meetings import services
from roundtable.meetings.models import Meeting, Rsvp
from tests.clients import signed_in as _as
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

VIDEO = "https://video.example.org/room-42"


@pytest.mark.django_db
def test_an_htmx_rsvp_answers_one_box_and_unlocks_the_video_link_and_room_at_once() -> None:
    group = GroupFactory()
    facilitator_of(group)
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group, format=Format.HYBRID, video_url=VIDEO)
    c = _as(member)
    before = c.get(meeting.get_absolute_url()).text
    assert "The video link is shared with members who are going." in before
    r = c.post(f"/meetings/{meeting.public_id}/rsvp/", {"answer": "going"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    card, rest = r.text.split('<section class="card" id="where"', 1)
    assert card.count("You're going") == 1
    assert card.count('class="message') == 1
    # The Where card and the room link come along, out of band, already true.
    assert 'aria-labelledby="where-title" data-hx-swap-oob="true">' in rest
    assert f'href="{VIDEO}"' in rest
    assert "shared with members who are going" not in rest
    assert '<div id="room-link" data-hx-swap-oob="true">' in rest
    assert (
        f'<a class="button button-secondary" href="/meetings/{meeting.public_id}/live/">Join the live room</a>' in rest
    )


@pytest.mark.django_db
def test_an_rsvp_without_javascript_shows_one_box() -> None:
    group = GroupFactory()
    facilitator_of(group)
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group)
    r = _as(member).post(f"/meetings/{meeting.public_id}/rsvp/", {"answer": "going"}, follow=True)
    assert r.text.count("You're going") == 1
    assert r.text.count('class="message message-success"') == 1


@pytest.mark.django_db
def test_attendance_buttons_wait_for_the_meeting_to_start() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=4))
    RsvpFactory(meeting=meeting, user=member)
    c = _as(fac)
    page = c.get(meeting.get_absolute_url()).text
    assert "No-show" not in page
    assert "You can mark who came once the meeting has started." in page
    c.post(f"/meetings/{meeting.public_id}/attendance/", {"person": member.public_id, "attended": "no"})
    assert Rsvp.objects.get(meeting=meeting, user=member).attended is None
    with pytest.raises(services.MeetingError, match="once the meeting has started"):
        services.attendance_mark(meeting=meeting, user_id=member.pk, attended=True)
    # Once it has begun, the buttons are there and work.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    assert "No-show" in c.get(meeting.get_absolute_url()).text
    c.post(f"/meetings/{meeting.public_id}/attendance/", {"person": member.public_id, "attended": "no"})
    assert Rsvp.objects.get(meeting=meeting, user=member).attended is False
    # The integer key, another person's id, or none: nobody is marked.
    stranger = UserFactory()
    for person in (str(member.pk), stranger.public_id, "", "\x00"):
        r = c.post(f"/meetings/{meeting.public_id}/attendance/", {"person": person, "attended": "yes"})
        assert (r.status_code, r.content) == (404, b"That person has not answered this meeting.")
    assert Rsvp.objects.get(meeting=meeting, user=member).attended is False


@pytest.mark.django_db
def test_members_page_promises_only_what_exists() -> None:
    group = GroupFactory()
    facilitator_of(group)
    member = MembershipFactory(group=group).user
    c = _as(member)
    page = c.get(f"/groups/{group.slug}/members/").text
    assert "Say hello" not in page
    assert "Their profiles say what each is looking for." in page
    meeting = MeetingFactory(group=group, title="Spring roundtable")
    page = c.get(f"/groups/{group.slug}/members/").text
    assert f'Meet them at the next meeting: <a href="{meeting.get_absolute_url()}">Spring roundtable</a>' in page


@pytest.mark.django_db
def test_members_page_skips_a_cancelled_next_meeting() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    cancelled = MeetingFactory(group=group, title="Called off", starts_at=timezone.now() + timedelta(days=1))
    services.meeting_cancel(meeting=cancelled, by=fac)
    page = _as(UserFactory.create()).get(f"/groups/{group.slug}/members/")
    assert page.status_code == 403
    page = _as(fac).get(f"/groups/{group.slug}/members/").text
    assert "Called off" not in page
