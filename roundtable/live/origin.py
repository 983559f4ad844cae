"""The WebSocket origin check: a handshake is let through only when its Origin is the site's
own origin, the same scheme, host and port (RFC 6454 section 5: two origins are the same only
if all three are), so another site cannot open a socket that carries a visitor's cookie.

The site's own origins are, as Django's CSRF check has them for forms:
- the origin the request was made to: its Host header (which must be in ALLOWED_HOSTS) with
  https when the socket is wss, or when the trusted proxy says so (SECURE_PROXY_SSL_HEADER),
  else http;
- SITE_URL, and each entry of CSRF_TRUSTED_ORIGINS (exactly; no wildcards here).
A missing, opaque ("null") or unreadable Origin is refused. Default ports count as written:
http://example.org and http://example.org:80 are the same origin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(value: str) -> Origin | None:
    """(scheme, host, port) of an http(s) origin, host lowercased without IPv6 brackets;
    None for anything else."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower().strip("[]"), port if port is not None else DEFAULT_PORTS[scheme]


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        try:
            out[name.decode("latin-1").lower()] = value.decode("latin-1")
        except (AttributeError, UnicodeDecodeError):
            continue
    return out


def _request_scheme(scope: dict[str, Any], headers: dict[str, str]) -> str:
    if scope.get("scheme") == "wss":
        return "https"
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        meta_name, secure_value = proxy
        name = meta_name.removeprefix("HTTP_").replace("_", "-").lower()
        if headers.get(name, "").split(",")[0].strip() == secure_value:
            return "https"
    return "http"


def own_origins(scope: dict[str, Any]) -> set[Origin]:
    headers = _headers(scope)
    origins: set[Origin] = set()
    host = headers.get("host", "")
    domain, port = split_domain_port(host)
    if domain and validate_host(domain, settings.ALLOWED_HOSTS):
        scheme = _request_scheme(scope, headers)
        own = parse_origin(f"{scheme}://{domain}" + (f":{port}" if port else ""))
        if own is not None:
            origins.add(own)
    for trusted in [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS]:
        parsed = parse_origin(trusted)
        if parsed is not None and "*" not in parsed[1]:
            origins.add(parsed)
    return origins


def origin_allowed(scope: dict[str, Any]) -> bool:
    origin = _headers(scope).get("origin")
    parsed = parse_origin(origin) if origin else None
    return parsed is not None and parsed in own_origins(scope)


class SameOriginValidator:
    """ASGI middleware for WebSocket routes: refuse the handshake (403) unless origin_allowed."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
