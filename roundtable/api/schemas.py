"""The base of every request body the API reads."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import model_validator


class BodySchema(Schema):
    """A request body (or an object inside one): a JSON object and nothing else.

    django-ninja's Schema reads its fields as attributes of whatever it is given, so that it can
    take model instances; given a JSON string or array instead, it would read `"AAA"` as
    `{"title": "Aaa"}` (str.title, called) and `[null, null]` as an empty object, and accept
    them. Every input schema derives from this one, so such a body answers 422 with the reason."""

    @model_validator(mode="before")
    @classmethod
    def _a_json_object(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("Send a JSON object here (in braces), with the fields this operation documents.")
        return data
