from __future__ import annotations

import pytest
from django.core.cache import cache

from roundtable.groups.places import _city_index


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate limits live in the cache; each test starts with a clean slate.
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _warm_places() -> None:
    _city_index()
