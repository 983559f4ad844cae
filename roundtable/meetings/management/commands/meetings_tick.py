"""Keep the meetings' periodic work going: series top-up, reminders, the weekly digest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import pluralize

from roundtable.meetings import tasks


class Command(BaseCommand):
    help = (
        "Make sure the periodic meetings tick is queued for the task worker (the default), "
        "or run one tick now with --once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick now, here, and queue nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            result = tasks.tick_once()
            self.stdout.write(
                f"Meetings tick: {_count(result['meetings_created'], 'meeting')} created, "
                f"{_count(result['reminders_sent'], 'reminder')} and {_count(result['digests_sent'], 'digest')} sent."
            )
            return
        if tasks.ensure_tick_scheduled():
            self.stdout.write("Meetings tick queued; the task worker runs it every 5 minutes.")
        else:
            self.stdout.write("Meetings tick already queued.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{pluralize(n)}"
