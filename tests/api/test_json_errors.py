"""Every API error is JSON, 500 included (issue 8, section 1)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from roundtable.api.api import api

SERVER_ERROR = {"detail": "Something went wrong on our side. It has been logged; please try again later."}


def test_an_exception_inside_an_endpoint_answers_json_500() -> None:
    request = RequestFactory().get("/api/v1/meetings")
    response = api.on_exception(request, RuntimeError("boom"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content) == SERVER_ERROR


@pytest.mark.django_db
def test_a_fault_outside_the_endpoints_still_answers_json_500(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tests.api.urls_failing"
    r = Client(raise_request_exception=False).get("/api/v1/failing-outside")
    assert r.status_code == 500
    assert r["Content-Type"] == "application/json"
    assert r.json() == SERVER_ERROR


@pytest.mark.django_db
def test_an_unknown_api_path_answers_json_404_and_pages_keep_their_html_404() -> None:
    r = Client().get("/api/v1/no-such-thing")
    assert (r.status_code, r["Content-Type"]) == (404, "application/json")
    assert r.json() == {"detail": "No such endpoint: see /api/v1/docs for the list."}
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.django_db
def test_a_method_an_endpoint_does_not_take_answers_json_405_with_allow() -> None:
    r = Client().put("/api/v1/meetings")
    assert (r.status_code, r["Content-Type"], r["Allow"]) == (405, "application/json", "GET")
    assert r.json() == {"detail": "This endpoint does not take that method."}
