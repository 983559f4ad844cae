"""Retrying a task's database work when the database was only briefly unavailable.

A task that claims and sends (an email marked sent in the transaction that sends it) loses
its work for good when that transaction fails on a passing lock: nothing runs the task
again (django-tasks-db's worker records it FAILED and retries nothing). On SQLite a second
process writing for longer than the busy timeout raises OperationalError "database is
locked"; on PostgreSQL a serialization failure or deadlock (SQLSTATE 40001, 40P01) or a
dropped connection is as passing. `retry_transient` runs the work again after a short
backoff for those errors only.

Exactly once still: the work is one transaction, so a failed attempt left no claim behind;
and the work marks `attempt.sent` as soon as its message went, after which a failure (only
the COMMIT is left) is raised, never retried, so nothing goes twice. Work inside an outer
transaction is never retried (the outer one is broken by the error): callers run it at the
top level of the task.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)

# Seconds to wait before each further attempt (each attempt may itself wait up to SQLite's
# busy timeout for the lock): five attempts in all.
DELAYS: Sequence[float] = (0.5, 1.0, 2.0, 4.0)

_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "database is busy")
_PG_TRANSIENT = {"40001", "40P01"}  # serialization_failure, deadlock_detected


@dataclass
class Attempt:
    """Passed to the work: `number` counts from 1; set `sent` once a message has gone."""

    number: int = 1
    sent: bool = False


def is_transient(exc: BaseException) -> bool:
    """Whether a database error is one that passes (see the module docstring)."""
    if not isinstance(exc, OperationalError):
        return False
    if any(text in str(exc).lower() for text in _SQLITE_TRANSIENT):
        return True
    cause = exc.__cause__
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if code in _PG_TRANSIENT:
        return True
    # A dropped connection (the driver's own error, on an open connection that no longer
    # answers): closed before the next attempt, which opens a new one.
    if cause is None or connection.vendor != "postgresql" or connection.connection is None:
        return False
    return not connection.is_usable()


def retry_transient[T](work: Callable[[Attempt], T], *, what: str, delays: Sequence[float] = DELAYS) -> T:
    """Run `work(attempt)` and return what it returns; on a transient database error (and
    only while nothing was sent and no outer transaction is open) wait and run it again, up
    to len(delays) more times. Any other error, or the last one, is raised. `what` names the
    work in the log ("Notification 12's email")."""
    attempt = Attempt()
    while True:
        try:
            return work(attempt)
        except OperationalError as exc:
            retry = attempt.number <= len(delays) and not attempt.sent and not connection.in_atomic_block
            if not retry or not is_transient(exc):
                raise
            delay = delays[attempt.number - 1]
            logger.warning("%s: %s (attempt %d); trying again in %.1f s", what, exc, attempt.number, delay)
            if connection.vendor == "postgresql" and not connection.is_usable():
                connection.close()
            time.sleep(delay)
            attempt.number += 1
