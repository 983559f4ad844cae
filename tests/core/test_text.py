"""core.text: the one rule for free text, and proof that every form field and API input uses it."""

from __future__ import annotations

import importlib
import pkgutil
import types
import typing
from typing import Any

import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory
from pydantic import BaseModel

import roundtable
from roundtable.api.api import api
from roundtable.core.middleware import ForbiddenCodePointsMiddleware
from roundtable.core.text import (
    PYDANTIC_RULES,
    LinkField,
    MultiLineField,
    SingleLineField,
    TextError,
    TextValidator,
    clean_text,
    problem_in,
    scrub,
)

# ---------------------------------------------------------------- the rule


def _reason(value: str, *, multiline: bool) -> str:
    with pytest.raises(TextError) as caught:
        clean_text(value, multiline=multiline)
    return caught.value.reason


def test_control_characters_are_refused_with_the_character_and_its_place() -> None:
    assert _reason("Harbor\x12 Circle", multiline=False) == (
        "Remove the invisible control character U+0012 at character 7: text cannot hold it."
    )
    assert _reason("ok\x00", multiline=True) == (
        "Remove the invisible control character U+0000 at character 3: text cannot hold it."
    )
    assert _reason("a\x85b", multiline=True) == (
        "Remove the invisible control character U+0085 at character 2: text cannot hold it."
    )
    assert _reason("a\x7f", multiline=False) == (
        "Remove the invisible control character U+007F at character 2: text cannot hold it."
    )


def test_surrogates_and_noncharacters_are_refused() -> None:
    assert _reason("x\ud800", multiline=True) == "Remove the code point U+D800 at character 2: text cannot hold it."
    assert _reason("\ufdd0", multiline=False) == "Remove the code point U+FDD0 at character 1: text cannot hold it."
    assert _reason("\ufffe", multiline=False) == "Remove the code point U+FFFE at character 1: text cannot hold it."
    assert _reason("ab\U0010ffff", multiline=True) == (
        "Remove the code point U+10FFFF at character 3: text cannot hold it."
    )


@pytest.mark.parametrize(
    ("value", "what", "position"),
    [("Tue\nmeeting", "line break", 4), ("a\r\nb", "line break", 2), ("a\rb", "line break", 2),
     ("a\u2028b", "line break", 2), ("a\u2029b", "line break", 2), ("a\tb", "tab", 2)],
)  # fmt: skip
def test_single_line_text_refuses_line_breaks_and_tabs(value: str, what: str, position: int) -> None:
    problem = problem_in(value, multiline=False)
    assert problem is not None
    assert (problem.code, problem.reason) == (
        "line_break",
        f"Keep this to one line: remove the {what} at character {position}.",
    )


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
@pytest.mark.parametrize("multiline", [False, True])
def test_bidirectional_controls_are_refused_everywhere(char: str, multiline: bool) -> None:
    import unicodedata

    assert _reason(f"evil{char}x", multiline=multiline) == (
        f"Remove the invisible formatting character U+{ord(char):04X} {unicodedata.name(char)} "
        "at character 5: text cannot hold it."
    )


def test_the_spoofed_sign_up_name_of_the_probe_is_refused() -> None:
    assert _reason("\u202eevil\u200b", multiline=False) == (
        "Remove the invisible formatting character U+202E RIGHT-TO-LEFT OVERRIDE at character 1: text cannot hold it."
    )


@pytest.mark.parametrize(
    "char",
    ["\u00ad", "\u115f", "\u1160", "\u180e", "\u200b", "\u2060", "\u2063", "\u206f", "\u3164", "\ufeff", "\uffa0"],
)
def test_invisible_characters_are_refused_in_single_line_text(char: str) -> None:
    problem = problem_in(f"Ann{char}", multiline=False)
    assert problem is not None
    assert problem.code == "control_character"
    assert problem.reason.startswith(f"Remove the invisible formatting character U+{ord(char):04X} ")
    assert problem.reason.endswith(" at character 4: text cannot hold it.")
    assert scrub(f"Ann{char}", multiline=False) == "Ann"


def test_joiners_marks_and_emoji_selectors_are_kept() -> None:
    # ZWJ family emoji, ZWNJ in Persian, variation selector, tag-sequence flag, LRM/RLM.
    england = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    for text in ["👩\u200d👩\u200d👧", "می\u200cخواهم", "❤\ufe0f", england, "abc\u200e\u200fdef"]:
        assert clean_text(text, multiline=False) == text
        assert clean_text(text, multiline=True) == text


def test_multi_line_text_keeps_tabs_and_line_breaks_with_cr_lf_as_lf() -> None:
    assert clean_text("one\r\ntwo\rthree\n\tfour\u2028five", multiline=True) == "one\ntwo\nthree\n\tfour\u2028five"


def test_ordinary_text_is_stored_exactly_as_sent() -> None:
    text = 'Zoë\'s café — 東京 👩🏽‍💻 <b>&amp;</b> "quoted"; a,b\\c'
    assert clean_text(text, multiline=False) == text
    assert clean_text(text, multiline=True) == text


def test_length_is_counted_as_stored() -> None:
    assert clean_text("a\r\nb", multiline=True, max_length=3) == "a\nb"
    with pytest.raises(TextError) as caught:
        clean_text("abcd", multiline=False, max_length=3)
    assert (caught.value.code, caught.value.reason) == ("too_long", "Keep this to 3 characters or fewer (it has 4).")


def test_scrub_fits_any_text_to_output() -> None:
    assert scrub("Tue\r\nmeet\x12ing\tnow\u2028\ufffe!", multiline=False) == "Tue meeting now !"
    assert scrub("Tue\r\nmeet\x12ing\tnow\x00", multiline=True) == "Tue\nmeeting\tnow"


# ---------------------------------------------------------------- Django form fields


def test_form_fields_refuse_with_the_reason_and_show_the_value_without_the_bad_code_point() -> None:
    class F(forms.Form):
        title = SingleLineField(max_length=20)
        body = MultiLineField(max_length=5)
        link = LinkField(required=False, assume_scheme="https")

    form = F({"title": "Tue\nmeeting", "body": "a\r\nb\r\nc", "link": "https://example.com/a\x01b"})
    assert not form.is_valid()
    assert form.errors == {
        "title": ["Keep this to one line: remove the line break at character 4."],
        "link": ["Remove the invisible control character U+0001 at character 22: text cannot hold it."],
    }
    assert form.cleaned_data["body"] == "a\nb\nc"  # five characters as stored, though seven were sent
    assert form["title"].value() == "Tue meeting"
    assert form["link"].value() == "https://example.com/ab"


def _all_forms() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(roundtable.__path__, "roundtable."):
        if info.name.rsplit(".", 1)[-1] in ("forms", "views", "feeds"):
            importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[Any]] = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("roundtable."):
            found.append(cls)
    return found


def test_every_text_field_of_every_form_follows_the_rule() -> None:
    """A new CharField (or URLField, ...) without the rule fails here, naming itself."""
    found = _all_forms()
    assert {f.__name__ for f in found} >= {"GroupForm", "MeetingForm", "ProfileForm", "MessageForm", "TokenForm"}
    missing = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in found
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.SlugField)  # its pattern allows only [-a-zA-Z0-9_]
        and not any(isinstance(v, TextValidator) for v in field.validators)
    ]
    assert missing == []


# ---------------------------------------------------------------- API schemas


def _str_fields_without_rule(model: type[BaseModel], path: str) -> list[str]:
    out: list[str] = []
    for name, info in model.model_fields.items():
        out += _check_annotation(info.annotation, info.metadata, f"{path}.{name}")
    return out


def _check_annotation(annotation: Any, metadata: list[Any], where: str) -> list[str]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return _check_annotation(inner, [*metadata, *extra], where)
    if origin in (list, tuple, typing.Union, types.UnionType):
        return [p for arg in typing.get_args(annotation) for p in _check_annotation(arg, [], f"{where}[]")]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _str_fields_without_rule(annotation, where)
    if annotation is str:
        patterned = any(getattr(m, "pattern", None) for m in metadata)  # e.g. dates: ^\d{4}-\d{2}-\d{2}$
        if not patterned and not any(m in PYDANTIC_RULES for m in metadata):
            return [where]
    return []


def test_every_text_input_of_the_api_follows_the_rule() -> None:
    """Bodies, query strings and path parameters of every operation, nested schemas included."""
    missing: list[str] = []
    checked = 0
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    checked += 1
                    missing += _str_fields_without_rule(model, f"{prefix}{path} {operation.methods}")
    assert checked >= 10
    # A password is compared with a hash, never stored or shown; one set through a form may hold
    # a tab (Django's password fields keep what was typed), and refusing it would lock its owner out.
    assert missing == ["//auth/token ['POST'].payload.password"]


# ---------------------------------------------------------------- HTML output


def _through_middleware(body: bytes, content_type: str) -> bytes:
    middleware = ForbiddenCodePointsMiddleware(lambda request: HttpResponse(body, content_type=content_type))
    return middleware(RequestFactory().get("/")).content


def test_html_pages_never_carry_forbidden_code_points() -> None:
    bad = "<p>Harbor\x12 Circle\x00 \x7f\x85 \ufdd0\ufffe\U0001fffe\U0010ffff ok\t\r\n\x0c é 東 👩🏽‍💻</p>"
    assert _through_middleware(bad.encode(), "text/html; charset=utf-8").decode() == (
        "<p>Harbor Circle   ok\t\r\n\x0c é 東 👩🏽‍💻</p>"
    )


def test_other_content_types_pass_untouched() -> None:
    body = b'{"a": "\\u0012"}\x12'
    assert _through_middleware(body, "application/json") == body


def test_every_text_field_in_the_admin_follows_the_rule() -> None:
    from django.contrib import admin
    from django.db import models

    request = RequestFactory().get("/admin/")
    missing, checked = [], 0
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("roundtable."):
            continue
        admins = [(model, model_admin), *((i.model, i(model, admin.site)) for i in model_admin.inlines)]
        for each_model, each_admin in admins:
            for field in each_model._meta.get_fields():
                if not isinstance(field, models.CharField | models.TextField) or field.choices:
                    continue
                form_field = each_admin.formfield_for_dbfield(field, request)
                checked += 1
                if not any(isinstance(v, TextValidator) for v in form_field.validators):
                    missing.append(f"{each_model.__name__}.{field.name}")
    assert checked >= 20
    assert missing == []
