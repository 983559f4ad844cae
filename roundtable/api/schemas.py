"""The base of every request body the API reads."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator

_NUMBERS = {int, float}
_MOMENTS = {dt.date, dt.datetime, dt.time}


def _types_of(annotation: Any) -> set[Any]:
    """The plain JSON-ish types a field's annotation admits (`dt.date | None` -> {date, NoneType});
    an enumeration counts as its base (IntegerChoices as int, TextChoices as str)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_types_of(a) for a in typing.get_args(annotation)))
    if origin is typing.Annotated:
        return _types_of(typing.get_args(annotation)[0])
    if not isinstance(annotation, type):
        return set()
    for base in (bool, int, float, str):
        if issubclass(annotation, base):
            return {base}
    return {annotation}


def _items_of(annotation: Any) -> Any:
    """The annotation of a list field's items (`list[int] | None` -> int), or None."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        args = typing.get_args(annotation)
        found = [_items_of(a) for a in (args[:1] if origin is typing.Annotated else args)]
        return next((f for f in found if f is not None), None)
    return typing.get_args(annotation)[0] if origin is list and typing.get_args(annotation) else None


def _wrong_type(key: str, value: Any, annotation: Any) -> str | None:
    """Why `value` (as parsed from JSON) is not of the JSON type `annotation` asks for, or None."""
    admits = _types_of(annotation)
    if isinstance(value, bool) and admits & _NUMBERS and bool not in admits:
        return f"{key}: send a number, not true or false."
    if isinstance(value, str) and admits & _NUMBERS and str not in admits:
        return f"{key}: send a number, not text ({value[:20]!r} is text)."
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    other = (is_number and admits & _NUMBERS) or (isinstance(value, str) and str in admits)
    if bool in admits and not isinstance(value, bool) and value is not None and not other:
        return f"{key}: send true or false (a JSON boolean), not {value!r:.20}."
    if is_number and admits & _MOMENTS and not admits & _NUMBERS:
        return f"{key}: send a date or time as text, for example 2026-12-01 or 18:30."
    items = _items_of(annotation)
    if items is not None and isinstance(value, list):
        return next((w for v in value if (w := _wrong_type(f"{key} (each item)", v, items))), None)
    return None


class BodySchema(Schema):
    """A request body (or an object inside one): a JSON object, each field of its own JSON type.

    django-ninja's Schema reads its fields as attributes of whatever it is given, so that it can
    take model instances; given a JSON string or array instead, it would read `"AAA"` as
    `{"title": "Aaa"}` (str.title, called) and `[null, null]` as an empty object, and accept
    them. And pydantic's lax mode reads `false` as the number 0, `"7"` as the number 7 and `0`
    as the date 1970-01-01, and `0`, `1` or `"yes"` as a boolean. Every input schema derives
    from this one, so such a body answers 422 with the reason: numbers are JSON numbers, true
    and false are JSON true and false, dates and times JSON text."""

    @model_validator(mode="before")
    @classmethod
    def _a_json_object(cls, data: Any) -> Any:
        # django-ninja's own validator (Schema._run_root_validator) has already wrapped the
        # value in its DjangoGetter by the time this runs: judge what the client sent.
        sent = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(sent, dict):
            raise ValueError("Send a JSON object here (in braces), with the fields this operation documents.")
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key not in sent:
                continue
            if wrong := _wrong_type(key, sent[key], field.annotation):
                raise ValueError(wrong)
        return data
