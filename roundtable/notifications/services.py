"""Every write of the notifications app: recording a notification (notify), reading one or
all, and a person's preferences.

notify() is what the other apps call when something happened. Nothing is recorded until the
caller's transaction commits (a rolled-back event tells nobody); then, in this order:
1. the recipient's preference for the kind is read: inbox off and email never => nothing;
   Nor when the event's actor and the recipient have a block between them (accounts.blocks);
2. the subject is read again and the kind's may_see asked (permissions.may_see_subject):
   False => nothing;
3. the row is written, with its email waiting as the preference says ("now": a task for the
   worker is queued in the same transaction; "digest": the daily digest takes it);
4. the recipient's open pages are told (live.py), so the badge changes at once.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from roundtable.accounts import blocks
from roundtable.accounts.models import User

from . import kinds, live, permissions
from .models import EmailChoice, EmailState, Notification, Preference

logger = logging.getLogger(__name__)


def preference_of(person: User, kind: kinds.Kind) -> tuple[bool, str]:
    """(inbox on?, email choice) for one person and kind: their Preference row, or the
    kind's defaults (inbox on, email as kind.email_default)."""
    row = Preference.objects.filter(person=person, kind=kind.key).first()
    if row is None:
        return True, kind.email_default
    return row.inbox, row.email


def notify(
    *,
    recipient: User,
    kind: str,
    subject: models.Model,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Call inside or outside a transaction: the notification is recorded after commit (if the
    recipient has not opted out of the kind and may_see holds), pushed live to their open pages,
    and emailed by the task worker now or in the digest per their preference, re-checking
    may_see at each step. Never raises for an opted-out or no-longer-allowed recipient.

    Raises (at once, in the caller) ValueError for a kind that is not registered or a subject
    that is not saved, and TypeError for `data` that JSON cannot hold: those are bugs."""
    if kinds.get(kind) is None:
        raise ValueError(f"No notification kind {kind!r} is registered (kinds.register).")
    if subject.pk is None:
        raise ValueError("A notification's subject must be saved first.")
    payload = dict(data or {})
    json.dumps(payload)  # TypeError now, in the caller, rather than after commit
    record = functools.partial(
        _record,
        recipient_id=recipient.pk,
        kind=kind,
        subject_type_id=ContentType.objects.get_for_model(subject).pk,
        subject_id=subject.pk,
        actor_id=actor.pk if actor is not None else None,
        data=payload,
    )
    transaction.on_commit(record, robust=True)


def _record(
    *, recipient_id: int, kind: str, subject_type_id: int, subject_id: Any, actor_id: int | None, data: dict[str, Any]
) -> Notification | None:
    """Step 1 to 4 of the module docstring, after the caller's commit. None when nothing is
    recorded (opted out, no longer allowed, the recipient or the subject gone)."""
    kind_def = kinds.get(kind)
    recipient = User.objects.select_related("profile").filter(pk=recipient_id, is_active=True).first()
    if kind_def is None or recipient is None:
        return None
    # Nothing about what someone did reaches a person with a block between them (issue 12).
    if actor_id is not None and blocks.kept_apart(recipient_id, actor_id):
        return None
    inbox, email = preference_of(recipient, kind_def)
    if not inbox and email == EmailChoice.NEVER:
        return None
    subject_type = ContentType.objects.get_for_id(subject_type_id)
    subject = subject_type.model_class()._default_manager.filter(pk=subject_id).first()  # type: ignore[union-attr]
    if not permissions.may_see_subject(recipient, kind, subject):
        return None
    states: dict[str, str] = {EmailChoice.NOW: EmailState.NOW, EmailChoice.DIGEST: EmailState.DIGEST}
    state = states.get(email, EmailState.NONE)
    from . import tasks  # tasks imports services' neighbours; imported late to keep the graph simple

    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            actor_id=actor_id,
            subject_type=subject_type,
            subject_id=subject_id,
            data=data,
            in_inbox=inbox,
            email_state=state,
        )
        if state == EmailState.NOW:
            notification_id = notification.pk
            transaction.on_commit(lambda: tasks.email_notification.enqueue(notification_id=notification_id))
        if inbox:
            transaction.on_commit(lambda: live.inbox_changed(recipient_id))
    return notification


def notification_mark_read(*, user: User, public_id: str) -> Notification:
    """Mark one of the user's own notifications read (already read: unchanged). Http404 for
    anyone else's or a missing one (permissions.notification_for_owner)."""
    notification = permissions.notification_for_owner(user, public_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
        transaction.on_commit(lambda: live.inbox_changed(user.pk))
    return notification


def notifications_acted_on(*, subject: models.Model, recipient: User | None = None) -> int:
    """What `subject` asked people to do is done: every unread notification about it whose kind
    asks for an action (kinds.Kind.asks_action) is marked read, for `recipient` only (they
    acted on it) or for everyone (it no longer waits for anyone: answered, withdrawn, closed).
    Any app calls it when an action is taken, so "Sam asks you for an introduction" stops
    reading "New" once it is answered. Returns how many changed; each recipient's badge is
    updated after commit. Their emails not sent yet are not sent (EmailState.SKIPPED): the
    action they ask for is done. One SELECT and two UPDATEs."""
    keys = [k.key for k in kinds.all_kinds() if k.asks_action]
    rows = Notification.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        kind__in=keys,
        read_at__isnull=True,
    )
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    people = set(rows.values_list("recipient_id", flat=True))
    if not people:
        return 0
    rows.filter(email_state__in=(EmailState.NOW, EmailState.DIGEST)).update(email_state=EmailState.SKIPPED)
    changed = rows.update(read_at=timezone.now())
    for person_id in people:
        transaction.on_commit(lambda pid=person_id: live.inbox_changed(pid))  # type: ignore[misc]
    return changed


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user's inbox read; returns how many changed."""
    changed = Notification.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        transaction.on_commit(lambda: live.inbox_changed(user.pk))
    return changed


def preference_set(*, person: User, kind: str, inbox: bool, email: str) -> Preference:
    """Set one person's choice for one registered kind. ValueError for an unknown kind or an
    email choice other than "now", "digest", "never".

    Notifications already waiting follow the new choice: "never" drops their pending email,
    "digest" moves a pending "now" email into the digest, "now" leaves the digest's alone."""
    kind_def = kinds.get(kind)
    if kind_def is None:
        raise ValueError(f"No notification kind {kind!r}.")
    if email not in EmailChoice.values:
        raise ValueError(f"The email choice must be one of {EmailChoice.values}, not {email!r}.")
    with transaction.atomic():
        row, _ = Preference.objects.update_or_create(
            person=person, kind=kind, defaults={"inbox": inbox, "email": email}
        )
        waiting = Notification.objects.filter(
            recipient=person, kind=kind, email_state__in=(EmailState.NOW, EmailState.DIGEST)
        )
        if email == EmailChoice.NEVER:
            waiting.update(email_state=EmailState.SKIPPED)
        elif email == EmailChoice.DIGEST:
            waiting.filter(email_state=EmailState.NOW).update(email_state=EmailState.DIGEST)
        # The inbox switch applies to what comes next; what is already there stays.
    return row


def preferences_set(*, person: User, choices: dict[str, tuple[bool, str]]) -> list[Preference]:
    """Set several kinds at once ({kind key: (inbox, email)}), atomically: one bad value
    (ValueError) changes nothing."""
    with transaction.atomic():
        return [
            preference_set(person=person, kind=key, inbox=inbox, email=email)
            for key, (inbox, email) in sorted(choices.items())
        ]
