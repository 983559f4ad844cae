"""The registry of notification kinds: each app registers the kinds of events it tells people
about, in its AppConfig.ready() (`<app>/notify.py` holds the Kind definitions).

A kind says how it is named on the preferences page (`label`), how it is emailed unless the
person chose otherwise (`email_default`), whether the recipient may still see what it is about
(`may_see`, asked when it is recorded, emailed and shown: the app's own permissions.py), and
how one notification reads (`render`: a one-line title, a short text, the URL where acting on
it happens). Production code registers no kind here; the apps do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roundtable.accounts.models import User

    from .models import Notification

EMAIL_CHOICES = ("now", "digest", "never")


@dataclass(frozen=True)
class Rendered:
    title: str  # one line, plain text: "Sam asks you for an introduction"
    text: str  # a short plain-text body (may be "")
    url: str  # where acting on it happens (a path, e.g. "/network/introductions/<public_id>/")


@dataclass(frozen=True)
class Kind:
    key: str  # "<app>.<event>", e.g. "network.introduction_requested"
    label: str  # for the preferences page: "Someone asks me for an introduction"
    email_default: str  # "now" | "digest" | "never"
    # Re-checked when recorded, emailed and shown: may the recipient still see the subject?
    may_see: Callable[[User, Any], bool]
    # notification.subject is the object, .actor the User or None, .data the dict passed.
    render: Callable[[Notification], Rendered]
    # Optional, beyond the contract: may_see for many subjects at once, in a fixed number of
    # queries, answering the subjects' primary keys the recipient may see. Without it, lists
    # ask may_see once per notification shown (an inbox page holds at most PAGE_SIZE).
    may_see_many: Callable[[User, list[Any]], set[Any]] | None = None
    # It asks the recipient to do something about the subject (answer an ask, an invitation):
    # marked read once that is done (services.notifications_acted_on), not only when opened.
    asks_action: bool = False


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Add `kind` to the registry (each app calls it in its AppConfig.ready()).

    Registering the same Kind again is a no-op (ready() may run twice in tests); another kind
    under a key already taken raises ValueError, as does a malformed key or email_default.
    """
    if kind.email_default not in EMAIL_CHOICES:
        raise ValueError(f"email_default of {kind.key!r} must be one of {EMAIL_CHOICES}, not {kind.email_default!r}.")
    app, _, event = kind.key.partition(".")
    if not app or not event or len(kind.key) > 64:
        raise ValueError(f"A kind's key is '<app>.<event>', at most 64 characters, not {kind.key!r}.")
    existing = _registry.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"The kind {kind.key!r} is already registered.")
    _registry[kind.key] = kind


def unregister(key: str) -> None:
    """Take a kind out of the registry (for tests that register a kind of their own)."""
    _registry.pop(key, None)


def get(key: str) -> Kind | None:
    """The registered kind with this key, or None (a kind whose app is gone)."""
    return _registry.get(key)


def all_kinds() -> list[Kind]:
    """Every registered kind, ordered by key (the preferences page's order)."""
    return [_registry[key] for key in sorted(_registry)]
