"""Writes to accounts: profiles and API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from roundtable.core.tokens import hash_secret, new_secret

from .models import ApiToken, Profile, User


def profile_ensure(*, user: User) -> Profile:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        profile, _ = Profile.objects.get_or_create(
            user=user, defaults={"display_name": user.email.split("@", 1)[0][:80]}
        )
    return profile


@transaction.atomic
def api_token_create(*, user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a token; returns it and its secret, which is shown once and never stored."""
    secret = new_secret("rt")
    token = ApiToken.objects.create(
        user=user, name=(name or "API token")[:80], prefix=secret[:10], token_hash=hash_secret(secret)
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active user behind a token secret, or None."""
    if not secret or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(
        token_hash=hash_secret(secret), revoked_at__isnull=True
    ).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
