from typing import Any

from django.apps import AppConfig


def keep_tick_queued(sender: Any, **kwargs: Any) -> None:
    """At each task worker's beat (core/worker.py): the meetings tick is queued or running."""
    from . import tasks

    tasks.ensure_tick_scheduled()


class MeetingsConfig(AppConfig):
    name = "roundtable.meetings"
    label = "meetings"

    def ready(self) -> None:
        from roundtable.core.worker import worker_beat

        from . import readiness  # noqa: F401 - registers the periodic tick's readiness check

        worker_beat.connect(keep_tick_queued, dispatch_uid="meetings-tick")
