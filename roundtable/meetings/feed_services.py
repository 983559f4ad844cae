"""Writes for private calendar feeds and email reminder preferences."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import Profile, User
from roundtable.accounts.services import profile_ensure
from roundtable.core.tokens import hash_secret, new_secret

from .models import CalendarFeed

TOKEN_PREFIX = "cal"  # noqa: S105 (a visible prefix, not a secret)


@transaction.atomic
def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new private feed for the person; any older one stops working. Returns the feed and
    its token, which exists only here: the database keeps a SHA-256 of it."""
    now = timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = new_secret(TOKEN_PREFIX)
    feed = CalendarFeed.objects.create(user=user, token_hash=hash_secret(token), created_at=now)
    return feed, token


def calendar_feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def calendar_feed_lookup(token: str) -> CalendarFeed | None:
    """The live feed behind a token, or None for an unknown or revoked one (or a deactivated owner)."""
    if not token.startswith(f"{TOKEN_PREFIX}_") or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user__profile")
        .filter(token_hash=hash_secret(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def reminder_preferences_set(*, user: User, day_before: bool, hour_before: bool, weekly_digest: bool) -> Profile:
    profile = profile_ensure(user=user)
    profile.remind_day_before = day_before
    profile.remind_hour_before = hour_before
    profile.weekly_digest = weekly_digest
    profile.save(update_fields=["remind_day_before", "remind_hour_before", "weekly_digest"])
    return profile
