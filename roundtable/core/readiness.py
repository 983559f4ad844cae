"""Readiness: can this deployment serve people right now? (`/readyz`, issue 9 item 15)

`/healthz` stays a cheap liveness answer (the process answers HTTP); `/readyz` runs every
check below and answers 200 only when all pass, else 503, one line per check with its reason:

- database: a query answers (the error itself goes to the log, not to the page);
- migrations: none unapplied (new code on an old schema fails page by page);
- static files: with the manifest storage (production), this process has a loaded manifest,
  without which every page fails to render ("Missing staticfiles manifest entry");
- task worker: a worker's heartbeat is fresh (core/worker.py): without one no email, reminder
  or series top-up ever happens;
- and each check another app registers (`register`): the meetings tick (meetings/readiness.py).

When the database is unreachable the checks that read it are not run, and say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from .models import WorkerHeartbeat
from .worker import WORKER_LATE

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


# A probe takes `now` (aware) and answers (ok, detail). It may assume the database answers.
Probe = Callable[[datetime], tuple[bool, str]]
_PROBES: dict[str, Probe] = {}


def register(name: str) -> Callable[[Probe], Probe]:
    """Add a named check that needs the database; apps call it from AppConfig.ready()."""

    def add(probe: Probe) -> Probe:
        _PROBES[name] = probe
        return probe

    return add


def ago(moment: datetime, now: datetime) -> str:
    """'42 s', '7 min', '3 h' or '2 days' between `moment` and `now`."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def database() -> tuple[bool, str]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Readiness: the database did not answer")
        return False, "unreachable (the error is in the log)"
    return True, "answers"


def migrations() -> tuple[bool, str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        return False, f"{len(names)} not applied ({shown}): run manage.py migrate"
    return True, "all applied"


def static_files() -> tuple[bool, str]:
    # A lazy object: isinstance sees the configured storage's class.
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return True, "no manifest needed (development storage)"
    if staticfiles_storage.hashed_files:
        return True, f"manifest loaded ({len(staticfiles_storage.hashed_files)} files)"
    if staticfiles_storage.read_manifest() is None:
        return False, "no manifest: run manage.py collectstatic"
    # Written after this process read it at start: the process serves from what it loaded.
    return False, "the manifest appeared after this process started: restart it"


def task_worker(now: datetime) -> tuple[bool, str]:
    fresh = WorkerHeartbeat.objects.filter(seen_at__gte=now - WORKER_LATE).count()
    if fresh:
        return True, f"{fresh} seen in the last {int(WORKER_LATE.total_seconds())} s"
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    # A worker that stopped cleanly removed its row: nothing to say about when.
    when = f" (last seen {ago(last, now)} ago)" if last is not None else ""
    return False, f"none running{when}: start manage.py db_worker"


def check_all(now: datetime | None = None) -> list[Check]:
    """Every check, in the order /readyz shows them. Checks that read tables run only once
    the database answers and every migration is applied; before that they say why not."""
    moment = now or timezone.now()
    checks = [Check("database", *database()), Check("static files", *static_files())]
    if not checks[0].ok:
        blocked = "not checked: the database is unreachable"
        checks.append(Check("migrations", False, blocked))
    else:
        checks.append(Check("migrations", *migrations()))
        blocked = "" if checks[-1].ok else "not checked: migrations not applied"
    reads: list[tuple[str, Callable[[], tuple[bool, str]]]] = [("task worker", lambda: task_worker(moment))]
    reads += [(name, lambda probe=probe: probe(moment)) for name, probe in _PROBES.items()]  # type: ignore[misc]
    for name, run in reads:
        if blocked:
            checks.append(Check(name, False, blocked))
            continue
        try:
            ok, detail = run()
        except DatabaseError:
            logger.exception("Readiness: the %s check failed", name)
            ok, detail = False, "the check failed (the error is in the log)"
        checks.append(Check(name, ok, detail))
    return checks
