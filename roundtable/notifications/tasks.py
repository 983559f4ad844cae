"""Background work: a notification's email at once, and the daily digest.

Both check again, when they send, what notify() checked when it recorded: the recipient's
account is active, their preference for the kind still wants this email, and may_see still
holds (permissions.may_see_subject). An email that no longer should go is marked "skipped".

Exactly once: a notification's email is claimed by moving its email_state from "now" (or
"digest") to "sent" with a conditional UPDATE in the transaction that sends it; a digest
also claims a DigestSent row (person, their calendar day), unique. A second worker, or a
second tick, finds nothing left to claim; a failed send rolls the claim back.

The digest goes once a day, at DIGEST_HOUR or later in the person's own time zone
(Profile.time_zone), riding on the meetings tick (apps.py), with everything waiting for it
that was recorded before that moment. Nothing waiting: no email and no claim, so something
recorded later that day still goes that day.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from roundtable.accounts.models import User
from roundtable.core.retry import Attempt, retry_transient
from roundtable.core.text import scrub
from roundtable.meetings.tasks import zone_of

from . import kinds, permissions, unsubscribe
from .models import DigestSent, EmailChoice, EmailState, Notification, Preference

logger = logging.getLogger(__name__)

DIGEST_HOUR = 8  # local time: the digest is the day's first email, not a midnight one
DIGEST_LIMIT = 50  # items in one digest; more wait for the next day's


def _send(*, template: str, to: str, context: dict[str, Any], unsubscribe_url: str | None) -> int:
    """Render `<template>_subject.txt`, `.txt` and `.html` and send one message, with the
    one-click unsubscribe headers (RFC 2369, RFC 8058) when `unsubscribe_url` is given."""
    ctx = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(scrub(render_to_string(f"{template}_subject.txt", ctx), multiline=False).split())
    text = scrub(render_to_string(f"{template}.txt", ctx), multiline=True)
    html = scrub(render_to_string(f"{template}.html", ctx), multiline=True)
    headers = {}
    if unsubscribe_url:
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=text, to=[to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return mailers.default.send_messages([message]) or 0


def _item(notification: Notification) -> dict[str, Any] | None:
    """What an email says about one notification, or None when its kind cannot render it."""
    kind = kinds.get(notification.kind)
    if kind is None:
        return None
    try:
        rendered = kind.render(notification)
    except Exception:
        logger.exception("notifications: kind %s could not render %s", notification.kind, notification.pk)
        return None
    url = rendered.url if rendered.url.startswith(("http://", "https://")) else settings.SITE_URL + rendered.url
    return {"title": rendered.title, "text": rendered.text, "url": url, "kind": kind}


def _email_wanted(recipient: User, key: str) -> str:
    kind = kinds.get(key)
    if kind is None:
        return EmailChoice.NEVER
    row = Preference.objects.filter(person=recipient, kind=key).first()
    return row.email if row is not None else kind.email_default


@task()
def email_notification(*, notification_id: int) -> int:
    """Send one notification's email now, if it is still owed (see the module docstring).
    Returns the number of messages sent (0 or 1). A passing "database is locked" (a second
    process writing) is tried again after a short wait (core.retry), still sent once."""
    return retry_transient(
        lambda attempt: _email_once(notification_id, attempt), what=f"Notification {notification_id}'s email"
    )


def _email_once(notification_id: int, attempt: Attempt) -> int:
    with transaction.atomic():
        notification = (
            Notification.objects.select_related("recipient__profile", "actor__profile")
            .filter(pk=notification_id, email_state=EmailState.NOW)
            .first()
        )
        if notification is None:
            return 0
        recipient = notification.recipient
        wanted = _email_wanted(recipient, notification.kind)
        if wanted == EmailChoice.DIGEST:
            Notification.objects.filter(pk=notification.pk, email_state=EmailState.NOW).update(
                email_state=EmailState.DIGEST
            )
            return 0
        item = None
        if wanted == EmailChoice.NOW and permissions.may_see_subject(
            recipient, notification.kind, notification.subject
        ):
            item = _item(notification)
        if item is None:
            Notification.objects.filter(pk=notification.pk, email_state=EmailState.NOW).update(
                email_state=EmailState.SKIPPED
            )
            return 0
        # The claim: a second run of this task (two workers) updates nothing and sends nothing.
        claimed = Notification.objects.filter(pk=notification.pk, email_state=EmailState.NOW).update(
            email_state=EmailState.SENT, emailed_at=timezone.now()
        )
        if not claimed:
            return 0
        context = {
            "name": recipient.display_name,
            "item": item,
            "kind_label": item["kind"].label,
            "inbox_url": settings.SITE_URL + reverse("notifications:inbox"),
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            "unsubscribe_url": unsubscribe.url_for(recipient, notification.kind),
        }
        sent = _send(
            template="notifications/email/one",
            to=recipient.email,
            context=context,
            unsubscribe_url=context["unsubscribe_url"],
        )
        attempt.sent = True
        return sent


# The daily digest ---------------------------------------------------------------------------


def local_day(user: User, moment: datetime) -> tuple[date, int]:
    """The person's calendar day and hour at `moment`, in their own time zone."""
    local = moment.astimezone(ZoneInfo(zone_of(user, "UTC")))
    return local.date(), local.hour


def _send_digest(user: User, day: date, moment: datetime) -> int:
    waiting = list(
        Notification.objects.filter(recipient=user, email_state=EmailState.DIGEST, created_at__lte=moment)
        .select_related("actor__profile")
        .prefetch_related("subject")
        .order_by("created_at", "id")[:DIGEST_LIMIT]
    )
    if not waiting:
        return 0
    visible = permissions.visible_subjects(user, waiting)
    wanted: dict[str, str] = {}
    items: list[dict[str, Any]] = []
    sent_ids: list[int] = []
    skipped_ids: list[int] = []
    for n in waiting:
        if n.kind not in wanted:
            wanted[n.kind] = _email_wanted(user, n.kind)
        item = _item(n) if n.pk in visible and wanted[n.kind] != EmailChoice.NEVER else None
        if item is None:
            skipped_ids.append(n.pk)
        else:
            items.append(item)
            sent_ids.append(n.pk)
    Notification.objects.filter(pk__in=skipped_ids, email_state=EmailState.DIGEST).update(
        email_state=EmailState.SKIPPED
    )
    if not items:
        return 0
    labels = {i["kind"].key: i["kind"].label for i in items}
    context = {
        "name": user.display_name,
        "items": items,
        "count": len(items),
        "stop_links": [
            {"label": label, "url": unsubscribe.url_for(user, key)} for key, label in sorted(labels.items())
        ],
        "inbox_url": settings.SITE_URL + reverse("notifications:inbox"),
        "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
    }

    def claim_and_send(attempt: Attempt) -> int:
        with transaction.atomic():
            DigestSent.objects.create(person=user, day=day, count=len(items))
            claimed = Notification.objects.filter(pk__in=sent_ids, email_state=EmailState.DIGEST).update(
                email_state=EmailState.SENT, emailed_at=timezone.now()
            )
            if claimed != len(sent_ids):
                # Another worker took some of these between our read and this claim: it sends them.
                raise IntegrityError("digest items claimed elsewhere")
            sent = _send(template="notifications/email/digest", to=user.email, context=context, unsubscribe_url=None)
            attempt.sent = True
            return sent

    try:
        return retry_transient(claim_and_send, what=f"The digest of user {user.pk}")
    except IntegrityError:
        return 0


def send_due_digests(now: datetime | None = None) -> int:
    """Send every daily digest due now (see the module docstring); returns how many went."""
    moment = now or timezone.now()
    waiting = Notification.objects.filter(recipient_id=OuterRef("pk"), email_state=EmailState.DIGEST)
    people = list(User.objects.filter(Exists(waiting), is_active=True).select_related("profile").order_by("id"))
    sent = 0
    for user in people:
        day, hour = local_day(user, moment)
        if hour < DIGEST_HOUR or DigestSent.objects.filter(person=user, day=day).exists():
            continue
        try:
            sent += _send_digest(user, day, moment)
        except Exception:
            logger.exception("Notification digest to user %s failed", user.pk)
    return sent


@task()
def send_digests(*, at: str | None = None) -> int:
    """send_due_digests as a task; `at` (ISO 8601, aware) stands in for now."""
    moment = None
    if at:
        moment = parse_datetime(at)
        if moment is None or timezone.is_naive(moment):
            raise ValueError(f"Expected an aware ISO 8601 time, got {at!r}.")
    return send_due_digests(moment)


def on_tick(sender: object, *, now: datetime, **kwargs: object) -> int:
    """Receiver of meetings.tasks.ticked: the digests ride on every tick."""
    return send_due_digests(now)
