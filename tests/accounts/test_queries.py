"""Profile page: a fixed number of queries whatever the owner's number of groups or interests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import User
from roundtable.groups.models import GroupVisibility, JoinPolicy
from tests.factories import GroupFactory, MembershipFactory, TopicFactory, UserFactory


def _owner_in(n_groups: int, viewer: User) -> User:
    owner = UserFactory()
    profile = owner.profile
    profile.visibility = {"expertise": "members", "headline": "members"}
    profile.expertise = "Negotiation"
    profile.save()
    for i in range(n_groups):
        secret = i % 3 == 0
        group = GroupFactory(
            visibility=GroupVisibility.SECRET if secret else GroupVisibility.LISTED,
            join_policy=JoinPolicy.INVITE if secret else JoinPolicy.OPEN,
        )
        MembershipFactory(group=group, user=owner)
        MembershipFactory(group=group, user=viewer)
        profile.interests.add(TopicFactory())
    return owner


def _count(client: Client, owner: User, expected_groups: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/people/{owner.public_id}/")
    assert r.status_code == 200
    assert r.text.count('class="badge badge-strategic"') == expected_groups
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_profile_page_query_count_is_fixed(signed_in: bool) -> None:
    viewer = UserFactory()
    client = Client()
    if signed_in:
        client.force_login(viewer)
    small = _owner_in(2, viewer)
    large = _owner_in(20, viewer)
    # Anonymous visitors see only the listed groups (every third group is secret).
    small_count = _count(client, small, 2 if signed_in else 1)
    large_count = _count(client, large, 20 if signed_in else 13)
    assert small_count == large_count
