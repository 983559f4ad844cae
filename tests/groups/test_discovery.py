from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.groups.models import Format, Kind
from roundtable.groups.places import haversine_km, resolve
from tests.factories import GroupFactory, MembershipFactory, TopicFactory, UserFactory

BOSTON = resolve("Boston, MA")


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [g["name"] for g in response.json()["results"]]


def _group_km_north(km: float, **kwargs):  # type: ignore[no-untyped-def]
    assert BOSTON is not None
    return GroupFactory(latitude=BOSTON.latitude + km / 111.195, longitude=BOSTON.longitude, **kwargs)


@pytest.mark.django_db
def test_a_group_10_km_away_is_within_25_km_and_not_within_5() -> None:
    g = _group_km_north(10, name="Ten K Group")
    assert BOSTON is not None
    assert round(haversine_km(BOSTON.latitude, BOSTON.longitude, g.latitude, g.longitude), 1) == 10.0
    c = Client()
    assert _names(c.get("/api/v1/groups", {"near": "Boston, MA", "radius_km": 25})) == ["Ten K Group"]
    assert _names(c.get("/api/v1/groups", {"near": "Boston, MA", "radius_km": 5})) == []
    page = c.get("/groups/", {"near": "Boston, MA", "radius": 25})
    assert "Ten K Group" in page.text
    assert "10 km away" in page.text
    assert "Ten K Group" not in c.get("/groups/", {"near": "Boston, MA", "radius": 5}).text
    # Miles: 10 km is 6.2 miles.
    assert "Ten K Group" in c.get("/groups/", {"near": "Boston, MA", "radius": 7, "unit": "mi"}).text
    assert "Ten K Group" not in c.get("/groups/", {"near": "Boston, MA", "radius": 6, "unit": "mi"}).text


@pytest.mark.django_db
def test_zip_code_near_search_sorts_by_distance() -> None:
    _group_km_north(30, name="Thirty")
    _group_km_north(3, name="Three")
    _group_km_north(12, name="Twelve")
    r = Client().get("/api/v1/groups", {"near": "02108", "radius_km": 50})
    assert _names(r) == ["Three", "Twelve", "Thirty"]
    assert [round(g["distance_km"]) for g in r.json()["results"]] == [3, 12, 30]


@pytest.mark.django_db
def test_words_in_name_and_description_are_found() -> None:
    GroupFactory(name="Denver Speakers Night", description="Talks about salary negotiation")
    GroupFactory(name="Austin Circle", description="Peer support for career changers")
    c = Client()
    assert _names(c.get("/api/v1/groups", {"q": "denver"})) == ["Denver Speakers Night"]
    assert _names(c.get("/api/v1/groups", {"q": "negotiation"})) == ["Denver Speakers Night"]
    assert _names(c.get("/api/v1/groups", {"q": "career changers"})) == ["Austin Circle"]
    assert _names(c.get("/api/v1/groups", {"q": "denver support"})) == []
    # Query syntax in user input is treated as words, never as search operators.
    assert _names(c.get("/api/v1/groups", {"q": 'denver"* ^'})) == ["Denver Speakers Night"]
    assert c.get("/api/v1/groups", {"q": '"" NEAR( AND -'}).status_code == 200


@pytest.mark.django_db
def test_filters_combine() -> None:
    interviewing = TopicFactory(name="Interviewing", slug="interviewing")
    a = _group_km_north(5, name="A speakers near", kind=Kind.SPEAKERS)
    a.topics.add(interviewing)
    _group_km_north(5, name="B strategic near", kind=Kind.STRATEGIC).topics.add(interviewing)
    _group_km_north(500, name="C speakers far", kind=Kind.SPEAKERS).topics.add(interviewing)
    _group_km_north(5, name="D speakers near no topic", kind=Kind.SPEAKERS)
    GroupFactory(name="E online speakers", kind=Kind.SPEAKERS, format=Format.VIRTUAL, latitude=None, longitude=None)
    c = Client()
    r = c.get("/api/v1/groups", {"kind": "speakers", "near": "Boston, MA", "radius_km": 25, "topic": "interviewing"})
    assert _names(r) == ["A speakers near"]
    assert _names(c.get("/api/v1/groups", {"kind": "speakers", "format": "virtual"})) == ["E online speakers"]
    page = c.get("/groups/", {"kind": "speakers", "online": "on"})
    assert "E online speakers" in page.text
    assert "A speakers near" not in page.text


@pytest.mark.django_db
def test_pagination_is_stable_and_complete() -> None:
    for i in range(45):
        GroupFactory(name=f"Paged group {i:02d}", member_count=i % 3)
    c = Client()
    seen: list[str] = []
    for page in (1, 2, 3):
        body = c.get("/api/v1/groups", {"page": page}).json()
        assert body["count"] == 45
        assert body["pages"] == 3
        seen += [g["name"] for g in body["results"]]
    assert len(seen) == 45
    assert len(set(seen)) == 45
    again = [g["name"] for g in c.get("/api/v1/groups", {"page": 2}).json()["results"]]
    assert again == seen[20:40]


@pytest.mark.django_db
def test_why_it_fits_reasons_for_a_signed_in_viewer() -> None:
    topic = TopicFactory(name="LinkedIn", slug="linkedin")
    g = _group_km_north(8, name="Near and on topic", format=Format.HYBRID)
    g.topics.add(topic)
    viewer = UserFactory()
    viewer.profile.interests.add(topic)
    assert BOSTON is not None
    type(viewer.profile).objects.filter(pk=viewer.profile.pk).update(
        latitude=BOSTON.latitude, longitude=BOSTON.longitude
    )
    c = Client()
    c.force_login(viewer)
    text = c.get("/groups/").text
    assert "On topics you follow: LinkedIn" in text
    assert "Near you (8 km)" in text
    assert "You can join online" in text


@pytest.mark.django_db
def test_empty_state_is_helpful() -> None:
    r = Client().get("/groups/", {"q": "nothingmatchesthis"})
    assert r.status_code == 200
    assert "No groups match yet" in r.text
    assert "Start a group" in r.text


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment() -> None:
    GroupFactory(name="Fragment Group")
    r = Client().get("/groups/", {"q": "fragment"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="results"')
    assert "Fragment Group" in r.text
    assert "<html" not in r.text


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _populate(n: int) -> None:
    topics = [TopicFactory(name=f"Subject {i}", slug=f"subject-{i}") for i in range(3)]
    for i in range(n):
        g = _group_km_north(i % 20, name=f"Count group {i}")
        g.topics.add(*topics)
        MembershipFactory(group=g)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/groups/",
        "/groups/?q=count",
        "/groups/?near=Boston,MA&radius=40&kind=strategic",
        "/api/v1/groups",
        "/api/v1/groups?q=count&near=02108&radius_km=50",
    ],
)
def test_discovery_query_count_is_fixed(url: str) -> None:
    viewer = UserFactory()
    anon, signed_in = Client(), Client()
    signed_in.force_login(viewer)
    _populate(3)
    small = (_count_queries(anon, url), _count_queries(signed_in, url))
    _populate(30)
    large = (_count_queries(anon, url), _count_queries(signed_in, url))
    assert small == large


@pytest.mark.django_db
@pytest.mark.parametrize("q", [",", "   ", "_", "!!", '"', "*", "\u00a0", "a" * 200])
def test_queries_without_words_answer_normally(q: str) -> None:
    GroupFactory(name="Any Group")
    assert Client().get("/api/v1/groups", {"q": q}).status_code == 200
    assert Client().get("/groups/", {"q": q}).status_code == 200
