"""{% once_key %}: a fresh random key for a form that must not be acted on twice (a double
click, a page sent again). The view keeps the keys it has seen (tracker.views.activity_new)."""

from __future__ import annotations

import secrets

from django import template

register = template.Library()


@register.simple_tag
def once_key() -> str:
    return secrets.token_urlsafe(18)
