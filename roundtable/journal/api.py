"""The journal's API: the caller's own goals, reflections and landing under /me/..., and a
group's health for its facilitators. Owner-only through the same permission code as the pages
(journal.permissions): another person's id, in the path or the body, answers the same 404 as a
missing one and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from roundtable.accounts.models import User
from roundtable.api.auth import token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core import dates
from roundtable.core.ids import is_public_id
from roundtable.core.text import MultiLine, SingleLine
from roundtable.groups.models import Group
from roundtable.meetings.models import Meeting
from roundtable.tracker.models import Contact, Landing, Source

from . import health, landing, permissions, selectors, services
from .models import Goal, GoalMet, GoalReason, Reflection

router = Router(tags=["journal"])
PAGE_SIZE = 50
NOT_FOUND = "Not found."
R = {401: Error, 404: Error, 422: Error}


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=100000)


class GoalPersonIn(BodySchema):
    who: SingleLine = Field(
        max_length=20, description="A person's public id (from the meeting's people going), or 'speaker'."
    )
    why: SingleLine = Field(default="", max_length=200)


class GoalFields(BodySchema):
    reasons: list[GoalReason] = Field(min_length=1, max_length=6)
    note: SingleLine = Field(default="", max_length=300)
    people: list[GoalPersonIn] = Field(default=[], max_length=services.MAX_GOAL_PEOPLE)


class GoalIn(GoalFields):
    meeting: SingleLine = Field(max_length=20, description="The meeting's public id.")


class GoalPersonOut(Schema):
    person: str | None = Field(description="The person's public id; null for the speaker.")
    name: str
    is_speaker: bool
    why: str


class GoalOut(Schema):
    id: str
    meeting: str
    meeting_title: str
    reasons: list[str]
    note: str
    people: list[GoalPersonOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class GoalPage(Schema):
    count: int
    page: int
    pages: int
    results: list[GoalOut]


DAY = r"^\d{4}-\d{2}-\d{2}$"
DAY_OR_NONE = r"^(\d{4}-\d{2}-\d{2})?$"
DAY_TEXT = f"YYYY-MM-DD, {dates.RANGE_TEXT}"


def _day(text: str | None, name: str) -> dt.date | None:
    try:
        return dates.parse_day(text, name)
    except dates.DateParamError as exc:
        raise HttpError(400, str(exc)) from None


class FollowUpIn(BodySchema):
    title: SingleLine = Field(min_length=1, max_length=200)
    due_on: str = Field(default="", pattern=DAY_OR_NONE, description=DAY_TEXT + "; empty for none")


class ReflectionFields(BodySchema):
    value: int = Field(ge=1, le=5)
    takeaways: MultiLine = Field(default="", max_length=3000)
    goal_met: GoalMet | None = None
    met: list[SingleLine] | None = Field(
        default=None, max_length=services.MAX_MET,
        description="Public ids of people who were going or came. Left out: the people already recorded stay; "
        "[] clears them.",
    )  # fmt: skip
    follow_ups: list[FollowUpIn] = Field(default=[], max_length=services.MAX_FOLLOW_UPS,
                                         description="Each becomes a new task in the tracker.")  # fmt: skip


class ReflectionIn(ReflectionFields):
    meeting: SingleLine = Field(max_length=20, description="The meeting's public id.")


class MeetingRef(BodySchema):
    meeting: SingleLine = Field(max_length=20, description="The meeting's public id.")


class MetOut(Schema):
    person: str
    name: str
    contact: str | None = Field(description="The tracker contact's public id.")


class ReflectionOut(Schema):
    id: str
    meeting: str
    meeting_title: str
    value: int | None
    takeaways: str
    goal_met: str
    dismissed: bool
    met: list[MetOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class ReflectionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ReflectionOut]


class LandingIn(BodySchema):
    company_name: SingleLine = Field(min_length=1, max_length=160)
    role: SingleLine = Field(min_length=1, max_length=160)
    source: Source
    group: SingleLine = Field(default="", max_length=80, description="A group's slug you are or were in.")
    contact: SingleLine = Field(default="", max_length=20, description="One of your contacts' public id.")
    landed_on: str = Field(pattern=DAY, description=DAY_TEXT)
    search_started_on: str = Field(default="", pattern=DAY_OR_NONE, description=DAY_TEXT + "; empty for none")
    will_help_others: bool = False
    thank_groups: bool = Field(default=False, description="Tell your groups' facilitators (your name only).")


class LandingOut(Schema):
    company_name: str
    role: str
    source: str
    group: str | None
    contact: str | None
    landed_on: dt.date
    search_started_on: dt.date | None
    will_help_others: bool


class MeetingHealthOut(Schema):
    meeting: str
    title: str
    starts_at: dt.datetime
    going: int
    attended: int | None = Field(description="People marked as having come; null where attendance was not taken.")
    goal_share: int | None = Field(description="Percent of people going who set a goal; null below the threshold.")
    reflected_share: int | None
    average_value: float | None = Field(
        description="Null below the threshold, and until answers close (answers_close_at); then it never changes."
    )
    answers_close_at: dt.datetime | None = Field(description="While answers are open: when they close; else null.")


class HealthOut(Schema):
    group: str
    min_contributors: int
    goal_share: int | None
    reflected_share: int | None
    average_value: float | None
    landed: int | None
    median_days_to_land: int | None
    meetings: list[MeetingHealthOut]


# ------------------------------------------------------------------------------- helpers


def _owner(request: HttpRequest) -> User:
    """The token's user (token_auth has refused anyone else)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _meeting(request: HttpRequest, public_id: str) -> Meeting:
    try:
        return permissions.meeting_for_journal(_owner(request), public_id)
    except Http404:
        raise HttpError(404, "No such meeting.") from None


def goal_out(g: Goal) -> dict[str, Any]:
    return {
        "id": g.public_id, "meeting": g.meeting.public_id, "meeting_title": g.meeting.title,
        "reasons": list(g.reasons), "note": g.note,
        "people": [{"person": p.person.public_id if p.person else None,
                    "name": "The speaker" if p.is_speaker else p.person.display_name if p.person else "",
                    "is_speaker": p.is_speaker, "why": p.why} for p in g.people.all()],
        "created_at": g.created_at, "updated_at": g.updated_at,
    }  # fmt: skip


def reflection_out(r: Reflection) -> dict[str, Any]:
    return {
        "id": r.public_id, "meeting": r.meeting.public_id, "meeting_title": r.meeting.title,
        "value": r.value, "takeaways": r.takeaways, "goal_met": r.goal_met, "dismissed": r.value is None,
        "met": [{"person": p.person.public_id, "name": p.person.display_name,
                 "contact": p.contact.public_id if p.contact else None} for p in r.people.all()],
        "created_at": r.created_at, "updated_at": r.updated_at,
    }  # fmt: skip


def _goal(request: HttpRequest, public_id: str) -> Goal:
    try:
        return permissions.goal_for_owner(_owner(request), public_id)
    except Http404:
        raise HttpError(404, NOT_FOUND) from None


def _reflection(request: HttpRequest, public_id: str) -> Reflection:
    try:
        return permissions.reflection_for_owner(_owner(request), public_id)
    except Http404:
        raise HttpError(404, NOT_FOUND) from None


def _fresh_goal(goal: Goal) -> dict[str, Any]:
    return goal_out(selectors.goals_of(goal.owner).get(pk=goal.pk))


def _fresh_reflection(reflection: Reflection) -> dict[str, Any]:
    return reflection_out(selectors.reflections_of(reflection.owner).get(pk=reflection.pk))


# ------------------------------------------------------------------------------- goals


def _goal_set(request: HttpRequest, meeting: Meeting, payload: GoalFields) -> Goal:
    return services.goal_set(
        owner=_owner(request),
        meeting=meeting,
        reasons=[r.value for r in payload.reasons],
        note=payload.note,
        people=[services.GoalPick(p.who, p.why) for p in payload.people],
    )


@router.get("/me/goals", response={200: GoalPage, **R}, auth=token_auth)
def list_goals(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Your goals, latest meeting first, 50 a page."""
    paginator = Paginator(selectors.goals_of(_owner(request)), PAGE_SIZE)
    p = paginator.get_page(query.page)
    return {"count": paginator.count, "page": p.number, "pages": paginator.num_pages,
            "results": [goal_out(g) for g in p.object_list]}  # fmt: skip


@router.post("/me/goals", response={200: GoalOut, 400: Error, **R}, auth=token_auth)
def set_goal(request: HttpRequest, payload: GoalIn) -> dict[str, Any]:
    """Set your goal for a meeting you're going to (or on the waitlist for), until it ends;
    setting it again replaces it. People: public ids of others going, or 'speaker'."""
    meeting = _meeting(request, payload.meeting)
    goal = _goal_set(request, meeting, payload)
    return _fresh_goal(goal)


@router.get("/me/goals/{public_id}", response={200: GoalOut, **R}, auth=token_auth)
def get_goal(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    return _fresh_goal(_goal(request, public_id))


@router.put("/me/goals/{public_id}", response={200: GoalOut, 400: Error, **R}, auth=token_auth)
def update_goal(request: HttpRequest, public_id: SingleLine, payload: GoalFields) -> dict[str, Any]:
    goal = _goal(request, public_id)
    _goal_set(request, goal.meeting, payload)
    return _fresh_goal(goal)


@router.delete("/me/goals/{public_id}", response={204: None, 400: Error, **R}, auth=token_auth)
def delete_goal(request: HttpRequest, public_id: SingleLine) -> Status:
    goal = _goal(request, public_id)
    services.goal_clear(owner=_owner(request), meeting=goal.meeting)
    return Status(204, None)


# ------------------------------------------------------------------------------- reflections


@router.get("/me/reflections", response={200: ReflectionPage, **R}, auth=token_auth)
def list_reflections(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Your reflections (dismissed ones too, with value null), latest meeting first, 50 a page."""
    qs = selectors.reflections_of(_owner(request))
    paginator = Paginator(qs, PAGE_SIZE)
    p = paginator.get_page(query.page)
    return {"count": paginator.count, "page": p.number, "pages": paginator.num_pages,
            "results": [reflection_out(r) for r in p.object_list]}  # fmt: skip


def _save(request: HttpRequest, meeting: Meeting, payload: ReflectionFields) -> Reflection:
    return services.reflection_save(
        owner=_owner(request), meeting=meeting, value=payload.value, takeaways=payload.takeaways,
        goal_met=payload.goal_met.value if payload.goal_met else "",
        met=(payload.met or []) if "met" in payload.model_fields_set else None,
        follow_ups=[services.FollowUp(f.title, _day(f.due_on, "due_on")) for f in payload.follow_ups],
    )  # fmt: skip


@router.post("/me/reflections", response={200: ReflectionOut, 400: Error, **R}, auth=token_auth)
def save_reflection(request: HttpRequest, payload: ReflectionIn) -> dict[str, Any]:
    """Say how a meeting went, once it has ended, if you were there (going and not marked
    absent, or marked as having come). Saying it again for the same meeting replaces it, as a
    PUT would (the same reflection, same id): `value`, `takeaways` and `goal_met` are what this
    body says (left out: empty), while the people met stay unless `met` is given ([] clears
    them). Each person met becomes a contact in your tracker; each follow-up a new task (a
    revision adds only the follow-ups it carries)."""
    return _fresh_reflection(_save(request, _meeting(request, payload.meeting), payload))


@router.post("/me/reflections/dismiss", response={200: ReflectionOut, 400: Error, **R}, auth=token_auth)
def dismiss_reflection(request: HttpRequest, payload: MeetingRef) -> dict[str, Any]:
    """Stop being asked about a meeting without giving a value."""
    meeting = _meeting(request, payload.meeting)
    reflection = services.reflection_dismiss(owner=_owner(request), meeting=meeting)
    return _fresh_reflection(reflection)


@router.get("/me/reflections/{public_id}", response={200: ReflectionOut, **R}, auth=token_auth)
def get_reflection(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    return _fresh_reflection(_reflection(request, public_id))


@router.put("/me/reflections/{public_id}", response={200: ReflectionOut, 400: Error, **R}, auth=token_auth)
def update_reflection(request: HttpRequest, public_id: SingleLine, payload: ReflectionFields) -> dict[str, Any]:
    reflection = _reflection(request, public_id)
    return _fresh_reflection(_save(request, reflection.meeting, payload))


@router.delete("/me/reflections/{public_id}", response={204: None, **R}, auth=token_auth)
def delete_reflection(request: HttpRequest, public_id: SingleLine) -> Status:
    reflection = _reflection(request, public_id)
    services.reflection_delete(owner=_owner(request), reflection=reflection)
    return Status(204, None)


# ------------------------------------------------------------------------------- landing


def landing_out(x: Landing) -> dict[str, Any]:
    return {
        "company_name": x.company_name, "role": x.role, "source": x.source,
        "group": x.group.slug if x.group else None, "contact": x.contact.public_id if x.contact else None,
        "landed_on": x.landed_on, "search_started_on": x.search_started_on, "will_help_others": x.will_help_others,
    }  # fmt: skip


@router.get("/me/landing", response={200: LandingOut, **R}, auth=token_auth)
def get_landing(request: HttpRequest) -> dict[str, Any]:
    found = Landing.objects.select_related("group", "contact").filter(owner=_owner(request)).first()
    if found is None:
        raise HttpError(404, "You haven't said you landed.")
    return landing_out(found)


@router.put("/me/landing", response={200: LandingOut, 400: Error, **R}, auth=token_auth)
def put_landing(request: HttpRequest, payload: LandingIn) -> dict[str, Any]:
    """Say you landed (or change the details): sets your profile's search status to landed, or
    to helping others with will_help_others. The group must be one you are or were in; the
    contact one of yours (else 404)."""
    owner = _owner(request)
    group: Group | None = None
    if payload.group:
        group = next((g for g in landing.creditable_groups(owner) if g.slug == payload.group), None)
        if group is None:
            raise HttpError(404, "No such group.")
    contact: Contact | None = None
    if payload.contact:
        contact = (
            Contact.objects.filter(owner=owner, public_id=payload.contact).first()
            if is_public_id(payload.contact)
            else None
        )
        if contact is None:
            raise HttpError(404, "No such contact.")
    landed_on = _day(payload.landed_on, "landed_on")
    if landed_on is None:
        raise HttpError(400, "Say the day you landed.")
    data = landing.LandingData(
        company_name=payload.company_name,
        role=payload.role,
        source=payload.source.value,
        landed_on=landed_on,
        group=group,
        contact=contact,
        search_started_on=_day(payload.search_started_on, "search_started_on"),
        will_help_others=payload.will_help_others,
        thank_groups=payload.thank_groups,
    )
    record = landing.landing_record(owner=owner, data=data)
    return landing_out(record)


@router.delete("/me/landing", response={204: None, **R}, auth=token_auth)
def delete_landing(request: HttpRequest) -> Status:
    if not landing.landing_delete(owner=_owner(request)):
        raise HttpError(404, "You haven't said you landed.")
    return Status(204, None)


# ------------------------------------------------------------------------------- health


@router.get("/groups/{slug}/health", response={200: HealthOut, **R}, auth=token_auth)
def group_health(request: HttpRequest, slug: SingleLine) -> dict[str, Any]:
    """The group's health for its facilitators: aggregates only, each null where fewer than
    min_contributors people contributed; a meeting's average_value only once its answers have
    closed (a week after it ends), and never changing after that. Anyone else gets 404, as for a
    missing group."""
    try:
        group = permissions.group_for_health(_owner(request), slug)
    except Http404:
        raise HttpError(404, "No such group.") from None
    report = health.group_health(group)
    return {
        "group": group.slug, "min_contributors": report.min_contributors, "goal_share": report.goal_share,
        "reflected_share": report.reflected_share, "average_value": report.average_value, "landed": report.landed,
        "median_days_to_land": report.median_days_to_land,
        "meetings": [{"meeting": m.public_id, "title": m.title, "starts_at": m.starts_at, "going": m.going,
                      "attended": m.attended, "goal_share": m.goal_share, "reflected_share": m.reflected_share,
                      "average_value": m.average_value, "answers_close_at": m.answers_close_at}
                     for m in report.meetings],
    }  # fmt: skip


# ------------------------------------------------------------------------------- insights


class HoursGroupOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    hours: list[float] = Field(description="Hours in this group's meetings, one per entry of `weeks`.")
    avg_value: float | None = Field(description="Average value (1-5) of all the caller's rated meetings of the group.")
    n_rated: int


class MeetingHoursOut(Schema):
    total: list[float]
    groups: list[HoursGroupOut]


class ActivityMixOut(Schema):
    networking: list[int] = Field(description="Conversations, outreach and informational interviews per week.")
    applications: list[int]
    networking_target: int
    applications_target: int


class FunnelOut(Schema):
    networking: int
    applications: int
    interviews: int
    offers: int


class SourceOut(Schema):
    label: str
    n: int


class WorthGroupOut(Schema):
    slug: str
    name: str
    per_hour: list[float | None] = Field(description="Value points per hour in meetings, one per entry of `months`.")


class WorthOut(Schema):
    months: list[str]
    month_labels: list[str]
    groups: list[WorthGroupOut]


class AdviceOut(Schema):
    rule: str
    text: str
    because: str
    link: str
    link_text: str


class InsightsOut(Schema):
    weeks: list[str] = Field(description="Mondays (the caller's own time zone) of the last 12 weeks, oldest first.")
    week_labels: list[str]
    empty: bool
    meeting_hours: MeetingHoursOut
    activity_mix: ActivityMixOut
    funnel: FunnelOut
    interview_sources: list[SourceOut]
    worth: WorthOut
    advice: list[AdviceOut]


@router.get("/me/insights", response={200: InsightsOut, **R}, auth=token_auth)
def my_insights(request: HttpRequest) -> dict[str, object]:
    """The figures behind every chart of the caller's insights page, and the advice with its
    reasons (journal/insights.py gives the shape). Always the caller's own."""
    from .insights import insights_for

    return insights_for(_owner(request))
