"""Every answer under /api/ is JSON, errors included.

The API's own errors are JSON already (roundtable.api.api's handlers). What is not: a path
the API does not have (Django's 404 page), a method an endpoint does not take (ninja's
plain-text 405), and anything that fails outside an endpoint (Django's 500 page). This
middleware turns those into {"detail": "..."} with the same status and headers (Allow,
Retry-After), so a client never has to parse HTML.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseBase

API_PREFIX = "/api/"
DETAILS = {
    404: "No such endpoint: see /api/v1/docs for the list.",
    405: "This endpoint does not take that method.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
}
_KEEP_OUT = {"content-type", "content-length"}


def json_error(response: HttpResponseBase) -> HttpResponseBase:
    """`response` itself when it is not an API error in another format; otherwise a JSON copy."""
    content_type = response.get("Content-Type", "")
    if response.status_code < 400 or content_type.startswith("application/json") or response.streaming:
        return response
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    detail = DETAILS.get(status, phrase)
    out = HttpResponse(json.dumps({"detail": detail}), status=status, content_type="application/json")
    for name, value in response.items():
        if name.lower() not in _KEEP_OUT:
            out[name] = value
    return out


class JsonApiErrorsMiddleware:
    """See the module docstring. Works in both the sync (WSGI) and async (ASGI) stacks."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        return json_error(response) if request.path.startswith(API_PREFIX) else response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        response = await self.get_response(request)  # type: ignore[misc]
        return json_error(response) if request.path.startswith(API_PREFIX) else response
