"""Who may see which notification. Every surface (the inbox page, the API, the live badge, the
emails) asks here.

The rules:
- a notification is its recipient's alone: anyone else, staff included, gets the same 404 as
  for a missing one (design: "Owner-only data");
- it is shown, counted and emailed only while its subject still exists, its kind is still
  registered, the recipient's account is active and the kind's `may_see(recipient, subject)`
  holds: asked when it is recorded, when it is emailed and whenever it is shown;
- a kind whose inbox the recipient turned off keeps its rows out of every list and count
  (Notification.in_inbox).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

from roundtable.accounts.models import User
from roundtable.core.ids import is_public_id
from roundtable.groups.permissions import Viewer

from . import kinds
from .models import Notification

logger = logging.getLogger(__name__)

NOT_FOUND = "Not found."


def may_see_subject(recipient: User, kind_key: str, subject: Any) -> bool:
    """Whether `recipient` may see `subject` now, by the kind's own rule. False for a missing
    subject, an unregistered kind or an inactive account; an access helper that raises
    Http404 or PermissionDenied (as they do for "hidden") counts as False."""
    kind = kinds.get(kind_key)
    if kind is None or subject is None or not recipient.is_active:
        return False
    try:
        return bool(kind.may_see(recipient, subject))
    except (Http404, PermissionDenied, ObjectDoesNotExist):
        return False


def visible_subjects(recipient: User, notifications: Iterable[Notification]) -> set[int]:
    """The ids of the notifications in `notifications` whose subject the recipient may see
    now. Their subjects should be prefetched (prefetch_related("subject")). Kinds with
    `may_see_many` are asked once for all their subjects; the others once per notification."""
    if not recipient.is_active:
        return set()
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for n in notifications:
        by_kind[n.kind].append(n)
    visible: set[int] = set()
    for key, rows in by_kind.items():
        kind = kinds.get(key)
        if kind is None:
            continue
        present = [n for n in rows if n.subject is not None]
        if kind.may_see_many is not None and present:
            try:
                allowed = kind.may_see_many(recipient, [n.subject for n in present])
            except (Http404, PermissionDenied, ObjectDoesNotExist):
                allowed = set()
            visible.update(n.pk for n in present if n.subject_id in allowed)
        else:
            visible.update(n.pk for n in present if may_see_subject(recipient, key, n.subject))
    return visible


def notification_for_owner(user: Viewer, public_id: str) -> Notification:
    """The viewer's own inbox notification behind a public id, while they may see its
    subject; Http404 for anyone else's, a missing one, or one they may no longer see."""
    notification = None
    if isinstance(user, User) and is_public_id(public_id):
        notification = (
            Notification.objects.select_related("recipient", "actor__profile")
            .filter(public_id=public_id, recipient=user, in_inbox=True)
            .first()
        )
    if notification is None or not may_see_subject(notification.recipient, notification.kind, notification.subject):
        raise Http404(NOT_FOUND)
    return notification
