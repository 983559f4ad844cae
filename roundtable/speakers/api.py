"""The speakers' API: the experts directory (anyone), an expert with their talks, inviting an
expert (facilitators of speakers groups), and the invited person's accept and decline.
Through the same permission code as the pages (speakers.permissions): an expert, group,
meeting or invitation the caller may not see or act on answers the same 404 as a missing one
and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from roundtable.accounts.models import User
from roundtable.api.auth import OPTIONAL_AUTH_DOC, api_viewer, optional_auth, token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core import dates
from roundtable.core.text import MultiLine, SingleLine
from roundtable.groups.permissions import Viewer
from roundtable.meetings.models import Meeting

from . import permissions, selectors, services
from .models import Expert, Invitation

router = Router(tags=["speakers"])
R = {401: Error, 404: Error, 422: Error}
DAY_OR_EMPTY = r"^(\d{4}-\d{2}-\d{2})?$"


class DirectoryQuery(Schema):
    q: SingleLine = Field(default="", max_length=100, description="Words in the name, bio, subjects, region or topics.")
    topic: SingleLine = Field(default="", max_length=60, description="A topic's slug.")
    format: str = Field(default="", pattern=r"^(|in_person|online)$")
    region: SingleLine = Field(default="", max_length=120, description="Part of an in-person region's name.")
    page: int = Field(default=1, ge=1, le=100000)


class ExpertTopicOut(Schema):
    name: str
    slug: str


class ExpertOut(Schema):
    id: str
    person: str = Field(description="The person's public id (their profile: /people/<id>/).")
    name: str
    bio: str
    speaks_about: str
    topics: list[ExpertTopicOut]
    in_person: bool
    online: bool
    region: str
    talk_count: int = Field(description="Past talks the caller may see.")


class ExpertPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ExpertOut]


class ExpertTalkOut(Schema):
    meeting: str
    meeting_title: str
    group: str
    starts_at: dt.datetime
    title: str
    abstract: str
    topics: list[ExpertTopicOut]
    slides_url: str
    recording_url: str


class ExpertDetailOut(ExpertOut):
    listed: bool
    past_talks: list[ExpertTalkOut]
    upcoming_talks: list[ExpertTalkOut]


class InviteIn(BodySchema):
    group: SingleLine = Field(max_length=140, description="The slug of a speakers group you facilitate.")
    meeting: SingleLine = Field(default="", max_length=20, description="One of its meetings without a talk.")
    proposed_on: str = Field(
        default="", pattern=DAY_OR_EMPTY,
        description=f"Without a meeting: a date you will schedule, YYYY-MM-DD, {dates.RANGE_TEXT}.",
    )  # fmt: skip
    topic: SingleLine = Field(default="", max_length=60, description="One of the expert's topics (slug).")
    note: MultiLine = Field(default="", max_length=1000)


class InvitationAcceptIn(BodySchema):
    title: SingleLine = Field(min_length=1, max_length=200)
    abstract: MultiLine = Field(default="", max_length=4000)
    note: MultiLine = Field(default="", max_length=1000)


class InvitationDeclineIn(BodySchema):
    note: MultiLine = Field(default="", max_length=1000)


class InvitationOut(Schema):
    id: str
    expert: str
    expert_name: str
    group: str
    group_name: str
    meeting: str | None
    meeting_title: str | None
    proposed_on: dt.date | None
    topic: str | None
    note: str
    status: str
    title: str
    abstract: str
    answer_note: str
    created_at: dt.datetime
    answered_at: dt.datetime | None


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _topics(topics: Any) -> list[dict[str, str]]:
    return [{"name": t.name, "slug": t.slug} for t in topics]


def expert_out(e: Expert, talk_count: int) -> dict[str, Any]:
    return {
        "id": e.public_id, "person": e.user.public_id, "name": e.user.display_name, "bio": e.bio,
        "speaks_about": e.speaks_about, "topics": _topics(e.topics.all()), "in_person": e.in_person,
        "online": e.online, "region": e.region, "talk_count": talk_count,
    }  # fmt: skip


def talk_out(m: Meeting) -> dict[str, Any]:
    t = m.talk
    return {
        "meeting": m.public_id, "meeting_title": m.title, "group": m.group.name, "starts_at": m.starts_at,
        "title": t.title, "abstract": t.abstract, "topics": _topics(t.topics.all()), "slides_url": t.slides_url,
        "recording_url": t.recording_url,
    }  # fmt: skip


def invitation_out(i: Invitation) -> dict[str, Any]:
    return {
        "id": i.public_id, "expert": i.expert.public_id, "expert_name": i.expert.user.display_name,
        "group": i.group.slug, "group_name": i.group.name,
        "meeting": i.meeting.public_id if i.meeting else None, "meeting_title": i.meeting.title if i.meeting else None,
        "proposed_on": i.proposed_on, "topic": i.topic.slug if i.topic else None, "note": i.note,
        "status": i.status, "title": i.title, "abstract": i.abstract, "answer_note": i.answer_note,
        "created_at": i.created_at, "answered_at": i.answered_at,
    }  # fmt: skip


def _expert(viewer: Viewer, public_id: str) -> Expert:
    try:
        return permissions.expert_for_viewer(viewer, public_id)
    except Http404:
        raise HttpError(404, permissions.NO_EXPERT) from None


def _fresh(viewer: Viewer, public_id: str) -> dict[str, Any]:
    return invitation_out(permissions.invitation_for_viewer(viewer, public_id))


@router.get("", response={200: ExpertPage, **R}, auth=optional_auth, openapi_extra=OPTIONAL_AUTH_DOC)
def list_experts(request: HttpRequest, query: Query[DirectoryQuery]) -> dict[str, Any]:
    """Listed experts, those who spoke most first, 20 a page."""
    viewer = api_viewer(request)
    f = selectors.DirectoryFilters(q=query.q, topic=query.topic, format=query.format, region=query.region)
    paginator = Paginator(selectors.directory(viewer, f), selectors.PAGE_SIZE)
    p = paginator.get_page(query.page)
    return {"count": paginator.count, "page": p.number, "pages": paginator.num_pages,
            "results": [expert_out(e, e.talk_count) for e in p.object_list]}  # type: ignore[attr-defined]  # fmt: skip


@router.get("/{public_id}", response={200: ExpertDetailOut, **R}, auth=optional_auth, openapi_extra=OPTIONAL_AUTH_DOC)
def get_expert(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    """An expert (listed, or your own) with the talks you may see: never a talk of a group
    you could not find."""
    viewer = api_viewer(request)
    e = _expert(viewer, public_id)
    past, upcoming = selectors.talks_of(viewer, e.user)
    return {**expert_out(e, len(past)), "listed": e.listed, "past_talks": [talk_out(m) for m in past],
            "upcoming_talks": [talk_out(m) for m in upcoming]}  # fmt: skip


@router.post("/{public_id}/invite", response={201: InvitationOut, 400: Error, 409: Error, 429: Error, **R},
             auth=token_auth)  # fmt: skip
def invite_expert(request: HttpRequest, public_id: SingleLine, payload: InviteIn) -> Status:
    """Invite the expert to speak to a speakers group you facilitate: at one of its meetings
    without a talk, or on a date you propose. At most services.INVITATIONS_PER_DAY a day (429)."""
    user = _user(request)
    e = _expert(user, public_id)
    try:
        if not permissions.may_invite(user, e):
            raise Http404
        group = permissions.group_for_inviting(user, payload.group)
        meeting = permissions.meeting_for_inviting(user, group, payload.meeting) if payload.meeting else None
    except Http404:
        raise HttpError(404, "Not found.") from None
    topic = e.topics.filter(slug=payload.topic).first() if payload.topic else None
    if payload.topic and topic is None:
        raise HttpError(400, "Pick one of the expert's topics, or none.")
    proposed = None
    if payload.proposed_on:
        try:
            proposed = dates.parse_day(payload.proposed_on, "proposed_on")
        except dates.DateParamError as exc:
            raise HttpError(400, str(exc)) from None
    inv = services.invitation_create(by=user, expert=e, group=group, meeting=meeting, proposed_on=proposed,
                                     topic=topic, note=payload.note)  # fmt: skip
    return Status(201, _fresh(user, inv.public_id))


@router.get("/invitations/{public_id}", response={200: InvitationOut, **R}, auth=token_auth)
def get_invitation(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    """An invitation you received, or one your speakers group sent."""
    try:
        return _fresh(_user(request), public_id)
    except Http404:
        raise HttpError(404, permissions.NO_INVITATION) from None


def _invitee(request: HttpRequest, public_id: str) -> Invitation:
    try:
        return permissions.invitation_for_invitee(_user(request), public_id)
    except Http404:
        raise HttpError(404, permissions.NO_INVITATION) from None


@router.post("/invitations/{public_id}/accept", response={200: InvitationOut, 400: Error, 409: Error, **R},
             auth=token_auth)  # fmt: skip
def accept_invitation(request: HttpRequest, public_id: SingleLine, payload: InvitationAcceptIn) -> dict[str, Any]:
    """Accept an invitation to you: its meeting (if it names one) gets your talk."""
    inv = _invitee(request, public_id)
    services.invitation_accept(by=_user(request), invitation=inv, title=payload.title, abstract=payload.abstract,
                               note=payload.note)  # fmt: skip
    return _fresh(_user(request), public_id)


@router.post(
    "/invitations/{public_id}/decline", response={200: InvitationOut, 400: Error, 409: Error, **R}, auth=token_auth
)
def decline_invitation(request: HttpRequest, public_id: SingleLine, payload: InvitationDeclineIn) -> dict[str, Any]:
    """Decline an invitation to you, with an optional note to the facilitator."""
    inv = _invitee(request, public_id)
    services.invitation_decline(by=_user(request), invitation=inv, note=payload.note)
    return _fresh(_user(request), public_id)
