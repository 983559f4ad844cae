"""Account security in a browser (issue 12, item 5), against the production ASGI server:
two-factor login with an authenticator app (the code computed here with allauth's own HOTP
helpers) and with a recovery code; logging one device out from another's devices page; the
password asked again once the re-authentication window has passed; a passkey added and used
through Chromium's virtual authenticator. Screenshots at 1280 and 360 px.

The server runs on http://localhost (passkeys belong to a host name; fido2 accepts plain
http only there) with a re-authentication window of a few seconds, so the journey can wait
it out."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from playwright.sync_api import Page, expect

from roundtable.safety.models import AuditEvent
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop, _server_env, _watch_console, collectstatic
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e

WINDOW = 6  # seconds of ACCOUNT_REAUTHENTICATION_TIMEOUT on this server


@pytest.fixture
def server(transactional_db: None) -> Iterator[AsgiServer]:
    env = _server_env()
    env.update(ALLOWED_HOSTS="127.0.0.1,localhost", ACCOUNT_REAUTHENTICATION_TIMEOUT=str(WINDOW))
    collectstatic(env)
    srv = AsgiServer(env)
    srv.url = srv.url.replace("127.0.0.1", "localhost")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def _logged_in(page: Page) -> None:
    expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_have_count(1)


def _log_out(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/logout/")
    page.locator("main").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in", include_hidden=True)).to_have_count(1)


def _actions(email: str) -> list[str]:
    return list(AuditEvent.objects.filter(subject__email=email).order_by("pk").values_list("action", flat=True))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_turn_on_an_authenticator_app_then_log_in_with_a_code_and_a_recovery_code(
    server: AsgiServer,
    new_page,  # type: ignore[no-untyped-def]
    width: int,
) -> None:
    base = server.url
    UserFactory(email="tess@example.com", name="Tess Ng")
    problems: list[str] = []
    page = new_page(width, 900)
    _watch_console(page, problems)
    _login(page, base, "tess@example.com")
    _logged_in(page)

    page.goto(f"{base}/me/security/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Account security")
    shot(page, f"security-{width}")
    page.get_by_role("link", name="Authenticator app and recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor login")
    shot(page, f"mfa-index-off-{width}")
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    qr = page.get_by_role("img", name="QR code for your authenticator app", exact=False)
    expect(qr).to_be_visible()
    # The data: URL SVG renders within the CSP: the image has a size of its own.
    assert page.evaluate("document.querySelector('img.totp-qr').naturalWidth") > 0
    shot(page, f"mfa-totp-activate-{width}")
    secret = page.get_by_label("Setup key").input_value()
    page.get_by_label("Authenticator code").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()

    # allauth shows the new recovery codes next.
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    shot(page, f"mfa-recovery-codes-{width}")
    assert _off_loop(lambda: sorted(Authenticator.objects.values_list("type", flat=True))) == [
        "recovery_codes",
        "totp",
    ]
    _log_out(page, base)

    # Password, then the app's code.
    _login(page, base, "tess@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor login")
    shot(page, f"mfa-authenticate-{width}")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errorlist")).to_be_visible()
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Log in").click()
    _logged_in(page)
    _log_out(page, base)

    # Password, then a recovery code.
    _login(page, base, "tess@example.com")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Log in").click()
    _logged_in(page)
    page.goto(f"{base}/accounts/2fa/")
    expect(page.get_by_text("9 of 10 codes left.", exact=False)).to_be_visible()
    shot(page, f"mfa-index-on-{width}")
    assert _off_loop(_actions, email="tess@example.com")[0] == "account.mfa_enabled"
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_log_a_device_out_from_another(server: AsgiServer, browser) -> None:  # type: ignore[no-untyped-def]
    base = server.url
    UserFactory(email="ann@example.com", name="Ann Alvarez")
    laptop_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    phone_ctx = browser.new_context(
        viewport={"width": 360, "height": 800},
        user_agent=(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/141.0 Mobile Safari/537.36"
        ),
    )
    try:
        laptop, phone = laptop_ctx.new_page(), phone_ctx.new_page()
        problems: list[str] = []
        _watch_console(laptop, problems)
        _login(laptop, base, "ann@example.com")
        _logged_in(laptop)
        _login(phone, base, "ann@example.com")
        _logged_in(phone)

        phone.goto(f"{base}/accounts/sessions/")
        expect(phone.get_by_role("heading", level=1)).to_have_text("Logged-in devices")
        shot(phone, "sessions-360")
        laptop.goto(f"{base}/accounts/sessions/")
        devices = laptop.locator(".device-list > li")
        expect(devices).to_have_count(2)
        expect(devices.nth(0)).to_contain_text("This device")
        expect(devices.nth(1)).to_contain_text("Chrome on Android")
        shot(laptop, "sessions-1280")
        devices.nth(1).get_by_role("button").click()
        expect(laptop.get_by_text("That device is logged out.", exact=False)).to_be_visible()
        expect(laptop.locator(".device-list > li")).to_have_count(1)
        expect(laptop.get_by_text("This is the only device logged in.", exact=False)).to_be_visible()

        # The phone is logged out on its next request.
        phone.goto(f"{base}/me/security/")
        expect(phone.get_by_role("heading", level=1)).to_have_text("Log in")
        assert phone.url.startswith(f"{base}/accounts/login/")
        laptop.goto(f"{base}/me/security/")
        _logged_in(laptop)
        assert _off_loop(lambda: UserSession.objects.count()) == 1
        assert "account.sessions_revoked" in _off_loop(_actions, email="ann@example.com")
        assert problems == []
    finally:
        laptop_ctx.close()
        phone_ctx.close()


@pytest.mark.django_db(transaction=True)
def test_the_password_is_asked_again_after_the_window(server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = server.url
    UserFactory(email="ray@example.com", name="Ray Park")
    page = new_page(1280, 900)
    problems: list[str] = []
    _watch_console(page, problems)
    _login(page, base, "ray@example.com")
    _logged_in(page)
    # Just logged in: the login itself counts as a confirmation.
    page.goto(f"{base}/accounts/password/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change password")

    page.wait_for_timeout((WINDOW + 1) * 1000)
    page.goto(f"{base}/accounts/password/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it's you")
    shot(page, "reauthenticate-1280")
    page.get_by_label("Password").fill("not-my-password-1")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".errorlist, .error-summary").first).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change password")
    new = "a-brand-new-passphrase-42"
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password, again").fill(new)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()

    # Adding an email address after the window: asked again too.
    page.wait_for_timeout((WINDOW + 1) * 1000)
    page.goto(f"{base}/accounts/email/")
    page.get_by_label("Email", exact=True).fill("ray.park@example.com")
    page.get_by_role("button", name="Add address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it's you")
    page.get_by_label("Password").fill(new)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Confirmation email sent to ray.park@example.com.")).to_be_visible()
    assert _off_loop(_actions, email="ray@example.com") == ["account.password_changed"]
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_add_a_passkey_then_log_in_with_it(server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    """Chromium's virtual authenticator (DevTools' WebAuthn domain) stands in for a phone's
    or laptop's: it makes the passkey and signs the login with it, as a real one would."""
    base = server.url
    UserFactory(email="pat@example.com", name="Pat Quinn")
    page = new_page(1280, 900)
    problems: list[str] = []
    _watch_console(page, problems)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    _login(page, base, "pat@example.com")
    _logged_in(page)
    page.goto(f"{base}/me/security/")
    page.get_by_role("link", name="Passkeys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passkeys")
    shot(page, "passkeys-empty-1280")
    page.goto(f"{base}/accounts/2fa/webauthn/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Passkey added.")).to_be_visible()
    assert _off_loop(lambda: sorted(Authenticator.objects.values_list("type", flat=True))) == [
        "recovery_codes",
        "webauthn",
    ]
    page.goto(f"{base}/accounts/2fa/webauthn/")
    shot(page, "passkeys-one-1280")
    _log_out(page, base)

    page.goto(f"{base}/accounts/login/")
    page.get_by_role("button", name="Log in with a passkey").click()
    _logged_in(page)
    actions = _off_loop(_actions, email="pat@example.com")
    assert "account.passkey_added" in actions
    assert problems == []
