from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "roundtable.live"
    label = "live"
