"""The task worker's heartbeat, and the periodic work that hangs on it (issue 9, items 15-16).

`manage.py db_worker` is ours (core/management/commands/db_worker.py, which wraps
django-tasks-db's): beside the worker loop it runs a Heartbeat. Each beat

- records the worker as alive (WorkerHeartbeat), which the readiness check (`/readyz`) reads:
  no fresh row means no task worker is running, and nothing queued will ever happen;
- sends `worker_beat`, on which apps keep their periodic work queued. The meetings tick
  (meetings/apps.py) is one: it is enqueued at the first beat, when the worker starts, and
  re-enqueued by any later beat that finds the chain broken (a worker killed mid-tick).
  So no install step or cron line can be forgotten: a running worker is a running tick;
- removes finished task results older than two weeks (at most once an hour), so the queue's
  table does not grow for ever.

The first beat happens before the worker takes its first task; later ones every
HEARTBEAT_EVERY on a thread of their own, so a long task (a digest to many people) does not
make the worker look dead.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import connections
from django.dispatch import Signal
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = timedelta(seconds=30)
# Old finished task results are removed at the first beat and then this often.
PRUNE_EVERY = timedelta(hours=1)
# Readiness counts a worker as running when it was seen this recently: three missed beats.
WORKER_LATE = 3 * HEARTBEAT_EVERY

# Sent in the worker process at each beat, with `now` (an aware datetime). Receivers keep
# their periodic work queued; one that raises is logged and does not stop the others.
worker_beat = Signal()


class Heartbeat:
    """Beats for one worker: start() beats once and starts the thread; stop() ends both and
    removes the worker's row."""

    def __init__(self, worker_id: str, every: timedelta = HEARTBEAT_EVERY) -> None:
        self.worker_id = worker_id
        self.every = every
        self.started_at = timezone.now()
        self._pruned_at: datetime | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="roundtable-heartbeat", daemon=True)

    def beat(self) -> None:
        now = timezone.now()
        try:
            services.worker_heartbeat_record(
                worker_id=self.worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=self.started_at,
                now=now,
            )
        except Exception:
            # The database may be away for a moment; the next beat tries again, and
            # readiness says so meanwhile.
            logger.exception("Task worker %s could not record its heartbeat", self.worker_id)
            return
        for receiver, result in worker_beat.send_robust(sender=type(self), now=now):
            if isinstance(result, Exception):
                logger.error("Periodic work %r failed at a worker beat", receiver, exc_info=result)
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            try:
                services.task_results_prune(now=now)
                self._pruned_at = now
            except Exception:
                logger.exception("Task worker %s could not prune old task results", self.worker_id)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        try:
            services.worker_heartbeat_remove(worker_id=self.worker_id)
        except Exception:
            logger.exception("Task worker %s could not remove its heartbeat", self.worker_id)

    def _run(self) -> None:
        while not self._stop.wait(self.every.total_seconds()):
            try:
                self.beat()
            finally:
                # This thread's own connection: closed each time, so none is left stale.
                connections.close_all()
