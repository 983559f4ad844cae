"""Health means ready (issue 9, item 15): `/healthz` stays a cheap liveness answer, `/readyz`
answers 503 with the reason when the database is away, migrations have not run, the static
manifest is missing, no task worker is running, or the periodic tick has stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from roundtable.core import readiness
from roundtable.core.models import WorkerHeartbeat
from roundtable.meetings import tasks

ROOT = Path(__file__).resolve().parents[2]


def _now() -> datetime:
    return timezone.now().replace(microsecond=0)


def _heartbeat(seen_at: datetime, worker_id: str = "w1") -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="web-1", pid=4242, started_at=seen_at - timedelta(hours=1), seen_at=seen_at
    )


def _tick(status: str, *, started_at: datetime | None = None, finished_at: datetime | None = None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=tasks.tick.module_path,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=started_at or finished_at or timezone.now(),
        status=status,
        started_at=started_at,
        finished_at=finished_at,
        exception_class_path="django.db.utils.OperationalError" if status == TaskResultStatus.FAILED else "",
    )


def _report(now: datetime) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.ok, c.detail) for c in readiness.check_all(now)}


@pytest.mark.django_db
def test_ready_when_the_worker_and_the_tick_are_recent() -> None:
    now = _now()
    _heartbeat(now - timedelta(seconds=20))
    _tick(TaskResultStatus.SUCCESSFUL, started_at=now - timedelta(minutes=2), finished_at=now - timedelta(minutes=2))
    assert _report(now) == {
        "database": (True, "answers"),
        "static files": (True, "no manifest needed (development storage)"),
        "migrations": (True, "all applied"),
        "task worker": (True, "1 seen in the last 90 s"),
        "periodic tick": (True, "last ran 2 min ago (runs every 5 min with the task worker)"),
    }
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert lines[:5] == [
        "ready",
        "database: ok - answers",
        "static files: ok - no manifest needed (development storage)",
        "migrations: ok - all applied",
        "task worker: ok - 1 seen in the last 90 s",
    ]
    assert lines[5].startswith("periodic tick: ok - last ran ")
    assert len(lines) == 6


@pytest.mark.django_db
def test_not_ready_without_a_worker_or_a_tick_and_says_since_when() -> None:
    now = _now()
    assert _report(now)["task worker"] == (False, "none running: start manage.py db_worker")
    assert _report(now)["periodic tick"] == (
        False,
        "has never run: it runs every 5 min with the task worker (manage.py db_worker)",
    )
    # A worker that died five minutes ago, and a tick that last ran 40 minutes ago and then failed.
    _heartbeat(now - timedelta(minutes=5))
    _tick(TaskResultStatus.SUCCESSFUL, started_at=now - timedelta(minutes=40), finished_at=now - timedelta(minutes=40))
    _tick(TaskResultStatus.FAILED, started_at=now - timedelta(minutes=35), finished_at=now - timedelta(minutes=35))
    report = _report(now)
    assert report["task worker"] == (False, "none running (last seen 5 min ago): start manage.py db_worker")
    assert report["periodic tick"] == (
        False,
        "last ran 40 min ago; the last try failed 35 min ago with OperationalError: "
        "it runs every 5 min with the task worker (manage.py db_worker)",
    )
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.content.decode().splitlines()[0] == "not ready"
    assert "task worker: FAIL - none running (last seen 5 min ago): start manage.py db_worker" in (
        response.content.decode().splitlines()
    )
    # Liveness does not read the database: still "ok".
    live = Client().get("/healthz")
    assert (live.status_code, live.content) == (200, b"ok")


@pytest.mark.django_db
def test_a_long_tick_still_running_counts_but_one_lost_with_its_worker_does_not() -> None:
    now = _now()
    _heartbeat(now)
    running = _tick(TaskResultStatus.RUNNING, started_at=now - timedelta(minutes=25))
    assert _report(now)["periodic tick"] == (True, "running for 25 min")
    assert tasks.tick_pending(now) is True
    # Its worker was killed: the row says RUNNING forever.
    DBTaskResult.objects.filter(pk=running.pk).update(started_at=now - timedelta(hours=2))
    assert _report(now)["periodic tick"] == (
        False,
        "has never run: it runs every 5 min with the task worker (manage.py db_worker)",
    )
    assert tasks.tick_pending(now) is False


@pytest.mark.django_db
def test_unapplied_migrations_are_named_and_reading_checks_wait_for_them() -> None:
    MigrationRecorder.Migration.objects.filter(app="core", name="0001_worker_heartbeat").delete()
    report = _report(_now())
    assert report["migrations"] == (False, "1 not applied (core.0001_worker_heartbeat): run manage.py migrate")
    assert report["task worker"] == (False, "not checked: migrations not applied")
    assert report["periodic tick"] == (False, "not checked: migrations not applied")


def test_the_static_manifest_must_be_loaded(settings: Settings, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert readiness.static_files() == (False, "no manifest: run manage.py collectstatic")
    # collectstatic ran after this process loaded the (missing) manifest: pages still fail here.
    manifest = {"version": "1.1", "hash": "abc", "paths": {"core/site.css": "core/site.0123456789ab.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    assert readiness.static_files() == (False, "the manifest appeared after this process started: restart it")
    # A process started after collectstatic (a new storage, as at start-up).
    settings.STATIC_ROOT = tmp_path / "."
    assert readiness.static_files() == (True, "manifest loaded (1 files)")


def _readyz_in_a_process(tmp_path: Path, sqlite_path: str) -> tuple[int, str, int]:
    """/readyz and /healthz answered by a fresh process on its own SQLite file."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ROUNDTABLE_TESTING="1",
        SQLITE_PATH=sqlite_path,
        ROUNDTABLE_VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="CRITICAL",
    )
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(); r = c.get('/readyz'); h = c.get('/healthz')\n"
        "print(r.status_code, h.status_code); print(r.content.decode(), end='')\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    first, _, body = done.stdout.partition("\n")
    ready, live = (int(n) for n in first.split())
    return ready, body, live


def test_a_fresh_database_without_migrations_is_not_ready(tmp_path: Path) -> None:
    ready, body, live = _readyz_in_a_process(tmp_path, str(tmp_path / "new.sqlite3"))
    assert (ready, live) == (503, 200)
    lines = body.splitlines()
    assert lines[:3] == [
        "not ready",
        "database: ok - answers",
        "static files: ok - no manifest needed (development storage)",
    ]
    assert lines[3].startswith("migrations: FAIL - ")
    assert "(contenttypes.0001_initial, " in lines[3]
    assert lines[3].endswith(": run manage.py migrate")
    assert lines[4:] == [
        "task worker: FAIL - not checked: migrations not applied",
        "periodic tick: FAIL - not checked: migrations not applied",
    ]


def test_an_unreachable_database_is_not_ready(tmp_path: Path) -> None:
    ready, body, live = _readyz_in_a_process(tmp_path, str(tmp_path / "no-such-dir" / "db.sqlite3"))
    assert (ready, live) == (503, 200)
    assert body.splitlines() == [
        "not ready",
        "database: FAIL - unreachable (the error is in the log)",
        "static files: ok - no manifest needed (development storage)",
        "migrations: FAIL - not checked: the database is unreachable",
        "task worker: FAIL - not checked: the database is unreachable",
        "periodic tick: FAIL - not checked: the database is unreachable",
    ]


@pytest.mark.django_db
def test_probes_over_plain_http_are_not_redirected(settings: Settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503
    assert client.get("/groups/").status_code == 301


def test_ago_reads_as_a_person_would() -> None:
    now = _now()
    assert [readiness.ago(now - d, now) for d in (
        timedelta(seconds=5), timedelta(minutes=7), timedelta(hours=3), timedelta(days=2), timedelta(seconds=-3)
    )] == ["5 s", "7 min", "3 h", "2 days", "0 s"]  # fmt: skip
