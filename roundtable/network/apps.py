from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Who to meet at a meeting (ranked with reasons), introductions with everyone's consent,
    and facilitators' suggested introductions inside their groups."""

    name = "roundtable.network"
    label = "network"

    def ready(self) -> None:
        from roundtable.meetings.tasks import ticked

        from . import notify, tasks

        notify.register_kinds()

        # The follow-up a week after an introduction is accepted rides on the meetings tick.
        ticked.connect(tasks.on_tick, dispatch_uid="network-introduction-reminders")
