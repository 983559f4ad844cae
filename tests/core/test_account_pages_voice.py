"""Tester's findings 3 and 5: the account and error pages in the site's voice ("Log in",
"Sign up", sentence case), titles included; removing an email address asks first on the
site's confirmation page, with or without JavaScript."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import Client

from tests.clients import signed_in
from tests.factories import UserFactory

NOT_OUR_VOICE = ("Sign in", "sign in", "Signed in", "signed in", "Signup", "Sign In", "Sign Up", "for user", "Please ")
ANONYMOUS = (
    "/accounts/login/", "/accounts/signup/", "/accounts/confirm-email/", "/accounts/confirm-email/bad-key/",
    "/accounts/password/reset/", "/accounts/password/reset/done/", "/accounts/password/reset/key/1-set-password/",
    "/accounts/password/reset/key/done/", "/accounts/inactive/", "/no-such-page/", "/admin/",
)  # fmt: skip
SIGNED_IN = (
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/admin/",
)


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return " ".join(found.group(1).split())


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>", 1)[0]).split())


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "signed_in"), [(p, False) for p in ANONYMOUS] + [(p, True) for p in SIGNED_IN])
def test_account_and_error_pages_speak_in_the_sites_voice(path: str, signed_in: bool) -> None:
    c = Client()
    if signed_in:
        c.force_login(UserFactory())
    html = c.get(path, follow=True).text
    seen = _title(html) + " " + _words(html)
    assert [phrase for phrase in NOT_OUR_VOICE if phrase in seen] == []


@pytest.mark.django_db
def test_the_sign_up_page_is_titled_sign_up() -> None:
    assert _title(Client().get("/accounts/signup/").text) == "Sign up · Roundtable"


@pytest.mark.django_db
def test_the_confirm_page_asks_about_your_address_not_a_user() -> None:
    user = UserFactory()
    address = EmailAddress.objects.create(user=user, email="noor@example.com", verified=False)
    html = Client().get(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/").text
    assert _title(html) == "Confirm your email address · Roundtable"
    assert (
        'Is <a href="mailto:noor@example.com">noor@example.com</a> your email address? '
        "Confirm it to use it with your Roundtable account."
    ) in html


@pytest.mark.django_db
def test_dead_links_say_so_and_offer_a_new_one() -> None:
    c = Client()
    assert "This confirmation link has expired or was already used. Ask for a new one ." in _words(
        c.get("/accounts/confirm-email/bad-key/").text
    )
    reset = c.get("/accounts/password/reset/key/1-set-password/", follow=True).text
    assert "This link doesn't work This reset link has expired or was already used. Ask for a new one ." in _words(
        reset
    )
    assert "Enter your account's email address and we'll send you a link to choose a new password." in _words(
        c.get("/accounts/password/reset/").text
    )


@pytest.mark.django_db
def test_the_403_page_says_log_in() -> None:
    anonymous = Client().get("/admin/", follow=True)
    signed_in = Client()
    signed_in.force_login(UserFactory(name="Noor"))
    r = signed_in.get("/admin/", follow=True)
    assert r.status_code == 403
    assert "You're logged in as Noor, and this page is for other people" in r.text
    from django.template.loader import render_to_string

    assert "Log in, and if the page is for you, it opens." in render_to_string(
        "403.html", {"user": anonymous.wsgi_request.user}
    )


@pytest.mark.django_db
def test_removing_an_email_address_asks_first_on_the_sites_confirmation_page() -> None:
    user = UserFactory()
    EmailAddress.objects.create(user=user, email="old@example.com", verified=True, primary=False)
    c = signed_in(user)  # just logged in: removing an address asks for no password yet
    page = c.get("/accounts/email/").text
    assert "confirmDelete" not in page
    assert "account/js/" not in page
    # Without JavaScript the Remove button posts, and the answer is the question, not the deed.
    ask = c.post("/accounts/email/", {"email": "old@example.com", "action_remove": ""})
    assert ask.status_code == 200
    assert _title(ask.text) == "Remove this email address? · Roundtable"
    assert "<strong>old@example.com</strong>" in ask.text
    assert "You can no longer log in with it, and Roundtable sends nothing to it." in ask.text
    assert '<input type="hidden" name="confirmed" value="yes">' in ask.text
    assert '<a href="/accounts/email/">Keep it</a>' in ask.text
    assert EmailAddress.objects.filter(user=user, email="old@example.com").exists()
    done = c.post("/accounts/email/", {"email": "old@example.com", "action_remove": "yes", "confirmed": "yes"})
    assert (done.status_code, done["Location"]) == (302, "/accounts/email/")
    assert not EmailAddress.objects.filter(user=user, email="old@example.com").exists()


@pytest.mark.django_db
def test_removing_someone_elses_or_the_primary_address_asks_nothing_and_removes_nothing() -> None:
    user = UserFactory()
    other = UserFactory(email="theirs@example.com")
    c = Client()
    c.force_login(user)
    for address in ("theirs@example.com", user.email):
        r = c.post("/accounts/email/", {"email": address, "action_remove": ""})
        assert r.status_code == 302
    assert EmailAddress.objects.filter(user=other).count() == 1
    assert EmailAddress.objects.filter(user=user, email=user.email).count() == 1
