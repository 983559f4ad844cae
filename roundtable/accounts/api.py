from __future__ import annotations

import datetime as dt

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

from . import blocks
from .models import Block, User
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


# ------------------------------------------------------------------------------- blocks


class BlockIn(BodySchema):
    person: SingleLine = Field(max_length=12, description="The public id of the person to block (/people/<id>/).")


class BlockOut(Schema):
    person: str = Field(description="The blocked person's public id.")
    name: str
    created_at: dt.datetime


BLOCK_ERRORS: dict[int, type[Error]] = {401: Error, 404: Error, 422: Error}


def _block_out(block: Block) -> dict[str, object]:
    return {"person": block.blocked.public_id, "name": block.blocked.display_name, "created_at": block.created_at}


def _me_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _person(public_id: str) -> User | None:
    return User.objects.select_related("profile").filter(public_id=public_id, is_active=True).first()


@router.get("/me/blocks", response={200: list[BlockOut], **BLOCK_ERRORS}, auth=token_auth)
def list_blocks(request: HttpRequest) -> list[dict[str, object]]:
    """The people you blocked, newest first (accounts/blocks.py says what a block does)."""
    return [_block_out(b) for b in blocks.blocks_of(_me_user(request))]


@router.post(
    "/me/blocks", response={201: BlockOut, 200: BlockOut, 400: Error, 409: Error, **BLOCK_ERRORS}, auth=token_auth
)
def create_block(request: HttpRequest, payload: BlockIn) -> Status:
    """Block a person: 201 when new, 200 when you had already blocked them. 400 for yourself,
    404 for no such person, 409 past the limit. They are not told; blocking someone who
    blocked you answers as for anyone else."""
    me = _me_user(request)
    person = _person(payload.person)
    block, new = blocks.block_create(blocker=me, blocked=person)
    return Status(201 if new else 200, _block_out(block))


@router.delete("/me/blocks/{public_id}", response={204: None, **BLOCK_ERRORS}, auth=token_auth)
def delete_block(request: HttpRequest, public_id: SingleLine) -> Status:
    """Unblock a person you blocked; 404 when you had not blocked them."""
    me = _me_user(request)
    person = _person(public_id)
    if person is None or not blocks.block_delete(blocker=me, blocked=person):
        raise HttpError(404, blocks.NO_SUCH_PERSON)
    return Status(204, None)
