"""Every operation that reads a JSON body refuses a body that is not a JSON object.

django-ninja reads a schema's fields as attributes of what it is given, so before
roundtable.api.schemas.BodySchema the string "AAA" made a task titled "Aaa" (str.title) and
[null, null] reset every weekly target; now each such body answers 422 with the reason."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.tracker.models import Task, WeeklyTarget
from tests.factories import UserFactory, WeeklyTargetFactory

pytestmark = pytest.mark.django_db

NOT_OBJECTS = ['"AAA"', "[null, null]", "[]", "42", "true", "null"]


def _json_body_operations(client: Client) -> list[tuple[str, str]]:
    spec = client.get("/api/v1/openapi.json").json()
    found = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if "application/json" in op.get("requestBody", {}).get("content", {}):
                # Any well-shaped id in the path: the body is judged before the view runs.
                found.append((method, re.sub(r"\{[^}]+\}", "abcdefghijkm", path)))
    return found


def test_every_json_body_must_be_an_object() -> None:
    user = UserFactory()
    WeeklyTargetFactory(owner=user, kind="outreach", per_week=10)
    _token, secret = api_token_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    operations = _json_body_operations(client)
    assert ("post", "/api/v1/me/tasks") in operations
    assert ("put", "/api/v1/me/targets") in operations
    assert len(operations) >= 15
    for method, path in operations:
        for body in NOT_OBJECTS:
            response = getattr(client, method)(path, body, content_type="application/json")
            assert response.status_code == 422, (method, path, body, response.content[:200])
            assert "Send a JSON object here" in response.json()["detail"], (method, path, body)
    assert Task.objects.count() == 0
    assert list(WeeklyTarget.objects.values_list("kind", "per_week")) == [("outreach", 10)]


def test_numbers_are_numbers_and_dates_are_text() -> None:
    user = UserFactory()
    _token, secret = api_token_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    r = client.put("/api/v1/me/targets", {"outreach": 3, "offer": False}, content_type="application/json")
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "The request is not valid: offer: send a number, not true or false.",
    )
    r = client.post("/api/v1/me/contacts", {"name": "Dana", "next_touch_on": 0}, content_type="application/json")
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "The request is not valid: next_touch_on: send a date or time as text, for example 2026-12-01 or 18:30.",
    )
    assert not WeeklyTarget.objects.filter(owner=user).exists()
    r = client.post(
        "/api/v1/me/contacts", {"name": "Dana", "next_touch_on": "2026-12-01"}, content_type="application/json"
    )
    assert (r.status_code, r.json()["next_touch_on"]) == (201, "2026-12-01")


def test_a_body_that_is_not_json_answers_400_and_every_body_operation_documents_it() -> None:
    """A body that does not parse ("Cannot parse request body", django-ninja's 400) is an answer
    the OpenAPI document must name, for every operation that reads a body."""
    user = UserFactory()
    _token, secret = api_token_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    spec = client.get("/api/v1/openapi.json").json()
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, op in operations.items()
        if "requestBody" in op and "400" not in op["responses"]
    ]
    assert undocumented == []
    for method, path in _json_body_operations(client):
        response = getattr(client, method)(path, b"+\xef\xbf\xbd\x00H.!", content_type="application/json")
        assert (response.status_code, response.json()) == (400, {"detail": "Cannot parse request body"}), (
            method,
            path,
        )


def test_true_and_false_are_json_booleans() -> None:
    user = UserFactory()
    _token, secret = api_token_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for sent in (0, 1, "yes", "true", [True]):
        r = client.put("/api/v1/me/anonymous-sharing", {"share_anonymously": sent}, content_type="application/json")
        assert r.status_code == 422, sent
        assert r.json()["detail"].startswith(
            "The request is not valid: share_anonymously: send true or false (a JSON boolean), not "
        ), r.json()
    r = client.put("/api/v1/me/anonymous-sharing", {"share_anonymously": True}, content_type="application/json")
    assert (r.status_code, r.json()) == (200, {"share_anonymously": True})
    assert client.get("/api/v1/me/anonymous-sharing").json() == {"share_anonymously": True}


def test_each_schema_name_in_the_openapi_document_is_one_schema() -> None:
    """django-ninja files every schema under its class name and a later one of the same name
    silently replaces an earlier one (GET /api/v1/me was documented with the buddy page's
    fields). Two different schemas may not share a name."""
    from ninja.openapi.schema import OpenAPISchema

    from roundtable.api.api import api

    seen: dict[str, object] = {}
    clashes: set[str] = set()
    original = OpenAPISchema.add_schema_definitions

    def recording(self: OpenAPISchema, definitions: dict) -> None:  # type: ignore[type-arg]
        for name, definition in definitions.items():
            if name in seen and seen[name] != definition:
                clashes.add(name)
            seen[name] = definition
        original(self, definitions)

    OpenAPISchema.add_schema_definitions = recording  # type: ignore[method-assign]
    try:
        api.get_openapi_schema()
    finally:
        OpenAPISchema.add_schema_definitions = original  # type: ignore[method-assign]
    assert len(seen) > 50
    assert clashes == set()


def test_an_enumeration_of_numbers_takes_numbers_only() -> None:
    """IntegerChoices fields (a stage, a weekday) are numbers: false is not stage 0."""
    user = UserFactory()
    _token, secret = api_token_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"checkin_day": 0, "max_offset_hours": 3, "field": "product", "field_wish": "any", "stage": 1}
    for key, sent, reason in (
        ("stage", False, "stage: send a number, not true or false."),
        ("checkin_day", True, "checkin_day: send a number, not true or false."),
        ("stage", "1", "stage: send a number, not text ('1' is text)."),
    ):
        r = client.put(
            "/api/v1/me/buddy/pool", {**body, "languages": ["en"], key: sent}, content_type="application/json"
        )
        assert (r.status_code, r.json()["detail"]) == (422, f"The request is not valid: {reason}"), (key, sent)
    r = client.put("/api/v1/me/buddy/pool", {**body, "languages": ["en"]}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["pool"]["stage"] == 1
