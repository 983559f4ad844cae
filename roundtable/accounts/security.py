"""Account security (issue 12, item 5): signed-in devices, new-sign-in emails, the audit trail.

Two-factor sign-in (TOTP, recovery codes, passkeys) is allauth.mfa's, and the list of
devices allauth.usersessions' (config/settings.py); what is Roundtable's own is here:

- A sign-in from a browser on a network not seen on the account within DEVICE_MEMORY is
  emailed to its owner (tasks.email_new_sign_in, after commit) and recorded in the audit
  trail as "account.new_device_sign_in". Never on an account's very first sign-in (right
  after sign-up, or the first since this was built): there is nothing to compare it with.
  A device is a keyed hash of the browser's and system's families and the network's hash
  (safety.audit.network_of: IPv4 /24, IPv6 /48), so a browser's minor updates do not count
  as new, and neither the address nor the whole user agent is kept.
- Audit events for every change of how one signs in, whichever page made it (allauth's
  signals, connected in apps.py): "account.mfa_enabled" / "account.mfa_disabled" (the
  authenticator app), "account.recovery_codes_regenerated", "account.passkey_added" /
  "account.passkey_removed", "account.email_changed", "account.password_changed" (changed,
  set or reset), and "account.sessions_revoked" (services.sessions_end, with how many).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from roundtable.safety.audit import audit_record, network_of

from .models import SignInDevice, User

# How long a device is remembered after its last sign-in.
DEVICE_MEMORY = timedelta(days=120)


@dataclass(frozen=True)
class Client:
    browser: str
    system: str

    def __str__(self) -> str:
        if self.browser and self.system:
            return f"{self.browser} on {self.system}"
        return self.browser or (f"a browser on {self.system}" if self.system else "an unknown browser")


# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux".
_BROWSERS = (
    (re.compile(r"\bEdg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"\b(OPR|Opera)/"), "Opera"),
    (re.compile(r"\bSamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"\b(Firefox|FxiOS)/"), "Firefox"),
    (re.compile(r"\b(HeadlessChrome|Chrome|Chromium|CriOS)/"), "Chrome"),
    (re.compile(r"\bVersion/[\d.]+.*\bSafari/"), "Safari"),
)
_SYSTEMS = (
    (re.compile(r"\b(iPhone|iPad|iPod)\b"), "iOS"),
    (re.compile(r"\bAndroid\b"), "Android"),
    (re.compile(r"\bCrOS\b"), "ChromeOS"),
    (re.compile(r"\bWindows\b"), "Windows"),
    (re.compile(r"\bMac OS X\b|\bMacintosh\b"), "macOS"),
    (re.compile(r"\bLinux\b"), "Linux"),
)


def client_of(user_agent: str) -> Client:
    """Roughly which browser and system a User-Agent header names ("Firefox", "Windows"), or
    '' for either it does not tell. Families only, no versions: enough for a person to
    recognise their own device, and the same after the browser updates itself."""
    ua = user_agent[:500]
    browser = next((name for pattern, name in _BROWSERS if pattern.search(ua)), "")
    system = next((name for pattern, name in _SYSTEMS if pattern.search(ua)), "")
    return Client(browser=browser, system=system)


def device_key(*, user_agent: str, address: str | None) -> str:
    client = client_of(user_agent)
    raw = f"{client.browser}|{client.system}|{network_of(address)}"
    return hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()


def sign_in_note(*, request: HttpRequest, user: User) -> bool:
    """Remember the device of a sign-in that just happened; if it is new to an account that
    has signed in before, record it and email the owner after commit. True when it was new."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    key = device_key(user_agent=user_agent, address=get_adapter().get_client_ip(request))
    now = timezone.now()
    with transaction.atomic():
        # Locks the person's row, so two sign-ins at once cannot both count as new.
        User.objects.select_for_update().filter(pk=user.pk).first()
        known = SignInDevice.objects.filter(user=user, last_seen_at__gte=now - DEVICE_MEMORY)
        first_ever = not SignInDevice.objects.filter(user=user).exists()
        new = not first_ever and not known.filter(key=key).exists()
        device, created = SignInDevice.objects.get_or_create(
            user=user, key=key, defaults={"first_seen_at": now, "last_seen_at": now}
        )
        if not created:
            SignInDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
        # Devices long unused are forgotten.
        SignInDevice.objects.filter(user=user, last_seen_at__lt=now - DEVICE_MEMORY).delete()
        if new:
            audit_record(action="account.new_device_sign_in", actor=user, subject=user, request=request, at=now)
            client = str(client_of(user_agent))

            def enqueue() -> None:
                from .tasks import email_new_sign_in

                email_new_sign_in.enqueue(user_id=user.pk, client=client, at=now.isoformat())

            transaction.on_commit(enqueue)
    return new


# allauth's signals -> the audit trail. Each receiver runs inside the request that made the
# change, right after it (allauth sends them after saving).


def on_user_logged_in(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # A sign-in proves the password (and the second factor) just as a re-authentication does:
    # allauth 65.21 counts only the latter for its window, so a person who had just signed in
    # was asked for their password again to change it. The sign-in's last record counts too.
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    if isinstance(records, list) and records and isinstance(records[-1], dict):
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [*records[:-1], {**records[-1], "reauthenticated": True}]
    sign_in_note(request=request, user=user)


ADDED = {"totp": "account.mfa_enabled", "webauthn": "account.passkey_added"}
REMOVED = {"totp": "account.mfa_disabled", "webauthn": "account.passkey_removed"}


def _authenticator_event(actions: dict[str, str], request: HttpRequest, user: User, authenticator: Any) -> None:
    """The audit event of an authenticator added or removed, by its type (none for recovery
    codes, which come and go with the authenticator app and have their own "reset" event)."""
    action = actions.get(authenticator.type)
    if action:
        audit_record(
            action=action,
            actor=user,
            subject=user,
            object_type="authenticator",
            object_id=authenticator.pk,
            request=request,
        )


def on_authenticator_added(sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    _authenticator_event(ADDED, request, user, authenticator)


def on_authenticator_removed(
    sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    _authenticator_event(REMOVED, request, user, authenticator)


def on_authenticator_reset(sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    if authenticator.type == "recovery_codes":
        audit_record(
            action="account.recovery_codes_regenerated",
            actor=user,
            subject=user,
            object_type="authenticator",
            object_id=authenticator.pk,
            request=request,
        )


def on_email_changed(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action="account.email_changed", actor=user, subject=user, request=request)


def on_password_changed(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action="account.password_changed", actor=user, subject=user, request=request)


def on_django_login(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Starts accounts.middleware's interval: allauth records the device at sign-in itself."""
    from .middleware import SEEN_SESSION_KEY

    session = getattr(request, "session", None)
    if session is not None:
        session[SEEN_SESSION_KEY] = time.time()


def connect() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(on_django_login, dispatch_uid="roundtable.device_seen")

    account_signals.user_logged_in.connect(on_user_logged_in, dispatch_uid="roundtable.sign_in_note")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="roundtable.audit_mfa_added")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="roundtable.audit_mfa_removed")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="roundtable.audit_mfa_reset")
    account_signals.email_changed.connect(on_email_changed, dispatch_uid="roundtable.audit_email_changed")
    for signal in (account_signals.password_changed, account_signals.password_set, account_signals.password_reset):
        signal.connect(on_password_changed, dispatch_uid=f"roundtable.audit_password_{id(signal)}")
