"""The site's frame (core/templatetags/memo.py): its fixed parts are rendered once per process
and state of the menu, and each page still shows its own current item, each person their own
name and token, and anonymous visitors no token at all."""

from __future__ import annotations

import re

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import Client

from roundtable.core.templatetags import memo
from tests.factories import UserFactory


def _header(html: str) -> str:
    return html[html.index("<header") : html.index("</header>")]


def _current(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)" aria-current="(?:page|true)"', _header(html))


def _footer_current(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)" aria-current="page"', html.split("<footer", 1)[1])


@pytest.mark.django_db
def test_each_page_lights_its_own_item_whatever_was_rendered_before() -> None:
    c = Client()
    for _ in range(2):  # the first pass fills the pieces, the second reuses them
        assert _current(c.get("/groups/").text) == ["/groups/"]
        assert _current(c.get("/talks/").text) == ["/talks/"]
        assert _current(c.get("/accounts/login/").text) == ["/accounts/login/"]
        for footer_page in ("/privacy/", "/terms/"):
            page = c.get(footer_page).text
            assert _current(page) == []
            assert _footer_current(page) == [footer_page]
        assert _footer_current(c.get("/groups/").text) == []


@pytest.mark.django_db
def test_a_frame_from_the_store_is_the_frame_rendered_afresh() -> None:
    c = Client()
    first = c.get("/talks/").text
    memo.clear()
    assert c.get("/talks/").text == first
    assert c.get("/talks/").text == first


@pytest.mark.django_db
def test_signed_in_people_get_their_own_name_and_token_anonymous_visitors_none() -> None:
    ann, bob = UserFactory(name="Ann Alvarez"), UserFactory(name="Bob Brown")
    pages = {}
    for user in (ann, bob):
        c = Client()
        c.force_login(user)
        r = c.get("/groups/")
        pages[user.pk] = r.text
        token = r.cookies["csrftoken"].value
        assert token
        assert len(re.findall(r'"X-CSRFToken": "([^"]+)"', r.text)) == 1
        assert len(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', _header(r.text))) == 1
    assert "Ann Alvarez" in _header(pages[ann.pk])
    assert "Bob Brown" not in pages[ann.pk]
    assert "Bob Brown" in _header(pages[bob.pk])
    assert "Ann Alvarez" not in pages[bob.pk]
    anonymous = Client().get("/groups/")
    assert "X-CSRFToken" not in anonymous.text
    assert "csrfmiddlewaretoken" not in anonymous.text
    assert "Log out" not in anonymous.text
    assert anonymous.cookies == {}  # no token made, so no cookie set: the page is everyone's


def test_a_piece_needs_a_quoted_name() -> None:
    with pytest.raises(TemplateSyntaxError, match="quoted name"):
        engines["django"].from_string("{% load memo %}{% memo key %}x{% endmemo %}")


def test_pieces_are_kept_per_key_up_to_the_bound_and_rendered_past_it() -> None:
    memo.clear()
    t = engines["django"].from_string('{% load memo %}{% memo "n" n %}<{{ n }}>{% endmemo %}')
    for n in range(memo.MAX_ENTRIES + 5):
        assert t.render({"n": n}) == f"<{n}>"
    assert len(memo._store) == memo.MAX_ENTRIES
    assert t.render({"n": memo.MAX_ENTRIES + 3}) == f"<{memo.MAX_ENTRIES + 3}>"
    assert t.render({"n": {"b": 1, "a": [2]}}) == "<{&#x27;b&#x27;: 1, &#x27;a&#x27;: [2]}>"
    memo.clear()
    assert memo._store == {}
