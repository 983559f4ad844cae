"""The page filter's fast scan (core.middleware.holds_forbidden) answers exactly what a search
with the forbidden-code-point expression answers, for any bytes: it only skips the places
where no match can start."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from roundtable.core.middleware import _FORBIDDEN_IN_HTML, holds_forbidden

# Text around the edges of what is forbidden: controls, C1, noncharacters in and out of the
# BMP, and their allowed neighbours (the middle dot and NBSP every page has, U+FDCF, U+FFFD).
EDGES = "\x00\x08\t\n\x0b\x0c\r\x1f\x7f\x80\x9f\xa0\xb7é\ufdcf\ufdd0\ufdef\ufdf0\ufffd\ufffe\uffff"
EDGES += "\U0001fffd\U0001fffe\U0001ffff\U0010fffe\U0010ffff漢"


@given(st.text(alphabet=st.sampled_from(EDGES) | st.characters(codec="utf-8", exclude_categories=["Cs"])))
@example("plain ASCII text")
@example("Find a group · Roundtable\xa0")
@example("\ufdd0")
@example("\U0010ffff")
@example("ok\x85")
def test_the_scan_agrees_with_the_expression_on_text(text: str) -> None:
    body = text.encode()
    assert holds_forbidden(body) == (_FORBIDDEN_IN_HTML.search(body) is not None)


@given(st.binary(max_size=64))
@example(b"\xc2")
@example(b"\xef\xbf")
@example(b"\xf4\x8f\xbf\xbf")
def test_the_scan_agrees_with_the_expression_on_any_bytes(body: bytes) -> None:
    assert holds_forbidden(body) == (_FORBIDDEN_IN_HTML.search(body) is not None)
