"""An unlisted group's venue is shown to its members only, as its meetings' address is."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, MembershipState
from tests.factories import GroupFactory, MembershipFactory, UserFactory

VENUE = "Back room of Quill & Quire Books"


def _client(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _api(user: User | None) -> dict[str, str]:
    if user is None:
        return {}
    _token, secret = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("visibility", "viewer", "sees"),
    [
        (GroupVisibility.LISTED, "anonymous", True),
        (GroupVisibility.LISTED, "stranger", True),
        (GroupVisibility.UNLISTED, "anonymous", False),
        (GroupVisibility.UNLISTED, "stranger", False),
        (GroupVisibility.UNLISTED, "applicant", False),
        (GroupVisibility.UNLISTED, "ex_member", False),
        (GroupVisibility.UNLISTED, "member", True),
    ],
)
def test_group_venue_on_the_page_and_in_the_api(visibility: str, viewer: str, sees: bool) -> None:
    group = GroupFactory(visibility=visibility, venue=VENUE)
    users: dict[str, User | None] = {"anonymous": None, "stranger": UserFactory()}
    for name, state in [
        ("applicant", MembershipState.PENDING),
        ("ex_member", MembershipState.LEFT),
        ("member", MembershipState.ACTIVE),
    ]:
        users[name] = MembershipFactory(group=group, state=state).user
    user = users[viewer]
    page = _client(user).get(f"/groups/{group.slug}/")
    assert page.status_code == 200
    assert ("Quill &amp; Quire" in page.text) is sees
    assert ("The venue is shared with members." in page.text) is not sees
    api = Client().get(f"/api/v1/groups/{group.slug}", **_api(user))
    assert api.status_code == 200
    assert api.json()["venue"] == (VENUE if sees else "")
