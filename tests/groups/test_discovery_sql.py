"""Anonymous discovery on SQLite runs SQL written once (groups/discovery_sql.py); the ORM path
(selectors.discover_orm) is the reference. Over a grid of filters, both give the same page:
the same groups in the same order, the same count and cap, the same page number, the same
distances, in the same number of queries."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.groups.models import Format, Group, GroupVisibility, Kind
from roundtable.groups.permissions import listed_where_sql
from roundtable.groups.places import resolve
from roundtable.groups.selectors import DiscoveryFilters, discover, discover_orm
from tests.factories import GroupFactory, TopicFactory

BOSTON = resolve("Boston, MA")
DENVER = resolve("Denver, CO")
WORDS = ["", "alpha", "alpha beta", "networ", "zzz", "b"]
KINDS = ["", Kind.STRATEGIC, Kind.SPEAKERS]
PLACES = [None, BOSTON]
SORTS = ["relevance", "distance", "newest"]


def _fixture() -> None:
    assert BOSTON is not None
    assert DENVER is not None
    linkedin = TopicFactory(name="LinkedIn", slug="linkedin")
    now = timezone.now()
    kinds = [Kind.STRATEGIC, Kind.SPEAKERS, Kind.SUPPORT]
    formats = [Format.IN_PERSON, Format.VIRTUAL, Format.HYBRID]
    descriptions = ["alpha networking", "alpha beta", "beta", "networking b", "alpha"]
    for i in range(24):
        place = BOSTON if i % 3 else DENVER
        g = GroupFactory(
            name=f"Group {i}",
            description=descriptions[i % 5],
            kind=kinds[i % 3],
            format=formats[(i // 3) % 3],
            audience="Veterans" if i % 4 == 0 else "vet_% odd",
            member_count=(i * 7) % 11,  # ties, broken by id
            latitude=place.latitude + (i % 7) * 0.05,
            longitude=place.longitude,
        )
        Group.objects.filter(pk=g.pk).update(created_at=now - timedelta(days=i % 5))
        if i % 2:
            g.topics.add(linkedin)
    GroupFactory(name="Archived alpha", description="alpha", archived_at=now)
    GroupFactory(name="Secret alpha", description="alpha", visibility=GroupVisibility.SECRET, join_policy="invite")
    GroupFactory(name="Unlisted alpha", description="alpha", visibility=GroupVisibility.UNLISTED)


def _seen(f: DiscoveryFilters, fn) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        page, results = fn(AnonymousUser(), f)
    return (
        [r.group.name for r in results],
        [r.distance for r in results],
        [(r.group.created_at, r.group.archived_at, r.group.latitude) for r in results],
        page.paginator.count,
        page.paginator.capped,
        page.number,
        page.paginator.num_pages,
        len(queries),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("cap", "rank_limit"), [(1000, 5000), (5, 5000), (1000, 3)])
def test_written_sql_gives_the_orm_pages(settings, cap: int, rank_limit: int) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = cap
    settings.ROUNDTABLE_FTS_RANK_LIMIT = rank_limit
    _fixture()
    compared = 0
    for q, kind, near, sort in itertools.product(WORDS, KINDS, PLACES, SORTS):
        for extra in [{}, {"topic": "linkedin"}, {"format": Format.VIRTUAL}, {"online_only": True},
                      {"audience": "vet_%"}, {"audience": "veterans", "page": 2}, {"page": 3}, {"topic": "nope"},
                      {"radius_km": 8.0}]:  # fmt: skip
            f = DiscoveryFilters(q=q, kind=kind, near=near, sort=sort, **extra)  # type: ignore[arg-type]
            assert _seen(f, discover) == _seen(f, discover_orm), f
            compared += 1
    assert compared == 6 * 3 * 2 * 3 * 9


@pytest.mark.django_db
def test_written_sql_never_shows_hidden_or_archived_groups() -> None:
    _fixture()
    page, results = discover(AnonymousUser(), DiscoveryFilters(q="alpha"))
    names = [r.group.name for r in results]
    assert page.paginator.count == 14
    assert [n for n in names if n.endswith(" alpha")] == []


@pytest.mark.django_db
def test_the_listed_rule_is_compiled_from_permissions() -> None:
    sql, params = listed_where_sql("default")
    assert sql == '"groups_group"."visibility" = %s'
    assert params == ("listed",)
