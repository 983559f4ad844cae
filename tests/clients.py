"""Test clients and page comparisons shared by the suites."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client


def signed_in(user: Any) -> Client:
    """A test client signed in as `user` (no password, no sign-in page)."""
    client = Client()
    client.force_login(user)
    return client


def unmask(html: str) -> str:
    """The page without its CSRF tokens, which are masked afresh in every answer: two answers
    that differ only there compare equal (a 404 for a hidden thing against one for nothing)."""
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
