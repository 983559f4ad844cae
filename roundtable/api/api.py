"""The JSON API, assembled from each app's router."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from roundtable.accounts.api import router as accounts_router
from roundtable.api.docs import ReadableDocs
from roundtable.api.middleware import DETAILS
from roundtable.buddies.api import router as buddies_router
from roundtable.core.errors import ServiceError
from roundtable.groups.api import router as groups_router
from roundtable.journal.api import router as journal_router
from roundtable.meetings.api import router as meetings_router
from roundtable.network.api import router as network_router
from roundtable.notifications.api import router as notifications_router
from roundtable.privacy.api import router as privacy_router
from roundtable.safety.api import router as safety_router
from roundtable.speakers.api import router as speakers_router
from roundtable.stories.api import router as stories_router
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


# How the API answers a request it does not carry out (each operation lists its statuses):
#   401  no valid token;
#   404  a missing object, or one the caller may not see or is not theirs (the same body);
#   422  the request does not match the operation's schema: a field missing, of the wrong JSON
#        type ("7" for a number), too long, not matching its pattern or list of values
#        (on_validation_error, naming the field as the body or query spells it);
#   400  a well-formed request that a rule refuses: a date outside the product's range, a day
#        that is not the interview's day, a file that cannot be read (the service's
#        ServiceError, or the endpoint's own HttpError(400)); 409 and 403 where a service
#        says so (a conflict, a permission).
# Every answer is {"detail": "..."} written for the person (422 adds pydantic's `errors`).


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422: the request does not match the schema. `detail` names each field as the client
    sent it ("day: ...", "outreach: send a number, not text"); `errors` is pydantic's list."""
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
    endpoint: its status (400 unless the service says 404, 409 or 403) and its reason, written
    for the person ("Choose a value from 1 to 5."). The service's field name is a form's, not
    always the body's ("occurred_on" for the body's "day"), so it is never sent: a reason that
    needs its field says it in words ("The day (2026-12-01) is not the interview's day...").
    A 404 reads exactly as a missing object's."""
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


api.add_router("/", accounts_router)
api.add_router("/groups", groups_router)
api.add_router("/", meetings_router)
api.add_router("/", journal_router)
api.add_router("/", privacy_router)
api.add_router("/me", tracker_router)
api.add_router("/me/notifications", notifications_router)
api.add_router("/", network_router)
api.add_router("/", buddies_router)
api.add_router("/", stories_router)
api.add_router("/speakers", speakers_router)
api.add_router("/", safety_router)
