"""Discovery at scale, in behaviour: prefix search on both engines, the listed part and a
viewer's own hidden part searched apart and merged in order, deep pages, fixed queries."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Group, GroupVisibility, JoinPolicy, MembershipState
from roundtable.groups.permissions import discoverable_groups, discoverable_parts
from roundtable.groups.search import fts5_query, tsquery_text
from tests.factories import GroupFactory, MembershipFactory, UserFactory


def _api(params: dict[str, object], user: User | None = None) -> dict:  # type: ignore[type-arg]
    headers = {}
    if user is not None:
        _token, secret = api_token_create(user=user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    r = Client().get("/api/v1/groups", params, **headers)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def _names(params: dict[str, object], user: User | None = None) -> list[str]:
    return [g["name"] for g in _api(params, user)["results"]]


def _secret(name: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return GroupFactory(name=name, visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE, **kwargs)


# Prefix search: "resu" finds "resume", on SQLite FTS5 and PostgreSQL alike.


BOTH = "Resume and Interviewing"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("resu", ["Resume Clinic", BOTH]),
        ("Resume", ["Resume Clinic", BOTH]),
        ("resumes", ["Resume Clinic", BOTH]),
        ("interv", ["Interviewing Lab", BOTH]),
        ("interviews", ["Interviewing Lab", BOTH]),
        ("resu interv", [BOTH]),
        ("netw", ["Networking Breakfast"]),
        ("zzz", []),
    ],
)
def test_a_word_finds_the_words_it_begins(q: str, found: list[str]) -> None:
    GroupFactory(name="Resume Clinic", purpose="", description="Bring your resume.")
    GroupFactory(name="Interviewing Lab", purpose="", description="Mock interviews, weekly.")
    GroupFactory(name=BOTH, purpose="", description="Both.")
    GroupFactory(name="Networking Breakfast", purpose="", description="Coffee first.")
    assert sorted(_names({"q": q})) == sorted(found)
    page = Client().get("/groups/", {"q": q}).text
    assert [name for name in ["Resume Clinic", "Interviewing Lab", BOTH, "Networking Breakfast"] if name in page] == [
        name for name in ["Resume Clinic", "Interviewing Lab", BOTH, "Networking Breakfast"] if name in found
    ]


@pytest.mark.django_db
def test_a_single_letter_is_a_whole_word_not_a_prefix() -> None:
    GroupFactory(name="Plan B Circle", purpose="", description="Plan b for everyone.")
    GroupFactory(name="Budget Builders", purpose="", description="Spreadsheets.")
    assert _names({"q": "plan b"}) == ["Plan B Circle"]


@pytest.mark.django_db
def test_prefixes_never_reach_a_hidden_group() -> None:
    _secret("Acme Resume Survivors", purpose="", description="resumes after the layoff")
    GroupFactory(name="Resume Clinic", purpose="", description="resume reviews")
    stranger = UserFactory()
    assert _names({"q": "resu"}) == ["Resume Clinic"]
    assert _names({"q": "resu"}, stranger) == ["Resume Clinic"]
    assert _api({"q": "resu"})["count"] == 1
    assert "Acme" not in Client().get("/groups/", {"q": "acm"}).text


def test_the_query_syntax_is_built_from_words_only() -> None:
    assert fts5_query(["resu", "b", "interv"]) == '"resu"* "b" "interv"*'
    assert tsquery_text(["resu", "b", "interv"]) == "resu:* & b & interv:*"


# The two parts: listed groups, and the viewer's own unlisted and secret groups.


@pytest.mark.django_db
def test_the_two_parts_are_exactly_what_the_viewer_may_discover() -> None:
    listed = GroupFactory(name="Listed")
    unlisted = GroupFactory(name="Unlisted", visibility=GroupVisibility.UNLISTED)
    secret = _secret("Secret")
    other_secret = _secret("Other secret")
    member = MembershipFactory(group=secret).user
    MembershipFactory(group=unlisted, user=member)
    MembershipFactory(group=other_secret, user=member, state=MembershipState.LEFT)
    for viewer in (member, UserFactory(), MembershipFactory(group=listed).user):
        listed_part, hidden_part = discoverable_parts(viewer)
        assert hidden_part is not None
        ids = sorted([*listed_part.values_list("id", flat=True), *hidden_part.values_list("id", flat=True)])
        assert ids == sorted(discoverable_groups(viewer).values_list("id", flat=True))
    listed_part, hidden_part = discoverable_parts(member)
    assert hidden_part is not None
    assert sorted(hidden_part.values_list("name", flat=True)) == ["Secret", "Unlisted"]


@pytest.mark.django_db
def test_a_members_hidden_groups_take_their_place_in_every_order_and_page(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 30
    for i in range(24):
        GroupFactory(name=f"Listed {i:02d}", member_count=100 - i * 4)  # 100, 96, ... 8
    secret = _secret("Secret in the middle", description="A circle.")
    unlisted = GroupFactory(name="Unlisted near the end", visibility=GroupVisibility.UNLISTED, description="Circles.")
    member = MembershipFactory(group=secret).user
    MembershipFactory(group=unlisted, user=member)
    # Between Listed 12 (52 members) and 13 (48); between Listed 22 (12) and 23 (8).
    Group.objects.filter(pk=secret.pk).update(member_count=50)
    Group.objects.filter(pk=unlisted.pk).update(member_count=9)
    first, second = _api({"page": 1}, member), _api({"page": 2}, member)
    assert (first["count"], first["pages"], second["page"]) == (26, 2, 2)
    names = [g["name"] for g in first["results"] + second["results"]]
    expected = [f"Listed {i:02d}" for i in range(13)] + ["Secret in the middle"]
    expected += [f"Listed {i:02d}" for i in range(13, 23)] + ["Unlisted near the end", "Listed 23"]
    assert names == expected
    # Found by a word only they hold, in the same order; nobody else sees the two.
    assert [g["name"] for g in _api({"q": "circ", "page": 1}, member)["results"]] == [
        "Secret in the middle",
        "Unlisted near the end",
    ]
    assert _api({"page": 2}, UserFactory())["results"][-1]["name"] == "Listed 23"
    assert _api({}, UserFactory())["count"] == 24
    assert _api({"q": "circ"}, UserFactory())["count"] == _api({"q": "circ"})["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("page", [1, 2, 3])
def test_page_n_works_to_the_deepest_and_costs_the_same_queries(settings, page: int) -> None:  # type: ignore[no-untyped-def]
    """Pages stop at the count cap (bounded pagination): the deepest one reads at most cap
    rows, and every page, at any size, costs the same number of queries."""
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 60
    viewer = UserFactory()
    MembershipFactory(group=_secret("Hidden deep", member_count=0), user=viewer)
    signed_in = Client()
    signed_in.force_login(viewer)
    anon = Client()

    def queries(client: Client, url: str) -> int:
        cache.clear()  # a new discovery generation: nothing cached, every time
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            GroupFactory(name=f"Deep group {i:03d}", member_count=1000 - i)

    urls = [f"/groups/?page={page}", f"/groups/?page={page}&kind=strategic", f"/groups/?page={page}&sort=newest"]
    urls += [
        f"/api/v1/groups?page={page}",
        f"/api/v1/groups?page={page}&q=deep",
        f"/groups/?page={page}&q=deep&sort=newest",
    ]
    urls += [f"/groups/?page={page}&near=Boston%2C+MA&radius=50", f"/api/v1/groups?page={page}&q=deep&near=02108"]
    urls += ["/groups/?page=9&near=Boston%2C+MA&radius=50"]  # past the last page: the last one
    grow(45, 0)
    small = [(queries(anon, u), queries(signed_in, u)) for u in urls]
    grow(40, 45)  # past the cap: the last page is page 3 (60 groups), whatever there are
    large = [(queries(anon, u), queries(signed_in, u)) for u in urls]
    assert small == large
    body = _api({"page": page})
    assert (body["count"], body["count_capped"], body["pages"], body["page"]) == (60, True, 3, page)
    assert [g["name"] for g in body["results"]] == [f"Deep group {i:03d}" for i in range((page - 1) * 20, page * 20)]
    assert f"Page {page} of 3" in signed_in.get(f"/groups/?page={page}").text
    near = anon.get(f"/groups/?page={page}&near=Boston%2C+MA&radius=50").text
    assert f"Page {page} of 3" in near
    assert "60+ groups within 50 km of Boston, MA" in near
    assert "Page 3 of 3" in anon.get("/groups/?page=9&near=Boston%2C+MA&radius=50").text


@pytest.mark.django_db
def test_counts_of_prefix_searches_include_words_that_only_begin_with_them(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DISCOVERY_COUNT_CAP = 3
    GroupFactory(name="Mock interview hour", purpose="", description="")
    GroupFactory(name="Mock interview night", purpose="", description="")
    GroupFactory(name="Mockery of interviewers", purpose="", description="")
    body = _api({"q": "mock interview"})
    assert (body["count"], body["count_capped"]) == (3, False)
    GroupFactory(name="Mock interview lunch", purpose="", description="")
    GroupFactory(name="Mock interview brunch", purpose="", description="")
    body = _api({"q": "mock interview"})
    assert (body["count"], body["count_capped"], body["pages"]) == (3, True, 1)
    assert _api({"q": "mocker interviewe"})["count"] == 1
