from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Format, Kind
from roundtable.groups.places import haversine_km, resolve
from tests.factories import GroupFactory, MembershipFactory, TopicFactory, UserFactory
from tests.queries import page_queries

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
    assert "Near you: 8 km away" in text
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
    small = (page_queries(anon, url), page_queries(signed_in, url))
    _populate(30)
    large = (page_queries(anon, url), page_queries(signed_in, url))
    assert small == large


@pytest.mark.django_db
@pytest.mark.parametrize("q", [",", "   ", "_", "!!", '"', "*", "\u00a0", "a" * 200])
def test_queries_without_words_answer_normally(q: str) -> None:
    GroupFactory(name="Any Group")
    assert Client().get("/api/v1/groups", {"q": q}).status_code == 200
    assert Client().get("/groups/", {"q": q}).status_code == 200


# Capped counts, both full-text strategies, the topic filter, invite use counts.


def _api(params: dict[str, object]) -> dict:  # type: ignore[type-arg]
    r = Client().get("/api/v1/groups", params)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_count_stops_at_the_cap_and_says_so(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 5
    for i in range(7):
        GroupFactory(name=f"Capped group {i}", member_count=10 - i)
    body = _api({})
    assert (body["count"], body["count_capped"], body["pages"], body["page"]) == (5, True, 1, 1)
    # The pages stop at the cap too, so what is listed always agrees with the count.
    assert _names(Client().get("/api/v1/groups")) == [f"Capped group {i}" for i in range(5)]
    assert "5+ groups" in Client().get("/groups/").text


@pytest.mark.django_db
def test_count_at_the_cap_is_exact(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 5
    for i in range(5):
        GroupFactory(name=f"Exact group {i}")
    body = _api({})
    assert (body["count"], body["count_capped"], body["pages"]) == (5, False, 1)
    text = Client().get("/groups/").text
    assert "5 groups" in text
    assert "5+ groups" not in text


@pytest.mark.django_db
def test_pages_stop_at_the_cap(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 25
    for i in range(45):
        GroupFactory(name=f"Deep group {i:02d}", member_count=100 - i)
    first, second = _api({"page": 1}), _api({"page": 2})
    assert (first["count"], first["count_capped"], first["pages"]) == (25, True, 2)
    assert [g["name"] for g in second["results"]] == [f"Deep group {i:02d}" for i in range(20, 25)]
    # Past the last counted page: the last page, as for any page number too large.
    assert _api({"page": 3})["page"] == 2
    page = Client().get("/groups/").text
    assert "25+ groups" in page
    assert "Page 1 of 2" in page


def _search_fixture() -> None:
    boston = TopicFactory(name="Boston", slug="boston")
    for i, members in enumerate([3, 9, 1, 7]):
        g = GroupFactory(name=f"Alpha match {i}", description="alpha networking practice", member_count=members)
        g.topics.add(boston)
    GroupFactory(name="Alpha and beta", description="alpha beta", member_count=5)
    GroupFactory(name="Only beta", description="beta", member_count=50)
    GroupFactory(name="Secret alpha", description="alpha", visibility="secret", join_policy="invite")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"q": "alpha"},
        {"q": "alpha networking"},
        {"q": "alpha", "kind": "strategic"},
        {"q": "alpha", "topic": "boston"},
        {"q": "alpha", "near": "Boston, MA", "radius_km": 30},
    ],
)
def test_ranked_and_unranked_search_find_the_same_groups(settings, params: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    _search_fixture()
    ranked = _api(params)
    settings.ROUNDTABLE_FTS_RANK_LIMIT = 2  # every query above matches more than 2 groups
    unranked = _api(params)
    assert ranked["count"] == unranked["count"]
    assert sorted(g["name"] for g in ranked["results"]) == sorted(g["name"] for g in unranked["results"])
    assert "Secret alpha" not in [g["name"] for g in unranked["results"]]


@pytest.mark.django_db
def test_few_matches_are_ranked_and_many_are_ordered_by_members(settings) -> None:  # type: ignore[no-untyped-def]
    GroupFactory(name="Gamma gamma gamma", description="gamma", purpose="", member_count=1)
    GroupFactory(
        name="Big group",
        description="A long description of networking, resumes, interviews and gamma, among much else.",
        member_count=99,
    )
    assert _names(Client().get("/api/v1/groups", {"q": "gamma"})) == ["Gamma gamma gamma", "Big group"]
    settings.ROUNDTABLE_FTS_RANK_LIMIT = 1
    assert _names(Client().get("/api/v1/groups", {"q": "gamma"})) == ["Big group", "Gamma gamma gamma"]


@pytest.mark.django_db
def test_topic_filter_lists_each_group_once() -> None:
    a, b = TopicFactory(name="Resumes", slug="resumes"), TopicFactory(name="Salary", slug="salary")
    both = GroupFactory(name="Both topics", member_count=4)
    both.topics.add(a, b)
    GroupFactory(name="One topic", member_count=2).topics.add(a)
    GroupFactory(name="Other topic", member_count=9).topics.add(b)
    body = _api({"topic": "resumes"})
    assert (body["count"], [g["name"] for g in body["results"]]) == (2, ["Both topics", "One topic"])
    assert _names(Client().get("/api/v1/groups", {"topic": "salary"})) == ["Other topic", "Both topics"]
    assert _names(Client().get("/api/v1/groups", {"topic": "nobody-uses-this"})) == []


@pytest.mark.django_db
def test_topic_counts_hold_only_what_the_viewer_may_see_exact_or_capped(settings) -> None:  # type: ignore[no-untyped-def]
    """The topic count is read from the topic's links on SQLite (selectors.discover): it keeps
    every other filter, leaves out hidden and archived groups, and stops at the cap."""
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 3
    topic, other = TopicFactory(name="Resumes", slug="resumes"), TopicFactory(name="Salary", slug="salary")
    for i in range(2):
        GroupFactory(name=f"Tagged {i}", kind="support").topics.add(topic)
    GroupFactory(name="Other kind", kind="speakers").topics.add(topic, other)
    GroupFactory(name="Archived", archived_at="2026-01-01T00:00:00Z").topics.add(topic)
    secret = GroupFactory(name="Secret", visibility="secret", join_policy="invite")
    secret.topics.add(topic)
    member = MembershipFactory(group=secret).user
    assert (_api({"topic": "resumes"})["count"], _api({"topic": "resumes"})["count_capped"]) == (3, False)
    assert _api({"topic": "resumes", "kind": "support"})["count"] == 2
    assert _api({"topic": "salary"})["count"] == 1
    _token, key = api_token_create(user=member)
    mine = Client().get("/api/v1/groups", {"topic": "resumes"}, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert (mine["count"], mine["count_capped"]) == (3, True)
    GroupFactory(name="Tagged 2").topics.add(topic)
    body = _api({"topic": "resumes"})
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 3)


@pytest.mark.django_db
def test_invite_uses_count_every_join_even_from_a_stale_copy() -> None:
    from roundtable.groups import services
    from roundtable.groups.models import Invite, JoinPolicy

    group = GroupFactory(join_policy=JoinPolicy.INVITE)
    fac = MembershipFactory(group=group, role="facilitator").user
    invite, _token = services.invite_create(group=group, by=fac)
    stale = Invite.objects.get(pk=invite.pk)  # two requests load the invite before either joins
    services.membership_join(group=group, user=UserFactory(), invite=stale)
    services.membership_join(group=group, user=UserFactory(), invite=stale)
    assert Invite.objects.get(pk=invite.pk).uses == 2
