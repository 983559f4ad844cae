from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import urlencode
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from roundtable.api.auth import OPTIONAL_AUTH_DOC, api_viewer, optional_auth, token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core.text import MultiLine, SingleLine
from roundtable.meetings.selectors import GroupSchedule, group_schedules

from . import cache as discovery_cache
from . import permissions, rules, selectors, services
from .models import Format, Group, GroupVisibility, JoinPolicy, Kind, MembershipState, Topic
from .places import resolve
from .schedule_note import shown_note
from .selectors import PAGE_SIZE, DiscoveryFilters, GroupResult
from .templates_of_kind import TEMPLATES

router = Router(tags=["groups"])

RULES_REFUSAL = (
    "accept_ground_rules: this group has ground rules; read them (the group's ground_rules) "
    "and send accept_ground_rules: true to join."
)


class TopicOut(Schema):
    name: str
    slug: str


class ScheduleOut(Schema):
    text: str = Field(
        description="One line from the group's meetings: 'Every other Tuesday at 9 AM Eastern Time · "
        "Next: Tue, Mar 3', or 'No meetings scheduled yet'."
    )
    rhythm: str = Field(
        description="How often the group meets, from its repeating series; '' when it has one-off meetings only."
    )
    next_meeting: str | None = Field(
        description="The public id of the next meeting not yet ended (GET /api/v1/meetings/{id}), or null."
    )
    next_starts_at: str | None = Field(description="Its start, ISO 8601 with the UTC offset, or null.")
    note: str = Field(
        description="The facilitators' note beside the schedule ('We take August off'); never a second schedule."
    )


class GroupOut(Schema):
    slug: str
    name: str
    kind: Kind
    format: Format
    purpose: str
    place: str
    latitude: float | None
    longitude: float | None
    schedule: ScheduleOut
    audience: str
    join_policy: JoinPolicy
    visibility: GroupVisibility
    member_count: int | None
    topics: list[TopicOut]
    url: str
    distance_km: float | None = None
    reasons: list[str] = []


class GroupDetailOut(GroupOut):
    description: str
    description_html: str
    ground_rules: str
    eligibility: str
    eligibility_question: str
    venue: str
    time_zone: str
    rules_version: int = Field(description="Goes up by one each time a facilitator changes the ground rules.")
    rules_changed_at: datetime | None = Field(description="When the ground rules last changed (null: never).")
    my_rules_to_accept: bool = Field(
        default=False,
        description="True for a member who has not accepted the current ground rules: the live room refuses "
        "them until they do (POST /groups/{slug}/rules/accept).",
    )
    my_state: str | None = None
    my_role: str | None = None
    allow_pseudonyms: bool = Field(
        default=False, description="Members may appear in this group by a name of their choosing (issue 12)."
    )
    my_pseudonym: str | None = Field(
        default=None,
        description="How the caller appears in this group when they chose a name (null: by their profile name, "
        "or not a member). Nobody else's pseudonym is ever tied to a profile by this API.",
    )


class GroupPage(Schema):
    count: int = Field(description="Matching groups, counted up to a cap (1,000 by default); see count_capped.")
    count_capped: bool = Field(description="True when more groups match than `count` says; pages stop at the cap.")
    page: int
    pages: int
    page_size: int
    results: list[GroupOut]


class GroupFilters(Schema):
    q: SingleLine = Field(default="", max_length=200)
    kind: Kind | None = None
    format: Format | None = None
    near: SingleLine = Field(default="", max_length=120, description="A US ZIP code or a city, e.g. 'Austin, TX'.")
    radius_km: float = Field(default=40.0, gt=0, le=1000)
    topic: SingleLine = Field(default="", max_length=60)
    page: int = Field(default=1, ge=1, le=100000)


class GroupIn(BodySchema):
    name: SingleLine = Field(min_length=1, max_length=120)
    kind: Kind
    format: Format = Format.IN_PERSON
    description: MultiLine = Field(default="", max_length=10000)
    purpose: SingleLine = Field(default="", max_length=300)
    ground_rules: MultiLine = Field(default="", max_length=4000)
    cadence: SingleLine = Field(
        default="",
        max_length=80,
        description="A note beside the schedule, e.g. 'We take August off'. How often the group meets comes "
        "from its meetings: a note that names a rhythm, a weekday or a time of day is refused (400).",
    )
    meeting_minutes: int = Field(default=90, ge=15, le=480)
    location: SingleLine = Field(default="", max_length=120)
    venue: SingleLine = Field(default="", max_length=200)
    audience: SingleLine = Field(default="", max_length=120)
    eligibility: SingleLine = Field(default="", max_length=300)
    join_policy: JoinPolicy = JoinPolicy.OPEN
    eligibility_question: SingleLine = Field(default="", max_length=300)
    visibility: GroupVisibility = GroupVisibility.LISTED
    topics: list[SingleLine] = Field(default=[], max_length=12)
    allow_pseudonyms: bool | None = Field(
        default=None, description="Members may appear by a name of their choosing; null: the kind's default."
    )


class JoinIn(BodySchema):
    answer: MultiLine = Field(default="", max_length=2000)
    pseudonym: SingleLine = Field(
        default="", max_length=40, description="How you appear in the group (groups that allow pseudonyms only)."
    )
    accept_ground_rules: bool = Field(
        default=False,
        description="True: the person read and accepts the group's ground rules (the group's `ground_rules`). "
        "Required for a group with ground rules (422 without it); ignored for a group without.",
    )


class MembershipOut(Schema):
    group: str
    state: str
    role: str
    detail: str


def _schedule_out(group: Group, schedule: GroupSchedule) -> dict[str, Any]:
    nxt = schedule.next_meeting
    return {
        "text": schedule.text,
        "rhythm": schedule.rhythm,
        "next_meeting": nxt.public_id if nxt is not None else None,
        "next_starts_at": nxt.starts_at.isoformat() if nxt is not None else None,
        "note": shown_note(group.cadence),
    }


def _out(
    group: Group,
    *,
    schedule: GroupSchedule,
    distance: float | None = None,
    reasons: list[str] | None = None,
    show_count: bool = True,
) -> dict[str, Any]:
    """A group as the API shows it; `schedule` comes from meetings.selectors.group_schedules
    (issue 9, item 1: the schedule is the group's meetings, the same line every page shows)."""
    return {
        "slug": group.slug,
        "name": group.name,
        "kind": group.kind,
        "format": group.format,
        "purpose": group.purpose,
        "place": group.place_display,
        "latitude": group.latitude,
        "longitude": group.longitude,
        "schedule": _schedule_out(group, schedule),
        "audience": group.audience,
        "join_policy": group.join_policy,
        "visibility": group.visibility,
        "member_count": group.member_count if show_count else None,
        "topics": [{"name": t.name, "slug": t.slug} for t in group.topics.all()],
        "url": f"/groups/{group.slug}/",
        "distance_km": round(distance, 1) if distance is not None else None,
        "reasons": reasons or [],
    }


def _result_out(r: GroupResult, schedule: GroupSchedule) -> dict[str, Any]:
    show = r.group.visibility != GroupVisibility.SECRET
    return _out(r.group, schedule=schedule, distance=r.distance_km, reasons=r.reasons, show_count=show)


def _listed_outs(groups: list[Group]) -> dict[int, tuple[tuple[float, dict[str, Any]], int]]:
    """Each group as the list shows it to anyone who may see it (no distance, no reasons),
    with the moment it stops being true (the clock's seconds) and the seconds it stays true:
    until its next meeting ends (the schedule moves on), at most as long as the discovery
    cache keeps anything. Three queries for any number of groups (their topics, the two of
    group_schedules), one more when they came with their keys only."""
    groups = selectors.with_all_fields(groups)
    prefetch_related_objects(groups, Prefetch("topics", queryset=Topic.objects.order_by("name")))
    now = timezone.now()
    schedules = group_schedules(groups, now=now)
    outs = {}
    for g in groups:
        schedule = schedules[g.pk]
        ends = [schedule.next_meeting.ends_at] if schedule.next_meeting is not None else []
        seconds = min([*(int((end - now).total_seconds()) + 1 for end in ends), discovery_cache.timeout()])
        # Validated against the schema here, once per entry, as ninja would for each response.
        # JSON's types (the enums as their values: the same text once encoded), which unpickle
        # several times faster than enum members.
        entry = GroupOut.model_validate(_result_out(GroupResult(group=g), schedule)).model_dump(mode="json")
        outs[g.pk] = ((time.time() + seconds, entry), seconds)
    return outs


# Each process keeps the entries it used at the current generation, each with the moment it
# stops being true, as views._CARD_COPIES keeps the cards: a dict lookup instead of a cache
# read and an unpickle per entry (a seventh of the list's time).
_ENTRY_COPIES: tuple[int, dict[int, tuple[float, dict[str, Any]]]] = (-1, {})
_ENTRY_COPIES_KEPT = 5000


def _results_out(results: list[GroupResult]) -> list[dict[str, Any]]:
    """The page's groups as the list shows them: each group's part cached at the discovery
    generation, as its card on discovery is (views._with_cards; every change of the group,
    its topics or its meetings bumps it), read only for groups the caller's own query found,
    so a hidden group's entry is read only by those who may see it. Building them was nine
    tenths of the list's time (each group's schedule, its topics). The caller's distance and
    reasons are added to each. The entries are GroupOut's output, validated when built."""
    global _ENTRY_COPIES  # replaced whole for a new generation
    by_pk = {r.group.pk: r.group for r in results}
    at, now = discovery_cache.generation(), time.time()
    copies_at, copies = _ENTRY_COPIES
    if copies_at != at or len(copies) >= _ENTRY_COPIES_KEPT:
        copies = {}
        _ENTRY_COPIES = (at, copies)
    outs = {pk: kept[1] for pk in by_pk if (kept := copies.get(pk)) is not None and kept[0] > now}
    if missing := [pk for pk in by_pk if pk not in outs]:
        found = discovery_cache.cached_many(
            "api-group", missing, lambda missing: _listed_outs([by_pk[pk] for pk in missing])
        )
        copies.update(found)
        outs |= {pk: kept[1] for pk, kept in found.items()}
    return [
        outs[r.group.pk]
        | {"distance_km": round(r.distance_km, 1) if r.distance_km is not None else None, "reasons": r.reasons}
        for r in results
        if r.group.pk in outs  # a group deleted meanwhile
    ]


@router.get(
    "",
    response={200: GroupPage, 400: Error, 401: Error, 422: Error},
    auth=optional_auth,
    openapi_extra=OPTIONAL_AUTH_DOC,
)
def list_groups(request: HttpRequest, filters: Query[GroupFilters]) -> HttpResponse:
    """Groups the caller may discover, filtered and paginated (20 a page)."""
    with discovery_cache.pinned():
        if api_viewer(request).is_authenticated:
            return _list_groups(request, filters)
        # An anonymous caller's answer is the same for everyone who asks the same thing: it
        # is kept whole at the discovery generation, as the discovery page is for anonymous
        # visitors (views._discover), so a repeat costs a cache read. Any change that could
        # alter it bumps the generation; a caller with a token always gets a fresh answer.
        asked = urlencode(sorted(((k, v) for k, values in request.GET.lists() for v in values), key=lambda kv: kv[0]))
        if (kept := discovery_cache.found("api-page", asked)) is not None:
            from roundtable.api.api import api  # the API imports this router

            return HttpResponse(kept, content_type=api.get_content_type())
        response = _list_groups(request, filters)
        if response.status_code == 200:
            discovery_cache.keep("api-page", asked, response.content)
        return response


def _list_groups(request: HttpRequest, filters: GroupFilters) -> HttpResponse:
    near = None
    if filters.near.strip():
        near = resolve(filters.near)
        if near is None:
            raise HttpError(400, f"Unknown place {filters.near!r}: use a US ZIP code or a city such as 'Austin, TX'.")
    viewer = api_viewer(request)
    page, results = selectors.discover(
        viewer,
        DiscoveryFilters(
            q=filters.q,
            kind=filters.kind or "",
            format=filters.format or "",
            near=near,
            radius_km=filters.radius_km,
            topic=filters.topic,
            page=filters.page,
            sort="distance" if near and not filters.q else "relevance",
        ),
        # The rest of each group comes from its cached entry (_results_out), and for a
        # signed-in caller the topics still give the reasons.
        with_topics=viewer.is_authenticated,
        keys_only=True,
    )
    data = {
        "count": page.paginator.count,
        "count_capped": page.paginator.capped,  # type: ignore[attr-defined]
        "page": page.number,
        "pages": page.paginator.num_pages,
        "page_size": PAGE_SIZE,
        "results": _results_out(results),
    }
    # Answered as ninja answers a GroupPage, without validating the twenty entries again on
    # every request (ninja's validation of them was three fifths of the list's time once
    # they were cached): each was validated as a GroupOut when it was built, the rest are
    # the paginator's numbers. tests/api/test_groups_list_cache.py compares the two answers.
    from roundtable.api.api import api  # the API imports this router

    return api.create_response(request, data, status=200)


@router.get(
    "/{slug}",
    response={200: GroupDetailOut, 401: Error, 404: Error, 422: Error},
    auth=optional_auth,
    openapi_extra=OPTIONAL_AUTH_DOC,
)
def get_group(request: HttpRequest, slug: SingleLine) -> dict[str, Any]:
    viewer = api_viewer(request)
    group = _visible(viewer, slug)
    m = permissions.membership_of(viewer, group)
    is_member = m is not None and m.state == MembershipState.ACTIVE
    data = _out(
        group,
        schedule=group_schedules([group])[group.pk],
        show_count=group.visibility != GroupVisibility.SECRET or is_member,
    )
    data.update(
        {
            "description": group.description,
            "description_html": group.description_html,
            "ground_rules": group.ground_rules,
            "eligibility": group.eligibility,
            "eligibility_question": group.eligibility_question,
            "venue": permissions.venue_for(viewer, group),
            "time_zone": group.time_zone,
            "rules_version": group.rules_version,
            "rules_changed_at": group.rules_changed_at,
            "my_rules_to_accept": rules.must_accept(m, group),
            "my_state": m.state if m else None,
            "my_role": m.role if m else None,
            "allow_pseudonyms": group.allow_pseudonyms,
            "my_pseudonym": (m.pseudonym or None) if m else None,
        }
    )
    return data


def _visible(viewer: Any, slug: str) -> Group:
    from django.http import Http404

    try:
        return permissions.group_for_viewer(viewer, slug)
    except Http404:
        raise HttpError(404, "No such group.") from None


@router.post("", response={201: GroupDetailOut, 400: Error, 401: Error, 422: Error}, auth=token_auth)
def create_group(request: HttpRequest, payload: GroupIn) -> Status:
    """Start a group; the caller becomes its facilitator."""
    data = services.GroupData(
        name=payload.name,
        kind=payload.kind,
        format=payload.format,
        description=payload.description,
        purpose=payload.purpose,
        ground_rules=payload.ground_rules,
        cadence=payload.cadence,
        meeting_minutes=payload.meeting_minutes,
        location_text=payload.location,
        venue=payload.venue,
        audience=payload.audience,
        eligibility=payload.eligibility,
        join_policy=payload.join_policy,
        eligibility_question=payload.eligibility_question,
        visibility=payload.visibility,
        topics=tuple(payload.topics),
        allow_pseudonyms=payload.allow_pseudonyms
        if payload.allow_pseudonyms is not None
        else TEMPLATES[payload.kind].allow_pseudonyms,
    )
    group = services.group_create(creator=request.auth, data=data)  # type: ignore[attr-defined]
    return Status(201, get_group(request, group.slug))


@router.post(
    "/{slug}/join",
    response={200: MembershipOut, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error},
    auth=token_auth,
)
def join_group(request: HttpRequest, slug: SingleLine, payload: JoinIn) -> dict[str, Any]:
    """Join an open group, or ask to join an approval group (send `answer`). A group with ground
    rules needs `accept_ground_rules: true`: without it, 422 and the reason."""
    viewer = api_viewer(request)
    group = _visible(viewer, slug)
    try:
        m = services.membership_join(
            group=group,
            user=viewer,
            answer=payload.answer,
            accept_rules=payload.accept_ground_rules,
            pseudonym=payload.pseudonym,
        )
    except services.GroupError as exc:
        if exc.field == "accept_rules":
            raise HttpError(422, RULES_REFUSAL) from None
        raise
    detail = (
        "You asked to join; the facilitators will decide."
        if m.state == MembershipState.PENDING
        else "You are a member."
    )
    return {"group": group.slug, "state": m.state, "role": m.role, "detail": detail}


class RulesOut(Schema):
    group: str
    rules_version: int
    accepted_version: int
    detail: str


@router.post("/{slug}/rules/accept", response={200: RulesOut, 401: Error, 404: Error, 422: Error}, auth=token_auth)
def accept_rules(request: HttpRequest, slug: SingleLine) -> dict[str, Any]:
    """Accept the group's current ground rules (for an active member; anyone else: 404)."""
    viewer = api_viewer(request)
    group = _visible(viewer, slug)
    if not permissions.is_member(viewer, group):
        raise HttpError(404, "No such group.")
    m = services.ground_rules_accept(group=group, user=viewer)
    return {
        "group": group.slug,
        "rules_version": group.rules_version,
        "accepted_version": m.rules_version_accepted,
        "detail": "You accepted the ground rules.",
    }


@router.post(
    "/{slug}/leave", response={200: MembershipOut, 401: Error, 404: Error, 409: Error, 422: Error}, auth=token_auth
)
def leave_group(request: HttpRequest, slug: SingleLine) -> dict[str, Any]:
    viewer = api_viewer(request)
    group = _visible(viewer, slug)
    m = services.membership_leave(group=group, user=viewer)
    return {"group": group.slug, "state": m.state, "role": m.role, "detail": "You left the group."}


class PseudonymIn(BodySchema):
    pseudonym: SingleLine = Field(
        max_length=40, description="How you appear in this group; an empty string: by your profile name."
    )


class PseudonymOut(Schema):
    group: str
    pseudonym: str | None
    detail: str


@router.put(
    "/{slug}/pseudonym",
    response={200: PseudonymOut, 400: Error, 401: Error, 404: Error, 409: Error, 422: Error},
    auth=token_auth,
)
def set_pseudonym(request: HttpRequest, slug: SingleLine, payload: PseudonymIn) -> dict[str, Any]:
    """Choose how you appear in a group (issue 12): a pseudonym where the group allows them, or
    "" for your profile name. 400 with the reason for a name that may not be used, 409 in a
    group that does not offer pseudonyms, 404 for anyone not a member (as a missing group)."""
    viewer = api_viewer(request)
    group = _visible(viewer, slug)
    m = services.membership_pseudonym_set(group=group, user=viewer, pseudonym=payload.pseudonym)
    detail = f"You appear as {m.pseudonym} in this group." if m.pseudonym else "You appear by your profile name."
    return {"group": group.slug, "pseudonym": m.pseudonym or None, "detail": detail}
