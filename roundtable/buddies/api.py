"""The buddies API, through the same permission code as the pages (buddies.permissions): the
caller's pool entry and preferences, their pair and its check-ins and replies, ending a pair,
and a facilitator's run over their group's pool. A pair or check-in of someone else's answers
the same 404 as a missing one and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from roundtable.accounts.models import User
from roundtable.api.auth import token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core.text import MultiLine, SingleLine

from . import permissions, selectors, services, tasks
from .models import BuddyPair, CheckIn, FieldWish, Language, Progress, Reaction, SearchStage, Weekday, WorkField

router = Router(tags=["buddies"])
NOT_FOUND = "Not found."
R = {401: Error, 404: Error, 422: Error}


class PoolIn(BodySchema):
    group: SingleLine = Field(
        default="", max_length=80, description="A group's slug you are an active member of; empty: everyone."
    )
    checkin_day: Weekday = Field(description="0 Monday .. 6 Sunday.")
    max_offset_hours: int = Field(ge=0, le=12, description="The widest time-zone gap you accept, in hours.")
    field: WorkField
    field_wish: FieldWish = FieldWish.ANY
    stage: SearchStage = Field(description="0 exploring, 1 applying, 2 interviewing, 3 weighing offers.")
    languages: list[Language] = Field(min_length=1, max_length=services.MAX_LANGUAGES)


class PoolOut(Schema):
    id: str
    group: str | None
    checkin_day: int
    max_offset_hours: int
    field: str
    field_wish: str
    stage: int
    languages: list[str]
    joined_at: dt.datetime
    waiting: str | None = Field(description="Why you have no buddy yet, in words; null while paired.")


class BuddyOut(Schema):
    person: str
    name: str
    profile: dict[str, str] = Field(description="The profile fields you may see, by name.")


class PairOut(Schema):
    id: str
    group: str | None
    checkin_day: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    buddies: list[BuddyOut]
    reasons: list[str] = Field(description="Why you were paired, in words.")


class BuddyMeOut(Schema):
    pool: PoolOut | None
    pair: PairOut | None
    this_week: str


class CheckInIn(BodySchema):
    commitments: MultiLine = Field(min_length=1, max_length=2000, description="This week's commitments, one per line.")
    last_week: Progress | None = None
    last_week_note: MultiLine = Field(default="", max_length=1000)
    activities: list[SingleLine] = Field(default=[], max_length=services.MAX_ACTIVITIES,
                                         description="Public ids of your own tracker activities.")  # fmt: skip


class ReplyOut(Schema):
    id: str
    author: str
    reaction: str
    text: str
    created_at: dt.datetime


class CheckInOut(Schema):
    id: str
    author: str
    week: str
    commitments: list[str]
    last_week: str
    last_week_note: str
    activities: list[str]
    replies: list[ReplyOut]
    updated_at: dt.datetime


class ReplyIn(BodySchema):
    reaction: Reaction | None = None
    text: MultiLine = Field(default="", max_length=1000)


def _me(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _pair(request: HttpRequest, public_id: str) -> BuddyPair:
    try:
        return permissions.pair_for_member(_me(request), public_id)
    except Http404:
        raise HttpError(404, NOT_FOUND) from None


def _checkin(request: HttpRequest, public_id: str) -> CheckIn:
    try:
        return permissions.checkin_for_member(_me(request), public_id)
    except Http404:
        raise HttpError(404, NOT_FOUND) from None


def checkin_out(c: CheckIn) -> dict[str, Any]:
    return {
        "id": c.public_id, "author": c.author.public_id, "week": c.week, "commitments": c.commitment_lines(),
        "last_week": c.last_week, "last_week_note": c.last_week_note,
        "activities": [a.public_id for a in c.activities.all()],
        "replies": [{"id": r.public_id, "author": r.author.public_id, "reaction": r.reaction, "text": r.text,
                     "created_at": r.created_at} for r in c.replies.all()],
        "updated_at": c.updated_at,
    }  # fmt: skip


@router.get("/me/buddy", response={200: BuddyMeOut, **R}, auth=token_auth)
def me(request: HttpRequest) -> dict[str, Any]:
    """Your place in a buddy pool and your open pair (null when none)."""
    user = _me(request)
    page = selectors.buddy_page(user)
    e = page.entry
    pool = None
    if e is not None:
        pool = {"id": e.public_id, "group": e.group.slug if e.group else None, "checkin_day": e.checkin_day,
                "max_offset_hours": e.max_offset_hours, "field": e.field, "field_wish": e.field_wish,
                "stage": e.stage, "languages": e.languages, "joined_at": e.joined_at,
                "waiting": None if page.pair else e.waiting_text()}  # fmt: skip
    pair = None
    if page.pair is not None:
        p = page.pair
        pair = {"id": p.public_id, "group": p.group.slug if p.group else None, "checkin_day": p.checkin_day,
                "started_at": p.started_at, "ended_at": p.ended_at,
                "buddies": [{"person": m.user.public_id, "name": f["display_name"], "profile": f}
                            for m, f in page.buddies],
                "reasons": page.me.reasons if page.me else []}  # fmt: skip
    return {"pool": pool, "pair": pair, "this_week": page.this_week}


@router.put("/me/buddy/pool", response={200: BuddyMeOut, 400: Error, **R}, auth=token_auth)
def join_pool(request: HttpRequest, payload: PoolIn) -> dict[str, Any]:
    """Join a pool (a group's or everyone's) with your preferences; in one already, this
    changes the pool and the preferences."""
    user = _me(request)
    group = None
    if payload.group:
        try:
            group = permissions.group_for_pool(user, payload.group)
        except Http404:
            raise HttpError(404, "No such group.") from None
    prefs = services.Preferences(payload.max_offset_hours, int(payload.checkin_day), payload.field.value,
                                 payload.field_wish.value, int(payload.stage),
                                 [lang.value for lang in payload.languages])  # fmt: skip
    services.pool_join(user=user, group=group, preferences=prefs)
    return me(request)


@router.delete("/me/buddy/pool", response={204: None, **R}, auth=token_auth)
def leave_pool(request: HttpRequest) -> Status:
    """Leave your pool; an open pair ends too (your buddy is told kindly)."""
    services.pool_leave(user=_me(request))
    return Status(204, None)


@router.get("/me/buddy/pairs/{public_id}/checkins", response={200: list[CheckInOut], **R}, auth=token_auth)
def list_checkins(request: HttpRequest, public_id: SingleLine) -> list[dict[str, Any]]:
    """A pair's check-ins (yours and your buddy's), newest week first, 36 at most."""
    pair = _pair(request, public_id)
    return [checkin_out(c) for c in selectors.checkins_of(pair)[: selectors.HISTORY_WEEKS * 3]]


@router.post("/me/buddy/pairs/{public_id}/checkins", response={200: CheckInOut, 400: Error, **R}, auth=token_auth)
def save_checkin(request: HttpRequest, public_id: SingleLine, payload: CheckInIn) -> dict[str, Any]:
    """Write this week's check-in (your own week and time zone); again the same week edits it."""
    pair = _pair(request, public_id)
    c = services.checkin_save(author=_me(request), pair=pair, commitments=payload.commitments,
                              last_week=payload.last_week.value if payload.last_week else "",
                              last_week_note=payload.last_week_note, activities=payload.activities)  # fmt: skip
    return checkin_out(selectors.checkins_of(pair).get(pk=c.pk))


@router.post("/me/buddy/checkins/{public_id}/replies", response={200: CheckInOut, 400: Error, **R}, auth=token_auth)
def reply(request: HttpRequest, public_id: SingleLine, payload: ReplyIn) -> dict[str, Any]:
    """React to or answer your buddy's check-in while you are paired."""
    checkin = _checkin(request, public_id)
    if not permissions.may_reply(_me(request), checkin):
        raise HttpError(400, "You can reply to your buddy's check-ins while you're paired.")
    services.checkin_reply(author=_me(request), checkin=checkin,
                           reaction=payload.reaction.value if payload.reaction else "", text=payload.text)  # fmt: skip
    return checkin_out(selectors.checkins_of(checkin.pair).get(pk=checkin.pk))


@router.post("/me/buddy/pairs/{public_id}/end", response={204: None, 400: Error, **R}, auth=token_auth)
def end_pair(request: HttpRequest, public_id: SingleLine) -> Status:
    """End your pairing kindly: your buddy is told gently; you both stay in the pool."""
    services.pair_end(user=_me(request), pair=_pair(request, public_id))
    return Status(204, None)


@router.post("/groups/{slug}/buddies/run", response={202: None, 409: Error, **R}, auth=token_auth)
def run_pool(request: HttpRequest, slug: SingleLine) -> Status:
    """Pair everyone waiting in your group's pool now (facilitators only), on the task worker.
    409 with the reason when fewer than two members are waiting (a run would pair nobody)."""
    user = _me(request)
    try:
        group = permissions.group_for_run(user, slug)
    except Http404:
        raise HttpError(404, "No such group.") from None
    if len(services.pool_entries(group)) < services.MIN_TO_MATCH:
        raise HttpError(409, services.NOBODY_TO_PAIR)
    group_id, user_id = group.pk, user.pk
    transaction.on_commit(lambda: tasks.run_matching.enqueue(group_id=group_id, requested_by_id=user_id))
    return Status(202, None)
