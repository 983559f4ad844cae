"""Whole pages for anonymous visitors: a group's page and a meeting's page.

What an anonymous visitor gets on these pages is the same bytes for every one of them: the
body is the group's or the meeting's (no form, no token, nothing of a person), and the frame
around it (core/templates/base.html) depends only on the page's kind for someone signed out.
So the whole page is cached at the discovery generation (groups/cache.py; plus whatever
version the caller puts in `raw`), and a request costs two cache reads and no query, no
template: the bare view's cost plus the bytes. Rendering the frame each time was half of
what such a page cost on the production server (docs/discovery-at-scale.md, "Page cost").

Not cached: a page with messages waiting for the visitor (after signing out, say), which the
frame shows once; it is rendered afresh. The frame must never hold a CSP nonce for these
pages (a cached nonce would not match the answer's header); tests/groups/test_card_cache.py
checks that a cached page holds none.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import cache as discovery_cache

# (title, body HTML), and the seconds they stay true (at most the cache's timeout).
Make = Callable[[], tuple[tuple[str, str], int]]


def anonymous_page(
    request: HttpRequest, template_name: str, kind: str, raw: str, make: Make, *, version_name: str = ""
) -> HttpResponse:
    """The page `template_name` renders with {"title", "body"} from make(), for an anonymous
    request, cached whole under (kind, raw) at the discovery generation (and the version
    named, cache.cached_for). make() raises Http404 for what anonymous visitors may not see;
    nothing is cached then."""

    def page() -> tuple[str, int]:
        (title, body), seconds = make()
        ctx = {"title": title, "body": mark_safe(body)}  # noqa: S308 - our own template's escaped output
        return render_to_string(template_name, ctx, request=request), seconds

    if len(get_messages(request)):  # counted, not read: they stay for the page to show
        (title, body), _seconds = make()
        return render(request, template_name, {"title": title, "body": mark_safe(body)})  # noqa: S308 - as above
    return HttpResponse(discovery_cache.cached_for(kind, raw, page, version_name=version_name))
