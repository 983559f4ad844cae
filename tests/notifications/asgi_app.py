"""The production ASGI application with the tests' notification kinds registered: the browser
test (tests/e2e/test_notifications_badge.py) serves this from uvicorn, since production code
registers no kind of its own until the other apps do."""

from __future__ import annotations

from config.asgi import application
from roundtable.notifications import kinds

from .news import KIND, KIND_NO_BULK

kinds.register(KIND)
kinds.register(KIND_NO_BULK)

__all__ = ["application"]
