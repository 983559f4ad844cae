"""Fixed query counts at two data sizes: who to meet (page, card, API), my introductions
(page, API), one introduction, and a group's suggested introductions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.services import api_token_create
from roundtable.network import services
from tests.factories import TalkFactory, UserFactory
from tests.queries import page_queries

from .world import as_client, member, set_profile, world

pytestmark = pytest.mark.django_db


def _grow(w, n: int) -> None:  # type: ignore[no-untyped-def]
    """n more people going, half of them matching Ann's targets, and introductions for Ann."""
    for i in range(n):
        fields = {"current_company": "Acme"} if i % 2 else {"target_roles": "Data analyst"}
        member(w.group, f"Extra {i:02d}", w.meeting, **fields)


def _intros(w, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        target = member(w.group, f"Target {i:02d}")
        intro = services.introduction_ask(asker=w.ann, group=w.group, introducer=w.facilitator, target=target,
                                          note=f"Ask {i}")  # fmt: skip
        if i % 2:
            services.introduction_accept(user=w.facilitator, introduction=intro, note="Sure.")


def _api_queries(user, url: str) -> int:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user)
    c = Client(headers={"authorization": f"Bearer {secret}"})
    with CaptureQueriesContext(connection) as ctx:
        r = c.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("extra", [0, 12])
def test_who_to_meet(extra: int) -> None:
    w = world()
    _grow(w, extra)
    c = as_client(w.ann)
    url = f"/meetings/{w.meeting.public_id}/who-to-meet/"
    assert page_queries(c, url) == 14  # one is the navigation's unread badge (notifications.selectors.badge_count)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url, headers={"HX-Request": "true"}).status_code == 200
    assert len(ctx.captured_queries) == 12
    assert _api_queries(w.ann, f"/api/v1/meetings/{w.meeting.public_id}/recommendations") == 12


@pytest.mark.parametrize("extra", [0, 12])
def test_who_to_meet_with_a_speaker_from_outside_the_group(extra: int) -> None:
    # The speaker comes in the same query as the people going: the counts above, unchanged.
    w = world()
    _grow(w, extra)
    sam = UserFactory(name="Sam Speaker")
    set_profile(sam, current_company="Globex", visibility={"current_company": "everyone"})
    TalkFactory(meeting=w.meeting, speaker=sam, speaker_name="Sam Speaker")
    c = as_client(w.ann)
    url = f"/meetings/{w.meeting.public_id}/who-to-meet/"
    assert page_queries(c, url) == 14
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url, headers={"HX-Request": "true"}).status_code == 200
    assert len(ctx.captured_queries) == 12
    assert "Gives the talk" in c.get(url).content.decode()
    assert _api_queries(w.ann, f"/api/v1/meetings/{w.meeting.public_id}/recommendations") == 12


@pytest.mark.parametrize("count", [1, 5])
def test_my_introductions(count: int) -> None:
    w = world()
    _intros(w, count)
    assert (
        page_queries(as_client(w.ann), "/network/introductions/") == 6
    )  # one is the navigation's unread badge (notifications.selectors.badge_count)
    assert (
        page_queries(as_client(w.facilitator), "/network/introductions/") == 6
    )  # one is the navigation's unread badge (notifications.selectors.badge_count)
    assert _api_queries(w.ann, "/api/v1/network/introductions") == 3


@pytest.mark.parametrize("extra", [0, 12])
def test_suggested_introductions(extra: int) -> None:
    w = world()
    _grow(w, extra)
    assert (
        page_queries(as_client(w.facilitator), f"/groups/{w.group.slug}/introductions/") == 11
    )  # one is the navigation's unread badge (notifications.selectors.badge_count)
