"""Bearer-token authentication for the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from roundtable.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class OptionalTokenAuth(TokenAuth):
    """Anonymous callers pass as anonymous; a wrong token is still refused."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if not header:
            return True
        return super().__call__(request)


token_auth = TokenAuth()
optional_auth = OptionalTokenAuth()
# Endpoints with optional_auth also answer anonymous callers; an empty requirement says so
# in the OpenAPI spec (schemathesis checks the spec against behaviour).
OPTIONAL_AUTH_DOC: dict[str, Any] = {"security": [{}, {"OptionalTokenAuth": []}]}


def api_viewer(request: HttpRequest) -> Any:
    """The API caller: the token's user, or anonymous. Sessions are not used by the API."""
    from django.contrib.auth.models import AnonymousUser

    from roundtable.accounts.models import User

    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User) else AnonymousUser()
