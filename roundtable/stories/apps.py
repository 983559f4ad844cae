from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """Landed stories and short lessons, each shared with an audience its author picks (and
    anonymously if they like), and "others with a challenge like yours": what helped people
    with similar roundtable challenges, found by full-text search and never naming anyone."""

    name = "roundtable.stories"
    label = "stories"

    def ready(self) -> None:
        from . import notify, signals

        signals.connect()
        notify.register_kinds()
