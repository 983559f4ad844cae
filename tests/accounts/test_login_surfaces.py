"""Every way of signing in follows the same rules (issue 8): a confirmed email, the same
failed-login limits keyed on the real client address, and a new password ends old tokens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from pytest_django.fixtures import Settings

from roundtable.accounts.models import ApiToken, User
from roundtable.accounts.services import api_token_create
from tests.clients import mark_reauthenticated
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "lantern-quiet-harbor-42"
TOO_MANY = "Too many failed login attempts. Try again later."


def _token(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post(
        "/api/v1/auth/token", {"email": email, "password": password}, content_type="application/json", **extra
    )


def _live_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


# ---------------------------------------------------------------- email verification


@pytest.mark.django_db
def test_no_api_token_before_the_email_is_confirmed(mailoutbox: list[Any]) -> None:
    email = "newcomer@example.com"
    signup = Client().post(
        "/accounts/signup/",
        {"email": email, "display_name": "Nadia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert signup.status_code == 302
    r = _token(Client(), email, NEW_PASSWORD)
    assert (r.status_code, r.json()) == (
        403,
        {"detail": "Confirm your email address first: follow the link we emailed you, then try again."},
    )
    assert ApiToken.objects.count() == 0
    # A wrong password still says only that it is wrong (nothing about the address).
    assert _token(Client(), email, "not-it").status_code == 401
    EmailAddress.objects.filter(email=email).update(verified=True)
    assert _token(Client(), email, NEW_PASSWORD).status_code == 201


# ---------------------------------------------------------------- one throttle for every way in


@pytest.mark.django_db
def test_the_admin_signs_in_through_the_site_sign_in() -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    anonymous = Client()
    r = anonymous.get("/admin/login/?next=/admin/")
    assert (r.status_code, r["Location"]) == (302, "/accounts/login/?next=%2Fadmin%2F")
    # The admin's own form takes no password at all: posting to it signs nobody in.
    r = anonymous.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    assert (r.status_code, anonymous.session.get("_auth_user_id")) == (302, None)
    signed_in = Client()
    r = signed_in.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert (r.status_code, r["Location"]) == (302, "/admin/")
    assert signed_in.get("/admin/").status_code == 200
    member = Client()
    member.force_login(UserFactory())
    assert member.get("/admin/login/").status_code == 403


@pytest.mark.django_db
def test_failed_logins_count_together_on_every_surface() -> None:
    user = UserFactory()
    client = Client()
    for _ in range(3):
        page = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
        assert TOO_MANY not in page.text
    assert [_token(client, user.email, "wrong").status_code for _ in range(2)] == [401, 401]
    # Five failures on the account, wherever they happened: both ways in are closed now.
    assert _token(client, user.email, PASSWORD).status_code == 429
    page = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert TOO_MANY in page.text
    assert client.session.get("_auth_user_id") is None


@pytest.mark.django_db
def test_one_account_counter_whatever_the_host_name() -> None:
    user = UserFactory()
    hosts = ["127.0.0.1", "localhost", "testserver", "[::1]", "127.0.0.1"]
    for n, host in enumerate(hosts):
        # A new address each time, so only the account's own counter can stop this.
        r = _token(Client(), user.email, "wrong", HTTP_HOST=host, REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert r.status_code == 401
    assert _token(Client(), user.email, PASSWORD, HTTP_HOST="localhost", REMOTE_ADDR="192.0.2.9").status_code == 429


def _fail_from(client_ip: str, n: int, *, proxy: str = "10.0.0.5", **headers: str) -> list[int]:
    """n failed token requests, each for a different account (so only the per-address limit
    applies), from one client behind our proxy."""
    codes = []
    for i in range(n):
        r = _token(
            Client(),
            f"nobody{i}-{client_ip}@example.com",
            "wrong",
            REMOTE_ADDR=proxy,
            **headers,
        )
        codes.append(r.status_code)
    return codes


@pytest.mark.django_db
def test_behind_a_proxy_the_limit_keys_on_the_client_address(settings: Settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # Whatever a client writes into X-Forwarded-For itself, the proxy appends the address it saw.
    assert _fail_from("198.51.100.1", 10, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1") == [401] * 10
    assert _fail_from("198.51.100.1", 1, HTTP_X_FORWARDED_FOR="5.6.7.8, 198.51.100.1") == [429]
    # Another client behind the same proxy is not locked out by the first.
    assert _fail_from("198.51.100.2", 1, HTTP_X_FORWARDED_FOR="198.51.100.2") == [401]


@pytest.mark.django_db
def test_a_trusted_client_address_header(settings: Settings) -> None:
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert _fail_from("203.0.113.7", 10, HTTP_X_REAL_IP="203.0.113.7") == [401] * 10
    assert _fail_from("203.0.113.7", 1, HTTP_X_REAL_IP="203.0.113.7") == [429]
    assert _fail_from("203.0.113.8", 1, HTTP_X_REAL_IP="203.0.113.8") == [401]


# ---------------------------------------------------------------- a new password ends old tokens


@pytest.mark.django_db
def test_changing_the_password_revokes_api_tokens() -> None:
    user = UserFactory()
    _token_row, secret = api_token_create(user=user, name="script")
    other = UserFactory()
    api_token_create(user=other, name="theirs")
    client = Client()
    client.force_login(user)
    mark_reauthenticated(client, user)
    r = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert r.status_code == 302
    assert (_live_tokens(user), _live_tokens(other)) == (0, 1)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


RESET_LINK_RE = re.compile(r"http://testserver(/accounts/password/reset/key/[^\s]+/)")


@pytest.mark.django_db
def test_resetting_the_password_revokes_api_tokens(mailoutbox: list[Any]) -> None:
    user = UserFactory()
    api_token_create(user=user, name="script")
    client = Client()
    client.post("/accounts/password/reset/", {"email": user.email})
    match = RESET_LINK_RE.search(mailoutbox[0].body)
    assert match is not None
    form = client.get(match.group(1))
    assert form.status_code == 302
    r = client.post(form["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert _live_tokens(user) == 0


@pytest.mark.django_db
def test_any_new_password_revokes_tokens_but_other_saves_do_not() -> None:
    user = UserFactory()
    api_token_create(user=user)
    fresh = User.objects.get(pk=user.pk)
    fresh.first_name = "Dana"
    fresh.save()
    assert _live_tokens(user) == 1
    fresh.set_unusable_password()  # an operator locks the account's password
    fresh.save()
    assert _live_tokens(user) == 0


def _settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    code = "import config.settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code],
        env={**os.environ, "ROUNDTABLE_TESTING": "true", **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=settings_dir(),
    )


def settings_dir() -> str:
    return str(Path(__file__).resolve().parents[2])


def test_the_proxy_settings_come_from_the_environment() -> None:
    assert _settings_in_a_fresh_process(TRUSTED_PROXY_COUNT="2").stdout == "2 None\n"
    assert _settings_in_a_fresh_process(TRUSTED_CLIENT_IP_HEADER="X-Real-IP").stdout == "0 X-Real-IP\n"
    both = _settings_in_a_fresh_process(TRUSTED_PROXY_COUNT="1", TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
    assert both.returncode == 1
    assert "Set TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER, not both." in both.stderr
