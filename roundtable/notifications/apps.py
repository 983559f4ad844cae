from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Telling people what happened: each app says what happened (services.notify) about a
    kind it registered (kinds.register); this app decides who hears it, where (the inbox, an
    email now, or the daily digest) and re-checks at every step that the recipient may still
    see what it is about. The inbox is owner-only: another person's notification answers 404."""

    name = "roundtable.notifications"
    label = "notifications"

    def ready(self) -> None:
        from roundtable.meetings.tasks import ticked

        from . import tasks

        # The daily digest rides on the meetings tick, as the journal's prompts do.
        ticked.connect(tasks.on_tick, dispatch_uid="notifications-daily-digest")
