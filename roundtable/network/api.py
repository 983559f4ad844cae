"""The network API: who to meet at a meeting, "I'd like to meet them", and introductions
(list, ask, see, accept, decline, withdraw; facilitators propose). Through the same permission code as
the pages (network.permissions): an introduction the caller may not see, a meeting they may not
see and a person they may not name all answer the same 404 as a missing one. Contact details
(the other's email) appear only once everyone accepted, to the asker and the target."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from roundtable.accounts.models import User
from roundtable.api.auth import token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core.ids import is_public_id
from roundtable.core.text import SingleLine
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group
from roundtable.meetings.models import Meeting

from . import permissions, selectors, services
from .models import Introduction

router = Router(tags=["network"])
R = {401: Error, 404: Error, 422: Error}
NO_SUCH_PERSON = "No such person."


class RecommendationOut(Schema):
    person: str = Field(description="The person's public id.")
    name: str
    headline: str
    score: int
    reasons: list[str]
    in_my_goal: bool
    gives_the_talk: bool = Field(description="They are the meeting's speaker (going or not).")


class RecommendationsOut(Schema):
    meeting: str
    results: list[RecommendationOut]


class MeetIn(BodySchema):
    person: SingleLine = Field(max_length=20, description="A recommended person's public id.")


class PersonOut(Schema):
    person: str
    name: str


class IntroductionOut(Schema):
    id: str
    group: str
    group_name: str
    role: str = Field(description="Your part: asker, introducer or target.")
    asker: PersonOut
    introducer: PersonOut
    target: PersonOut
    proposed: bool
    status: str = Field(
        description="In words, as you may read it: to the asker any 'no' is 'Not possible at the moment'."
    )
    waiting_for_me: bool
    asker_note: str
    introducer_note: str
    other_email: str | None = Field(description="The other person's email: only once everyone accepted.")
    created_at: dt.datetime


class IntroductionsOut(Schema):
    to_decide: list[IntroductionOut]
    asked_by_me: list[IntroductionOut]
    asked_of_me: list[IntroductionOut]


class AskIn(BodySchema):
    group: SingleLine = Field(max_length=80, description="The slug of a group the three of you are in.")
    introducer: SingleLine = Field(max_length=20, description="Public id of whom you ask to introduce you.")
    target: SingleLine = Field(max_length=20, description="Public id of whom you'd like to meet.")
    note: SingleLine = Field(min_length=1, max_length=services.NOTE_MAX)


class ProposeIn(BodySchema):
    group: SingleLine = Field(max_length=80, description="The slug of a group you facilitate.")
    asker: SingleLine = Field(max_length=20)
    target: SingleLine = Field(max_length=20)
    note: SingleLine = Field(min_length=1, max_length=services.NOTE_MAX)


class IntroductionAcceptIn(BodySchema):
    note: SingleLine = Field(default="", max_length=services.NOTE_MAX, description="Required of the introducer.")


class IntroductionDeclineIn(BodySchema):
    block: bool = Field(default=False, description="Don't let the asker ask you again.")


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _meeting(request: HttpRequest, public_id: str) -> Meeting:
    try:
        return permissions.meeting_for_recommendations(_user(request), public_id)
    except Http404:
        raise HttpError(404, "No such meeting.") from None


def _intro(request: HttpRequest, public_id: str) -> Introduction:
    try:
        return permissions.introduction_for_viewer(_user(request), public_id)
    except Http404:
        raise HttpError(404, permissions.NOT_FOUND) from None


def _group(user: User, slug: str) -> Group:
    try:
        group = group_perms.group_for_viewer(user, slug)
    except Http404:
        raise HttpError(404, "No such group.") from None
    if not group_perms.is_member(user, group):
        raise HttpError(404, "No such group.")
    return group


def _person(people: list[User], public_id: str) -> User:
    for u in people:
        if u.public_id == public_id:
            return u
    raise HttpError(404, NO_SUCH_PERSON)


def _person_out(u: User) -> dict[str, str]:
    return {"person": u.public_id, "name": u.display_name}


def intro_out(viewer: User, i: Introduction) -> dict[str, Any]:
    role = i.role_of(viewer.pk)
    other = i.target if role == "asker" else i.asker
    return {
        "id": i.public_id, "group": i.group.slug, "group_name": i.group.name, "role": role,
        "asker": _person_out(i.asker), "introducer": _person_out(i.introducer), "target": _person_out(i.target),
        "proposed": i.proposed, "status": permissions.status_for(viewer, i),
        "waiting_for_me": permissions.awaiting(i, role),
        "asker_note": i.asker_note, "introducer_note": i.introducer_note,
        "other_email": other.email if permissions.sees_contact_details(viewer, i) else None,
        "created_at": i.created_at,
    }  # fmt: skip


def _fresh(viewer: User, intro: Introduction) -> dict[str, Any]:
    return intro_out(viewer, permissions.introduction_for_viewer(viewer, intro.public_id))


@router.get(
    "/meetings/{public_id}/recommendations", response={200: RecommendationsOut, 403: Error, **R}, auth=token_auth
)
def recommendations(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    """Who to meet at a meeting you're going to: the people going (and the speaker, marked
    `gives_the_talk`) most worth meeting, best first, each with its reasons; only what their
    profiles let you see, and nobody who turned suggestions off. 403 when you're not going (or
    the meeting has ended)."""
    user = _user(request)
    meeting = _meeting(request, public_id)
    if not permissions.may_see_recommendations(user, meeting):
        raise HttpError(403, "Who to meet is for members going to this meeting, until it ends.")
    recs = selectors.recommendations_for_meeting(user, meeting)
    return {"meeting": meeting.public_id, "results": [
        {"person": r.public_id, "name": r.name, "headline": r.headline, "score": r.score, "reasons": r.reasons,
         "in_my_goal": r.marked, "gives_the_talk": r.is_speaker} for r in recs]}  # fmt: skip


MEET_R = {200: RecommendationsOut, 400: Error, 403: Error, **R}


def _recommended(request: HttpRequest, public_id: str, person: str) -> tuple[User, Meeting, selectors.Recommendation]:
    """The caller, the meeting and the caller's recommendation of `person` in it.
    Raises HttpError 403 (not going, or ended) or 404 (no such meeting or recommended person)."""
    user = _user(request)
    meeting = _meeting(request, public_id)
    if not permissions.may_see_recommendations(user, meeting):
        raise HttpError(403, "Who to meet is for members going to this meeting, until it ends.")
    recs = {r.public_id: r for r in selectors.recommendations_for_meeting(user, meeting, limit=1000)}
    rec = recs.get(person) if is_public_id(person) else None
    if rec is None:
        raise HttpError(404, NO_SUCH_PERSON)
    return user, meeting, rec


@router.post("/meetings/{public_id}/recommendations/meet", response=MEET_R, auth=token_auth)
def meet(request: HttpRequest, public_id: SingleLine, payload: MeetIn) -> dict[str, Any]:
    """ "I'd like to meet them": adds a recommended person to your goal for the meeting."""
    user, meeting, rec = _recommended(request, public_id, payload.person)
    services.meet_mark(
        owner=user, meeting=meeting, person=rec.user, why=rec.reasons[0] if rec.reasons else "",
        speaker=rec.is_speaker,
    )  # fmt: skip
    return recommendations(request, public_id)


@router.post("/meetings/{public_id}/recommendations/unmeet", response=MEET_R, auth=token_auth)
def unmeet(request: HttpRequest, public_id: SingleLine, payload: MeetIn) -> dict[str, Any]:
    """Undo "I'd like to meet them": takes a recommended person out of your goal for the
    meeting (no change when they are not in it)."""
    user, meeting, rec = _recommended(request, public_id, payload.person)
    services.meet_unmark(owner=user, meeting=meeting, person=rec.user, speaker=rec.is_speaker)
    return recommendations(request, public_id)


@router.get("/network/introductions", response={200: IntroductionsOut, **R}, auth=token_auth)
def list_introductions(request: HttpRequest) -> dict[str, Any]:
    """Your introductions: waiting for your answer, asked by you, asked of you (newest first)."""
    user = _user(request)
    mine = selectors.introductions_of(user)
    return {
        "to_decide": [intro_out(user, i) for i in mine.to_decide],
        "asked_by_me": [intro_out(user, i) for i in mine.asked_by_me],
        "asked_of_me": [intro_out(user, i) for i in mine.asked_of_me],
    }


@router.post("/network/introductions", response={201: IntroductionOut, 400: Error, 409: Error, 429: Error, **R},
             auth=token_auth)  # fmt: skip
def ask(request: HttpRequest, payload: AskIn) -> tuple[int, dict[str, Any]]:
    """Ask a member of a group you're in to introduce you to another member of it. At most
    5 asks in any seven days (429)."""
    user = _user(request)
    group = _group(user, payload.group)
    people = selectors.people_of_group(group, exclude=[user.pk])
    intro = services.introduction_ask(
        asker=user, group=group, introducer=_person(people, payload.introducer), target=_person(people, payload.target),
        note=payload.note,
    )  # fmt: skip
    return 201, _fresh(user, intro)


@router.post("/network/proposals", response={201: IntroductionOut, 400: Error, 409: Error, 429: Error, **R},
             auth=token_auth)  # fmt: skip
def propose(request: HttpRequest, payload: ProposeIn) -> tuple[int, dict[str, Any]]:
    """As a facilitator, propose that two members of your group meet; both must accept."""
    user = _user(request)
    group = _group(user, payload.group)
    if not group_perms.is_facilitator(user, group):
        raise HttpError(404, "No such group.")
    people = selectors.people_of_group(group, exclude=[user.pk])
    intro = services.introduction_propose(
        facilitator=user, group=group, asker=_person(people, payload.asker), target=_person(people, payload.target),
        note=payload.note,
    )  # fmt: skip
    return 201, _fresh(user, intro)


@router.get("/network/introductions/{public_id}", response={200: IntroductionOut, **R}, auth=token_auth)
def get_introduction(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    return intro_out(_user(request), _intro(request, public_id))


@router.post("/network/introductions/{public_id}/accept", response={200: IntroductionOut, 400: Error, 409: Error, **R},
             auth=token_auth)  # fmt: skip
def accept(request: HttpRequest, public_id: SingleLine, payload: IntroductionAcceptIn) -> dict[str, Any]:
    """Say yes in your part: the introducer passes it on (with a note), the target (or, for a
    proposal, the asker) accepts."""
    user = _user(request)
    intro = services.introduction_accept(user=user, introduction=_intro(request, public_id), note=payload.note)
    return _fresh(user, intro)


@router.post("/network/introductions/{public_id}/decline", response={200: IntroductionOut, 400: Error, 409: Error, **R},
             auth=token_auth)  # fmt: skip
def decline(request: HttpRequest, public_id: SingleLine, payload: IntroductionDeclineIn) -> dict[str, Any]:
    """Say not now; nobody is told why. `block`: they can't ask you again."""
    user = _user(request)
    intro = services.introduction_decline(user=user, introduction=_intro(request, public_id), block=payload.block)
    return _fresh(user, intro)


@router.post("/network/introductions/{public_id}/withdraw", response={200: IntroductionOut, 409: Error, **R},
             auth=token_auth)  # fmt: skip
def withdraw(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    """Withdraw your ask (or, as the facilitator who made it, your proposal) while it waits
    for answers, including one that can't go ahead because someone left the group: nobody is
    told, and it reads "Withdrawn". 409 when it isn't yours to withdraw or isn't waiting any
    more. No body is needed."""
    user = _user(request)
    intro = services.introduction_withdraw(user=user, introduction=_intro(request, public_id))
    return _fresh(user, intro)
