"""Every surface that shows a group, for every kind of viewer and every visibility."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, JoinPolicy, MembershipRole, MembershipState
from tests.clients import unmask as _unmask
from tests.factories import GroupFactory, MembershipFactory, UserFactory

VIEWERS = ["anonymous", "stranger", "applicant", "member", "facilitator", "banned", "ex_member"]
NAME = "Zanzibar Quokka Circle"
MEMBER_NAME = "Ottoline Fairweather"

# Who may see the group page / detail, by visibility.
CAN_VIEW = {
    GroupVisibility.LISTED: set(VIEWERS),
    GroupVisibility.UNLISTED: set(VIEWERS) - {"banned"},
    GroupVisibility.SECRET: {"member", "facilitator"},
}
# Who finds it in discovery and the API list.
CAN_DISCOVER = {
    GroupVisibility.LISTED: set(VIEWERS),
    GroupVisibility.UNLISTED: {"member", "facilitator"},
    GroupVisibility.SECRET: {"member", "facilitator"},
}
MEMBERS_SEE_LIST = {"member", "facilitator"}


def _world(visibility: str) -> dict[str, object]:
    policy = JoinPolicy.INVITE if visibility == GroupVisibility.SECRET else JoinPolicy.APPROVAL
    group = GroupFactory(
        name=NAME, slug="zanzibar-quokka", visibility=visibility, join_policy=policy, eligibility_question="Why?"
    )
    fac = MembershipFactory(group=group, role=MembershipRole.FACILITATOR, user=UserFactory(name=MEMBER_NAME)).user
    users: dict[str, User | None] = {"anonymous": None, "facilitator": fac, "stranger": UserFactory()}
    for viewer, state in [
        ("applicant", MembershipState.PENDING),
        ("member", MembershipState.ACTIVE),
        ("banned", MembershipState.BANNED),
        ("ex_member", MembershipState.LEFT),
    ]:
        users[viewer] = MembershipFactory(group=group, state=state).user
    return {"group": group, "users": users, "facilitator": fac}


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
@pytest.mark.parametrize("visibility", list(GroupVisibility))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_group_page(visibility: str, viewer: str) -> None:
    w = _world(visibility)
    r = _client(w["users"][viewer]).get("/groups/zanzibar-quokka/")  # type: ignore[index]
    if viewer in CAN_VIEW[visibility]:
        assert r.status_code == 200
        assert NAME in r.text
    else:
        assert r.status_code == 404
        assert NAME not in r.text


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(GroupVisibility))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_discovery_page(visibility: str, viewer: str) -> None:
    w = _world(visibility)
    c = _client(w["users"][viewer])  # type: ignore[index]
    for url in ["/groups/", "/groups/?q=quokka", "/groups/?near=Boston,MA&radius=10"]:
        r = c.get(url)
        assert r.status_code == 200
        assert (NAME in r.text) is (viewer in CAN_DISCOVER[visibility]), url


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(GroupVisibility))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_list_and_detail(visibility: str, viewer: str) -> None:
    w = _world(visibility)
    headers = _api(w["users"][viewer])  # type: ignore[index]
    c = Client()
    listing = c.get("/api/v1/groups?q=quokka", **headers)
    assert listing.status_code == 200
    slugs = [g["slug"] for g in listing.json()["results"]]
    assert slugs == (["zanzibar-quokka"] if viewer in CAN_DISCOVER[visibility] else [])
    detail = c.get("/api/v1/groups/zanzibar-quokka", **headers)
    if viewer in CAN_VIEW[visibility]:
        assert detail.status_code == 200
        assert detail.json()["name"] == NAME
    else:
        assert detail.status_code == 404
        assert detail.json() == {"detail": "No such group."}
        assert NAME not in detail.text


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(GroupVisibility))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_member_list(visibility: str, viewer: str) -> None:
    w = _world(visibility)
    r = _client(w["users"][viewer]).get("/groups/zanzibar-quokka/members/")  # type: ignore[index]
    if viewer in MEMBERS_SEE_LIST:
        assert r.status_code == 200
        assert MEMBER_NAME in r.text
    elif viewer in CAN_VIEW[visibility]:
        assert r.status_code == 403
        assert MEMBER_NAME not in r.text
        assert "Only members see who else is in" in r.text
    else:
        assert r.status_code == 404
        assert MEMBER_NAME not in r.text
        assert NAME not in r.text


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(GroupVisibility))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_profile_page_lists_only_visible_groups(visibility: str, viewer: str) -> None:
    w = _world(visibility)
    fac: User = w["facilitator"]  # type: ignore[assignment]
    r = _client(w["users"][viewer]).get(f"/people/{fac.public_id}/")  # type: ignore[index]
    assert r.status_code == 200
    shows = visibility == GroupVisibility.LISTED or viewer in {"member", "facilitator"}
    assert (NAME in r.text) is shows


@pytest.mark.django_db
def test_secret_group_404_is_identical_to_a_missing_group() -> None:
    _world(GroupVisibility.SECRET)
    stranger = UserFactory()
    c = _client(stranger)
    hidden = c.get("/groups/zanzibar-quokka/")
    missing = c.get("/groups/no-such-group-at-all/")
    assert hidden.status_code == missing.status_code == 404
    # The per-response CSRF mask is the only difference between any two pages.
    assert len(hidden.content) == len(missing.content)
    assert _unmask(hidden.text) == _unmask(missing.text)
    api_hidden = Client().get("/api/v1/groups/zanzibar-quokka", **_api(stranger))
    api_missing = Client().get("/api/v1/groups/no-such-group-at-all", **_api(stranger))
    assert api_hidden.status_code == api_missing.status_code == 404
    assert api_hidden.content == api_missing.content


@pytest.mark.django_db
def test_secret_group_absent_from_counts_and_topic_filters() -> None:
    w = _world(GroupVisibility.SECRET)
    GroupFactory(name="Open Listed Circle")
    stranger = UserFactory()
    r = Client().get("/api/v1/groups", **_api(stranger))
    assert r.json()["count"] == 1
    assert [g["name"] for g in r.json()["results"]] == ["Open Listed Circle"]
    member = w["users"]["member"]  # type: ignore[index]
    r = Client().get("/api/v1/groups", **_api(member))
    assert r.json()["count"] == 2
