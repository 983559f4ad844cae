"""Reports over the API (issue 12, item 2): POST /api/v1/reports, GET /api/v1/me/reports."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from roundtable.accounts.models import User
from roundtable.api.auth import token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core.text import MultiLine, SingleLine

from . import selectors, services
from .models import Report, ReportStatus

router = Router(tags=["safety"])

Kind = Literal["person", "group", "suggestion", "story", "lesson", "checkin_reply", "introduction"]
Reason = Literal["harassment", "hate", "spam", "private_info", "off_topic", "other"]


class ReportIn(BodySchema):
    kind: Kind = Field(description="What is reported.")
    ref: SingleLine = Field(
        max_length=64,
        description="Its reference: a person's, story's, lesson's, reply's or introduction's public id, a group's "
        "slug, or a live-room suggestion's id as the room's frames carry it.",
    )
    reason: Reason
    details: MultiLine = Field(default="", max_length=1000, description="Required for reason 'other'.")


OUTCOMES = {ReportStatus.OPEN: "open", ReportStatus.ACTIONED: "action_taken", ReportStatus.DISMISSED: "no_breach"}


class ReportOut(Schema):
    id: str
    kind: str
    ref: str
    reason: str
    details: str
    outcome: str = Field(description="open, action_taken or no_breach: never who was acted on or how.")
    created_at: dt.datetime
    updated_at: dt.datetime


def _out(r: Report) -> dict[str, object]:
    return {"id": r.public_id, "kind": r.kind, "ref": r.object_ref, "reason": r.reason, "details": r.details,
            "outcome": OUTCOMES[r.status], "created_at": r.created_at, "updated_at": r.updated_at}  # type: ignore[index]  # fmt: skip


def _me(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.post(
    "/reports",
    response={201: ReportOut, 200: ReportOut, 400: Error, 401: Error, 404: Error, 409: Error, 422: Error, 429: Error},
    auth=token_auth,
)
def create_report(request: HttpRequest, payload: ReportIn) -> Status:
    """Report something you can see: 201 when new, 200 when it updates your earlier report of
    the same thing. 404 for anything missing, your own, or not yours to see (the same body);
    429 past 20 new reports a day. Content of a group goes to its facilitators; people,
    groups and content of no group to the site's operators."""
    report, created = services.report_create(
        reporter=_me(request), kind=payload.kind, ref=payload.ref, reason=payload.reason, details=payload.details
    )
    return Status(201 if created else 200, _out(report))


@router.get("/me/reports", response={200: list[ReportOut], 401: Error}, auth=token_auth)
def my_reports(request: HttpRequest) -> list[dict[str, object]]:
    """Your reports, newest first (at most 100), each with its outcome."""
    return [_out(r) for r in selectors.reports_by(_me(request))[:100]]
