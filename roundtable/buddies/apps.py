from django.apps import AppConfig


class BuddiesConfig(AppConfig):
    """Work search buddies: the pool, the matching (matching.py), pairs and weekly check-ins,
    and the nudges. Check-ins are for the pair's members alone (permissions.py)."""

    name = "roundtable.buddies"
    label = "buddies"

    def ready(self) -> None:
        from roundtable.meetings.tasks import ticked
        from roundtable.notifications.kinds import register

        from . import notify, tasks

        for kind in notify.KINDS:
            register(kind)

        # The weekly matching and the check-in nudges ride on the meetings tick (tasks.py).
        ticked.connect(tasks.on_tick, dispatch_uid="buddies-tick")
