from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from roundtable.api.auth import token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core.text import SingleLine

from .models import User
from .services import api_token_create, profile_ensure

router = Router(tags=["account"])


class TokenIn(BodySchema):
    email: SingleLine = Field(max_length=254)
    password: str = Field(max_length=512)
    name: SingleLine = Field(default="API token", max_length=80)


class TokenOut(Schema):
    token: str
    name: str
    prefix: str


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    headline: str
    location: str
    time_zone: str
    search_status: str


@router.post(
    "/auth/token", response={201: TokenOut, 400: Error, 401: Error, 403: Error, 429: Error, 422: Error}, auth=None
)
def auth_token(request: HttpRequest, payload: TokenIn) -> Status:
    """Exchange email and password for a personal API token (shown once).

    The same rules as signing in on the site: allauth's failed-login throttle (429), and an
    email address that was never confirmed gets no token (403; ACCOUNT_EMAIL_VERIFICATION is
    "mandatory", and a token must not be a way around it). Wrong credentials answer 401."""
    # allauth's adapter applies the same failed-login throttle as the sign-in page.
    try:
        user = get_adapter(request).authenticate(
            request, email=payload.email.strip().lower(), password=payload.password
        )
    except DjangoValidationError:
        raise HttpError(429, "Too many failed attempts. Wait a few minutes and try again.") from None
    if not isinstance(user, User) or not user.is_active:
        raise HttpError(401, "That email and password do not match an account.")
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise HttpError(403, "Confirm your email address first: follow the link we emailed you, then try again.")
    token, secret = api_token_create(user=user, name=payload.name)
    return Status(201, {"token": secret, "name": token.name, "prefix": token.prefix})


@router.get("/me", response={200: MeOut, 401: Error, 422: Error}, auth=token_auth)
def me(request: HttpRequest) -> dict[str, object]:
    user: User = request.auth  # type: ignore[attr-defined]
    p = profile_ensure(user=user)
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": p.display_name,
        "headline": p.headline,
        "location": p.location_label or p.location_text,
        "time_zone": p.time_zone,
        "search_status": p.search_status,
    }
