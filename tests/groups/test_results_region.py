"""Discovery's results region is written in Python for a search that finds groups
(views._results_region); the template's partial (groups/discover.html#results) stays the
reference. Over a grid of searches, anonymous and signed in (reasons, distances), with pages,
a capped count, miles and kilometres, both give the same bytes."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from roundtable.groups import selectors
from roundtable.groups.forms import DiscoveryForm
from roundtable.groups.models import Format, Kind
from roundtable.groups.places import resolve
from roundtable.groups.views import _results_region, _with_cards
from tests.factories import GroupFactory, TopicFactory, UserFactory

BOSTON = resolve("Boston, MA")


def _fixture():  # type: ignore[no-untyped-def]
    assert BOSTON is not None
    topic = TopicFactory(name="Résumés & <LinkedIn>", slug="resumes")
    kinds = [Kind.STRATEGIC, Kind.SPEAKERS, Kind.SUPPORT]
    formats = [Format.IN_PERSON, Format.VIRTUAL, Format.HYBRID]
    for i in range(45):
        g = GroupFactory(
            name=f"Group <{i}> & co",
            description="alpha networking" if i % 2 else "beta",
            kind=kinds[i % 3],
            format=formats[(i // 3) % 3],
            audience='Veterans & "friends"' if i % 4 == 0 else "",
            member_count=(i * 7) % 1500,
            latitude=BOSTON.latitude + (i % 9) * 0.1,
            longitude=BOSTON.longitude,
        )
        if i % 2:
            g.topics.add(topic)
    viewer = UserFactory()
    viewer.profile.interests.add(topic)
    type(viewer.profile).objects.filter(pk=viewer.profile.pk).update(
        latitude=BOSTON.latitude, longitude=BOSTON.longitude
    )
    return viewer


def _both(viewer, query: str) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    form = DiscoveryForm(QueryDict(query))
    assert form.is_valid(), form.errors
    page, results = selectors.discover(viewer, form.filters(), with_topics=viewer.is_authenticated)
    if not results:
        return None
    _with_cards(results)
    data = QueryDict(query, mutable=True)
    data.pop("page", None)
    querystring = data.urlencode()
    ctx = {"form": form, "page": page, "results": results, "querystring": querystring}
    return _results_region(form, page, results, querystring), render_to_string("groups/discover.html#results", ctx)


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [1000, 25])
def test_the_written_results_region_is_the_templates(settings, cap: int) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = cap
    viewer = _fixture()
    compared, seen = 0, {"reasons": 0, "pages": 0, "capped": 0, "miles": 0, "distance": 0}
    grid = itertools.product(
        ["", "q=alpha", "q=zzznothing"],
        ["", "near=Boston%2C+MA", "near=Boston%2C+MA&radius=12.5&unit=mi", "near=02139&radius=30.49"],
        ["", "page=2", "page=3"],
        [AnonymousUser(), viewer],
    )
    for q, near, page, who in grid:
        query = "&".join(part for part in (q, near, page) if part)
        pair = _both(who, query)
        if pair is None:
            continue
        written, template = pair
        assert written == template, query
        assert isinstance(written, SafeString)  # the page puts it in as it is
        compared += 1
        seen["reasons"] += "Why it may fit you" in written
        seen["pages"] += 'rel="prev"' in written or 'rel="next"' in written
        seen["capped"] += "+ groups" in written
        seen["miles"] += " miles of " in written
        seen["distance"] += " away" in written
    assert compared == 48
    # Every branch of the template was compared (a count over the cap only with the lower cap).
    assert all(n > 0 for what, n in seen.items() if what != "capped"), seen
    assert (seen["capped"] > 0) == (cap == 25), seen
