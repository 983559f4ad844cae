"""Background work for introductions: the emails of each event (events.py), and the follow-up
a week after an introduction is accepted.

The follow-up rides on the meetings tick (meetings.tasks.ticked, connected in apps.py): each
tick claims every accepted introduction whose acceptance is REMINDER_AFTER old and that has no
reminder yet, by setting `reminder_sent_at` in the transaction that sends it: once per
introduction, however many ticks or workers pass.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from roundtable.core.email import send_templated

from . import events, permissions
from .models import Introduction, IntroStatus

logger = logging.getLogger(__name__)

REMINDER_AFTER = timedelta(days=7)


def _introduction(introduction_id: int) -> Introduction | None:
    return (
        Introduction.objects.select_related("group", "asker__profile", "introducer__profile", "target__profile")
        .filter(pk=introduction_id)
        .first()
    )


def send_event(intro: Introduction, event: str) -> int:
    """Email each recipient of `event` who may still see the introduction; returns how many."""
    sent = 0
    for person in events.recipients(intro, event):
        if not person.is_active or not permissions.may_see(person, intro):
            continue
        message = events.message_for(intro, event, person)
        context = {"name": person.display_name, "message": message, "url": events.site_url(message.url)}
        try:
            sent += send_templated(template="network/email/introduction", to=[person.email], context=context)
        except Exception:
            logger.exception("Introduction email %s for %s to user %s failed", event, intro.pk, person.pk)
    return sent


@task()
def email_introduction(*, introduction_id: int, event: str) -> int:
    """events.`event` for one introduction, by email. Returns the number of emails sent."""
    intro = _introduction(introduction_id)
    if intro is None:
        return 0
    return send_event(intro, event)


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every follow-up owed now (see the module docstring); returns how many emails went."""
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
                sent += send_event(intro, events.REMINDER)
    return sent


def on_tick(sender: object, *, now: datetime, **kwargs: object) -> int:
    """Receiver of meetings.tasks.ticked: the follow-ups ride on every tick."""
    return send_due_reminders(now)
