from __future__ import annotations

from typing import Any

from ninja import Schema


class Error(Schema):
    detail: str


NOT_FOUND: dict[str, Any] = {"detail": "No such group."}
