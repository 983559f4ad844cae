from django.apps import AppConfig


class SpeakersConfig(AppConfig):
    """Speakers and experts (issue 11, item 6): a directory of people who volunteer to speak,
    their past talks (meetings.Talk.speaker), and facilitators' invitations to speak, which
    become a meeting's talk when accepted."""

    name = "roundtable.speakers"
    label = "speakers"

    def ready(self) -> None:
        from roundtable.notifications.kinds import register

        from .notify import KINDS

        for kind in KINDS:
            register(kind)
