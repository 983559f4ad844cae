"""The notifications JSON API, under /api/v1/me/notifications (token required). Everything is
the caller's own, read through the same selectors and permissions as the inbox page: another
person's notification id answers 404 {"detail": "Not found."} exactly as a missing one, and
notifications whose subject the caller may no longer see are neither listed nor counted.

    GET  /me/notifications                 a page of the inbox, newest first (?page=N)
    GET  /me/notifications/unread          {"unread": n}, the badge's number
    POST /me/notifications/{id}/read       mark one read; answers the notification
    POST /me/notifications/read            mark all read; answers {"marked": n}
    GET  /me/notifications/preferences     every registered kind with the caller's choices
    PUT  /me/notifications/preferences     set some kinds' choices (the others unchanged)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, StrictBool

from roundtable.api.auth import api_viewer, token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core.text import SingleLine

from . import kinds, selectors, services
from .models import Preference

router = Router(tags=["notifications"], auth=token_auth)


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=100000)


class NotificationOut(Schema):
    id: str = Field(description="The notification's public id (12 characters).")
    kind: str = Field(description='The kind\'s key, "<app>.<event>".')
    title: str
    text: str
    url: str = Field(description="Where acting on it happens: a path on this site.")
    actor: str = Field(description="Who did it, by their public name; empty when nobody in particular.")
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    page: int
    page_size: int
    has_next: bool
    has_previous: bool
    unread: int
    results: list[NotificationOut]


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


EmailValue = Literal["now", "digest", "never"]


class PreferenceOut(Schema):
    kind: str
    label: str
    inbox: bool
    email: EmailValue


class PreferencesOut(Schema):
    kinds: list[PreferenceOut]


class PreferenceIn(BodySchema):
    kind: SingleLine = Field(min_length=1, max_length=64)
    inbox: StrictBool  # true or false, never "yes" or 1
    email: EmailValue


class PreferencesIn(BodySchema):
    kinds: list[PreferenceIn] = Field(max_length=200)


def _out(item: selectors.InboxItem) -> dict[str, Any]:
    return {
        "id": item.public_id,
        "kind": item.kind,
        "title": item.title,
        "text": item.text,
        "url": item.url,
        "actor": item.actor_name,
        "created_at": item.created_at,
        "read_at": item.read_at,
    }


@router.get("", response={200: NotificationPage, 401: Error, 422: Error})
def list_notifications(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = selectors.inbox_page(api_viewer(request), query.page)
    return {
        "page": page.page,
        "page_size": selectors.PAGE_SIZE,
        "has_next": page.has_next,
        "has_previous": page.has_previous,
        "unread": page.unread,
        "results": [_out(i) for i in page.items],
    }


@router.get("/unread", response={200: UnreadOut, 401: Error})
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_sync(api_viewer(request))}


@router.post("/read", response={200: MarkedOut, 401: Error})
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notifications_mark_all_read(user=api_viewer(request))}


@router.post("/{public_id}/read", response={200: NotificationOut, 401: Error, 404: Error, 422: Error})
def mark_read(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    try:
        notification = services.notification_mark_read(user=api_viewer(request), public_id=public_id)
    except Http404 as exc:
        raise HttpError(404, str(exc)) from None
    item = selectors.item_of(notification)
    if item is None:  # its kind's app is gone since: as missing
        raise HttpError(404, "Not found.")
    return _out(item)


def _preferences(request: HttpRequest) -> dict[str, Any]:
    user = api_viewer(request)
    saved = {p.kind: p for p in Preference.objects.filter(person=user)}
    out = []
    for kind in kinds.all_kinds():
        row = saved.get(kind.key)
        out.append(
            {
                "kind": kind.key,
                "label": kind.label,
                "inbox": row.inbox if row is not None else True,
                "email": row.email if row is not None else kind.email_default,
            }
        )
    return {"kinds": out}


@router.get("/preferences", response={200: PreferencesOut, 401: Error})
def get_preferences(request: HttpRequest) -> dict[str, Any]:
    return _preferences(request)


@router.put("/preferences", response={200: PreferencesOut, 400: Error, 401: Error, 422: Error})
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    unknown = sorted({p.kind for p in payload.kinds if kinds.get(p.kind) is None})
    if unknown:
        raise HttpError(400, f"No such kind of notification: {', '.join(unknown)}. GET this address lists them.")
    services.preferences_set(person=api_viewer(request), choices={p.kind: (p.inbox, p.email) for p in payload.kinds})
    return _preferences(request)
