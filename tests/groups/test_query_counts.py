"""Lists keep a fixed number of queries whatever their size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.groups.models import JoinPolicy, MembershipState
from roundtable.live.models import HistorySharing
from tests.factories import GroupFactory, InviteFactory, MembershipFactory, UserFactory, facilitator_of


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _same_at_two_sizes(client: Client, url: str, grow: Callable[[int], None]) -> None:
    grow(2)
    small = _queries(client, url)
    grow(25)
    assert _queries(client, url) == small


@pytest.mark.django_db
def test_member_list_and_dashboard() -> None:
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    fac = facilitator_of(group)
    c = Client()
    c.force_login(fac)

    def grow(n: int) -> None:
        for _ in range(n):
            sharing = MembershipFactory(group=group).user
            HistorySharing.objects.create(user=sharing, share_with_facilitators=True)
            MembershipFactory(group=group, state=MembershipState.PENDING)
            MembershipFactory(group=group, state=MembershipState.BANNED)
            InviteFactory(group=group)

    _same_at_two_sizes(c, f"/groups/{group.slug}/members/", grow)
    _same_at_two_sizes(c, f"/groups/{group.slug}/manage/", grow)
    _same_at_two_sizes(c, f"/groups/{group.slug}/", grow)


@pytest.mark.django_db
def test_my_groups() -> None:
    me = UserFactory()
    c = Client()
    c.force_login(me)

    def grow(n: int) -> None:
        for i in range(n):
            g = GroupFactory()
            if i % 2:
                facilitator_of(g, user=me)
                MembershipFactory(group=g, state=MembershipState.PENDING)
            else:
                MembershipFactory(group=g, user=me)

    _same_at_two_sizes(c, "/me/groups/", grow)
