"""The stories app's API: landed stories and lessons (read by anyone their audience allows,
written by their authors), "others with a challenge like yours", and the anonymous-sharing
choice. Through the same permission code as the pages (permissions.py): a story or lesson the
caller may not read, or another person's when changing it, answers the same 404 as a missing
one. Anonymous posts carry no author (`author` is null) except for their author."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field as PydanticField

from roundtable.accounts.models import User
from roundtable.api.auth import OPTIONAL_AUTH_DOC, api_viewer, optional_auth, token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core.text import MultiLine, SingleLine
from roundtable.groups.models import Kind
from roundtable.journal.landing import creditable_groups
from roundtable.tracker.models import Source

from . import permissions, selectors, services
from .models import Audience, LessonKind, StoryField

router = Router(tags=["stories"])
PAGE_SIZE = 20
R = {401: Error, 404: Error, 422: Error}


class AuthorOut(Schema):
    id: str = PydanticField(description="The author's public id.")
    name: str


class StoryOut(Schema):
    id: str
    title: str
    channel: str
    field: str
    group: str | None = PydanticField(description="The group's slug, where the caller may see its name.")
    group_kind: str | None
    audience: str
    anonymous: bool
    author: AuthorOut | None = PydanticField(description="Null when the story is anonymous (but to its author).")
    is_mine: bool
    what_worked: str
    what_did_not: str
    advice: str
    created_at: dt.datetime
    updated_at: dt.datetime


class StoryPage(Schema):
    count: int
    page: int
    pages: int
    results: list[StoryOut]


class StoryFilters(Schema):
    channel: Source | None = None
    field: StoryField | None = None
    kind: Kind | None = None
    page: int = PydanticField(default=1, ge=1, le=100000)


class StoryIn(BodySchema):
    title: SingleLine = PydanticField(min_length=1, max_length=services.TITLE_MAX)
    what_worked: MultiLine = PydanticField(min_length=1, max_length=services.LONG_MAX)
    what_did_not: MultiLine = PydanticField(default="", max_length=services.LONG_MAX)
    advice: MultiLine = PydanticField(default="", max_length=services.ADVICE_MAX)
    field: StoryField = StoryField.OTHER
    group: SingleLine = PydanticField(default="", max_length=140, description="A group's slug you are or were in.")
    audience: Audience = Audience.MEMBERS
    anonymous: bool = False


class LessonOut(Schema):
    id: str
    kind: str
    text: str
    audience: str
    anonymous: bool
    author: AuthorOut | None
    is_mine: bool
    created_at: dt.datetime


class LessonPage(Schema):
    count: int
    page: int
    pages: int
    results: list[LessonOut]


class LessonFilters(Schema):
    kind: LessonKind | None = None
    page: int = PydanticField(default=1, ge=1, le=100000)


class LessonIn(BodySchema):
    kind: LessonKind = LessonKind.TIP
    text: MultiLine = PydanticField(min_length=1, max_length=services.LESSON_MAX)
    audience: Audience = Audience.MEMBERS
    anonymous: bool = False


class LikeYoursQuery(Schema):
    text: MultiLine = PydanticField(min_length=1, max_length=1000, description="Your challenge, in your words.")


class HelpedOut(Schema):
    source: str = PydanticField(description='"turn" (a past challenge and what its member starred), "lesson", "story".')
    text: str
    group: str = PydanticField(description="The group's name where it is listed, else its kind; never a person.")
    suggestions: list[str]
    kind: str
    story: str | None = PydanticField(description="The story's public id, for a story.")


class SharingIn(BodySchema):
    share_anonymously: bool


class SharingOut(Schema):
    share_anonymously: bool


def _caller(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _author(card: selectors.StoryCard | selectors.LessonCard) -> dict[str, str] | None:
    return {"id": card.author_id, "name": card.author_name} if card.author_name else None


def story_out(card: selectors.StoryCard) -> dict[str, Any]:
    return {
        "id": card.public_id, "title": card.title, "channel": card.channel, "field": card.field,
        "group": card.group_slug or None, "group_kind": card.group_kind or None, "audience": card.audience,
        "anonymous": card.anonymous, "author": _author(card), "is_mine": card.is_mine,
        "what_worked": card.what_worked, "what_did_not": card.what_did_not, "advice": card.advice,
        "created_at": card.created_at, "updated_at": card.updated_at,
    }  # fmt: skip


def lesson_out(card: selectors.LessonCard) -> dict[str, Any]:
    return {
        "id": card.public_id, "kind": card.kind, "text": card.text, "audience": card.audience,
        "anonymous": card.anonymous, "author": _author(card), "is_mine": card.is_mine, "created_at": card.created_at,
    }  # fmt: skip


def _story_card(viewer: Any, public_id: str) -> dict[str, Any]:
    try:
        story = permissions.story_for_viewer(viewer, public_id)
    except Http404:
        raise HttpError(404, permissions.NOT_FOUND) from None
    return story_out(selectors.story_cards(viewer, [story])[0])


def _story_data(owner: User, payload: StoryIn) -> services.StoryData:
    group = None
    if payload.group:
        group = next((g for g in creditable_groups(owner) if g.slug == payload.group), None)
        if group is None:
            raise HttpError(404, "No such group.")
    return services.StoryData(
        title=payload.title, what_worked=payload.what_worked, what_did_not=payload.what_did_not,
        advice=payload.advice, field=payload.field.value, group=group, audience=payload.audience.value,
        anonymous=payload.anonymous,
    )  # fmt: skip


@router.get("/stories", response={200: StoryPage, 401: Error, 422: Error}, auth=optional_auth,
            openapi_extra=OPTIONAL_AUTH_DOC)  # fmt: skip
def list_stories(request: HttpRequest, filters: Query[StoryFilters]) -> dict[str, Any]:
    """Landed stories the caller may read, newest first, 20 a page, filtered by channel, field
    and kind of group that helped."""
    viewer = api_viewer(request)
    qs = selectors.stories(
        viewer,
        channel=filters.channel.value if filters.channel else "",
        field=filters.field.value if filters.field else "",
        kind=filters.kind.value if filters.kind else "",
    )
    paginator = Paginator(qs, PAGE_SIZE)
    p = paginator.get_page(filters.page)
    cards = selectors.story_cards(viewer, list(p.object_list))
    return {"count": paginator.count, "page": p.number, "pages": paginator.num_pages,
            "results": [story_out(c) for c in cards]}  # fmt: skip


@router.post("/stories", response={201: StoryOut, 400: Error, 409: Error, **R}, auth=token_auth)
def create_story(request: HttpRequest, payload: StoryIn) -> Status:
    """Tell your landed story (after saying you landed: 409 before). Its channel is your
    landing's; the group must be one you are or were in (else 404)."""
    owner = _caller(request)
    story = services.story_create(author=owner, data=_story_data(owner, payload))
    return Status(201, _story_card(owner, story.public_id))


@router.get("/stories/{public_id}", response={200: StoryOut, **R}, auth=optional_auth, openapi_extra=OPTIONAL_AUTH_DOC)
def get_story(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    return _story_card(api_viewer(request), public_id)


@router.put("/stories/{public_id}", response={200: StoryOut, 400: Error, **R}, auth=token_auth)
def update_story(request: HttpRequest, public_id: SingleLine, payload: StoryIn) -> dict[str, Any]:
    """Edit your story (anyone else's: 404)."""
    owner = _caller(request)
    try:
        story = permissions.story_for_author(owner, public_id)
    except Http404:
        raise HttpError(404, permissions.NOT_FOUND) from None
    services.story_update(story=story, data=_story_data(owner, payload))
    return _story_card(owner, story.public_id)


@router.delete("/stories/{public_id}", response={204: None, **R}, auth=token_auth)
def delete_story(request: HttpRequest, public_id: SingleLine) -> Status:
    try:
        story = permissions.story_for_author(_caller(request), public_id)
    except Http404:
        raise HttpError(404, permissions.NOT_FOUND) from None
    services.story_delete(story=story)
    return Status(204, None)


@router.get("/lessons", response={200: LessonPage, 401: Error, 422: Error}, auth=optional_auth,
            openapi_extra=OPTIONAL_AUTH_DOC)  # fmt: skip
def list_lessons(request: HttpRequest, filters: Query[LessonFilters]) -> dict[str, Any]:
    """Lessons the caller may read, newest first, 20 a page."""
    viewer = api_viewer(request)
    paginator = Paginator(selectors.lessons(viewer, kind=filters.kind.value if filters.kind else ""), PAGE_SIZE)
    p = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": p.number, "pages": paginator.num_pages,
            "results": [lesson_out(selectors.lesson_card(x, viewer)) for x in p.object_list]}  # fmt: skip


def _lesson_data(payload: LessonIn) -> services.LessonData:
    return services.LessonData(text=payload.text, kind=payload.kind.value, audience=payload.audience.value,
                               anonymous=payload.anonymous)  # fmt: skip


@router.post("/lessons", response={201: LessonOut, 400: Error, **R}, auth=token_auth)
def create_lesson(request: HttpRequest, payload: LessonIn) -> Status:
    owner = _caller(request)
    lesson = services.lesson_create(author=owner, data=_lesson_data(payload))
    return Status(201, lesson_out(selectors.lesson_card(lesson, owner)))


@router.put("/lessons/{public_id}", response={200: LessonOut, 400: Error, **R}, auth=token_auth)
def update_lesson(request: HttpRequest, public_id: SingleLine, payload: LessonIn) -> dict[str, Any]:
    owner = _caller(request)
    try:
        lesson = permissions.lesson_for_author(owner, public_id)
    except Http404:
        raise HttpError(404, permissions.NO_LESSON) from None
    lesson = services.lesson_update(lesson=lesson, data=_lesson_data(payload))
    return lesson_out(selectors.lesson_card(lesson, owner))


@router.delete("/lessons/{public_id}", response={204: None, **R}, auth=token_auth)
def delete_lesson(request: HttpRequest, public_id: SingleLine) -> Status:
    try:
        lesson = permissions.lesson_for_author(_caller(request), public_id)
    except Http404:
        raise HttpError(404, permissions.NO_LESSON) from None
    services.lesson_delete(lesson=lesson)
    return Status(204, None)


@router.get("/like-yours", response={200: list[HelpedOut], 401: Error, 422: Error}, auth=token_auth)
def like_yours(request: HttpRequest, query: Query[LikeYoursQuery]) -> list[dict[str, Any]]:
    """What helped others with a challenge like yours, best match first (up to 8): challenges
    of people who share anonymously and the suggestions they starred, lessons and stories you
    may read. Nobody is named."""
    found = selectors.like_yours(_caller(request), query.text)
    return [{"source": h.source, "text": h.text, "group": h.group_label, "suggestions": h.suggestions,
             "kind": h.kind_label, "story": h.story_id or None} for h in found]  # fmt: skip


@router.get("/me/anonymous-sharing", response={200: SharingOut, 401: Error}, auth=token_auth)
def get_sharing(request: HttpRequest) -> dict[str, bool]:
    return {"share_anonymously": services.shares_anonymously(_caller(request).pk)}


@router.put("/me/anonymous-sharing", response={200: SharingOut, 400: Error, 401: Error, 422: Error}, auth=token_auth)
def put_sharing(request: HttpRequest, payload: SharingIn) -> dict[str, bool]:
    """Share your roundtable challenges and what you starred, without your name, with members
    who have a similar challenge (default off)."""
    sharing = services.anonymous_sharing_set(user=_caller(request), share=payload.share_anonymously)
    return {"share_anonymously": sharing.share_anonymously}
