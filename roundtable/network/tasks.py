"""Background work for introductions: the follow-up a week after an introduction is accepted
(its notification and email go through the notifications app, events.tell).

The follow-up rides on the meetings tick (meetings.tasks.ticked, connected in apps.py): each
tick claims every accepted introduction whose acceptance is REMINDER_AFTER old and that has no
reminder yet, by setting `reminder_sent_at` in the transaction that notifies both people: once
per introduction, however many ticks or workers pass.

A refused ask's "not possible" rides on the same tick: once its `closed_at` (set ahead,
services.REFUSAL_DELAY) has passed, its asker is told exactly as after any "not now"
(events.DECLINED), once, claimed by `refusal_told_at` the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from . import events
from .models import ClosedBy, Introduction, IntroStatus

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


def send_due_refusals(now: datetime | None = None) -> int:
    """Tell each asker whose refused ask is now due that it is not possible (see the module
    docstring); returns how many were told. A refused proposal tells nobody, as a declined
    one does."""
    moment = now or timezone.now()
    due = Introduction.objects.filter(
        closed_by=ClosedBy.BLOCKED, status=IntroStatus.DECLINED, closed_at__lte=moment, refusal_told_at__isnull=True
    ).values_list("pk", "proposed")
    told = 0
    for pk, proposed in list(due):
        with transaction.atomic():
            claimed = Introduction.objects.filter(pk=pk, refusal_told_at__isnull=True).update(refusal_told_at=moment)
            intro = _introduction(pk) if claimed and not proposed else None
            if intro is not None:
                events.introduction_declined(intro)
                told += 1
    return told


def on_tick(sender: object, *, now: datetime, **kwargs: object) -> int:
    """Receiver of meetings.tasks.ticked: the follow-ups and the refused asks' answers ride on
    every tick. Returns how many introductions it told someone about."""
    return send_due_reminders(now) + send_due_refusals(now)
