"""GET /api/v1/groups builds each group's entry once per discovery generation (groups/api.py
_results_out, as the discovery cards are): the same answer as built afresh, a change to a group,
its topics or its meetings shown at once, each caller's own distance and reasons added, and a
fixed number of queries whatever the page holds."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.api.api import api
from roundtable.groups import services
from roundtable.groups.api import GroupPage
from roundtable.groups.models import Group, GroupVisibility, JoinPolicy
from roundtable.groups.places import resolve
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, TopicFactory, UserFactory

BOSTON = resolve("Boston, MA")


def _list(client: Client, url: str = "/api/v1/groups", **headers: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, headers=headers)
    assert r.status_code == 200
    return len(ctx.captured_queries), r.json()


def _groups(n: int) -> None:
    topic = TopicFactory(name="Resumes", slug="resumes")
    for i in range(n):
        g = GroupFactory(name=f"Listed {i:02}", member_count=50 - i, latitude=BOSTON.latitude + i * 0.01,
                         longitude=BOSTON.longitude)  # fmt: skip
        g.topics.add(topic)
        MeetingFactory(group=g, starts_at=timezone.now() + timedelta(days=i + 1))


def _member_of_a_secret_group() -> str:
    """A member of the secret "Quiet Circle" (beside the listed "Open Circle"): their API token."""
    member = UserFactory()
    secret = GroupFactory(name="Quiet Circle", visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    MembershipFactory(group=secret, user=member)
    GroupFactory(name="Open Circle")
    return api_token_create(user=member)[1]


def _data(group: Group) -> dict[str, object]:
    """What the group form holds for this group (services.GroupData's fields that it edits)."""
    fields = ["name", "kind", "format", "purpose", "description", "visibility", "join_policy", "audience",
              "location_text"]  # fmt: skip
    return {f: getattr(group, f) for f in fields}


@pytest.mark.django_db
def test_the_cached_list_is_the_list_built_afresh() -> None:
    assert BOSTON is not None
    _groups(4)
    c = Client()
    n_first, first = _list(c)
    n_again, again = _list(c, "/api/v1/groups?page=1")
    assert again == first
    # The page and its count only: no group's topics or schedule again (nor, on SQLite, whose
    # anonymous page reads the groups' keys only, their other fields).
    assert n_again == n_first - 3 - (connection.vendor == "sqlite")
    cache.clear()  # a new generation: built afresh
    assert _list(c)[1] == first
    assert [g["name"] for g in first["results"]] == ["Listed 00", "Listed 01", "Listed 02", "Listed 03"]
    assert first["results"][0]["topics"] == [{"name": "Resumes", "slug": "resumes"}]
    assert first["results"][0]["schedule"]["next_meeting"] is not None
    # Near a place: each caller's own distance beside the same cached entry.
    near = _list(c, "/api/v1/groups?near=Boston%2C+MA&radius_km=50")[1]["results"]
    assert [g["distance_km"] for g in near] == sorted(g["distance_km"] for g in near)
    assert near[3]["distance_km"] == pytest.approx(3.3, abs=0.2)
    assert {k: v for k, v in near[3].items() if k != "distance_km"} == {
        k: v for k, v in first["results"][3].items() if k != "distance_km"
    }


@pytest.mark.django_db
def test_a_change_shows_at_once() -> None:
    _groups(2)
    group = GroupFactory(name="Harbor Circle", purpose="Weekly turns.", member_count=100)
    c = Client()
    assert _list(c)[1]["results"][0]["purpose"] == "Weekly turns."
    data = _data(group)
    services.group_update(group=group, data=services.GroupData(**(data | {"purpose": "Monthly talks."})))
    assert _list(c)[1]["results"][0]["purpose"] == "Monthly talks."
    group.topics.add(TopicFactory(name="LinkedIn", slug="linkedin"))
    assert _list(c)[1]["results"][0]["topics"] == [{"name": "LinkedIn", "slug": "linkedin"}]
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    assert _list(c)[1]["results"][0]["schedule"]["next_meeting"] == meeting.public_id


@pytest.mark.django_db
def test_a_hidden_group_is_listed_only_to_its_members_and_counts_stay_hidden() -> None:
    secret_token = _member_of_a_secret_group()
    c = Client()
    # The member first, so the secret group's entry is cached before the anonymous call.
    mine = _list(c, Authorization=f"Bearer {secret_token}")[1]["results"]
    assert sorted(g["name"] for g in mine) == ["Open Circle", "Quiet Circle"]
    assert next(g for g in mine if g["name"] == "Quiet Circle")["member_count"] is None
    assert [g["name"] for g in _list(c)[1]["results"]] == ["Open Circle"]


@pytest.mark.django_db
def test_the_list_keeps_its_queries_at_two_sizes() -> None:
    c = Client()
    _groups(2)
    small = _list(c)[0]
    cache.clear()
    _groups(15)
    assert _list(c)[0] == small


@pytest.mark.django_db
def test_the_answer_is_what_ninja_makes_of_a_validated_group_page() -> None:
    _groups(3)
    GroupFactory(name="Secretive", visibility=GroupVisibility.UNLISTED)
    c = Client()
    for url in ["/api/v1/groups", "/api/v1/groups?near=Boston%2C+MA", "/api/v1/groups?q=listed&page=1"]:
        r = c.get(url)
        assert r.status_code == 200
        assert r["Content-Type"] == "application/json; charset=utf-8"
        validated = GroupPage.model_validate(json.loads(r.content)).model_dump()
        assert r.content.decode() == api.renderer.render(r.wsgi_request, validated, response_status=200)


@pytest.mark.django_db
def test_an_anonymous_repeat_is_answered_whole_from_the_cache() -> None:
    _groups(3)
    c = Client()
    n_first, first = _list(c, "/api/v1/groups?q=listed&kind=speakers")
    assert n_first > 0
    r1 = c.get("/api/v1/groups?q=listed&kind=speakers")
    # The same question in another order is the same answer, read whole: no query at all.
    with CaptureQueriesContext(connection) as ctx:
        r2 = c.get("/api/v1/groups?kind=speakers&q=listed")
    assert len(ctx.captured_queries) == 0
    assert r2.content == r1.content
    assert r2["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(r2.content) == first


@pytest.mark.django_db
def test_a_kept_anonymous_answer_ends_with_any_change() -> None:
    _groups(2)
    group = GroupFactory(name="Harbor Circle", purpose="Weekly turns.", member_count=100)
    c = Client()
    assert _list(c)[1]["results"][0]["purpose"] == "Weekly turns."
    assert _list(c)[1]["results"][0]["purpose"] == "Weekly turns."  # kept
    data = _data(group)
    services.group_update(group=group, data=services.GroupData(**(data | {"purpose": "Monthly talks."})))
    assert _list(c)[1]["results"][0]["purpose"] == "Monthly talks."
    services.group_update(group=group, data=services.GroupData(**(data | {"visibility": GroupVisibility.UNLISTED})))
    assert "Harbor Circle" not in [g["name"] for g in _list(c)[1]["results"]]


@pytest.mark.django_db
def test_a_caller_with_a_token_never_gets_the_anonymous_answer() -> None:
    secret_token = _member_of_a_secret_group()
    c = Client()
    assert [g["name"] for g in _list(c)[1]["results"]] == ["Open Circle"]  # kept for anonymous callers
    mine = _list(c, Authorization=f"Bearer {secret_token}")[1]["results"]
    assert sorted(g["name"] for g in mine) == ["Open Circle", "Quiet Circle"]
    # ...and the member's answer is not what the next anonymous caller gets.
    assert [g["name"] for g in _list(c)[1]["results"]] == ["Open Circle"]


@pytest.mark.django_db
def test_an_error_is_not_kept() -> None:
    c = Client()
    assert c.get("/api/v1/groups?near=Nowhere%20Land").status_code == 400
    GroupFactory(name="Open Circle")
    r = c.get("/api/v1/groups?near=Nowhere%20Land")
    assert r.status_code == 400
    assert "Unknown place" in r.json()["detail"]
