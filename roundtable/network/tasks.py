"""Background work for introductions: the follow-up a week after an introduction is accepted
(its notification and email go through the notifications app, events.tell).

The follow-up rides on the meetings tick (meetings.tasks.ticked, connected in apps.py): each
tick claims every accepted introduction whose acceptance is REMINDER_AFTER old and that has no
reminder yet, by setting `reminder_sent_at` in the transaction that notifies both people: once
per introduction, however many ticks or workers pass.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from . import events
from .models import Introduction, IntroStatus

REMINDER_AFTER = timedelta(days=7)


def _introduction(introduction_id: int) -> Introduction | None:
    return (
        Introduction.objects.select_related("group", "asker__profile", "introducer__profile", "target__profile")
        .filter(pk=introduction_id)
        .first()
    )


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every follow-up owed now (see the module docstring); returns how many introductions
    were followed up (each tells its two people, if they may still see it)."""
    moment = now or timezone.now()
    due = Introduction.objects.filter(
        status=IntroStatus.ACCEPTED, accepted_at__lte=moment - REMINDER_AFTER, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Introduction.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=moment)
            if not claimed:
                continue
            intro = _introduction(pk)
            if intro is not None:
                events.tell(intro, events.REMINDER)
                sent += 1
    return sent


def on_tick(sender: object, *, now: datetime, **kwargs: object) -> int:
    """Receiver of meetings.tasks.ticked: the follow-ups ride on every tick."""
    return send_due_reminders(now)
