from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`, one builder per app (people, groups, meetings), and the
    `demo_data` command that runs them. Above every domain app, so `core` imports none."""

    name = "roundtable.demo"
    label = "demo"
