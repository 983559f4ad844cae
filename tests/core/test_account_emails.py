"""Every email allauth sends speaks as Roundtable (tester's finding 4): the site named
"Roundtable", never the host and port a request came in on, subjects in sentence case."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context
from django.template.loader import get_template
from django.test import Client, RequestFactory

from tests.factories import UserFactory

ALLAUTH_EMAILS = Path(allauth.__file__).parent / "templates/account/email"
OURS = Path(__file__).resolve().parents[2] / "roundtable/core/templates/account/email"
URL = re.compile(r"https?://\S+")

# Each email allauth can send -> the exact subject it has (the prefix is ACCOUNT_EMAIL_SUBJECT_PREFIX).
SUBJECTS = {
    "account_already_exists": "[Roundtable] You already have a Roundtable account",
    "email_changed": "[Roundtable] Your email address changed",
    "email_confirm": "[Roundtable] Your email address is confirmed",
    "email_confirmation": "[Roundtable] Confirm your email address",
    "email_confirmation_signup": "[Roundtable] Confirm your email address",
    "email_deleted": "[Roundtable] An email address was removed from your account",
    "login_code": "[Roundtable] Your login code",
    "password_changed": "[Roundtable] Your password was changed",
    "password_reset": "[Roundtable] Your password was reset",
    "password_reset_code": "[Roundtable] Your password reset code",
    "password_reset_key": "[Roundtable] Reset your password",
    "password_set": "[Roundtable] Your password was set",
    "unknown_account": "[Roundtable] No Roundtable account uses this address",
}


def _without_links(text: str) -> str:
    return URL.sub("<link>", text)


def test_every_allauth_email_template_has_our_override() -> None:
    theirs = sorted(p.name for p in ALLAUTH_EMAILS.iterdir() if p.suffix == ".txt")
    assert sorted(p.name for p in OURS.iterdir()) == theirs
    for name in theirs:
        assert get_template(f"account/email/{name}").origin.name == str(OURS / name), name
    assert sorted(n.removesuffix("_subject.txt") for n in theirs if n.endswith("_subject.txt")) == sorted(SUBJECTS)


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", sorted(SUBJECTS))
def test_each_email_names_roundtable_in_sentence_case_and_no_host(prefix: str, mailoutbox: list[Any]) -> None:
    user = UserFactory(name="Noor Haddad")
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8109")
    request.user = user
    ctx = {
        "user": user,
        "activate_url": "http://127.0.0.1:8109/accounts/confirm-email/abc/",
        "password_reset_url": "http://127.0.0.1:8109/accounts/password/reset/key/abc/",
        "signup_url": "http://127.0.0.1:8109/accounts/signup/",
        "code": "ABC123" if prefix.endswith("_code") else "",
        "from_email": "old@example.com",
        "to_email": "new@example.com",
        "deleted_email": "old@example.com",
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
        "timestamp": "Jan 2, 2026, 10:00",
    }
    with context.request_context(request):
        get_adapter(request).send_mail(f"account/email/{prefix}", "noor@example.com", ctx)
    [mail] = mailoutbox
    assert mail.subject == SUBJECTS[prefix]
    text = _without_links(mail.body)
    assert text.startswith("Hello from Roundtable!\n\n")
    assert text.endswith("\n\nThank you for using Roundtable!")
    assert "8109" not in text
    assert "127.0.0.1" not in text
    assert "testserver" not in text
    assert "{" not in text
    assert "%" not in text
    # Sentence case: after the first word, capitals only for Roundtable.
    words = mail.subject.removeprefix("[Roundtable] ").split()
    assert [w for w in words[1:] if w[0].isupper() and w != "Roundtable"] == []


@pytest.mark.django_db
def test_signing_up_sends_the_confirmation_in_our_words(mailoutbox: list[Any]) -> None:
    data = {
        "email": "noor@example.com",
        "display_name": "Noor",
        "password1": "lantern-quiet-42",
        "password2": "lantern-quiet-42",
    }
    assert Client(HTTP_HOST="127.0.0.1:8109").post("/accounts/signup/", data).status_code == 302
    [mail] = mailoutbox
    assert mail.subject == "[Roundtable] Confirm your email address"
    link = URL.search(mail.body)
    assert link is not None
    assert _without_links(mail.body) == (
        "Hello from Roundtable!\n\nWelcome! To finish signing up, confirm your email address by opening this link:\n\n"
        "<link>\n\nIf you didn't sign up for Roundtable, ignore this email: no account is opened until the address "
        "is confirmed.\n\nThank you for using Roundtable!"
    )


@pytest.mark.django_db
def test_a_password_reset_sends_our_words(mailoutbox: list[Any]) -> None:
    UserFactory(email="noor@example.com")
    r = Client(HTTP_HOST="127.0.0.1:8109").post("/accounts/password/reset/", {"email": "noor@example.com"})
    assert r.status_code == 302
    [mail] = mailoutbox
    assert mail.subject == "[Roundtable] Reset your password"
    assert _without_links(mail.body) == (
        "Hello from Roundtable!\n\nSomeone, hopefully you, asked to reset the password of your Roundtable account. "
        "To choose a new password, open this link:\n\n<link>\n\nIf you didn't ask, ignore this email: your password "
        "stays as it is.\n\nThank you for using Roundtable!"
    )
