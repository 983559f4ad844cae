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
