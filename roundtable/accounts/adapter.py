"""allauth's adapter, with one change: one failed-login counter per account.

Every way of signing in goes through allauth's adapter and so through its failed-login
limits (ACCOUNT_RATE_LIMITS["login_failed"]): the sign-in page, /admin/login/ (config/urls.py
sends it to the sign-in page), re-authentication, and POST /api/v1/auth/token
(accounts/api.py). The per-address part keys on the client address that
ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER describe (docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class SiteName:
    """What allauth's emails call the site ("Hello from {{ current_site.name }}!")."""

    name: str
    domain: str


def site_for_email() -> SiteName:
    """Roundtable and SITE_URL's host. Without django.contrib.sites allauth names the site
    after the request's Host header, so its emails said "Hello from 127.0.0.1:8000!"."""
    return SiteName(name="Roundtable", domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": site_for_email()})

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth prefixes the account's counter with the site's domain. Without
        # django.contrib.sites that is the request's Host header, so every name in
        # ALLOWED_HOSTS (127.0.0.1, localhost, [::1], ...) would get its own five tries
        # at the same account. One counter per account, whatever the Host.
        login = str(credentials.get("email", credentials.get("username", ""))).lower()
        return f"login:{login}"
