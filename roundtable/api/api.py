"""The JSON API, assembled from each app's router."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from roundtable.accounts.api import router as accounts_router
from roundtable.api.docs import ReadableDocs
from roundtable.api.middleware import DETAILS
from roundtable.core.errors import ServiceError
from roundtable.groups.api import router as groups_router
from roundtable.journal.api import router as journal_router
from roundtable.meetings.api import router as meetings_router
from roundtable.tracker.api import router as tracker_router

request_logger = logging.getLogger("django.request")

api = NinjaAPI(
    title="Roundtable API",
    version="1",
    description=(
        "Find and join job-seeker groups. Authenticate with `Authorization: Bearer <token>`; "
        "get a token from `POST /api/v1/auth/token` or your profile page."
    ),
    urls_namespace="api",
    # Server-rendered docs that pass axe-core and the Nu checker (see docs.py), not Swagger UI.
    docs=ReadableDocs(),
)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload"))
        # Our own validators' reasons (ValueError) read as written, without pydantic's prefix.
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append(f"{loc}: {msg}" if loc else msg)
    return api.create_response(
        request, {"detail": "The request is not valid: " + "; ".join(problems), "errors": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Authentication required: send a valid token as 'Authorization: Bearer <token>'."},
        status=401,
    )


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged where Django logs its own 500s, so the same handlers (mail to admins, error
    # trackers) hear of it; the client gets JSON, never the HTML error page.
    request_logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request}
    )
    return api.create_response(request, {"detail": DETAILS[500]}, status=500)


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """Every service's refusal (core.errors.ServiceError), answered the same way from every
    endpoint: its status and its reason, written for the person ("Choose a value from 1 to 5.").
    The service's field name is a form's, not always the body's, so it is not sent."""
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


api.add_router("/", accounts_router)
api.add_router("/groups", groups_router)
api.add_router("/", meetings_router)
api.add_router("/", journal_router)
api.add_router("/me", tracker_router)
