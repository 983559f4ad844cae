"""Test clients and page comparisons shared by the suites."""

from __future__ import annotations

import re
import time
from typing import Any

from django.test import Client


def signed_in(user: Any) -> Client:
    """A test client signed in as `user` (no password, no sign-in page), just now: like a
    sign-in through the page (accounts.security.on_user_logged_in), it counts as a recent
    re-authentication for allauth's password, email and two-factor pages."""
    client = Client()
    client.force_login(user)
    mark_reauthenticated(client, user)
    return client


def mark_reauthenticated(client: Client, user: Any, *, at: float | None = None) -> None:
    """Record in `client`'s session that `user` confirmed their password at `at` (now)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time() if at is None else at, "email": user.email, "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def unmask(html: str) -> str:
    """The page without its CSRF tokens, which are masked afresh in every answer: two answers
    that differ only there compare equal (a 404 for a hidden thing against one for nothing)."""
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
