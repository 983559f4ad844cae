"""Account security (issue 12, item 5): two-factor login with allauth's own TOTP, logged-in
devices and their revocation, re-authentication, the new-login email and the audit trail."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, TestCase

from roundtable.accounts.models import SignInDevice, User
from roundtable.accounts.security import client_of
from roundtable.safety.models import AuditEvent
from tests.clients import mark_reauthenticated, signed_in
from tests.factories import PASSWORD, UserFactory

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0 Safari/537.36"
)
SAFARI_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Mobile/15E148 Safari/604.1"
)


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _code(secret: str) -> str:
    """The code an authenticator app shows now, computed with allauth's own HOTP helpers."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _login(email: str, *, ua: str = FIREFOX, ip: str = "203.0.113.7") -> tuple[Client, Any]:
    client = Client(HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)
    with _on_commit():
        r = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    return client, r


@contextmanager
def _on_commit() -> Iterator[None]:
    """Runs what the block hands to transaction.on_commit, as a real commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def _actions(user: User) -> list[str]:
    return list(AuditEvent.objects.filter(subject=user).order_by("pk").values_list("action", flat=True))


def _turn_on_totp(client: Client) -> str:
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    # allauth announces the new authenticator after commit (the audit event hangs on that).
    with _on_commit():
        r = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert r.status_code == 302
    cache.clear()  # allauth refuses a code used within its 30 seconds: the next step may reuse it
    return str(secret)


def test_client_of_names_browser_families() -> None:
    assert str(client_of(FIREFOX)) == "Firefox on Linux"
    assert str(client_of(CHROME_WIN)) == "Chrome on Windows"
    assert str(client_of(SAFARI_IOS)) == "Safari on iOS"
    assert str(client_of("Mozilla/5.0 (Windows NT 10.0) AppleWebKit Chrome/141.0 Safari/537.36 Edg/141.0")) == (
        "Edge on Windows"
    )
    assert str(client_of("curl/8.0")) == "an unknown browser"
    assert str(client_of("")) == "an unknown browser"


@pytest.mark.django_db
def test_security_page_links_every_setting_and_needs_login() -> None:
    assert Client().get("/me/security/")["Location"] == "/accounts/login/?next=/me/security/"
    user = UserFactory()
    html = signed_in(user).get("/me/security/").text
    for href in (
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/2fa/webauthn/",
        "/accounts/sessions/",
        "/me/tokens/",
    ):
        assert f'href="{href}"' in html
    assert "PLACE FOR PRIVACY LINKS" not in html  # a template comment, not shown


@pytest.mark.django_db
def test_totp_turns_on_then_login_asks_for_a_code_and_a_recovery_code_works() -> None:
    user = UserFactory(email="tess@example.com")
    secret = _turn_on_totp(signed_in(user))
    assert sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    assert _actions(user) == ["account.mfa_enabled"]

    client, r = _login("tess@example.com")
    assert r["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session
    r = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    # A recovery code instead of the app's code, once only.
    codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    other, _ = _login("tess@example.com", ua=CHROME_WIN)
    assert other.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert other.session["_auth_user_id"] == str(user.pk)
    again, _ = _login("tess@example.com", ua=CHROME_WIN)
    assert again.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session


@pytest.mark.django_db
def test_recovery_codes_regenerated_and_totp_turned_off_are_audited() -> None:
    user = UserFactory()
    client = signed_in(user)
    _turn_on_totp(client)
    with _on_commit():
        assert client.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    with _on_commit():
        r = client.post("/accounts/2fa/totp/deactivate/")
    assert r.status_code == 302
    assert Authenticator.objects.filter(user=user).count() == 0
    assert _actions(user) == ["account.mfa_enabled", "account.recovery_codes_regenerated", "account.mfa_disabled"]


@pytest.mark.django_db
def test_changing_the_password_needs_a_recent_confirmation() -> None:
    user = UserFactory()
    client = signed_in(user)
    mark_reauthenticated(client, user, at=time.time() - 600)
    r = client.get("/accounts/password/change/")
    assert r["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2Fpassword%2Fchange%2F"
    assert client.post("/accounts/reauthenticate/", {"password": "wrong-password-9"}).status_code == 200
    r = client.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": "/accounts/password/change/"})
    assert r["Location"] == "/accounts/password/change/"
    new = "a-brand-new-passphrase-42"
    r = client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new})
    assert r.status_code == 302
    assert _actions(user) == ["account.password_changed"]


@pytest.mark.django_db
def test_with_totp_on_confirming_takes_a_code_and_the_decorator_accepts_it() -> None:
    """allauth.account.decorators.reauthentication_required (account deletion will use it)
    works for a person with two-factor login: they confirm with a code."""
    user = UserFactory()
    client = signed_in(user)
    secret = _turn_on_totp(client)
    mark_reauthenticated(client, user, at=time.time() - 600)
    r = client.post("/me/tokens/", {"name": "Calendar"})
    assert r["Location"] == "/accounts/reauthenticate/?next=%2Fme%2Ftokens%2F"
    page = client.get(r["Location"])
    assert 'href="/accounts/2fa/reauthenticate/?next=%2Fme%2Ftokens%2F"' in page.text
    r = client.post("/accounts/2fa/reauthenticate/?next=%2Fme%2Ftokens%2F", {"code": _code(secret)})
    # The stashed POST is replayed: the token is made.
    assert r.status_code == 302
    assert list(user.api_tokens.values_list("name", flat=True)) == ["Calendar"]


@pytest.mark.django_db
def test_a_fresh_login_counts_as_a_recent_confirmation() -> None:
    UserFactory(email="fay@example.com")
    client, _ = _login("fay@example.com")
    assert client.get("/accounts/password/change/").status_code == 200


@pytest.mark.django_db
def test_devices_page_lists_each_device_and_logs_one_out() -> None:
    ann = UserFactory(email="ann@example.com")
    laptop, _ = _login("ann@example.com", ua=FIREFOX)
    phone, _ = _login("ann@example.com", ua=SAFARI_IOS, ip="198.51.100.4")
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    rows = [(d.client, d.current) for d in page.context["devices"]]
    assert rows == [("Firefox on Linux", True), ("Safari on iOS", False)]
    phone_session = UserSession.objects.get(user=ann, user_agent=SAFARI_IOS)
    r = laptop.post("/accounts/sessions/", {"session": phone_session.pk})
    assert r["Location"] == "/accounts/sessions/"
    # The phone is logged out on its next request.
    assert phone.get("/me/security/")["Location"] == "/accounts/login/?next=/me/security/"
    assert laptop.get("/me/security/").status_code == 200
    # The phone was new to Ann (another browser on another network): its login was noted.
    assert _actions(ann) == ["account.new_device_sign_in", "account.sessions_revoked"]
    assert AuditEvent.objects.get(subject=ann, action="account.sessions_revoked").object_id == "1"


@pytest.mark.django_db
def test_log_out_everywhere_else_keeps_this_device() -> None:
    ann = UserFactory(email="ann@example.com")
    laptop, _ = _login("ann@example.com")
    others = [_login("ann@example.com", ua=CHROME_WIN)[0] for _ in range(2)]
    assert laptop.post("/accounts/sessions/", {"everywhere_else": "yes"})["Location"] == "/accounts/sessions/"
    assert [c.get("/me/security/").status_code for c in others] == [302, 302]
    assert laptop.get("/me/security/").status_code == 200
    assert UserSession.objects.filter(user=ann).count() == 1
    assert AuditEvent.objects.get(subject=ann, action="account.sessions_revoked").object_id == "2"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["", "abc", "99999999", "1\n2", "\x00", "9" * 10_000])
def test_logging_out_a_device_that_is_not_mine_changes_nothing(bad: str) -> None:
    UserFactory(email="ann@example.com")
    bob = UserFactory(email="bob@example.com")
    laptop, _ = _login("ann@example.com")
    bobs, _ = _login("bob@example.com")
    bob_session = UserSession.objects.get(user=bob)
    for value in (bad, str(bob_session.pk)):
        r = laptop.post("/accounts/sessions/", {"session": value})
        assert r.status_code == 302
    assert bobs.get("/me/security/").status_code == 200
    assert AuditEvent.objects.filter(action="account.sessions_revoked").count() == 0


@pytest.mark.django_db
def test_devices_page_takes_a_fixed_number_of_queries() -> None:
    from tests.queries import page_queries

    ann = UserFactory(email="ann@example.com")
    laptop, _ = _login("ann@example.com")
    _login("ann@example.com", ua=CHROME_WIN)
    small = page_queries(laptop, "/accounts/sessions/")
    for _ in range(6):
        _login("ann@example.com", ua=SAFARI_IOS)
    assert page_queries(laptop, "/accounts/sessions/") == small
    assert UserSession.objects.filter(user=ann).count() == 8


@pytest.mark.django_db(transaction=True)
def test_new_device_login_emails_once_and_never_on_the_first_login() -> None:
    user = UserFactory(email="nia@example.com", name="Nia Okafor")
    user.profile.time_zone = "America/Chicago"
    user.profile.save()
    _login("nia@example.com", ua=FIREFOX)  # the first login ever: nothing to compare with
    _login("nia@example.com", ua=FIREFOX)  # the same browser and network
    _run_tasks()
    assert mail.outbox == []
    assert _actions(user) == []

    _login("nia@example.com", ua=CHROME_WIN, ip="198.51.100.20")
    _run_tasks()
    _run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nia@example.com"]
    assert message.subject == "[Roundtable] New login to your account: Chrome on Windows"
    when = message.body.split("When: ")[1].split("\n")[0]
    assert when.endswith("(America/Chicago)")
    assert message.body == (
        "Hi Nia Okafor,\n\n"
        "Your Roundtable account was just logged in to from a device we haven't seen lately.\n\n"
        f"When: {when}\n"
        "Browser: Chrome on Windows\n\n"
        "If this was you, there is nothing to do.\n\n"
        "If it wasn't you:\n"
        "1. Log that device out: http://127.0.0.1:8000/accounts/sessions/\n"
        "2. Change your password: http://127.0.0.1:8000/accounts/password/change/\n"
        "3. Consider turning on two-factor login: http://127.0.0.1:8000/me/security/\n"
    )
    html = message.alternatives[0][0]
    assert '<a href="http://127.0.0.1:8000/accounts/sessions/">Log that device out</a>' in html
    assert _actions(user) == ["account.new_device_sign_in"]
    assert SignInDevice.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_email_change_is_audited() -> None:
    user = UserFactory(email="old@example.com")
    client = signed_in(user)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email="new@example.com", verified=True, primary=False)
    r = client.post("/accounts/email/", {"email": "new@example.com", "action_primary": ""})
    assert r.status_code == 302
    assert _actions(user) == ["account.email_changed"]


@pytest.mark.django_db
def test_the_security_pages_answer_signed_out_people_with_the_login_page() -> None:
    for path in ("/me/security/", "/accounts/sessions/", "/accounts/2fa/", "/accounts/2fa/totp/activate/"):
        r = Client().get(path)
        assert r.status_code == 302
        assert r["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_generate_totp_secret_is_allauths() -> None:
    # The helpers these tests use to make codes are allauth's own (no copy of TOTP here).
    assert len(generate_totp_secret()) == 32


@pytest.mark.django_db
def test_operators_see_who_has_two_factor_but_never_its_secret() -> None:
    from allauth.mfa.models import Authenticator

    person = UserFactory(email="two@example.com")
    auth = Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    operator = UserFactory(is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(operator)
    listing = admin.get("/admin/mfa/authenticator/")
    assert (listing.status_code, "two@example.com" in listing.text) == (200, True)
    page = admin.get(f"/admin/mfa/authenticator/{auth.pk}/change/")
    assert (page.status_code, "JBSWY3DPEHPK3PXP" in page.text, 'name="_save"' in page.text) == (200, False, False)
    assert admin.get("/admin/mfa/authenticator/add/").status_code == 403
    # Deleting one (a lost phone) is allowed.
    assert admin.post(f"/admin/mfa/authenticator/{auth.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Authenticator.objects.filter(pk=auth.pk).exists()


@pytest.mark.django_db
def test_the_login_pages_passkey_parts_are_in_the_body_not_the_head() -> None:
    html = Client().get("/accounts/login/").content.decode()
    head, body = html.split("</head>", 1)
    assert "webauthn.js" not in head
    assert "<noscript" not in head
    assert "webauthn.js" in body
