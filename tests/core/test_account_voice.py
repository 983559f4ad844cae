"""One voice on the account pages (issue 9, item 13): sentence case, "Log in" everywhere,
an email that names Roundtable, a verify page that offers to resend, and no "Make primary"
for the only address."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.utils.translation import gettext

from tests.clients import signed_in
from tests.factories import UserFactory

PO = Path(__file__).resolve().parents[2] / "roundtable/core/locale/en/LC_MESSAGES/django.po"
# allauth's English, each replaced by the site's own words.
NOT_OUR_VOICE = (
    "Sign In", "Sign Up", "Sign Out", "sign in", "Make Primary", "Re-send Verification", "Remember Me",
    "Email Addresses", "Change Password", "Verify Your Email", "Password Reset", "Reset My Password",
    "Confirm Access", "Account Inactive", "Add Email", "Current Password", "New Password",
)  # fmt: skip
ANONYMOUS_PAGES = (
    "/accounts/login/", "/accounts/signup/", "/accounts/confirm-email/", "/accounts/password/reset/",
    "/accounts/password/reset/done/", "/accounts/inactive/",
)  # fmt: skip
SIGNED_IN_PAGES = (
    "/accounts/email/", "/accounts/password/change/", "/accounts/logout/", "/accounts/reauthenticate/",
    # Account security (issue 12, item 5).
    "/me/security/", "/accounts/sessions/", "/accounts/2fa/", "/accounts/2fa/totp/activate/",
    "/accounts/2fa/webauthn/", "/accounts/2fa/webauthn/add/",
)  # fmt: skip


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _po_entries() -> list[tuple[str, str]]:
    text = PO.read_text()
    return re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.M)


def test_the_compiled_wording_matches_the_po_file() -> None:
    entries = _po_entries()
    assert len(entries) >= 35
    for msgid, msgstr in entries:
        assert gettext(msgid) == msgstr.replace('\\"', '"'), msgid


@pytest.mark.django_db
@pytest.mark.parametrize("path", ANONYMOUS_PAGES + SIGNED_IN_PAGES)
def test_account_pages_speak_in_the_sites_voice(path: str) -> None:
    # Just logged in, as through the page: no re-authentication asked yet.
    client = signed_in(UserFactory()) if path in SIGNED_IN_PAGES else Client()
    response = client.get(path)
    assert response.status_code == 200
    main = _main(response.text)
    assert [phrase for phrase in NOT_OUR_VOICE if phrase in main] == []


@pytest.mark.django_db
def test_log_in_is_called_log_in_everywhere() -> None:
    login = _main(Client().get("/accounts/login/").text)
    assert re.search(r'<h1 class="auth-narrow">\s*Log in\s*</h1>', login)
    assert re.search(r"<button[^>]*>\s*Log in\s*</button>", login)
    signup = _main(Client().get("/accounts/signup/").text)
    assert "Already have an account?" in signup
    assert re.search(r'<a href="/accounts/login/[^"]*">\s*Log in\s*</a>', signup)


@pytest.mark.django_db
def test_the_confirmation_email_names_roundtable(mailoutbox: list[Any]) -> None:
    data = {
        "email": "noor@example.com",
        "display_name": "Noor",
        "password1": "lantern-quiet-42",
        "password2": "lantern-quiet-42",
    }
    assert Client().post("/accounts/signup/", data).status_code == 302
    body = mailoutbox[0].body
    assert body.startswith("Hello from Roundtable!")
    assert "Thank you for using Roundtable!" in body
    assert "Hello from testserver" not in body


@pytest.mark.django_db
def test_the_verify_page_resends_the_link(mailoutbox: list[Any]) -> None:
    data = {
        "email": "noor@example.com",
        "display_name": "Noor",
        "password1": "lantern-quiet-42",
        "password2": "lantern-quiet-42",
    }
    client = Client()
    client.post("/accounts/signup/", data)
    page = client.get("/accounts/confirm-email/").text
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*aria-labelledby="resend-title">', page)
    assert form is not None
    assert "Send the link again" in page
    # One link every three minutes (ACCOUNT_RATE_LIMITS["confirm_email"]); the limit lives
    # in the cache, so clearing it stands for the three minutes passing.
    cache.clear()
    r = Client().post(form.group(1), {"login": "noor@example.com", "password": "lantern-quiet-42"})
    assert r.status_code == 302
    assert r["Location"] == "/accounts/confirm-email/"
    assert [m.to for m in mailoutbox] == [["noor@example.com"], ["noor@example.com"]]


@pytest.mark.django_db
def test_the_only_address_offers_no_make_primary_or_remove() -> None:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    page = _main(client.get("/accounts/email/").text)
    assert 'name="action_primary"' not in page
    assert 'name="action_remove"' not in page
    assert 'name="action_send"' not in page
    EmailAddress.objects.create(user=user, email="second@example.com", verified=False, primary=False)
    page = _main(client.get("/accounts/email/").text)
    assert re.search(r'name="action_primary"[^>]*>\s*Make primary\s*</button>', page)
    assert 'name="action_remove"' in page
    assert 'name="action_send"' in page
