"""Writes of the base app: task workers' heartbeats."""

from __future__ import annotations

from datetime import datetime, timedelta

from .models import WorkerHeartbeat

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
