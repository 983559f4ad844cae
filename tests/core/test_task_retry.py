"""A passing "database is locked" does not lose an email (finding 8 of the issue 11 review):
the real task worker runs the task, the lock is a real OperationalError raised by Django's
own query layer (connection.execute_wrapper) for the claim's first attempts, and the email
still goes exactly once. Errors that do not pass are not retried."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection
from django_tasks_db.models import DBTaskResult

from roundtable.buddies import tasks as buddy_tasks
from roundtable.buddies.models import MatchRun
from roundtable.core import retry
from roundtable.notifications.models import EmailState, Notification
from tests.buddies.world import join, paired, person, run_tasks
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    # The backoff's sleeps, not the retrying, are what this shortens.
    monkeypatch.setattr(retry, "DELAYS", (0.0, 0.0, 0.0, 0.0))
    monkeypatch.setattr(retry.time, "sleep", lambda _s: None)


class Locked:
    """Raise `message` for the first `times` statements that contain `marker`."""

    def __init__(self, marker: str, times: int, message: str = "database is locked") -> None:
        self.marker, self.left, self.message, self.raised = marker, times, message, 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if self.left and self.marker in sql:
            self.left -= 1
            self.raised += 1
            raise OperationalError(self.message)
        return execute(sql, params, many, context)


def _subjects(mailoutbox) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted((m.to[0], m.subject.split("] ")[-1]) for m in mailoutbox)


def test_a_notification_email_survives_a_passing_lock_and_goes_once(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    w = paired()
    lock = Locked('UPDATE "notifications_notification"', times=3)
    with connection.execute_wrapper(lock):
        run_tasks()
    run_tasks()  # nothing is left to do: a second pass sends nothing more
    assert lock.raised == 3
    assert _subjects(mailoutbox) == [
        (w.ann.email, "Meet your work search buddy: Bo Birch"),
        (w.bo.email, "Meet your work search buddy: Ann Alder"),
    ]
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_an_error_that_does_not_pass_is_not_retried(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    paired()
    lock = Locked('UPDATE "notifications_notification"', times=100, message="no such column: nope")
    with connection.execute_wrapper(lock):
        run_tasks()
    assert lock.raised == 2  # one attempt for each of the two emails
    assert mailoutbox == []
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.NOW}


def test_a_lock_that_outlasts_every_attempt_leaves_the_email_owed(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    paired()
    lock = Locked('UPDATE "notifications_notification"', times=100)
    with connection.execute_wrapper(lock):
        run_tasks()
    assert lock.raised == 2 * (len(retry.DELAYS) + 1)
    assert mailoutbox == []
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.NOW}


def test_a_facilitators_run_survives_a_passing_lock() -> None:
    group = GroupFactory()
    fac = person("Fay Fern")
    MembershipFactory(group=group, user=fac, role="facilitator")
    join(person("Ann Alder", group), group)
    join(person("Bo Birch", group), group)
    buddy_tasks.run_matching.enqueue(group_id=group.pk, requested_by_id=fac.pk)
    lock = Locked('INSERT INTO "buddies_matchrun"', times=2)
    with connection.execute_wrapper(lock):
        run_tasks()
    assert lock.raised == 2
    assert list(MatchRun.objects.values_list("pool_size", "pairs_made")) == [(2, 1)]


def test_transient_errors() -> None:
    assert retry.is_transient(OperationalError("database is locked"))
    assert retry.is_transient(OperationalError("database table is locked"))
    assert not retry.is_transient(OperationalError("no such table: x"))
    assert not retry.is_transient(ValueError("database is locked"))
