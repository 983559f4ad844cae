from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.models import ApiToken
from roundtable.accounts.services import api_token_create
from roundtable.core.tokens import hash_secret
from roundtable.groups.models import Group, JoinPolicy, Membership, MembershipState
from tests.factories import PASSWORD, GroupFactory, UserFactory, facilitator_of


def _bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _t, secret = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.django_db
def test_token_from_password_is_random_hashed_and_works() -> None:
    user = UserFactory(name="Dana Ortiz")
    c = Client()
    r = c.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": PASSWORD, "name": "cli"},
        content_type="application/json",
    )
    assert r.status_code == 201
    secret = r.json()["token"]
    assert secret.startswith("rt_")
    assert len(secret) >= 3 + 43  # 32 random bytes, url-safe base64
    stored = ApiToken.objects.get(user=user)
    assert stored.token_hash == hash_secret(secret)
    assert secret not in (stored.prefix + stored.token_hash + stored.name)
    me = c.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["display_name"]) == (user.email, "Dana Ortiz")


@pytest.mark.django_db
def test_wrong_password_and_wrong_token_are_401_with_reasons() -> None:
    user = UserFactory()
    c = Client()
    r = c.post("/api/v1/auth/token", {"email": user.email, "password": "nope"}, content_type="application/json")
    assert r.status_code == 401
    assert r.json() == {"detail": "That email and password do not match an account."}
    assert c.get("/api/v1/me").status_code == 401
    bad = c.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer rt_not-a-real-token")
    assert bad.status_code == 401
    assert "valid token" in bad.json()["detail"]
    # A wrong token on a public endpoint is refused too, not treated as anonymous.
    assert c.get("/api/v1/groups", HTTP_AUTHORIZATION="Bearer rt_wrong").status_code == 401
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_token_endpoint_is_throttled_after_repeated_failures() -> None:
    user = UserFactory()
    c = Client()
    codes = [
        c.post(
            "/api/v1/auth/token", {"email": user.email, "password": "wrong"}, content_type="application/json"
        ).status_code
        for _ in range(6)
    ]
    assert codes == [401, 401, 401, 401, 401, 429]
    r = c.post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD}, content_type="application/json")
    assert r.status_code == 429
    assert r.json() == {"detail": "Too many failed attempts. Wait a few minutes and try again."}


@pytest.mark.django_db
def test_create_join_leave_through_the_api() -> None:
    founder, joiner = UserFactory(), UserFactory()
    c = Client()
    r = c.post(
        "/api/v1/groups",
        {
            "name": "Seattle Career Changers",
            "kind": "support",
            "format": "in_person",
            "location": "Seattle, WA",
            "topics": ["Career change"],
            "join_policy": "open",
        },
        content_type="application/json",
        **_bearer(founder),
    )
    assert r.status_code == 201
    body = r.json()
    slug = body["slug"]
    assert slug.startswith("seattle-career-changers-")
    assert len(slug) == len("seattle-career-changers-") + 8
    assert (body["place"], body["member_count"], body["my_role"]) == (
        "Seattle, WA",
        1,
        "facilitator",
    )
    assert body["topics"] == [{"name": "Career change", "slug": "career-change"}]
    j = c.post(f"/api/v1/groups/{slug}/join", {}, content_type="application/json", **_bearer(joiner))
    assert j.status_code == 200
    assert j.json() == {
        "group": slug,
        "state": "active",
        "role": "member",
        "detail": "You are a member.",
    }
    assert Group.objects.get(slug=slug).member_count == 2
    left = c.post(f"/api/v1/groups/{slug}/leave", **_bearer(joiner))
    assert left.json()["state"] == "left"
    again = c.post(f"/api/v1/groups/{slug}/leave", **_bearer(joiner))
    assert again.status_code == 409
    assert again.json() == {"detail": "You are not a member of this group."}


@pytest.mark.django_db
def test_api_join_approval_group_needs_an_answer() -> None:
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="Which field?")
    facilitator_of(group)
    user = UserFactory()
    c = Client()
    r = c.post(f"/api/v1/groups/{group.slug}/join", {}, content_type="application/json", **_bearer(user))
    assert r.status_code == 400
    assert r.json() == {"detail": "Please answer: Which field?"}
    r = c.post(
        f"/api/v1/groups/{group.slug}/join", {"answer": "Nursing"}, content_type="application/json", **_bearer(user)
    )
    assert r.json()["state"] == "pending"
    assert Membership.objects.get(user=user).state == MembershipState.PENDING


@pytest.mark.django_db
def test_invite_only_group_refuses_direct_join() -> None:
    group = GroupFactory(join_policy=JoinPolicy.INVITE)
    facilitator_of(group)
    r = Client().post(
        f"/api/v1/groups/{group.slug}/join", {}, content_type="application/json", **_bearer(UserFactory())
    )
    assert r.status_code == 403
    assert r.json() == {"detail": "This group is invite only. Ask a facilitator for an invite link."}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"radius_km": "abc"}, 422, "radius_km"),
        ({"radius_km": "-5"}, 422, "radius_km"),
        ({"kind": "circus"}, 422, "kind"),
        ({"near": "99999"}, 400, "Unknown place '99999'"),
        ({"near": "Atlantis, ZZ"}, 400, "Unknown place"),
        ({"page": "0"}, 422, "page"),
        ({"page": "x"}, 422, "page"),
        ({"q": "x" * 300}, 422, "q"),
    ],
)
def test_api_list_bad_input(params: dict[str, str], status: int, reason: str) -> None:
    r = Client().get("/api/v1/groups", params)
    assert r.status_code == status
    assert reason in r.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "status", "reason"),
    [
        ({"name": "x" * 10000, "kind": "support"}, 422, "name"),
        ({"name": "", "kind": "support"}, 422, "name"),
        ({"name": "Ok", "kind": "circus"}, 422, "kind"),
        ({"name": "Ok", "kind": "support", "location": "00000"}, 400, "We could not find that place"),
        ({"name": "Ok", "kind": "support", "format": "in_person"}, 400, "need a city or ZIP code"),
        ({"name": "Ok", "kind": "support", "format": "virtual", "visibility": "secret"}, 400, "Secret groups"),
        ({"name": "Ok", "kind": "support", "format": "virtual", "join_policy": "approval"}, 400, "ask applicants"),
        ({"name": "Ok", "kind": "support", "format": "virtual", "meeting_minutes": 0}, 422, "meeting_minutes"),
    ],
)
def test_api_create_bad_input_changes_nothing(payload: dict[str, object], status: int, reason: str) -> None:
    user = UserFactory()
    r = Client().post("/api/v1/groups", payload, content_type="application/json", **_bearer(user))
    assert r.status_code == status
    assert reason in r.json()["detail"]
    assert Group.objects.count() == 0
    assert Membership.objects.count() == 0


@pytest.mark.django_db
def test_api_create_needs_a_token_and_malformed_json_is_a_4xx() -> None:
    c = Client()
    r = c.post("/api/v1/groups", {"name": "X", "kind": "support"}, content_type="application/json")
    assert r.status_code == 401
    r = c.post("/api/v1/groups", "{not json", content_type="application/json", **_bearer(UserFactory()))
    assert r.status_code in (400, 422)
    assert "detail" in r.json()
    assert Group.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[null, null]", "[]", '"x"', "5", "null"])
def test_join_body_must_be_an_object(body: str) -> None:
    group = GroupFactory()
    facilitator_of(group)
    user = UserFactory()
    r = Client().post(f"/api/v1/groups/{group.slug}/join", body, content_type="application/json", **_bearer(user))
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "The request is not valid: Send a JSON object here (in braces), with the fields this operation documents."
    )
    assert not Membership.objects.filter(user=user).exists()
