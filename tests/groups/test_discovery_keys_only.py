"""The discovery view reads a page of keys (selectors.discover(keys_only=True): each group's key
and place, the rest deferred) and the rest only for groups whose card is not cached; and its
form cleans without a BoundField per field (forms.DiscoveryForm._clean_fields). Both give what
the full versions give."""

from __future__ import annotations

import itertools

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.groups.discovery_sql import KEY_FIELDS
from roundtable.groups.forms import DiscoveryForm
from roundtable.groups.models import Group, Kind
from roundtable.groups.places import resolve
from roundtable.groups.selectors import DiscoveryFilters, discover, discover_orm
from tests.factories import GroupFactory, TopicFactory

BOSTON = resolve("Boston, MA")


def _fixture() -> None:
    assert BOSTON is not None
    topic = TopicFactory(name="LinkedIn", slug="linkedin")
    for i in range(26):
        g = GroupFactory(
            name=f"Keys {i}",
            description=["alpha networking", "beta", "alpha beta"][i % 3],
            kind=[Kind.STRATEGIC, Kind.SPEAKERS, Kind.SUPPORT][i % 3],
            member_count=(i * 5) % 7,
            latitude=BOSTON.latitude + (i % 9) * 0.04,
            longitude=BOSTON.longitude,
        )
        if i % 2:
            g.topics.add(topic)


def _page(f: DiscoveryFilters, **kwargs: bool) -> tuple[object, ...]:
    with CaptureQueriesContext(connection) as queries:
        page, results = (discover if kwargs else discover_orm)(AnonymousUser(), f, **kwargs)
    return (
        [r.group.pk for r in results],
        [(r.group.latitude, r.group.longitude) for r in results],
        [r.distance for r in results],
        page.paginator.count,
        page.number,
        len(queries),
    )


@pytest.mark.django_db
def test_a_page_of_keys_is_the_page_of_whole_groups() -> None:
    _fixture()
    compared = 0
    for q, kind, near, page in itertools.product(["", "alpha", "beta"], ["", Kind.SPEAKERS], [None, BOSTON], [1, 2]):
        f = DiscoveryFilters(q=q, kind=kind, near=near, page=page, radius_km=30.0)
        keys = _page(f, with_topics=False, keys_only=True)
        # The ORM path fetches the page's topics too: one query more.
        whole = _page(f)
        assert keys[:-1] == whole[:-1], f
        assert keys[-1] == whole[-1] - (1 if whole[0] else 0), f
        compared += 1
    assert compared == 24


@pytest.mark.django_db
def test_keys_only_defers_everything_but_the_key_and_the_place() -> None:
    _fixture()
    _unused, results = discover(AnonymousUser(), DiscoveryFilters(q="alpha"), with_topics=False, keys_only=True)
    assert len(results) == 17  # descriptions 0 and 2 of every three hold "alpha"
    every = {f.attname for f in Group._meta.concrete_fields}
    # Anonymous viewers on SQLite get the written SQL, which reads keys only; the ORM path
    # (PostgreSQL) reads whole rows, which keys_only allows.
    deferred = every - set(KEY_FIELDS) if connection.vendor == "sqlite" else set()
    assert {frozenset(r.group.get_deferred_fields()) for r in results} == {frozenset(deferred)}
    # Asked with topics, the groups are whole: keys_only is only for callers that need neither.
    _unused2, results = discover(AnonymousUser(), DiscoveryFilters(q="alpha"), with_topics=True, keys_only=True)
    assert {frozenset(r.group.get_deferred_fields()) for r in results} == {frozenset()}


@pytest.mark.django_db
def test_a_card_not_cached_is_rendered_from_the_whole_group() -> None:
    GroupFactory(name="Harbor Keys Circle", purpose="Turns every week.", audience="Nurses")
    body = Client().get("/groups/?q=harbor").content.decode()
    assert body.count("Harbor Keys Circle") == 1
    assert "Turns every week." in body
    assert "Nurses" in body


FORM_DATA = [
    "",
    "q=interview",
    "q=interview&kind=strategic&radius=12.5&unit=mi",
    "near=Boston%2C+MA&radius=25&sort=distance",
    "near=Nowhere+at+all",
    "radius=0&kind=nope&format=bogus&unit=yards&sort=upward&page=0",
    "online=on&format=virtual&topic=linkedin",
    "online=false&topic=not+a+slug",
    "q=a&q=b&kind=speakers&kind=support",
    "audience=%01bad&q=" + "x" * 201,
    "page=abc&radius=abc",
]


@pytest.mark.parametrize("query", FORM_DATA)
def test_the_form_cleans_as_djangos_own_clean_fields(query: str) -> None:
    data = QueryDict(query)
    fast, django_way = DiscoveryForm(data), DiscoveryForm(data)
    django_way._clean_fields = lambda: forms.Form._clean_fields(django_way)  # type: ignore[method-assign]
    assert fast.is_valid() == django_way.is_valid()
    assert fast.errors == django_way.errors
    assert fast.cleaned_data == django_way.cleaned_data
    # What the view's shell reads: the value each BoundField gives.
    assert fast.raw_values == {name: django_way[name].value() for name in django_way.fields}
