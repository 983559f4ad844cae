"""Known XSS payloads stay inert in a real browser (issue 12): the main pages, and the live
room rendering its frames with script, filled with payloads in every text field
(tests/safety/test_xss_corpus.py fills them), show no dialog, no element the payload made,
and no console error (a CSP violation from injected code is one). Against the production
ASGI server."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Dialog, Page

from roundtable.live import services as live
from roundtable.live.models import Roundtable
from tests.authz.world import FACILITATOR, MEMBER, World, build_world
from tests.e2e.live_helpers import AsgiServer, _off_loop, _watch_console
from tests.e2e.test_join_journey import _login
from tests.safety.test_xss_corpus import _fill

pytestmark = pytest.mark.e2e

# Several payloads in one text: an element, an event handler, a script, a javascript: link.
PAYLOAD = (
    "\"'><img src=x class=xss onerror=alert(1)><script class=xss>alert(2)</script>"
    "<svg/onload=alert(3) class=xss><a class=xss href=javascript:alert(4)>x</a>{{7*7}}"
)


def _world() -> World:
    w = build_world()
    rt = Roundtable.objects.get(meeting=w.room)
    assert rt.current_turn is not None
    live.challenge_set(turn=rt.current_turn, by=rt.current_turn.user, text="to be replaced")
    live.phase_next(roundtable=rt, by=w.user(FACILITATOR))
    live.phase_next(roundtable=Roundtable.objects.get(pk=rt.pk), by=w.user(FACILITATOR))
    live.suggestion_add(turn=rt.current_turn, by=w.user(MEMBER), text="to be replaced")
    _fill(PAYLOAD)
    # The matrix's world gives the facilitator two-factor sign-in; this test signs in with a
    # password only (two-factor sign-in has its own journey).
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=w.user(FACILITATOR)).delete()
    return w


def _dismiss(dialog: Dialog, seen: list[str]) -> None:
    seen.append(dialog.message)
    dialog.dismiss()


def _pages(w: World) -> list[tuple[str, str]]:
    assert w.group is not None
    assert w.meeting is not None
    assert w.room is not None
    return [
        (MEMBER, reverse("groups:detail", args=[w.group.slug])),
        (MEMBER, reverse("groups:members", args=[w.group.slug])),
        (MEMBER, reverse("meetings:detail", args=[w.meeting.public_id])),
        (MEMBER, reverse("accounts:profile", args=[w.user(FACILITATOR).public_id])),
        (MEMBER, reverse("stories:story", args=[w.stories["story"]])),
        (MEMBER, reverse("stories:lessons")),
        (MEMBER, reverse("speakers:expert", args=[w.expert])),
        (MEMBER, reverse("buddies:home")),
        (MEMBER, reverse("home")),
        (FACILITATOR, reverse("groups:dashboard", args=[w.group.slug])),
        (FACILITATOR, reverse("tracker:contact", args=[w.tracker["contact"]])),
        (FACILITATOR, reverse("tracker:board")),
        (FACILITATOR, reverse("network:introduction", args=[w.introduction])),
        (FACILITATOR, reverse("journal:journal")),
        (FACILITATOR, reverse("notifications:inbox")),
        (MEMBER, reverse("live:room", args=[w.room.public_id])),
        (FACILITATOR, reverse("live:room", args=[w.room.public_id])),
        (FACILITATOR, reverse("live:display", args=[w.room.public_id])),
    ]


@pytest.mark.django_db(transaction=True)
def test_pages_and_the_live_room_filled_with_payloads_stay_inert(asgi_server: AsgiServer, new_page) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    w = _off_loop(_world)
    dialogs: list[str] = []
    problems: list[str] = []
    pages: dict[str, Page] = {}
    for kind in (MEMBER, FACILITATOR):
        page = new_page()
        page.on("dialog", lambda d: _dismiss(d, dialogs))
        _watch_console(page, problems)
        _login(page, base, f"{kind}@example.com")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        pages[kind] = page
    for kind, path in _pages(w):
        page = pages[kind]
        response = page.goto(f"{base}{path}")
        assert response is not None
        assert (path, response.status) == (path, 200)
        if "/live/" in path:
            page.wait_for_selector("#room-conn[data-state=connected]")
            # The frames' text is on the screen, as text.
            page.wait_for_function("document.body.innerText.includes('class=xss')")
        page.wait_for_timeout(200)  # an onerror or onload would have fired by now
        made = page.evaluate("document.querySelectorAll('.xss, [class~=xss], svg[onload], img[onerror]').length")
        assert (path, made) == (path, 0)
    assert dialogs == []
    assert problems == []
