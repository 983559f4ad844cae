"""Writes of the base app: task workers' heartbeats, and the queue's housekeeping."""

from __future__ import annotations

from datetime import datetime, timedelta

from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

# Finished task results kept for looking back (the admin lists them); older ones are removed.
KEEP_TASK_RESULTS = timedelta(days=14)
# A worker that has not been seen for a day is gone: its row is only clutter.
FORGET_AFTER = timedelta(days=1)


def worker_heartbeat_record(*, worker_id: str, hostname: str, pid: int, started_at: datetime, now: datetime) -> None:
    """Say that this worker is alive at `now` (aware); forget workers unseen for FORGET_AFTER."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": hostname, "pid": pid, "started_at": started_at, "seen_at": now},
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def worker_heartbeat_remove(*, worker_id: str) -> None:
    """A worker that stops cleanly says so, so readiness does not count it for its last minutes."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def task_results_prune(*, now: datetime) -> int:
    """Remove task results that finished (successfully or not) more than KEEP_TASK_RESULTS
    before `now`; queued and running ones stay. Returns how many went. Without it the queue's
    table grows by a row a task (the tick alone: 288 a day) for ever."""
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP_TASK_RESULTS).delete()
    return deleted
