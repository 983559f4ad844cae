from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from roundtable.api.auth import OPTIONAL_AUTH_DOC, api_viewer, optional_auth, token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core import dates
from roundtable.core.text import MultiLine, SingleLine
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Format
from roundtable.groups.places import resolve

from . import permissions, selectors, services
from .models import Meeting, MeetingStatus, RsvpStatus

router = Router(tags=["meetings"])
PAGE_SIZE = 20


class TalkOut(Schema):
    speaker_name: str
    title: str
    organisation: str
    bio: str
    abstract: str
    topics: list[str]
    slides_url: str
    recording_url: str


class MeetingOut(Schema):
    id: str = Field(description="The meeting's public identifier (12 characters); integer ids are not accepted.")
    title: str
    group: str
    group_name: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    status: MeetingStatus
    format: Format
    recurring: bool
    capacity: int | None
    going_count: int
    waitlist_count: int
    networking_before_minutes: int
    main_minutes: int
    networking_after_minutes: int
    venue: str
    address: str
    accessibility_notes: str
    video_url: str
    talk: TalkOut | None
    my_rsvp: str | None
    url: str


class MeetingPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[MeetingOut]


class MeetingFilters(Schema):
    group: SingleLine = Field(default="", max_length=140)
    from_: str = Field(default="", alias="from", pattern=r"^(\d{4}-\d{2}-\d{2})?$",
                       description=f"YYYY-MM-DD, {dates.RANGE_TEXT}")  # fmt: skip
    to: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$", description=f"YYYY-MM-DD, {dates.RANGE_TEXT}")
    topic: SingleLine = Field(default="", max_length=60)
    near: SingleLine = Field(default="", max_length=120)
    radius_km: float = Field(default=40.0, gt=0, le=1000)
    page: int = Field(default=1, ge=1, le=100000)


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=100000)


class RsvpOut(Schema):
    meeting: str = Field(description="The meeting's public identifier.")
    status: RsvpStatus
    waitlist_position: int | None
    going_count: int
    detail: str


class TalkIn(BodySchema):
    speaker_name: SingleLine = Field(min_length=1, max_length=120)
    title: SingleLine = Field(min_length=1, max_length=200)
    organisation: SingleLine = Field(default="", max_length=160)
    bio: MultiLine = Field(default="", max_length=2000)
    abstract: MultiLine = Field(default="", max_length=4000)
    topics: list[SingleLine] = Field(default=[], max_length=12)


class MeetingIn(BodySchema):
    title: SingleLine = Field(min_length=1, max_length=140)
    start: dt.datetime = Field(
        description="Local wall-clock start in time_zone, e.g. 2027-03-02T18:00; an offset or Z is refused (400)."
    )
    time_zone: SingleLine = Field(default="", max_length=64, description="Defaults to the group's time zone.")
    main_minutes: int = Field(default=60, ge=1, le=600)
    networking_before_minutes: int = Field(default=0, ge=0, le=240)
    networking_after_minutes: int = Field(default=0, ge=0, le=240)
    capacity: int | None = Field(default=None, ge=1, le=100000)
    format: Format = Format.IN_PERSON
    venue: SingleLine = Field(default="", max_length=200)
    address: SingleLine = Field(default="", max_length=300)
    accessibility_notes: SingleLine = Field(default="", max_length=500)
    video_url: SingleLine = Field(default="", max_length=500)
    description: MultiLine = Field(default="", max_length=5000)
    rule: SingleLine = Field(default="", max_length=300, description="RRULE for a series, e.g. FREQ=WEEKLY;INTERVAL=2")
    roundtable_minutes: int | None = Field(default=None, ge=5, le=600)
    turn_minutes: int | None = Field(default=None, ge=1, le=120)
    circle_minutes: int | None = Field(default=None, ge=5, le=600)
    talk: TalkIn | None = None


def meeting_out(m: Meeting, viewer: Any, my_rsvp: str | None = None) -> dict[str, Any]:
    place = permissions.place_for(viewer, m)
    talk = getattr(m, "talk", None)
    return {
        "id": m.public_id, "title": m.title, "group": m.group.slug, "group_name": m.group.name, "kind": m.group.kind,
        "starts_at": m.starts_at, "ends_at": m.ends_at, "time_zone": m.time_zone, "status": m.status,
        "format": m.format, "recurring": m.series_id is not None, "capacity": m.capacity,
        "going_count": m.going_count, "waitlist_count": m.waitlist_count,
        "networking_before_minutes": m.networking_before_minutes, "main_minutes": m.main_minutes,
        "networking_after_minutes": m.networking_after_minutes, **place,
        "talk": None if talk is None else {
            "speaker_name": talk.speaker_name, "title": talk.title, "organisation": talk.organisation,
            "bio": talk.bio, "abstract": talk.abstract, "topics": [t.name for t in talk.topics.all()],
            "slides_url": talk.slides_url, "recording_url": talk.recording_url,
        },
        "my_rsvp": my_rsvp if my_rsvp is not None else getattr(m, "my_rsvp", None),
        "url": m.get_absolute_url(),
    }  # fmt: skip


def _page(qs: Any, page: int, viewer: Any) -> dict[str, Any]:
    paginator = Paginator(qs, PAGE_SIZE)
    p = paginator.get_page(page)
    meetings = list(p.object_list)
    permissions.prime(viewer, meetings)
    return {
        "count": paginator.count, "page": p.number, "pages": paginator.num_pages, "page_size": PAGE_SIZE,
        "results": [meeting_out(m, viewer) for m in meetings],
    }  # fmt: skip


def _date(text: str, name: str) -> dt.date | None:
    try:
        return dates.parse_day(text, name)
    except dates.DateParamError as exc:
        raise HttpError(400, str(exc)) from None


def _day_start(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


@router.get("/meetings", response={200: MeetingPage, 400: Error, 401: Error, 422: Error}, auth=optional_auth,
            openapi_extra=OPTIONAL_AUTH_DOC)  # fmt: skip
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> dict[str, Any]:
    """Upcoming meetings of the groups the caller may see (from now unless `from` is given)."""
    viewer = api_viewer(request)
    near = None
    if filters.near.strip():
        near = resolve(filters.near)
        if near is None:
            raise HttpError(400, f"Unknown place {filters.near!r}: use a US ZIP code or a city such as 'Austin, TX'.")
    start, end = _date(filters.from_, "from"), _date(filters.to, "to")
    if start and end and end < start:
        raise HttpError(400, "'to' is before 'from'.")
    f = selectors.MeetingFilters(
        group=filters.group, topic=filters.topic, near=near, radius_km=filters.radius_km,
        start=_day_start(start) if start else None,
        end=_day_start(end) + dt.timedelta(days=1) if end else None,
    )  # fmt: skip
    qs = selectors.with_my_rsvp(selectors.visible_meetings(viewer, f), viewer)
    return _page(qs, filters.page, viewer)


def _visible(viewer: Any, public_id: str) -> Meeting:
    # Only public identifiers: an integer id answers 404 like any unknown one, whatever
    # the meeting's group (old numeric page addresses redirect; the API never did).
    try:
        return permissions.meeting_for_viewer(viewer, public_id)
    except Http404:
        raise HttpError(404, "No such meeting.") from None


@router.get("/meetings/{public_id}", response={200: MeetingOut, 401: Error, 404: Error, 422: Error},
            auth=optional_auth, openapi_extra=OPTIONAL_AUTH_DOC)  # fmt: skip
def get_meeting(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    viewer = api_viewer(request)
    m = _visible(viewer, public_id)
    r = permissions.rsvp_of(viewer, m)
    return meeting_out(m, viewer, my_rsvp=r.status if r else None)


def _rsvp(request: HttpRequest, public_id: str, going: bool) -> dict[str, Any]:
    viewer = api_viewer(request)
    m = _visible(viewer, public_id)
    result = services.rsvp_set(meeting=m, user=viewer, going=going)
    m.refresh_from_db(fields=["going_count"])
    detail = {
        RsvpStatus.GOING: "You're going.",
        RsvpStatus.WAITLISTED: f"The meeting is full: you're number {result.position} on the waitlist.",
        RsvpStatus.DECLINED: "You're not going.",
    }[RsvpStatus(result.rsvp.status)]
    return {"meeting": m.public_id, "status": result.rsvp.status, "waitlist_position": result.position,
            "going_count": m.going_count, "detail": detail}  # fmt: skip


RSVP_RESPONSES = {200: RsvpOut, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


@router.post("/meetings/{public_id}/rsvp", response=RSVP_RESPONSES, auth=token_auth)
def rsvp_going(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    """Say you're going; when the meeting is full you join the waitlist (the answer says where)."""
    return _rsvp(request, public_id, True)


@router.delete("/meetings/{public_id}/rsvp", response=RSVP_RESPONSES, auth=token_auth)
def rsvp_not_going(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    """Cancel your RSVP (or say you're not going); the first person waiting gets the seat."""
    return _rsvp(request, public_id, False)


@router.get("/me/meetings", response={200: MeetingPage, 401: Error, 422: Error}, auth=token_auth)
def my_meetings(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Upcoming meetings you're going to or waiting for."""
    viewer = api_viewer(request)
    return _page(selectors.my_meetings(viewer), query.page, viewer)


@router.post("/groups/{slug}/meetings", response={201: MeetingOut, 400: Error, 401: Error, 404: Error, 422: Error},
             auth=token_auth)  # fmt: skip
def create_meeting(request: HttpRequest, slug: SingleLine, payload: MeetingIn) -> Status:
    """Facilitators schedule a one-off meeting, or a series with `rule`."""
    viewer = api_viewer(request)
    try:
        group = group_perms.group_for_facilitator(viewer, slug)
    except Http404:
        raise HttpError(404, "No such group.") from None
    data = services.MeetingData(
        title=payload.title, start_local=payload.start.replace(second=0, microsecond=0),
        time_zone=payload.time_zone or group.time_zone, main_minutes=payload.main_minutes,
        networking_before_minutes=payload.networking_before_minutes,
        networking_after_minutes=payload.networking_after_minutes, description=payload.description,
        capacity=payload.capacity, format=payload.format, venue=payload.venue, address=payload.address,
        accessibility_notes=payload.accessibility_notes, video_url=payload.video_url,
        roundtable_minutes=payload.roundtable_minutes, turn_minutes=payload.turn_minutes,
        circle_minutes=payload.circle_minutes,
    )  # fmt: skip
    talk = None
    if payload.talk is not None:
        talk = services.TalkData(
            speaker_name=payload.talk.speaker_name, title=payload.talk.title, organisation=payload.talk.organisation,
            bio=payload.talk.bio, abstract=payload.talk.abstract, topics=tuple(payload.talk.topics),
        )  # fmt: skip
    try:
        meeting = services.meeting_create(group=group, by=viewer, data=data, rule=payload.rule or None, talk=talk)
    except services.recurrence.RuleError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, meeting_out(permissions.meeting_for_viewer(viewer, meeting.public_id), viewer))
