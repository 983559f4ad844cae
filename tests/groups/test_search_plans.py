"""Search plans (search.py, "Plans"): on PostgreSQL the count and the page are read by
scanning in order or from the GIN, whichever a sample of the table says is cheaper. Both
ways must find the same groups, in the same order, counted the same, for every viewer;
ROUNDTABLE_FTS_PLAN forces each way. (On SQLite the setting changes nothing: the same
assertions hold there too.) The kind's own GIN indexes (migration 0008) exist on
PostgreSQL only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, JoinPolicy, Kind
from roundtable.groups.search import plan_choice
from roundtable.groups.selectors import DiscoveryFilters, discover
from tests.factories import GroupFactory, MembershipFactory, UserFactory

PLANS = ["auto", "scan", "index"]


def _api(params: dict[str, object], user: User | None = None) -> tuple[int, bool, list[str]]:
    headers = {}
    if user is not None:
        _token, secret = api_token_create(user=user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    r = Client().get("/api/v1/groups", params, **headers)
    assert r.status_code == 200
    body = r.json()
    return body["count"], body["count_capped"], [g["name"] for g in body["results"]]


def _groups() -> User:
    """Groups of every kind, with words spread unevenly over the kinds (as a kind's own words
    are), and a member of a secret and an unlisted group that match too."""
    for i in range(6):
        GroupFactory(
            name=f"Support circle {i}", kind=Kind.SUPPORT, purpose="", description="Peace.", member_count=60 - i
        )
    for i in range(5):
        GroupFactory(
            name=f"Resume lab {i}",
            kind=Kind.SPEAKERS,
            purpose="",
            description="Resumes and peer support." if i % 2 else "Resumes reviewed.",
            member_count=40 - i,
        )
    for i in range(4):
        GroupFactory(
            name=f"Planning table {i}",
            kind=Kind.STRATEGIC,
            purpose="",
            description="Resume strategy." if i % 2 else "Turns and commitments.",
            member_count=30 - i,
        )
    GroupFactory(name="Archived support", kind=Kind.SUPPORT, purpose="", archived_at="2026-01-01T00:00:00Z")
    secret = GroupFactory(
        name="Secret support",
        kind=Kind.SUPPORT,
        purpose="",
        description="Resumes too.",
        visibility=GroupVisibility.SECRET,
        join_policy=JoinPolicy.INVITE,
        member_count=35,
    )
    unlisted = GroupFactory(
        name="Unlisted resume",
        kind=Kind.SPEAKERS,
        purpose="",
        description="Peer support.",
        visibility=GroupVisibility.UNLISTED,
        member_count=1,
    )
    member = MembershipFactory(group=secret).user
    MembershipFactory(group=unlisted, user=member)
    return member


QUERIES: list[dict[str, object]] = [
    {"q": "support"},
    {"q": "support", "kind": "speakers"},
    {"q": "support", "kind": "support"},
    {"q": "supp grou"},
    {"q": "resu"},
    {"q": "resume", "kind": "strategic"},
    {"q": "peer support", "kind": "speakers"},
    {"q": "circle", "format": "virtual"},
    {"q": "zzz"},
    {"q": "resume", "near": "Boston, MA", "radius_km": 30},
    {"q": "support", "kind": "support", "page": 2},
]


@pytest.mark.django_db
@pytest.mark.parametrize("params", QUERIES)
@pytest.mark.parametrize(("cap", "rank_limit"), [(1000, 1000), (4, 4)])
def test_every_plan_finds_the_same_groups_in_the_same_order(settings, params, cap, rank_limit) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = cap
    settings.ROUNDTABLE_FTS_RANK_LIMIT = rank_limit
    member = _groups()
    answers = {}
    for plan in PLANS:
        settings.ROUNDTABLE_FTS_PLAN = plan
        answers[plan] = (_api(params), _api(params, UserFactory()), _api(params, member))
    assert answers["scan"] == answers["index"] == answers["auto"]
    anonymous, stranger, mine = answers["auto"]
    assert anonymous == stranger
    assert mine[0] >= anonymous[0]
    assert not any(name.startswith(("Secret", "Unlisted", "Archived")) for name in anonymous[2])


@pytest.mark.django_db
def test_counts_are_exact_below_the_cap_and_capped_above_it_whichever_the_plan(settings) -> None:  # type: ignore[no-untyped-def]
    member = _groups()
    for plan in PLANS:
        settings.ROUNDTABLE_FTS_PLAN = plan
        settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 1000
        # "support": the six support groups (the kind's label is indexed), two speakers groups
        # that say it; the member adds the secret support group and the unlisted one.
        assert _api({"q": "support"})[:2] == (8, False)
        assert _api({"q": "support"}, member)[:2] == (10, False)
        assert _api({"q": "support", "kind": "speakers"})[:2] == (2, False)
        assert _api({"q": "resu"})[:2] == (7, False)
        settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 7
        assert _api({"q": "support"})[:2] == (7, True)
        assert _api({"q": "resu"})[:2] == (7, False)
        assert _api({"q": "resu"}, member)[:2] == (7, True)


@pytest.mark.django_db
def test_newest_first_with_words_is_counted_and_ordered_alike(settings) -> None:  # type: ignore[no-untyped-def]
    member = _groups()
    found = {}
    for plan in PLANS:
        settings.ROUNDTABLE_FTS_PLAN = plan
        for viewer in (AnonymousUser(), member):
            page, results = discover(viewer, DiscoveryFilters(q="resu", sort="newest"))
            found[plan, viewer.is_authenticated] = (page.paginator.count, [r.group.name for r in results])
    for plan in PLANS:
        assert found[plan, False] == found["auto", False]
        assert found[plan, True] == found["auto", True]
    assert (
        found["auto", False][1] == [f"Planning table {i}" for i in (3, 1)] + [f"Resume lab {i}" for i in range(5)][::-1]
    )
    assert found["auto", True][0] == 9


@pytest.mark.django_db
def test_a_kind_word_finds_the_groups_of_that_kind() -> None:
    """The kind's label is among a group's words ("Support group", "Speakers group",
    "Strategic planning group"): searching a kind's word finds that kind's groups even where
    their own text never says it, and groups of other kinds whose text does."""
    GroupFactory(name="Quiet circle", kind=Kind.SUPPORT, purpose="", description="Peace.")
    GroupFactory(name="Talks", kind=Kind.SPEAKERS, purpose="", description="Monthly.")
    GroupFactory(name="Turns", kind=Kind.STRATEGIC, purpose="", description="We support each other.")
    assert sorted(_api({"q": "support"})[2]) == ["Quiet circle", "Turns"]
    assert _api({"q": "speakers"})[2] == ["Talks"]
    assert _api({"q": "planning"})[2] == ["Turns"]
    assert _api({"q": "support", "kind": "support"})[2] == ["Quiet circle"]
    assert sorted(_api({"q": "group"})[2]) == ["Quiet circle", "Talks", "Turns"]


def test_an_unknown_plan_is_a_clear_configuration_error(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_FTS_PLAN = "fast"
    with pytest.raises(ImproperlyConfigured, match="ROUNDTABLE_FTS_PLAN must be one of auto, scan, index"):
        plan_choice()


@pytest.mark.django_db
def test_each_kind_has_its_own_search_index_on_postgresql_only() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["group_listed_%_gin"])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE %s", ["group_listed_%_gin"])
        found = dict(cursor.fetchall())
    if connection.vendor == "postgresql":
        kinds = ("speakers", "strategic", "support")
        assert sorted(found) == sorted([*(f"group_listed_{k}_search_gin" for k in kinds), "group_listed_search_gin"])
        for kind in kinds:
            assert f"kind)::text = '{kind}'::text" in found[f"group_listed_{kind}_search_gin"]
    else:
        assert found == {}
