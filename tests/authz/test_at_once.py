"""A ban and a block take effect at once on every surface (issue 12): the very next request
or frame, with nothing cached on the way. What other suites already hold is named here, and
only the gaps are tested below.

Already covered (ban, removal or lost access):
- live room, open sockets: tests/live/test_consumers.py::test_a_removed_member_is_disconnected_at_once,
  tests/live/test_relay.py::test_a_removed_member_stops_hearing_at_once_and_the_others_go_on,
  tests/live/test_access_ends.py (admin removal, deactivation, the recheck bound, the seat and queue);
- discovery (the member's own page, cached): tests/groups/test_discovery_cache.py::
  test_losing_access_takes_effect_at_once_for_the_member;
- notifications (inbox, count, badge socket, email now and digest, re-checked when sent):
  tests/notifications/test_inbox_pages.py, test_api.py, test_badge_socket.py, test_email_now.py,
  test_digest.py;
- buddies (a pairing in the group's pool ends): tests/buddies/test_membership_end.py.
Already covered (block):
- profiles both ways: tests/accounts/test_blocks.py::test_profiles_answer_404_both_ways_at_once;
- live room, sockets open before the block: tests/live/test_blocks.py;
- introductions: tests/network/test_blocks.py, tests/network/test_introductions.py;
- buddy matching: tests/buddies/test_blocks.py;
- the block journey in a browser: tests/e2e/test_block_journey.py.
The gaps, below: a ban against one person's open page session, API token, private calendar
feed and a facilitator's pending email, all at once; a block against the recommendations
(page and API) and the profile through the API token and an open page session.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from roundtable.accounts import blocks
from roundtable.accounts.models import Profile
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, Membership
from roundtable.groups.services import membership_remove
from roundtable.meetings.feed_services import calendar_feed_create
from roundtable.meetings.tasks import email_message_going
from tests.clients import signed_in
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

pytestmark = pytest.mark.django_db


def test_a_ban_takes_effect_on_the_next_page_api_call_feed_poll_and_email() -> None:
    group = GroupFactory(name="Quiet Circle", slug="quiet", visibility=GroupVisibility.SECRET)
    rosa = facilitator_of(group)
    ann = MembershipFactory(group=group, user=UserFactory(email="ann@example.com")).user
    meeting = MeetingFactory(group=group, title="Thursday circle")
    for user in (rosa, ann):
        RsvpFactory(meeting=meeting, user=user)
    page = signed_in(ann)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=ann)[1]}"}
    feed = reverse("feeds:private", args=[calendar_feed_create(user=ann)[1]])
    urls = [reverse("groups:detail", args=["quiet"]), reverse("meetings:detail", args=[meeting.public_id])]
    api = ["/api/v1/groups/quiet", f"/api/v1/meetings/{meeting.public_id}"]
    # Before: every surface shows it (and the page and feed are read once, so any cache is warm).
    assert [page.get(u).status_code for u in urls] == [200, 200]
    assert [Client().get(u, **bearer).status_code for u in api] == [200, 200]
    assert "SUMMARY:Thursday circle" in Client().get(feed).text
    assert "Thursday circle" in page.get(reverse("meetings:agenda")).text

    membership_remove(membership=Membership.objects.get(group=group, user=ann), by=rosa, ban=True)

    assert [page.get(u).status_code for u in urls] == [404, 404]
    assert [Client().get(u, **bearer).status_code for u in api] == [404, 404]
    assert "Thursday circle" not in Client().get(feed).text
    assert "Thursday circle" not in page.get(reverse("meetings:agenda")).text
    assert "Quiet Circle" not in page.get(reverse("groups:mine")).text
    assert (
        Client().get("/api/v1/me/meetings", **bearer).json()
        == Client()
        .get("/api/v1/me/meetings", HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=UserFactory())[1]}")
        .json()
    )
    # A message the facilitator sends now reaches nobody: Ann was the only other one going.
    mail.outbox = []
    assert email_message_going.call(meeting_id=meeting.pk, sender_id=rosa.pk, subject="Hello", body="See you") == 0
    assert mail.outbox == []


def test_a_block_takes_effect_on_the_next_profile_read_and_recommendation() -> None:
    group = GroupFactory(name="Boston Roundtable")
    rosa = facilitator_of(group)
    ann, bo = (MembershipFactory(group=group).user for _ in range(2))
    # Bo works where Ann wants a role: he is who she should meet.
    Profile.objects.filter(user=ann).update(target_companies="Northwind Health", target_roles="Analyst")
    Profile.objects.filter(user=bo).update(current_company="Northwind Health", target_roles="Analyst")
    meeting = MeetingFactory(group=group)
    for user in (ann, bo):
        RsvpFactory(meeting=meeting, user=user)
    page = signed_in(ann)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=ann)[1]}"}
    recommendations = f"/api/v1/meetings/{meeting.public_id}/recommendations"
    profile = reverse("accounts:profile", args=[bo.public_id])
    who = reverse("network:who_to_meet", args=[meeting.public_id])

    def named(body: str) -> bool:
        return bo.public_id in body

    assert page.get(profile).status_code == 200
    assert named(page.get(who).text)
    assert named(Client().get(recommendations, **bearer).text)

    blocks.block_create(blocker=bo, blocked=ann)

    assert page.get(profile).status_code == 404
    assert not named(page.get(who).text)
    r = Client().get(recommendations, **bearer)
    assert r.status_code == 200
    assert not named(r.text)
    del rosa
