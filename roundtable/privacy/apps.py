from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data rights (issue 12, item 6): a person's export and their account's deletion. Every app
    says what it holds about a person in its own `privacy.py` (registry.py says how); this app
    reads them all when it starts."""

    name = "roundtable.privacy"
    label = "privacy"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("privacy")
        # After the apps' own, so that the account's area starts with the account itself.
        from . import thirdparty  # noqa: F401 - django, allauth and task-framework models
