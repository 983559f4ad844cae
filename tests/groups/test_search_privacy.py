"""Search ranking counts only what the viewer may see: hidden groups never move public results."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, JoinPolicy
from tests.factories import GroupFactory, MembershipFactory, UserFactory


def _names(user: User | None, q: str) -> list[str]:
    """Result names of an API search (the pages use the same discover())."""
    headers = {}
    if user is not None:
        _token, secret = api_token_create(user=user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    r = Client().get("/api/v1/groups", {"q": q}, **headers)
    assert r.status_code == 200
    return [g["name"] for g in r.json()["results"]]


def _hidden(n: int, text: str, visibility: str = GroupVisibility.SECRET) -> list[object]:
    return [
        GroupFactory(
            name=f"Hidden {i}",
            purpose="",
            description=text,
            visibility=visibility,
            join_policy=JoinPolicy.INVITE,
        )
        for i in range(n)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [GroupVisibility.SECRET, GroupVisibility.UNLISTED])
def test_hidden_groups_do_not_change_the_order_of_public_results(visibility: str) -> None:
    # Symmetric texts: with the same weight for both words they tie, and more members come first.
    GroupFactory(name="Circle X", purpose="", description="zorbel zorbel zorbel quanth", member_count=1)
    GroupFactory(name="Circle Y", purpose="", description="zorbel quanth quanth quanth", member_count=5)
    for i in range(6):
        GroupFactory(name=f"Filler {i}", purpose="", description="nothing to see here at all")
    stranger = UserFactory()
    before = {"anonymous": _names(None, "zorbel quanth"), "stranger": _names(stranger, "zorbel quanth")}
    # Hidden groups full of one of the two words: in a corpus-wide index they would make
    # "quanth" common, so its weight would fall and Circle X would overtake Circle Y.
    _hidden(5, "quanth quanth quanth quanth quanth zorbel", visibility)
    after = {"anonymous": _names(None, "zorbel quanth"), "stranger": _names(stranger, "zorbel quanth")}
    assert before == after == {"anonymous": ["Circle Y", "Circle X"], "stranger": ["Circle Y", "Circle X"]}


@pytest.mark.django_db
def test_hidden_matches_do_not_decide_whether_to_rank(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_FTS_RANK_LIMIT = 3
    GroupFactory(name="Plimsoll plimsoll plimsoll", purpose="", description="plimsoll", member_count=1)
    GroupFactory(
        name="Big circle",
        purpose="",
        description="A long description of networking, resumes, interviews and plimsoll, among much else.",
        member_count=50,
    )
    ranked = ["Plimsoll plimsoll plimsoll", "Big circle"]
    assert _names(None, "plimsoll") == ranked
    # Five hidden matches would push a count over the whole index past the limit of 3,
    # and outsiders would get the unranked (most members first) order.
    _hidden(5, "plimsoll")
    assert _names(None, "plimsoll") == ranked
    assert _names(UserFactory(), "plimsoll") == ranked


@pytest.mark.django_db
def test_a_member_of_a_matching_hidden_group_finds_it_in_the_browse_order() -> None:
    GroupFactory(name="Plimsoll plimsoll plimsoll", purpose="", description="plimsoll", member_count=1)
    GroupFactory(name="Big circle", purpose="", description="plimsoll and much else", member_count=50)
    (secret,) = _hidden(1, "plimsoll")
    member = MembershipFactory(group=secret).user
    names = _names(member, "plimsoll")
    if connection.vendor == "sqlite":
        # No rank from the full index (it would carry other hidden groups' statistics):
        # most members first, as a browse.
        assert names == ["Big circle", "Plimsoll plimsoll plimsoll", "Hidden 0"]
    else:
        # PostgreSQL's ts_rank reads only the row it ranks, so the member's search is ranked.
        assert sorted(names) == ["Big circle", "Hidden 0", "Plimsoll plimsoll plimsoll"]
        assert names.index("Plimsoll plimsoll plimsoll") < names.index("Big circle")


@pytest.mark.django_db
def test_a_member_whose_hidden_match_is_outside_their_filters_gets_the_ranked_order() -> None:
    GroupFactory(name="Plimsoll plimsoll plimsoll", purpose="", description="plimsoll", member_count=1, kind="support")
    GroupFactory(name="Big circle", purpose="", description="plimsoll and much else", member_count=50, kind="support")
    (secret,) = _hidden(1, "plimsoll")  # a strategic group: outside the kind asked for
    member = MembershipFactory(group=secret).user
    _token, key = api_token_create(user=member)
    r = Client().get("/api/v1/groups", {"q": "plimsoll", "kind": "support"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert [g["name"] for g in r.json()["results"]] == ["Plimsoll plimsoll plimsoll", "Big circle"]


@pytest.mark.django_db
def test_the_rank_decision_reads_what_each_engine_ranks(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_FTS_RANK_LIMIT = 3
    GroupFactory(name="Plimsoll plimsoll plimsoll", purpose="", description="plimsoll", member_count=1, kind="support")
    GroupFactory(name="Big circle", purpose="", description="plimsoll and much else", member_count=50, kind="support")
    for i in range(3):
        GroupFactory(name=f"Speakers {i}", purpose="", description="plimsoll", member_count=0, kind="speakers")
    # Five matches, over the limit of 3 on both engines: most members first.
    assert _names(None, "plimsoll")[:2] == ["Big circle", "Plimsoll plimsoll plimsoll"]
    r = Client().get("/api/v1/groups", {"q": "plimsoll", "kind": "support"})
    support = [g["name"] for g in r.json()["results"]]
    if connection.vendor == "sqlite":
        # Five listed groups hold the word: FTS5 would rank all five whatever the kind
        # filter keeps, so the order is the browse order (most members first).
        assert support == ["Big circle", "Plimsoll plimsoll plimsoll"]
    else:
        # ts_rank reads only the two rows the filter keeps: ranked.
        assert support == ["Plimsoll plimsoll plimsoll", "Big circle"]
