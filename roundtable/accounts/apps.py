from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "roundtable.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import security, signals  # noqa: F401

        security.connect()
