"""Sign-up, email confirmation, login throttling and password reset (django-allauth)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from roundtable.accounts.models import User
from tests.clients import signed_in
from tests.factories import PASSWORD, UserFactory

EMAIL = "newcomer@example.com"
NEW_PASSWORD = "lantern-quiet-harbor-42"
LINK_RE = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


def _signup(client: Client, **extra: str) -> Any:
    data = {"email": EMAIL, "display_name": "Noor", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post("/accounts/signup/", {**data, **extra})


def _logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_signup_sends_one_confirmation_email(mailoutbox: list[Any]) -> None:
    client = Client()
    r = _signup(client)
    assert r.status_code == 302
    assert r["Location"] == "/accounts/confirm-email/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]
    assert LINK_RE.search(mailoutbox[0].body) is not None
    user = User.objects.get(email=EMAIL)
    assert EmailAddress.objects.get(user=user).verified is False
    assert _logged_in_user_id(client) is None
    page = client.get("/accounts/confirm-email/")
    assert page.status_code == 200
    assert "Confirm your email address" in page.text


@pytest.mark.django_db
def test_signup_asks_for_the_public_name_and_uses_it(mailoutbox: list[Any]) -> None:
    form = Client().get("/accounts/signup/")
    assert 'name="display_name"' in form.text
    r = _signup(Client(), email="jordan.q.whitfield1987@example.com", display_name="  Jordan   W ")
    assert r.status_code == 302
    user = User.objects.get(email="jordan.q.whitfield1987@example.com")
    assert (user.profile.display_name, user.display_name) == ("Jordan W", "Jordan W")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   "])
def test_signup_without_a_name_is_refused_and_creates_nothing(name: str, mailoutbox: list[Any]) -> None:
    r = _signup(Client(), display_name=name)
    assert r.status_code == 200
    assert "This field is required." in r.text or "Tell people what to call you." in r.text
    assert User.objects.filter(email=EMAIL).exists() is False
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\u202eevil\u200b", "Noor\u200b", "\u2067Noor"])
def test_signup_refuses_a_name_with_invisible_or_reordering_characters(name: str, mailoutbox: list[Any]) -> None:
    r = _signup(Client(), display_name=name)
    assert r.status_code == 200
    assert "invisible formatting character" in r.text
    assert User.objects.filter(email=EMAIL).exists() is False
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_account_made_without_a_name_shows_no_part_of_its_email() -> None:
    user = User.objects.create_user("jordan.q.whitfield1987@example.com", password=NEW_PASSWORD)
    assert (user.profile.display_name, user.display_name) == ("New member", "New member")
    page = Client().get(f"/people/{user.public_id}/")
    assert page.status_code == 200
    assert "whitfield" not in page.text


@pytest.mark.django_db
def test_cannot_log_in_before_confirming(mailoutbox: list[Any]) -> None:
    _signup(Client())
    client = Client()
    r = client.post("/accounts/login/", {"login": EMAIL, "password": NEW_PASSWORD})
    assert r.status_code == 302
    assert r["Location"] == "/accounts/confirm-email/"
    assert _logged_in_user_id(client) is None
    assert client.get("/me/profile/").status_code == 302


@pytest.mark.django_db
def test_following_the_confirmation_link_confirms_and_logs_in(mailoutbox: list[Any]) -> None:
    client = Client()
    _signup(client)
    match = LINK_RE.search(mailoutbox[0].body)
    assert match is not None
    link = match.group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm your email address" in page.text
    assert EMAIL in page.text
    # A GET alone confirms nothing: mail scanners follow links.
    assert EmailAddress.objects.get(email=EMAIL).verified is False
    r = client.post(link)
    assert r.status_code == 302
    assert r["Location"] == "/me/profile/"
    user = User.objects.get(email=EMAIL)
    assert EmailAddress.objects.get(email=EMAIL).verified is True
    assert _logged_in_user_id(client) == str(user.pk)
    assert client.get("/me/profile/").status_code == 200


@pytest.mark.django_db
def test_confirmed_user_can_log_in() -> None:
    user = UserFactory()
    client = Client()
    r = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert r.status_code == 302
    assert _logged_in_user_id(client) == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_is_a_clear_form_error() -> None:
    user = UserFactory()
    r = Client().post("/accounts/login/", {"login": user.email, "password": "not-it"})
    assert r.status_code == 200
    assert "The email address and/or password you specified are not correct." in r.text
    assert '<div class="form-errors error-summary" role="alert" tabindex="-1" data-error-summary>' in r.text
    assert '<p class="error-summary-title">That did not work.</p>' in r.text


@pytest.mark.django_db
def test_six_wrong_passwords_show_too_many_attempts() -> None:
    user = UserFactory()
    client = Client()
    for _ in range(5):
        r = client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
        assert "Too many failed login attempts" not in r.text
    r = client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
    assert r.status_code == 200
    assert "Too many failed login attempts. Try again later." in r.text
    # Even the right password is refused while the throttle holds.
    r = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts. Try again later." in r.text
    assert _logged_in_user_id(client) is None


@pytest.mark.django_db
def test_password_reset_sends_an_email(mailoutbox: list[Any]) -> None:
    user = UserFactory()
    r = Client().post("/accounts/password/reset/", {"email": user.email})
    assert r.status_code == 302
    assert r["Location"] == "/accounts/password/reset/done/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/confirm-email/"],
)
def test_account_pages_use_the_site_layout(path: str) -> None:
    r = Client().get(path)
    assert r.status_code == 200
    assert '<a class="skip-link" href="#main">Skip to content</a>' in r.text
    assert "/static/core/site.css" in r.text
    assert "style=" not in r.text
    assert "<script>" not in r.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/reauthenticate/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/add/",
    ],
)
def test_signed_in_account_pages_use_the_site_layout(path: str) -> None:
    client = signed_in(UserFactory())  # just logged in: no re-authentication asked yet
    r = client.get(path)
    assert r.status_code == 200
    assert '<a class="skip-link" href="#main">Skip to content</a>' in r.text
    assert 'class="form-card auth-narrow' in r.text
    assert "style=" not in r.text


@pytest.mark.django_db
def test_bad_reset_link_explains_itself() -> None:
    r = Client().get("/accounts/password/reset/key/1-bad-key/")
    assert r.status_code == 200
    assert "This link doesn't work" in r.text
    assert '<a class="skip-link" href="#main">Skip to content</a>' in r.text
