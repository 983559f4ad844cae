"""GET /api/v1/me/data: the person's whole export, the same JSON document as /me/data/download/.
(Not /me/export: that is the tracker's own export of its rows, tracker/api.py, older.)"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel, ConfigDict, Field

from roundtable.api.auth import api_viewer, token_auth
from roundtable.api.errors import Error

from . import services

router = Router(tags=["privacy"])


class ExportPerson(BaseModel):
    public_id: str
    email: str
    display_name: str
    first_name: str
    last_name: str


class ExportOut(BaseModel):
    """The export: these four keys, then one list of rows for each kind of record. A plain
    pydantic model (ninja's Schema keeps only the fields it declares)."""

    model_config = ConfigDict(extra="allow")

    format: str = Field(description='Always "roundtable-export".')
    version: int = Field(description="1")
    exported_at: str = Field(description="When it was made (ISO 8601).")
    person: ExportPerson


@router.get(
    "/me/data",
    auth=token_auth,
    response={200: ExportOut, 401: Error, 429: Error},
    summary="Export everything about me",
    description=(
        'One JSON document: {"format": "roundtable-export", "version": 1, "exported_at", "person", and one '
        'list of rows for each kind of record, keyed "<app>.<Model>"}. Other people appear by the name you '
        f'could already see, or as "another member". At most {services.EXPORTS_PER_HOUR} exports an hour (429).'
    ),
)
def export(request: HttpRequest) -> Any:
    return services.export_make(user=api_viewer(request), request=request)
