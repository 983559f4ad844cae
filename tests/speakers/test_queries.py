"""Fixed query counts at two data sizes: the directory (page and API), an expert's page (page
and API), the invitations page and an invitation's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.accounts.models import Profile, Visibility
from roundtable.speakers import services
from tests.factories import UserFactory
from tests.queries import page_queries

from .world import api, as_client, make_expert, past_talk, world

pytestmark = pytest.mark.django_db


def _api_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [2, 12])
def test_directory(n: int) -> None:
    w = world()
    for i in range(n):
        e = make_expert(UserFactory(name=f"Expert {i}"), topics=(f"Topic {i}", "Resumes"))
        past_talk(w.speakers, e.user, f"Talk {i}", days_ago=10 + i)
    assert page_queries(as_client(None), "/speakers/") == 4
    assert (
        page_queries(as_client(w.secret_member), "/speakers/") == 10
    )  # one is the navigation's unread badge (notifications.selectors.badge_count)
    assert page_queries(as_client(None), "/speakers/?q=resumes&format=online") == 4
    assert _api_queries(as_client(None), "/api/v1/speakers") == 3
    assert _api_queries(api(w.secret_member), "/api/v1/speakers") == 5


@pytest.mark.parametrize("n", [1, 8])
def test_expert_page(n: int) -> None:
    w = world()
    for i in range(n):
        past_talk(w.speakers, w.eve, f"More talk {i}", days_ago=60 + i)
        past_talk(w.secret, w.eve, f"Quiet talk {i}", days_ago=90 + i)
    assert page_queries(as_client(None), f"/speakers/{w.expert.public_id}/") == 5
    assert (
        page_queries(as_client(w.fay), f"/speakers/{w.expert.public_id}/") == 10
    )  # one is the navigation's unread badge (notifications.selectors.badge_count)
    # With a headline, a signed-in viewer costs one more: whether they share a group with the
    # expert (accounts.permissions), for the fields shown to "people in my groups".
    Profile.objects.filter(user=w.eve).update(headline="Recruiter", visibility={"headline": Visibility.MEMBERS})
    assert page_queries(as_client(None), f"/speakers/{w.expert.public_id}/") == 5
    assert page_queries(as_client(w.fay), f"/speakers/{w.expert.public_id}/") == 11
    assert _api_queries(api(w.secret_member), f"/api/v1/speakers/{w.expert.public_id}") == 7


@pytest.mark.parametrize("n", [1, 8])
def test_invitations_pages(n: int) -> None:
    w = world()
    first = None
    for i in range(n):
        e = make_expert(UserFactory(name=f"Expert {i}"))
        inv = services.invitation_create(
            by=w.fay, expert=e, group=w.speakers, proposed_on=timezone.now().date() + timedelta(days=30 + i)
        )
        first = first or inv
    assert first is not None
    assert (
        page_queries(as_client(w.fay), "/speakers/invitations/") == 8
    )  # one is the navigation's unread badge (notifications.selectors.badge_count)
    assert (
        page_queries(as_client(w.fay), f"/speakers/invitations/{first.public_id}/") == 6
    )  # one is the navigation's unread badge (notifications.selectors.badge_count)
