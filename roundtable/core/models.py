"""What the base app itself stores: which task workers are alive (readiness, issue 9)."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One running task worker (`manage.py db_worker`), seen every HEARTBEAT_EVERY.

    Written by the worker's heartbeat thread (core/worker.py), removed when the worker stops
    cleanly; a worker that died leaves a row that stops being fresh, and the readiness check
    (`/readyz`, core/readiness.py) reports "no task worker seen" once every row is stale.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname} (pid {self.pid})"
