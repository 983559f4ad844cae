from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Keeping groups and the site safe (issue 12): reports, moderation and its log, and the
    operators' audit trail of sensitive actions (safety.audit). Codes of conduct live with
    their groups (groups.models.Group.rules) and blocks with accounts (accounts.blocks)."""

    name = "roundtable.safety"
    label = "safety"

    def ready(self) -> None:
        from roundtable.core.worker import worker_beat

        from . import notify
        from .audit import purge_on_beat

        notify.register_kinds()

        worker_beat.connect(purge_on_beat, dispatch_uid="safety-audit-purge")
