from django.apps import AppConfig


class JournalConfig(AppConfig):
    """A goal before each meeting and its value after (a reflection), the insights and advice
    computed from a person's own journal and tracker, and each group's anonymous health for its
    facilitators. Goals and reflections are owner-only; group health shows aggregates only."""

    name = "roundtable.journal"
    label = "journal"

    def ready(self) -> None:
        from roundtable.meetings.tasks import ticked

        from . import tasks

        # "How was it?" emails ride on the meetings tick (journal/tasks.py).
        ticked.connect(tasks.on_tick, dispatch_uid="journal-reflection-prompts")
