"""The tracker on other surfaces: fixed query counts for the board and the lists at two
sizes, interviews in the private calendar feed (stable UIDs, an ETag that changes with
them, nobody else's), tasks due on the home page, in the agenda and in the weekly digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.meetings.feed_services import calendar_feed_create
from roundtable.meetings.tasks import send_weekly_digest
from roundtable.tracker import selectors, services
from roundtable.tracker.models import ActivityKind, Stage
from roundtable.tracker.selectors import today_for
from tests.factories import UserFactory
from tests.queries import page_queries
from tests.tracker.helpers import logged_in

pytestmark = pytest.mark.django_db


def _grow(owner, n: int) -> None:  # type: ignore[no-untyped-def]
    """n of everything, each tied to the others."""
    today = selectors.today_for(owner)
    for i in range(n):
        contact = services.contact_create(owner=owner, data=services.ContactData(
            name=f"Person {i}", company_name=f"Company {i}", next_touch_on=today + timedelta(days=i)))  # fmt: skip
        opp = services.opportunity_create(owner=owner, data=services.OpportunityData(
            company_name=f"Company {i}", role=f"Role {i}", stage=Stage.values[i % 8]))  # fmt: skip
        services.activity_create(owner=owner, data=services.ActivityData(
            kind=ActivityKind.values[i % 7], occurred_on=today - timedelta(days=i), contact=contact,
            opportunity=opp))  # fmt: skip
        services.task_create(owner=owner, title=f"Task {i}", due_on=today - timedelta(days=i % 3), contact=contact)
    services.targets_set(owner=owner, per_week={"outreach": 3, "conversation": 2})


PAGES = ("tracker:home", "tracker:board", "tracker:contacts", "tracker:companies", "tracker:activities",
         "tracker:tasks", "tracker:quick_add", "home", "meetings:agenda")  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_pages_take_a_fixed_number_of_queries_at_two_sizes(name: str) -> None:
    small, large = UserFactory(), UserFactory()
    _grow(small, 2)
    _grow(large, 40)
    counts = [page_queries(logged_in(u), reverse(name)) for u in (small, large)]
    assert counts[0] == counts[1], name


def test_row_pages_take_a_fixed_number_of_queries_at_two_sizes() -> None:
    small, large = UserFactory(), UserFactory()
    _grow(small, 2)
    _grow(large, 30)
    for name, lookup in (("tracker:contact", "contacts"), ("tracker:company", "companies")):
        counts = []
        for u in (small, large):
            row = getattr(selectors, lookup)(u).first()
            counts.append(page_queries(logged_in(u), reverse(name, args=[row.public_id])))
        assert counts[0] == counts[1], name


def test_the_board_shows_every_column_in_order_with_its_cards() -> None:
    owner = UserFactory()
    _grow(owner, 9)
    columns = selectors.board(owner)
    assert [c.stage for c in columns] == list(Stage.values)
    assert [len(c.cards) for c in columns] == [2, 1, 1, 1, 1, 1, 1, 1]
    html = logged_in(owner).get(reverse("tracker:board")).text
    assert html.count('class="board-card"') == 9


# ---------------------------------------------------------------- the private calendar feed


def _feed(user) -> str:  # type: ignore[no-untyped-def]
    return f"/calendar/{calendar_feed_create(user=user)[1]}.ics"


def test_interviews_with_a_time_are_in_the_owners_private_feed_with_stable_uids() -> None:
    ann, bob = UserFactory(), UserFactory()
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    # The interview's day where each lives (the UTC date differs for hours after midnight UTC).
    day_ann, day_bob = today_for(ann, start), today_for(bob, start)
    opp = services.opportunity_create(owner=ann, data=services.OpportunityData(company_name="Acme", role="PM"))
    interview = services.activity_create(owner=ann, data=services.ActivityData(
        kind="interview", occurred_on=day_ann, starts_at=start, duration_minutes=45, opportunity=opp))  # fmt: skip
    services.activity_create(owner=ann, data=services.ActivityData(kind="interview", occurred_on=day_ann))
    services.activity_create(owner=bob, data=services.ActivityData(
        kind="interview", occurred_on=day_bob, starts_at=start, company_name="Bob's secret employer"))  # fmt: skip
    url = _feed(ann)
    first = Client().get(url)
    events = icalendar.Calendar.from_ical(first.content).events
    assert [(str(e["uid"]), str(e["summary"])) for e in events] == [
        (f"interview-{interview.public_id}@roundtable", "Interview: PM at Acme")
    ]
    assert events[0].decoded("dtend") - events[0].decoded("dtstart") == timedelta(minutes=45)
    assert b"Bob" not in first.content
    assert b"secret" not in Client().get(url).content
    # Unchanged: the same ETag (304). Changed: a new one, the same UID.
    assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    services.activity_update(activity=interview, data=services.ActivityData(
        kind="interview", starts_at=start + timedelta(hours=2), opportunity=opp))  # fmt: skip
    second = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    moved = icalendar.Calendar.from_ical(second.content).events[0]
    assert str(moved["uid"]) == f"interview-{interview.public_id}@roundtable"
    assert moved.decoded("dtstart") == start + timedelta(hours=2)
    assert b"Bob" not in Client().get(_feed(ann)).content
    bob_feed = icalendar.Calendar.from_ical(Client().get(_feed(bob)).content).events
    assert [str(e["summary"]) for e in bob_feed] == ["Interview at Bob's secret employer"]


# ---------------------------------------------------------------- home, agenda, digest


def test_home_waiting_for_you_lists_overdue_and_due_today_tasks_and_the_weeks_progress() -> None:
    owner = UserFactory()
    today = selectors.today_for(owner)
    services.task_create(owner=owner, title="Thank Dana", due_on=today - timedelta(days=2))
    services.task_create(owner=owner, title="Call Li", due_on=today)
    services.task_create(owner=owner, title="Later thing", due_on=today + timedelta(days=1))
    done = services.task_create(owner=owner, title="Done thing", due_on=today)
    services.task_done_set(task=done, done=True)
    services.targets_set(owner=owner, per_week={"outreach": 10})
    html = logged_in(owner).get("/").text
    waiting = html.split('id="waiting-title"')[1].split("</section>")[0]
    assert "Your task: Thank Dana" in waiting
    assert "Was due" in waiting
    assert "Your task: Call Li" in waiting
    assert "Due today" in waiting
    assert "Later thing" not in waiting
    assert "Done thing" not in waiting
    assert "0 of 10 outreach to hiring managers" in html


def test_the_agenda_has_a_tasks_due_section() -> None:
    owner = UserFactory()
    today = selectors.today_for(owner)
    services.task_create(owner=owner, title="Send the thank-you note", due_on=today + timedelta(days=2))
    services.task_create(owner=owner, title="Far away", due_on=today + timedelta(days=30))
    html = logged_in(owner).get(reverse("meetings:agenda")).text
    assert "Send the thank-you note" in html
    assert "Far away" not in html


def test_the_weekly_digest_lists_the_persons_tasks_due_and_nobody_elses(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    monday = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
    ann, bob = UserFactory(), UserFactory()
    services.task_create(owner=ann, title="Follow up with Dana", due_on=date(2026, 12, 2))
    services.task_create(owner=ann, title="Overdue note", due_on=date(2026, 11, 20))
    services.task_create(owner=ann, title="Next month", due_on=date(2026, 12, 30))
    services.task_create(owner=bob, title="Bob's private task", due_on=date(2026, 12, 1))
    assert send_weekly_digest(monday) == 2
    mine = next(m for m in mailoutbox if m.to == [ann.email])
    assert mine.subject == "[Roundtable] Your week ahead: 2 tasks due"
    assert "Follow up with Dana: due Wed Dec 2" in mine.body
    assert "Overdue note: was due Fri Nov 20" in mine.body
    assert "Next month" not in mine.body
    assert "Bob" not in mine.body
