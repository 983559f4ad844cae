from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def profile_edit(request: HttpRequest) -> HttpResponse:
    return HttpResponse("profile")


def profile(request: HttpRequest, user_id: int) -> HttpResponse:
    return HttpResponse("profile")


def tokens(request: HttpRequest) -> HttpResponse:
    return HttpResponse("tokens")


def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    return HttpResponse("tokens")
