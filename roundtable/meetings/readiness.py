"""The meetings tick in readiness (`/readyz`): series top-up, reminders and the weekly digest
happen only while the tick runs. It runs every TICK_EVERY with the task worker (core/worker.py
keeps it queued); when none has finished for TICK_LATE, readiness fails and says since when."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from roundtable.core.readiness import ago, register

from .tasks import TICK_EVERY, TICK_LATE, TICK_RUN_LIMIT, tick


@register("periodic tick")
def tick_is_recent(now: datetime) -> tuple[bool, str]:
    ticks = DBTaskResult.objects.filter(task_path=tick.module_path)
    every = f"every {int(TICK_EVERY.total_seconds() // 60)} min"
    last = ticks.filter(status=TaskResultStatus.SUCCESSFUL).aggregate(last=Max("finished_at"))["last"]
    if last is not None and now - last <= TICK_LATE:
        return True, f"last ran {ago(last, now)} ago (runs {every} with the task worker)"
    running = (
        ticks.filter(status=TaskResultStatus.RUNNING, started_at__gte=now - TICK_RUN_LIMIT)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if running is not None:
        return True, f"running for {ago(running, now)}"
    when = f"last ran {ago(last, now)} ago" if last is not None else "has never run"
    failed = (
        ticks.filter(status=TaskResultStatus.FAILED)
        .order_by("-finished_at")
        .values_list("finished_at", "exception_class_path")
        .first()
    )
    if failed is not None and failed[0] is not None and (last is None or failed[0] > last):
        when += f"; the last try failed {ago(failed[0], now)} ago with {failed[1].rsplit('.', 1)[-1]}"
    return False, f"{when}: it runs {every} with the task worker (manage.py db_worker)"
