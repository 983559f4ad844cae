"""The buddy page and the check-ins API take a fixed number of queries whatever the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.services import api_token_create
from roundtable.buddies import services
from tests.factories import ActivityFactory
from tests.queries import page_queries

from .world import WEDNESDAY, as_client, paired

pytestmark = pytest.mark.django_db


def _history(weeks: int) -> object:
    w = paired(now=WEDNESDAY - timedelta(days=7 * weeks))
    for k in range(weeks):
        moment = WEDNESDAY - timedelta(days=7 * (weeks - k - 1))
        acts = [ActivityFactory(owner=w.ann).public_id for _ in range(2)]
        mine = services.checkin_save(author=w.ann, pair=w.pair, commitments=f"Week {k}\nMore", activities=acts,
                                     now=moment, last_week="done" if k else "")  # fmt: skip
        services.checkin_save(author=w.bo, pair=w.pair, commitments=f"Bo week {k}", now=moment)
        for _ in range(2):
            services.checkin_reply(author=w.bo, checkin=mine, reaction="cheer", text="Go")
    return w


@pytest.mark.parametrize("weeks", [1, 6])
def test_buddy_page_queries_do_not_grow(weeks: int) -> None:
    w = _history(weeks)
    client = as_client(w.ann)  # type: ignore[attr-defined]
    counts = {page_queries(client, "/me/buddy/") for _ in range(2)}
    assert counts == {EXPECTED_PAGE}


@pytest.mark.parametrize("weeks", [1, 6])
def test_checkins_api_queries_do_not_grow(weeks: int) -> None:
    w = _history(weeks)
    _t, secret = api_token_create(user=w.ann)  # type: ignore[attr-defined]
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {secret}"})
    url = f"/api/v1/me/buddy/pairs/{w.pair.public_id}/checkins"  # type: ignore[attr-defined]
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) == EXPECTED_API


EXPECTED_PAGE = 15  # one is the navigation's unread badge (notifications.selectors.badge_count)
EXPECTED_API = 5
