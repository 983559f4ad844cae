"""The periodic work cannot be forgotten (issue 9, item 16): starting the task worker
(`manage.py db_worker`, ours) starts the meetings tick and the heartbeat readiness reads;
a chain broken by a worker killed mid-tick is started again at the next beat."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from roundtable.core import readiness
from roundtable.core.models import WorkerHeartbeat
from roundtable.core.worker import Heartbeat
from roundtable.meetings import tasks

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"


def _ticks(status: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=tasks.tick.module_path, status=status).order_by("enqueued_at"))


def _worker_env() -> dict[str, str]:
    """The real worker on the pytest test database (SQLite file or PostgreSQL)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL"}}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        env["DATABASE_URL"] = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
            **{k: db.get(k) or "" for k in ("USER", "PASSWORD", "HOST", "PORT", "NAME")}
        )
    env.update(DJANGO_SETTINGS_MODULE="config.settings", ROUNDTABLE_TESTING="1", LOG_LEVEL="WARNING")
    return env


def _wait_for(condition: str, check: object, process: subprocess.Popen[str], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert process.poll() is None, f"the worker exited while waiting for {condition}"
        assert time.monotonic() < deadline, f"the worker did not get to: {condition}"
        time.sleep(0.2)


def test_our_worker_command_is_the_one_manage_py_runs() -> None:
    assert get_commands()["db_worker"] == "roundtable.core"


@pytest.mark.django_db(transaction=True)
def test_starting_the_real_worker_starts_the_tick_and_its_heartbeat(tmp_path: Path) -> None:
    now = timezone.now()
    assert {c.name: c.ok for c in readiness.check_all(now)}["task worker"] is False
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603 - the project's own worker command
        [str(PYTHON), "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--no-startup-delay",
         "--worker-id", "worker-under-test"],
        cwd=ROOT, env=_worker_env(), stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        # Nothing was queued by hand: the worker's first beat queued the tick, and it ran.
        _wait_for("one tick run", lambda: len(_ticks(TaskResultStatus.SUCCESSFUL)) == 1, worker)
        _wait_for("the next tick queued", lambda: len(_ticks(TaskResultStatus.READY)) == 1, worker)
        [ran] = _ticks(TaskResultStatus.SUCCESSFUL)
        [queued] = _ticks(TaskResultStatus.READY)
        assert ran.worker_ids == ["worker-under-test"]
        assert ran.return_value == {"meetings_created": 0, "reminders_sent": 0, "digests_sent": 0}
        assert timedelta(minutes=4) < queued.run_after - ran.finished_at <= tasks.TICK_EVERY
        [beat] = WorkerHeartbeat.objects.all()
        assert (beat.worker_id, beat.pid) == ("worker-under-test", worker.pid)
        report = {c.name: c for c in readiness.check_all()}
        assert report["task worker"].ok is True
        assert report["periodic tick"].ok is True
        # A clean stop (what systemd and scripts/serve send) says the worker is gone.
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        log.close()
    assert WorkerHeartbeat.objects.count() == 0
    assert {c.name: c.detail for c in readiness.check_all()}["task worker"] == (
        "none running: start manage.py db_worker"
    )
    # The queued tick waits in the database for the next worker: still exactly one.
    assert len(_ticks(TaskResultStatus.READY)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_beat_restarts_a_chain_lost_with_a_killed_worker() -> None:
    beat = Heartbeat(worker_id="w2")
    beat.beat()
    assert len(_ticks(TaskResultStatus.READY)) == 1
    # A second beat finds the tick queued: nothing more.
    beat.beat()
    assert len(_ticks(TaskResultStatus.READY)) == 1
    # The worker that claimed it was killed mid-tick two hours ago: RUNNING forever, no successor.
    DBTaskResult.objects.filter(task_path=tasks.tick.module_path).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )
    beat.beat()
    assert len(_ticks(TaskResultStatus.READY)) == 1
    assert len(_ticks(TaskResultStatus.RUNNING)) == 1
    beat.stop()
    assert WorkerHeartbeat.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_batch_drain_is_not_a_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    assert WorkerHeartbeat.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_beat_prunes_finished_task_results_older_than_two_weeks() -> None:
    now = timezone.now()

    def result(status: str, finished_days_ago: int | None) -> DBTaskResult:
        finished = None if finished_days_ago is None else now - timedelta(days=finished_days_ago)
        return DBTaskResult.objects.create(
            task_path="roundtable.meetings.tasks.email_promoted",
            args_kwargs={"args": [], "kwargs": {"rsvp_id": 1}},
            backend_name="default",
            run_after=now - timedelta(days=30),
            status=status,
            finished_at=finished,
        )

    old_ok = result(TaskResultStatus.SUCCESSFUL, 15)
    old_failed = result(TaskResultStatus.FAILED, 20)
    recent = result(TaskResultStatus.SUCCESSFUL, 13)
    waiting = result(TaskResultStatus.READY, None)
    Heartbeat(worker_id="w3").beat()
    left = set(DBTaskResult.objects.exclude(task_path=tasks.tick.module_path).values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk__in=[old_ok.pk, old_failed.pk]).exists()
