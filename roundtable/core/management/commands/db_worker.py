"""`manage.py db_worker`: django-tasks-db's worker, with Roundtable's heartbeat beside it.

The heartbeat (core/worker.py) tells readiness that a worker is running and keeps the
periodic work queued (the meetings tick: series top-up, reminders, the weekly digest), so
starting the worker is the one step that starts it all. The same name as the library's
command on purpose: every start of a worker, whatever doc it came from, gets the tick.
`roundtable.core` is listed before `django_tasks_db` in INSTALLED_APPS so this one wins.

`--batch` (run what is queued, then exit) keeps no periodic work: it is a drain, not a worker.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker as library

from roundtable.core.worker import Heartbeat


class Command(library.Command):
    help = (
        "Run the background task worker, with its heartbeat (readiness) and the periodic work "
        "(the meetings tick) that starts with it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Under --reload the parent process only watches files; the child runs the worker.
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if options["batch"] or reloader_parent:
            super().handle(*args, **options)
            return
        heartbeat = Heartbeat(worker_id=options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
