from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from roundtable.accounts.models import ApiToken, User
from roundtable.accounts.services import api_token_create
from tests.clients import signed_in
from tests.factories import ApiTokenFactory, UserFactory
from tests.queries import page_queries

SECRET_RE = re.compile(r'id="new-token" type="text" readonly value="(rt_[A-Za-z0-9_-]+)"')


def _client(user: User) -> Client:
    return signed_in(user)


def _create(client: Client, name: str = "Calendar script") -> str:
    r = client.post("/me/tokens/", {"name": name})
    assert r.status_code == 302
    assert r["Location"] == "/me/tokens/"
    page = client.get("/me/tokens/")
    match = SECRET_RE.search(page.text)
    assert match is not None
    return match.group(1)


@pytest.mark.django_db
def test_page_needs_login() -> None:
    r = Client().get("/me/tokens/")
    assert r.status_code == 302
    assert r["Location"] == "/accounts/login/?next=/me/tokens/"


@pytest.mark.django_db
def test_create_shows_the_secret_once_and_stores_only_its_hash() -> None:
    user = UserFactory()
    client = _client(user)
    secret = _create(client)
    token = ApiToken.objects.get(user=user)
    assert token.name == "Calendar script"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10]
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert all(secret not in value for value in stored)
    assert "new_api_token" not in client.session
    again = client.get("/me/tokens/")
    assert secret not in again.text
    assert "Calendar script" in again.text
    assert f"{token.prefix}…" in again.text
    # The secret works against the API.
    r = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 200
    assert r.json()["email"] == user.email


@pytest.mark.django_db
def test_create_needs_a_name() -> None:
    user = UserFactory()
    r = _client(user).post("/me/tokens/", {"name": ""})
    assert r.status_code == 400
    assert "This field is required." in r.text
    assert ApiToken.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_revoked_token_no_longer_authenticates() -> None:
    user = UserFactory()
    client = _client(user)
    secret = _create(client)
    token = ApiToken.objects.get(user=user)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    r = client.post(f"/me/tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    assert r["Location"] == "/me/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401
    assert api.json() == {"detail": "Authentication required: send a valid token as 'Authorization: Bearer <token>'."}
    page = client.get("/me/tokens/")
    assert "Revoked “Calendar script”. It no longer works." in page.text
    assert '<span class="pill">Revoked ' in page.text
    assert f'action="/me/tokens/{token.pk}/revoke/"' not in page.text


@pytest.mark.django_db
def test_someone_elses_token_is_404_and_stays_active() -> None:
    owner = UserFactory()
    token, secret = api_token_create(user=owner, name="Theirs")
    r = _client(UserFactory()).post(f"/me/tokens/{token.pk}/revoke/")
    assert r.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


@pytest.mark.django_db
def test_revoke_needs_post() -> None:
    # GET answers the confirmation page (issue 9, item 3); only its POST revokes.
    token = ApiTokenFactory()
    assert _client(token.user).get(f"/me/tokens/{token.pk}/revoke/").status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_others_tokens_are_not_listed() -> None:
    ApiTokenFactory(name="Not yours at all")
    user = UserFactory()
    ApiTokenFactory(user=user, name="My sync job")
    page = _client(user).get("/me/tokens/").text
    assert "My sync job" in page
    assert "Not yours at all" not in page


def _count_queries(client: Client) -> int:
    return page_queries(client, "/me/tokens/")


@pytest.mark.django_db
def test_tokens_page_query_count_does_not_grow_with_tokens() -> None:
    user = UserFactory()
    client = _client(user)
    ApiTokenFactory.create_batch(2, user=user)
    small = _count_queries(client)
    ApiTokenFactory.create_batch(30, user=user)
    large = _count_queries(client)
    assert small == large
