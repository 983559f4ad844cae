"""One-click unsubscribe: a signed token per person and kind, carried by every notification
email (a link in the body, and the List-Unsubscribe headers of RFC 2369 and RFC 8058).

The token names the person by public id and the kind by key, signed with the site's secret
(django.core.signing, its own salt): it works signed out, cannot be forged or moved to another
person or kind, and does not expire (an old email's link still works). It only ever turns a
kind's email off; it grants nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from roundtable.accounts.models import User

SALT = "roundtable.notifications.unsubscribe"


def token_for(user: User, kind: str) -> str:
    return signing.dumps([user.public_id, kind], salt=SALT, compress=True)


def read_token(token: str) -> tuple[str, str] | None:
    """(user public id, kind key) from a token, or None when it is not one of ours."""
    if len(token) > 300:
        return None
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        return None
    return value[0], value[1]


def url_for(user: User, kind: str) -> str:
    """The absolute unsubscribe address for one person and kind."""
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token_for(user, kind)])
