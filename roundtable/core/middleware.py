"""Middleware of our own (a short list: each one says why Django's own does not do it)."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin

# Code points an HTML document may not hold (WHATWG HTML 13.2.3.5: "control-character-in-input-
# stream", "noncharacter-in-input-stream"), as UTF-8 bytes: C0 controls other than tab, LF, FF and
# CR; DEL; C1 (C2 80-9F); U+FDD0-U+FDEF (EF B7 90-AF); U+xFFFE and U+xFFFF in every plane. A lead
# byte never matches a continuation byte, so no match starts inside another character.
_FORBIDDEN_IN_HTML = re.compile(
    rb"[\x00-\x08\x0b\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xb7[\x90-\xaf]|\xef\xbf[\xbe\xbf]"
    rb"|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]"
)


# Every match starts with one of these bytes (a forbidden control, or the lead byte of a
# forbidden multi-byte sequence). Deleting all the others (bytes.translate, one C pass) leaves
# nothing in a page of plain text: the regular expression alone took 0.45 ms on a 7 kB page,
# more than the whole bare view (docs/discovery-at-scale.md, "Page cost").
_CONTROLS = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_LEADS = frozenset(b"\xc2\xef\xf0\xf1\xf2\xf3\xf4")
_NEVER_FIRST = bytes(b for b in range(256) if b not in _CONTROLS and b not in _LEADS)


def holds_forbidden(body: bytes) -> bool:
    """Whether _FORBIDDEN_IN_HTML matches anywhere in body (the same answer as its search),
    trying the expression only where a lead byte stands."""
    suspects = body.translate(None, _NEVER_FIRST)
    for first in set(suspects):
        if first not in _LEADS:
            return True  # a forbidden control character
        lead = bytes([first])
        at = body.find(lead)
        while at != -1:
            if _FORBIDDEN_IN_HTML.match(body, at) is not None:
                return True
            at = body.find(lead, at + 1)
    return False


class ForbiddenCodePointsMiddleware(MiddlewareMixin):
    """Drop the code points HTML forbids from every HTML page we send.

    core.text refuses them at every input, but rows stored before that rule (and text a page
    echoes back from a query string) may still hold them; a page must stay a valid document
    whatever one row holds. Works on the encoded body: one pass of bytes.translate
    (holds_forbidden), nothing more when there is nothing to drop. MiddlewareMixin makes it sync and async capable (no
    thread hop under ASGI). Streaming responses and other content types pass as they are: JSON
    escapes control characters itself; iCalendar and email use core.text.scrub."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        body = response.content
        if holds_forbidden(body):
            response.content = _FORBIDDEN_IN_HTML.sub(b"", body)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


class MethodNotAllowedPageMiddleware(MiddlewareMixin):
    """A page for 405 answers outside the API.

    require_POST and friends answer 405 with an empty body, and Django has no handler for it:
    someone who follows or types the address of a button (join, leave, open a room) would get a
    blank page. The Allow header is kept (RFC 9110 15.5.6). The API has its own JSON answer
    (api.middleware)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code != 405 or request.path.startswith("/api/") or response.content:
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
