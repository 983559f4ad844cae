"""Fixed query counts at two data sizes: the meeting page with a goal (and with a reflection
after the end), the journal page and the home page's prompts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from roundtable.journal import services
from tests.factories import MeetingFactory, RsvpFactory
from tests.queries import page_queries

from .world import as_client, end, world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("others", [2, 12])
def test_meeting_page_with_a_goal(others: int) -> None:
    w = world(others=others)
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["meet_attendees"],
                      people=[services.GoalPick(u.public_id, "why") for u in w.going])  # fmt: skip
    # 11 with the navigation's unread badge (one COUNT, notifications.selectors.badge_count).
    assert page_queries(as_client(w.ann), w.meeting.get_absolute_url()) == 11


@pytest.mark.parametrize("others", [2, 12])
def test_meeting_page_after_the_end_with_a_reflection(others: int) -> None:
    w = world(others=others)
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["support"])
    end(w.meeting)
    services.reflection_save(owner=w.ann, meeting=w.meeting, value=4, met=[u.public_id for u in w.going],
                             follow_ups=[services.FollowUp(f"Thank {u.public_id}") for u in w.going[:10]])  # fmt: skip
    # One of the 14 lists the follow-ups already added, whatever their number (one is the
    # navigation's unread badge).
    assert page_queries(as_client(w.ann), w.meeting.get_absolute_url()) == 14


@pytest.mark.parametrize("meetings", [1, 6])
def test_journal_and_home_pages(meetings: int) -> None:
    w = world(others=2)
    for i in range(meetings):
        m = MeetingFactory(group=w.group, title=f"Past {i}")
        for u in [w.ann, *w.going]:
            RsvpFactory(meeting=m, user=u)
        services.goal_set(owner=w.ann, meeting=m, reasons=["support"],
                          people=[services.GoalPick(u.public_id) for u in w.going])  # fmt: skip
        end(m)
        m.starts_at -= timedelta(days=i)
        if i % 2 == 0:
            services.reflection_save(owner=w.ann, meeting=m, value=3, met=[u.public_id for u in w.going])
    c = as_client(w.ann)
    # Each with one for the navigation's unread badge (notifications.selectors.badge_count).
    assert page_queries(c, "/me/journal/") == 10
    # The home page: 13 of its own and the journal's prompt, 2 for the tracker (tasks due, this
    # week), 1 for the badge.
    assert page_queries(c, "/") == 16
