"""The site's own origins, as the WebSocket handshake checks them (RFC 6454: scheme, host, port)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings

from roundtable.live.origin import origin_allowed, parse_origin


def scope(host: str, origin: str | None, *, scheme: str = "ws", **headers: str) -> dict[str, Any]:
    pairs = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin is not None else [])
    pairs += [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    return {"type": "websocket", "scheme": scheme, "headers": pairs}


def test_parse_origin() -> None:
    origins = ("https://Example.org", "http://[::1]:8000", "ftp://x", "null", "http://x:99999")
    assert [parse_origin(o) for o in origins] == [
        ("https", "example.org", 443),
        ("http", "::1", 8000),
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("host", "origin", "scheme", "headers", "allowed"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", "ws", {}, True),
        ("127.0.0.1:8000", "http://127.0.0.1:8001", "ws", {}, False),
        ("127.0.0.1:8000", "https://127.0.0.1:8000", "ws", {}, False),
        ("localhost", "https://localhost", "wss", {}, True),
        ("localhost", "http://localhost", "wss", {}, False),
        ("[::1]:8000", "http://[::1]:8000", "ws", {}, True),
        # A host that is not ours, even when Origin and Host agree (DNS rebinding).
        ("evil.example", "http://evil.example", "ws", {}, False),
        ("localhost", None, "ws", {}, False),
    ],
)
def test_the_request_origin(
    settings: Settings, host: str, origin: str | None, scheme: str, headers: dict[str, str], allowed: bool
) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert origin_allowed(scope(host, origin, scheme=scheme, **headers)) is allowed


def test_behind_a_tls_proxy(settings: Settings) -> None:
    settings.ALLOWED_HOSTS = ["roundtable.example.org"]
    settings.SITE_URL = "https://roundtable.example.org"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = {"X_FORWARDED_PROTO": "https"}
    assert origin_allowed(scope("roundtable.example.org", "https://roundtable.example.org", **proxied)) is True
    assert origin_allowed(scope("roundtable.example.org", "https://roundtable.example.org:8443", **proxied)) is False
    # The proxy header is believed only when settings say a proxy sets it.
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert origin_allowed(scope("roundtable.example.org", "https://roundtable.example.org", **proxied)) is False


def test_site_url_and_trusted_origins(settings: Settings) -> None:
    settings.ALLOWED_HOSTS = ["internal"]
    settings.SITE_URL = "https://roundtable.example.org"
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.org:8443"]
    assert [
        origin_allowed(scope("internal:8000", o))
        for o in ("https://roundtable.example.org", "https://app.example.org:8443", "https://app.example.org")
    ] == [True, True, False]
