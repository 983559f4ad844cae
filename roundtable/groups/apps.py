from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "roundtable.groups"
    label = "groups"

    def ready(self) -> None:
        # Signal handlers that keep the anonymous discovery cache fresh (admin edits too).
        from . import cache  # noqa: F401
