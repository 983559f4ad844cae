"""The notifications tests register a kind of their own (production code registers none until
the other apps do): "tests.group_news", about a group, seen by its active members only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from roundtable.notifications import kinds

from .news import KIND, KIND_NO_BULK


@pytest.fixture(autouse=True)
def _news_kind() -> Iterator[None]:
    kinds.register(KIND)
    kinds.register(KIND_NO_BULK)
    yield
    kinds.unregister(KIND.key)
    kinds.unregister(KIND_NO_BULK.key)
