"""Missed check-ins: one nudge per person and week, sent by the real task worker, and the
offer of a new buddy after two missed weeks; none once the pair ended or the person left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roundtable.buddies import services, tasks
from roundtable.buddies.models import Nudge
from roundtable.meetings.tasks import tick_once
from roundtable.notifications.selectors import inbox_for

from .world import WEDNESDAY, paired, run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

# The pair checks in on Mondays; Tuesday of the next week, 15:00 UTC (11 am in New York).
NEXT_TUESDAY = datetime(2027, 3, 23, 15, 0, tzinfo=UTC)


def _nudge(at: datetime) -> None:
    tasks.send_nudges.enqueue(at=at.isoformat())
    run_tasks()


def _sent(mailoutbox) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m.to[0], m.subject.split("] ")[-1]) for m in mailoutbox]


def test_a_missed_checkin_nudges_once(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    run_tasks()
    mailoutbox.clear()
    services.checkin_save(
        author=w.ann, pair=w.pair, commitments="Two applications", now=NEXT_TUESDAY - timedelta(days=1)
    )
    run_tasks()
    mailoutbox.clear()
    _nudge(NEXT_TUESDAY)
    _nudge(NEXT_TUESDAY + timedelta(minutes=5))
    _nudge(NEXT_TUESDAY + timedelta(days=2))
    assert _sent(mailoutbox) == [(w.bo.email, "A gentle reminder: this week's check-in")]
    assert list(Nudge.objects.values_list("user", "kind", "week")) == [(w.bo.pk, "missed", "2027-W12")]


def test_no_nudge_before_the_day_has_passed_or_in_the_week_the_pair_began(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    run_tasks()
    mailoutbox.clear()
    _nudge(WEDNESDAY + timedelta(days=1))  # Thursday of the first week: Monday came before the pair
    # Monday 23:30 in New York is still the check-in day there (Tuesday 03:30 UTC).
    _nudge(datetime(2027, 3, 23, 3, 30, tzinfo=UTC))
    assert mailoutbox == []
    assert w.pair.is_open


def test_no_nudge_after_the_pair_ends_or_the_person_leaves(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    services.pair_end(user=w.ann, pair=w.pair, now=NEXT_TUESDAY - timedelta(days=3))
    other = paired()
    services.pool_leave(user=other.bo, now=NEXT_TUESDAY - timedelta(days=3))
    run_tasks()
    mailoutbox.clear()
    _nudge(NEXT_TUESDAY)
    assert mailoutbox == []
    assert Nudge.objects.count() == 0


def test_two_missed_weeks_offer_the_buddy_a_new_match_once(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    run_tasks()
    mailoutbox.clear()
    services.checkin_save(author=w.ann, pair=w.pair, commitments="Week one", now=NEXT_TUESDAY - timedelta(days=1))
    _nudge(NEXT_TUESDAY)
    services.checkin_save(author=w.ann, pair=w.pair, commitments="Week two", now=NEXT_TUESDAY + timedelta(days=6))
    run_tasks()
    mailoutbox[:] = [m for m in mailoutbox if "checked in" not in m.subject]
    _nudge(NEXT_TUESDAY + timedelta(days=7))
    _nudge(NEXT_TUESDAY + timedelta(days=7, hours=1))
    assert _sent(mailoutbox) == [
        (w.bo.email, "A gentle reminder: this week's check-in"),
        (w.bo.email, "A gentle reminder: this week's check-in"),
        (w.ann.email, "Would a new buddy help?"),
    ]


def test_the_meetings_tick_carries_the_nudges(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    run_tasks()
    mailoutbox.clear()
    tick_once(NEXT_TUESDAY)
    tick_once(NEXT_TUESDAY + timedelta(minutes=5))
    run_tasks()
    assert next(i.title for i in inbox_for(w.ann)) == "A gentle reminder: this week's check-in"
    assert sorted(_sent(mailoutbox)) == sorted(
        [
            (w.ann.email, "A gentle reminder: this week's check-in"),
            (w.bo.email, "A gentle reminder: this week's check-in"),
        ]
    )


def test_the_weekly_run_happens_once_on_monday_morning(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    from roundtable.buddies.models import MatchRun

    from .world import join, person

    for name in ("Cy", "Di"):
        join(person(name))
    monday = datetime(2027, 3, 22, 7, 10, tzinfo=UTC)
    assert tasks.is_match_hour(monday) is True
    assert tasks.is_match_hour(monday + timedelta(hours=1)) is False
    tick_once(monday - timedelta(hours=1))
    assert MatchRun.objects.count() == 0
    tick_once(monday)
    tick_once(monday + timedelta(minutes=5))
    assert list(MatchRun.objects.values_list("group", "week", "pairs_made")) == [(None, "2027-W12", 1)]
