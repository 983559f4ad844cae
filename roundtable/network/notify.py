"""The network app's notification kinds (issue 11's contract: roundtable/notifications/kinds.py),
registered in NetworkConfig.ready(). One kind per event of events.py; each is re-checked
against network.permissions (may the recipient still see the introduction?) when recorded,
emailed and shown, and rendered by events.message_for, which carries the other's email only
once everyone accepted, and only to the asker and the target."""

from __future__ import annotations

from typing import Any

from roundtable.accounts.models import User
from roundtable.notifications.kinds import Kind, Rendered, register
from roundtable.notifications.models import Notification

from . import events, permissions
from .models import Introduction

LABELS = {
    events.REQUESTED: "Someone asks me for an introduction",
    events.PASSED_ON: "Someone would like to introduce me to a member",
    events.PROPOSED: "A facilitator suggests I meet a member",
    events.ACCEPTED: "Everyone accepted an introduction I'm part of",
    events.DECLINED: "An introduction I asked for is not possible",
    events.REMINDER: "A follow-up a week after an introduction",
}


def key(event: str) -> str:
    return f"network.introduction_{event}"


def _may_see(user: User, subject: Any) -> bool:
    return isinstance(subject, Introduction) and permissions.may_see(user, subject)


def _may_see_many(user: User, subjects: list[Any]) -> set[Any]:
    ids = [s.pk for s in subjects if isinstance(s, Introduction)]
    return set(permissions.introductions_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def _renderer(event: str) -> Any:
    def render(notification: Notification) -> Rendered:
        intro = notification.subject
        if not isinstance(intro, Introduction):  # the introduction is gone: never shown (may_see)
            return Rendered(title="An introduction", text="", url="/network/introductions/")
        message = events.message_for(intro, event, notification.recipient)
        return Rendered(title=message.title, text=message.text, url=message.url)

    return render


# The kinds that ask the recipient to answer: marked read once they answered, or once the
# introduction no longer waits for anyone (services._answered).
ASKING = {events.REQUESTED, events.PASSED_ON, events.PROPOSED}

KINDS = [
    Kind(key=key(event), label=label, email_default="now", may_see=_may_see, render=_renderer(event),
         may_see_many=_may_see_many, asks_action=event in ASKING)
    for event, label in LABELS.items()
]  # fmt: skip


def register_kinds() -> None:
    for kind in KINDS:
        register(kind)
