"""GET /api/v1/me/export: the person's export, the same JSON document as /me/data/download/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from roundtable.api.auth import api_viewer, token_auth
from roundtable.api.errors import Error

from . import services

router = Router(tags=["privacy"])


@router.get(
    "/me/export",
    auth=token_auth,
    response={200: dict[str, Any], 401: Error, 429: Error},
    summary="Export everything about me",
    description=(
        'One JSON document: {"format": "roundtable-export", "version": 1, "exported_at", "person", and one '
        'list of rows for each kind of record, keyed "<app>.<Model>"}. Other people appear by the name you '
        f'could already see, or as "another member". At most {services.EXPORTS_PER_HOUR} exports an hour (429).'
    ),
)
def export(request: HttpRequest) -> Any:
    return services.export_make(user=api_viewer(request), request=request)
