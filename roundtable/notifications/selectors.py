"""Reads of a person's own notifications: the inbox page, the API and the live badge use these,
and tests assert what a recipient got through them.

Every function takes the recipient and reads only their rows (owner-only). What they return
is what the recipient may see now: rows of a kind whose inbox they turned off never appear,
and rows whose subject they may no longer see (permissions.visible_subjects) are left out
and marked hidden, so the navigation's one-query badge (`badge_count`) stops counting them.

    inbox_page(user, page=1)      -> InboxPage: items (InboxItem, newest first), has_next...
    unread_sync(user)             -> int: the exact unread count, hidden flags brought up to date
    badge_count(user)             -> int: unread rows not hidden, one COUNT query (the nav)
    inbox_for(user)               -> list[InboxItem]: everything shown, newest first (tests)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from roundtable.accounts.models import User

from . import kinds, permissions
from .models import Notification

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# The unread rows checked for the exact count; beyond it the badge says "99+" anyway.
UNREAD_CHECK_LIMIT = 100
BADGE_MAX = 99


@dataclass(frozen=True)
class InboxItem:
    """One notification as its recipient sees it."""

    public_id: str
    kind: str
    title: str
    text: str
    url: str
    actor_name: str
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxItem]
    page: int
    has_next: bool
    has_previous: bool
    unread: int


def _inbox_rows(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, in_inbox=True)


def _item(n: Notification) -> InboxItem | None:
    kind = kinds.get(n.kind)
    if kind is None:
        return None
    try:
        rendered = kind.render(n)
    except Exception:
        logger.exception("notifications: kind %s could not render %s", n.kind, n.pk)
        return None
    return InboxItem(
        public_id=n.public_id,
        kind=n.kind,
        title=rendered.title,
        text=rendered.text,
        url=rendered.url,
        actor_name=n.actor.display_name if n.actor is not None else "",
        created_at=n.created_at,
        read_at=n.read_at,
    )


def _shown(user: User, rows: list[Notification]) -> tuple[list[InboxItem], list[int]]:
    """The rows the user may see, as items, and the ids of those they may not."""
    visible = permissions.visible_subjects(user, rows)
    items: list[InboxItem] = []
    refused: list[int] = []
    for n in rows:
        item = _item(n) if n.pk in visible else None
        if item is None:
            refused.append(n.pk)
        else:
            items.append(item)
    return items, refused


def badge_count(user: User) -> int:
    """Unread inbox rows not marked hidden: one COUNT query, for the navigation on every page.
    Exact after any unread_sync (the inbox, the API, each page's socket when it opens)."""
    return _inbox_rows(user).filter(read_at__isnull=True, hidden=False).count()


def unread_sync(user: User) -> int:
    """The exact number of unread notifications the user may see now (the newest
    UNREAD_CHECK_LIMIT checked), marking hidden those they may no longer see and unhiding
    those they may see again. Queries: 1 + one per subject type + the kinds' may_see + at
    most 2 updates."""
    rows = list(
        _inbox_rows(user)
        .filter(read_at__isnull=True)
        .prefetch_related("subject")
        .order_by("-created_at", "-id")[:UNREAD_CHECK_LIMIT]
    )
    if not rows:
        return 0
    visible = permissions.visible_subjects(user, rows)
    hide = [n.pk for n in rows if n.pk not in visible and not n.hidden]
    show = [n.pk for n in rows if n.pk in visible and n.hidden]
    if hide:
        Notification.objects.filter(pk__in=hide).update(hidden=True)
    if show:
        Notification.objects.filter(pk__in=show).update(hidden=False)
    return len(visible)


def inbox_page(user: User, page: int = 1, *, per_page: int = PAGE_SIZE) -> InboxPage:
    """One page of the user's inbox, newest first, with the exact unread count. Rows found no
    longer visible are hidden and the page filled from the next ones, so a page is never short
    while more remain."""
    unread = unread_sync(user)
    page = max(1, page)
    offset = (page - 1) * per_page
    base = (
        _inbox_rows(user)
        .filter(hidden=False)
        .select_related("actor__profile")
        .prefetch_related("subject")
        .order_by("-created_at", "-id")
    )
    # Hiding shifts later rows forward; a page needs a second read only when this one hid
    # something, and at most a few in a row (each read hides rows for good).
    for _ in range(5):
        rows = list(base[offset : offset + per_page + 1])
        items, refused = _shown(user, rows[:per_page])
        if not refused:
            break
        Notification.objects.filter(pk__in=refused).update(hidden=True)
    return InboxPage(
        items=items,
        page=page,
        has_next=len(rows) > per_page,
        has_previous=page > 1,
        unread=unread,
    )


def inbox_for(user: User) -> list[InboxItem]:
    """Everything the user's inbox shows now, newest first (for tests and small lists)."""
    rows = list(
        _inbox_rows(user).select_related("actor__profile").prefetch_related("subject").order_by("-created_at", "-id")
    )
    items, _ = _shown(user, rows)
    return items
