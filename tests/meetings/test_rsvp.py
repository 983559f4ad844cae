from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from roundtable.groups import services as group_services
from roundtable.meetings import services
from roundtable.meetings.models import Meeting, MeetingStatus, Rsvp, RsvpStatus
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory, facilitator_of


def _members(group, n: int) -> list:  # type: ignore[no-untyped-def]
    return [MembershipFactory(group=group).user for _ in range(n)]


def _statuses(meeting: Meeting) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in Rsvp.objects.filter(meeting=meeting):
        out[r.status] = out.get(r.status, 0) + 1
    return out


@pytest.mark.django_db
def test_capacity_waitlist_and_promotion_in_order() -> None:
    meeting = MeetingFactory(capacity=2)
    a, b, c, d = _members(meeting.group, 4)
    results = [services.rsvp_set(meeting=meeting, user=u, going=True) for u in (a, b, c, d)]
    assert [(r.rsvp.status, r.position) for r in results] == [
        ("going", None), ("going", None), ("waitlisted", 1), ("waitlisted", 2),
    ]  # fmt: skip
    meeting.refresh_from_db()
    assert (meeting.going_count, meeting.waitlist_count) == (2, 2)
    # Asking again changes nothing.
    assert services.rsvp_set(meeting=meeting, user=c, going=True).position == 1
    services.rsvp_set(meeting=meeting, user=a, going=False)
    assert Rsvp.objects.get(meeting=meeting, user=c).status == RsvpStatus.GOING
    assert services.waitlist_position(Rsvp.objects.get(meeting=meeting, user=d)) == 1
    meeting.refresh_from_db()
    assert (meeting.going_count, meeting.waitlist_count) == (2, 1)


@pytest.mark.django_db
def test_raising_capacity_promotes_the_waitlist() -> None:
    meeting = MeetingFactory(capacity=1)
    a, b, c = _members(meeting.group, 3)
    for u in (a, b, c):
        services.rsvp_set(meeting=meeting, user=u, going=True)
    services.capacity_set(meeting=meeting, capacity=2)
    assert _statuses(meeting) == {"going": 2, "waitlisted": 1}
    assert Rsvp.objects.get(meeting=meeting, user=b).status == RsvpStatus.GOING


@pytest.mark.django_db
def test_leaving_the_group_frees_the_seat() -> None:
    meeting = MeetingFactory(capacity=1)
    a, b = _members(meeting.group, 2)
    services.rsvp_set(meeting=meeting, user=a, going=True)
    services.rsvp_set(meeting=meeting, user=b, going=True)
    group_services.membership_leave(group=meeting.group, user=a)
    assert Rsvp.objects.get(meeting=meeting, user=a).status == RsvpStatus.DECLINED
    assert Rsvp.objects.get(meeting=meeting, user=b).status == RsvpStatus.GOING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        ("started", 409, "RSVP closed when the meeting started."),
        ("cancelled", 409, "This meeting was cancelled."),
        ("non_member", 403, "Join the group to RSVP to its meetings."),
    ],
)
def test_rsvp_refusals(case: str, status: int, message: str) -> None:
    meeting = MeetingFactory()
    user = UserFactory() if case == "non_member" else _members(meeting.group, 1)[0]
    if case == "started":
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    if case == "cancelled":
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    with pytest.raises(services.MeetingError) as exc:
        services.rsvp_set(meeting=meeting, user=user, going=True)
    assert (exc.value.status, exc.value.message) == (status, message)
    assert Rsvp.objects.count() == 0
    # The same through the page: the reason in the RSVP card, nothing saved. htmx swaps
    # nothing on a 4xx, so its answer is a 200 carrying the message (issue 9).
    c = Client()
    c.force_login(user)
    r = c.post(f"/meetings/{meeting.public_id}/rsvp/", {"answer": "going"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert f'<p class="message message-error" role="alert">{message}</p>'.replace("'", "&#x27;") in r.text
    assert Rsvp.objects.count() == 0


@pytest.mark.django_db
def test_rsvp_to_a_meeting_one_cannot_see_is_404() -> None:
    group = GroupFactory(visibility="secret", join_policy="invite")
    facilitator_of(group)
    meeting = MeetingFactory(group=group)
    c = Client()
    c.force_login(UserFactory())
    assert c.post(f"/meetings/{meeting.public_id}/rsvp/", {"answer": "going"}).status_code == 404
    assert c.post("/meetings/zzzzzzzzzzzz/rsvp/", {"answer": "going"}).status_code == 404
    assert c.post(f"/meetings/{meeting.public_id}/rsvp/", {"answer": "maybe"}).status_code == 404
    assert Rsvp.objects.count() == 0


def _race(meeting_id: int, users: list, going: bool) -> list[str]:  # type: ignore[type-arg]
    """Each user answers from its own thread and database connection, all released at once."""
    barrier = threading.Barrier(len(users))
    errors: list[str] = []

    def run(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.rsvp_set(meeting=Meeting.objects.get(pk=meeting_id), user=user, going=going)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    # A hundred threads need a hundred connections: give back the test's own meanwhile
    # (PostgreSQL's default limit is 100).
    connections.close_all()
    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_simultaneous_rsvps_never_overfill() -> None:
    n, capacity = (100, 20) if connection.vendor == "postgresql" else (30, 6)
    meeting = MeetingFactory(capacity=capacity)
    users = _members(meeting.group, n)
    assert _race(meeting.pk, users, True) == []
    assert _statuses(meeting) == {"going": capacity, "waitlisted": n - capacity}
    meeting.refresh_from_db()
    assert (meeting.going_count, meeting.waitlist_count) == (capacity, n - capacity)
    # Waitlisted strictly in order of arrival: positions 1..n-capacity, by the time each arrived.
    waiting = list(Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.WAITLISTED).order_by("waitlisted_at", "id"))
    assert [services.waitlist_position(r) for r in waiting] == list(range(1, n - capacity + 1))
    assert all(a.waitlisted_at <= b.waitlisted_at for a, b in itertools.pairwise(waiting))  # type: ignore[operator]
    # Simultaneous cancellations by half of those going promote exactly as many, in order.
    going = list(Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING).select_related("user"))
    leavers = [r.user for r in going[: capacity // 2]]
    assert _race(meeting.pk, leavers, False) == []
    assert _statuses(meeting) == {"going": capacity, "waitlisted": n - capacity - capacity // 2,
                                  "declined": capacity // 2}  # fmt: skip
    promoted = {r.user_id for r in waiting[: capacity // 2]}
    now_going = set(Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING).values_list("user_id", flat=True))
    assert promoted <= now_going
