"""The tracker's JSON API, under /api/v1/me/ (token required). Everything is the caller's
own: every operation reads through the same selectors as the pages, so another person's id,
in the path or in the body, answers 404 {"detail": "No such ..."} exactly as a missing one,
and changes nothing. Service refusals answer their status (400, 409) with {"detail"}.

Rows are named by their public id (`id`, 12 characters). Lists are pages of PAGE_SIZE.
Imports take the CSV file as multipart `file` and answer the same row-by-row report as the
page: nothing is imported while a row is bad unless `good_rows_only=true`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from roundtable.api.auth import api_viewer, token_auth
from roundtable.api.errors import Error
from roundtable.api.schemas import BodySchema
from roundtable.core.ids import PUBLIC_ID_PATTERN
from roundtable.core.text import MultiLine, SingleLine
from roundtable.groups import permissions as group_perms

from . import exports, imports, selectors, services
from .models import Activity, ActivityKind, Company, Contact, Opportunity, Source, Stage, Task

router = Router(tags=["tracker"], auth=token_auth)
PAGE_SIZE = 50
# A public id in a body: anything else is a 422, never a query.
PublicId = Annotated[str, StringConstraints(pattern=f"^{PUBLIC_ID_PATTERN}$")]
# A group's slug in a body (a group you are or were in, and may see; any other answers 404).
GroupSlug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,140}$")]


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=100000)


class ContactQuery(PageQuery):
    q: SingleLine = Field(default="", max_length=100, description="Matches name, company, role or email.")


class ActivityQuery(PageQuery):
    kind: ActivityKind | None = None


def _page(qs: Any, page: int, out: Any) -> dict[str, Any]:
    paginator = Paginator(qs, PAGE_SIZE)
    p = paginator.get_page(page)
    return {"count": paginator.count, "page": p.number, "pages": paginator.num_pages, "page_size": PAGE_SIZE,
            "results": [out(row) for row in p.object_list]}  # fmt: skip


def _get(lookup: Any, request: HttpRequest, public_id: str) -> Any:
    try:
        return lookup(api_viewer(request), public_id)
    except Http404 as exc:
        raise HttpError(404, str(exc)) from None


def _opt(lookup: Any, request: HttpRequest, public_id: str | None) -> Any:
    return _get(lookup, request, public_id) if public_id else None


# ---------------------------------------------------------------- companies


class CompanyIn(BodySchema):
    name: SingleLine = Field(min_length=1, max_length=160)
    website: SingleLine = Field(default="", max_length=500)
    industry: SingleLine = Field(default="", max_length=120)
    notes: MultiLine = Field(default="", max_length=5000)


class CompanyOut(Schema):
    id: str
    name: str
    website: str
    industry: str
    notes: str


class CompanyPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[CompanyOut]


def company_out(c: Company) -> dict[str, Any]:
    return {"id": c.public_id, "name": c.name, "website": c.website, "industry": c.industry, "notes": c.notes}


@router.get("/companies", response={200: CompanyPage, 401: Error, 422: Error})
def list_companies(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Your companies, by name."""
    return _page(selectors.companies(api_viewer(request)), query.page, company_out)


@router.post("/companies", response={201: CompanyOut, 400: Error, 401: Error, 409: Error, 422: Error})
def create_company(request: HttpRequest, payload: CompanyIn) -> Status:
    c = services.company_create(owner=api_viewer(request), data=services.CompanyData(**payload.dict()))
    return Status(201, company_out(c))


@router.get("/companies/{public_id}", response={200: CompanyOut, 401: Error, 404: Error, 422: Error})
def get_company(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    return company_out(_get(selectors.company_of, request, public_id))


@router.put("/companies/{public_id}", response={200: CompanyOut, 400: Error, 401: Error, 404: Error, 409: Error,
                                                 422: Error})  # fmt: skip
def update_company(request: HttpRequest, public_id: SingleLine, payload: CompanyIn) -> dict[str, Any]:
    c = _get(selectors.company_of, request, public_id)
    services.company_update(company=c, data=services.CompanyData(**payload.dict()))
    return company_out(c)


@router.delete("/companies/{public_id}", response={204: None, 401: Error, 404: Error, 409: Error, 422: Error})
def delete_company(request: HttpRequest, public_id: SingleLine) -> Status:
    """Refused (409) while opportunities at the company remain."""
    c = _get(selectors.company_of, request, public_id)
    services.company_delete(company=c)
    return Status(204, None)


# ---------------------------------------------------------------- contacts


class ContactIn(BodySchema):
    name: SingleLine = Field(min_length=1, max_length=160)
    company: SingleLine = Field(default="", max_length=160, description="A company name; a new one is added.")
    role: SingleLine = Field(default="", max_length=160)
    email: SingleLine = Field(default="", max_length=254)
    phone: SingleLine = Field(default="", max_length=40)
    linkedin_url: SingleLine = Field(default="", max_length=500)
    how_met: SingleLine = Field(default="", max_length=200)
    notes: MultiLine = Field(default="", max_length=5000)
    last_touch_on: dt.date | None = None
    next_touch_on: dt.date | None = None
    meeting: PublicId | None = Field(
        default=None, description="A meeting you went to, where you met. Left out of a PUT: kept; null: none."
    )
    group: GroupSlug | None = Field(
        default=None,
        description="The slug of a group you are or were in. Left out of a PUT: kept; null: none "
        "(with a meeting and no group: the meeting's group).",
    )


class ContactOut(Schema):
    id: str
    name: str
    company: str
    role: str
    email: str
    phone: str
    linkedin_url: str
    how_met: str
    notes: str
    last_touch_on: dt.date | None
    next_touch_on: dt.date | None
    meeting: str | None = Field(description="The public id of the meeting where you met, if any.")
    group: str | None = Field(description="The slug of the group where you met, while you may see it.")
    group_name: str | None


class ContactPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[ContactOut]


def contact_out(c: Contact, seen: set[int] | None = None) -> dict[str, Any]:
    """`seen`: the ids of the groups the caller may see (the meeting and group are named only
    while they may); None: asked here, for one contact."""
    if seen is None:
        seen = group_perms.visible_to(c.owner, [g for g in (c.group, c.meeting and c.meeting.group) if g])
    meeting = c.meeting if c.meeting is not None and c.meeting.group_id in seen else None
    group = c.group if c.group is not None and c.group_id in seen else None
    return {
        "id": c.public_id, "name": c.name, "company": c.company.name if c.company else "", "role": c.role,
        "email": c.email, "phone": c.phone, "linkedin_url": c.linkedin_url, "how_met": c.how_met, "notes": c.notes,
        "last_touch_on": c.last_touch_on, "next_touch_on": c.next_touch_on,
        "meeting": meeting.public_id if meeting else None,
        "group": group.slug if group else None, "group_name": group.name if group else None,
    }  # fmt: skip


def _contact_data(request: HttpRequest, p: ContactIn, keep: Contact | None = None) -> services.ContactData:
    sent = p.model_fields_set
    if keep is not None and "meeting" not in sent:
        meeting = keep.meeting
    else:
        meeting = _opt(selectors.meeting_went_to, request, p.meeting)
    if keep is not None and "group" not in sent:
        group = keep.group
    else:
        group = _opt(selectors.group_for_owner, request, p.group)
    return services.ContactData(
        name=p.name, company_name=p.company, role=p.role, email=p.email, phone=p.phone, linkedin_url=p.linkedin_url,
        how_met=p.how_met, notes=p.notes, last_touch_on=p.last_touch_on, next_touch_on=p.next_touch_on,
        meeting=meeting, group=group,
    )  # fmt: skip


def _contact_page(request: HttpRequest, qs: Any, page: int) -> dict[str, Any]:
    out = _page(qs, page, lambda c: c)
    rows: list[Contact] = out["results"]
    seen = group_perms.visible_to(
        api_viewer(request), [g for c in rows for g in (c.group, c.meeting and c.meeting.group) if g]
    )
    out["results"] = [contact_out(c, seen) for c in rows]
    return out


@router.get("/contacts", response={200: ContactPage, 401: Error, 422: Error})
def list_contacts(request: HttpRequest, query: Query[ContactQuery]) -> dict[str, Any]:
    """Your contacts, next touch due first."""
    qs = selectors.contacts(api_viewer(request), q=query.q.strip()).select_related("meeting__group", "group")
    return _contact_page(request, qs, query.page)


@router.post("/contacts", response={201: ContactOut, 400: Error, 401: Error, 404: Error, 422: Error})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status:
    c = services.contact_create(owner=api_viewer(request), data=_contact_data(request, payload))
    return Status(201, contact_out(c))


@router.get("/contacts/{public_id}", response={200: ContactOut, 401: Error, 404: Error, 422: Error})
def get_contact(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    return contact_out(_get(selectors.contact_of, request, public_id))


@router.put("/contacts/{public_id}", response={200: ContactOut, 400: Error, 401: Error, 404: Error, 422: Error})
def update_contact(request: HttpRequest, public_id: SingleLine, payload: ContactIn) -> dict[str, Any]:
    c = _get(selectors.contact_of, request, public_id)
    services.contact_update(contact=c, data=_contact_data(request, payload, keep=c))
    return contact_out(c)


@router.delete("/contacts/{public_id}", response={204: None, 401: Error, 404: Error, 422: Error})
def delete_contact(request: HttpRequest, public_id: SingleLine) -> Status:
    services.contact_delete(contact=_get(selectors.contact_of, request, public_id))
    return Status(204, None)


# ---------------------------------------------------------------- opportunities


class OpportunityIn(BodySchema):
    company: SingleLine = Field(min_length=1, max_length=160, description="A company name; a new one is added.")
    role: SingleLine = Field(min_length=1, max_length=160)
    stage: Stage = Stage.RESEARCHING
    source: Source | Literal[""] = ""
    link: SingleLine = Field(default="", max_length=500)
    notes: MultiLine = Field(default="", max_length=5000)
    source_contact: PublicId | None = None
    source_group: GroupSlug | None = Field(
        default=None,
        description="The slug of a group you are or were in, when the source is `group` (naming one sets it). "
        "Left out of a PUT: kept; null: none.",
    )


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    changed_at: dt.datetime


class OpportunityOut(Schema):
    id: str
    company: str
    role: str
    stage: str
    source: str
    link: str
    notes: str
    position: int
    source_contact: str | None
    source_group: str | None = Field(description="The slug of the group it came through, while you may see it.")
    source_group_name: str | None
    stage_changed_at: dt.datetime
    stage_history: list[StageChangeOut] = Field(description="Oldest first.")


class OpportunityPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[OpportunityOut]


class MoveIn(BodySchema):
    stage: Stage
    position: int | None = Field(default=None, ge=0, le=100000, description="0 is the top; empty, the bottom.")


def opportunity_out(o: Opportunity, seen: set[int] | None = None) -> dict[str, Any]:
    """The opportunity with its stage history (oldest first; the list prefetches it), in the
    list as in the detail. `seen` as in contact_out."""
    if seen is None:
        seen = group_perms.visible_to(o.owner, [o.source_group] if o.source_group else [])
    group = o.source_group if o.source_group is not None and o.source_group_id in seen else None
    return {
        "id": o.public_id, "company": o.company.name, "role": o.role, "stage": o.stage, "source": o.source,
        "link": o.link, "notes": o.notes, "position": o.position, "stage_changed_at": o.stage_changed_at,
        "source_contact": o.source_contact.public_id if o.source_contact else None,
        "source_group": group.slug if group else None, "source_group_name": group.name if group else None,
        "stage_history": [
            {"from_stage": s.from_stage, "to_stage": s.to_stage, "changed_at": s.changed_at}
            for s in o.stage_changes.all()
        ],
    }  # fmt: skip


def _opportunity_data(request: HttpRequest, p: OpportunityIn, keep: Opportunity | None = None) -> Any:
    if keep is not None and "source_group" not in p.model_fields_set:
        group = keep.source_group
    else:
        group = _opt(selectors.group_for_owner, request, p.source_group)
    return services.OpportunityData(
        company_name=p.company, role=p.role, stage=p.stage, source=p.source, link=p.link, notes=p.notes,
        source_contact=_opt(selectors.contact_of, request, p.source_contact), source_group=group,
    )  # fmt: skip


@router.get("/opportunities", response={200: OpportunityPage, 401: Error, 422: Error})
def list_opportunities(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Your opportunities in board order: by stage, then position, each with its stage history
    (the same shape as the detail)."""
    owner = api_viewer(request)
    qs = Opportunity.objects.filter(owner=owner).select_related("company", "source_contact", "source_group")
    out = _page(qs.prefetch_related("stage_changes").order_by("stage", "position", "pk"), query.page, lambda o: o)
    rows: list[Opportunity] = out["results"]
    seen = group_perms.visible_to(owner, [o.source_group for o in rows if o.source_group])
    out["results"] = [opportunity_out(o, seen) for o in rows]
    return out


@router.post("/opportunities", response={201: OpportunityOut, 400: Error, 401: Error, 404: Error, 422: Error})
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> Status:
    data = _opportunity_data(request, payload)
    o = services.opportunity_create(owner=api_viewer(request), data=data)
    return Status(201, opportunity_out(o))


@router.get("/opportunities/{public_id}", response={200: OpportunityOut, 401: Error, 404: Error, 422: Error})
def get_opportunity(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    """One opportunity with its stage history, oldest first."""
    return opportunity_out(_get(selectors.opportunity_of, request, public_id))


@router.put("/opportunities/{public_id}", response={200: OpportunityOut, 400: Error, 401: Error, 404: Error,
                                                     422: Error})  # fmt: skip
def update_opportunity(request: HttpRequest, public_id: SingleLine, payload: OpportunityIn) -> dict[str, Any]:
    """A new stage is recorded in the history, as a move is."""
    o = _get(selectors.opportunity_of, request, public_id)
    data = _opportunity_data(request, payload, keep=o)
    services.opportunity_update(opportunity=o, data=data)
    return opportunity_out(o)


@router.post("/opportunities/{public_id}/move", response={200: OpportunityOut, 400: Error, 401: Error, 404: Error,
                                                          422: Error})  # fmt: skip
def move_opportunity(request: HttpRequest, public_id: SingleLine, payload: MoveIn) -> dict[str, Any]:
    """Moves the card to a stage (recorded with its moment) and a place in that column."""
    o = _get(selectors.opportunity_of, request, public_id)
    services.opportunity_move(opportunity=o, stage=payload.stage, position=payload.position)
    return opportunity_out(o)


@router.delete("/opportunities/{public_id}", response={204: None, 401: Error, 404: Error, 422: Error})
def delete_opportunity(request: HttpRequest, public_id: SingleLine) -> Status:
    services.opportunity_delete(opportunity=_get(selectors.opportunity_of, request, public_id))
    return Status(204, None)


# ---------------------------------------------------------------- activities


class ActivityIn(BodySchema):
    kind: ActivityKind
    day: dt.date | None = Field(
        default=None,
        description="Your local day; left out: the interview's day where you live when `starts_at` is given, "
        "else today. A day that is not `starts_at`'s day where you live is refused (400).",
    )
    starts_at: dt.datetime | None = Field(default=None, description="An interview's start, with its offset.")
    duration_minutes: int | None = Field(default=None, ge=1, le=600)
    note: MultiLine = Field(default="", max_length=2000)
    contact: PublicId | None = None
    contact_name: SingleLine = Field(default="", max_length=160, description="Or a name: matched, or added.")
    company: PublicId | None = None
    company_name: SingleLine = Field(default="", max_length=160)
    opportunity: PublicId | None = None
    meeting: PublicId | None = Field(default=None, description="A meeting you answered.")


class ActivityOut(Schema):
    id: str
    kind: str
    day: dt.date
    starts_at: dt.datetime | None
    duration_minutes: int | None
    note: str
    contact: str | None
    company: str | None
    opportunity: str | None
    meeting: str | None
    upcoming: bool = Field(description="Not happened yet (a later day, or a start after now): left out of counts.")


class ActivityPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[ActivityOut]


def _pid(row: Any) -> str | None:
    return row.public_id if row is not None else None


def activity_out(a: Activity) -> dict[str, Any]:
    return {
        "id": a.public_id, "kind": a.kind, "day": a.occurred_on, "starts_at": a.starts_at,
        "duration_minutes": a.duration_minutes, "note": a.note, "contact": _pid(a.contact),
        "company": _pid(a.company), "opportunity": _pid(a.opportunity), "meeting": _pid(a.meeting),
        "upcoming": a.upcoming,  # type: ignore[attr-defined]  # annotated by selectors.activities
    }  # fmt: skip


def _activity_data(request: HttpRequest, p: ActivityIn) -> services.ActivityData:
    return services.ActivityData(
        kind=p.kind, occurred_on=p.day, starts_at=p.starts_at,
        duration_minutes=p.duration_minutes, note=p.note,
        contact=_opt(selectors.contact_of, request, p.contact), contact_name=p.contact_name,
        company=_opt(selectors.company_of, request, p.company), company_name=p.company_name,
        opportunity=_opt(selectors.opportunity_of, request, p.opportunity),
        meeting=_opt(selectors.meeting_for_owner, request, p.meeting),
    )  # fmt: skip


@router.get("/activities", response={200: ActivityPage, 401: Error, 422: Error})
def list_activities(request: HttpRequest, query: Query[ActivityQuery]) -> dict[str, Any]:
    """Your activities, latest day first."""
    qs = selectors.activities(api_viewer(request), kind=query.kind or "")
    return _page(qs, query.page, activity_out)


@router.post("/activities", response={201: ActivityOut, 400: Error, 401: Error, 404: Error, 422: Error})
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status:
    data = _activity_data(request, payload)
    a = services.activity_create(owner=api_viewer(request), data=data)
    return Status(201, activity_out(selectors.activity_of(api_viewer(request), a.public_id)))


@router.get("/activities/{public_id}", response={200: ActivityOut, 401: Error, 404: Error, 422: Error})
def get_activity(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    return activity_out(_get(selectors.activity_of, request, public_id))


@router.put("/activities/{public_id}", response={200: ActivityOut, 400: Error, 401: Error, 404: Error, 422: Error})
def update_activity(request: HttpRequest, public_id: SingleLine, payload: ActivityIn) -> dict[str, Any]:
    a = _get(selectors.activity_of, request, public_id)
    data = _activity_data(request, payload)
    services.activity_update(activity=a, data=data)
    return activity_out(selectors.activity_of(api_viewer(request), a.public_id))


@router.delete("/activities/{public_id}", response={204: None, 401: Error, 404: Error, 422: Error})
def delete_activity(request: HttpRequest, public_id: SingleLine) -> Status:
    services.activity_delete(activity=_get(selectors.activity_of, request, public_id))
    return Status(204, None)


# ---------------------------------------------------------------- tasks


class TaskIn(BodySchema):
    title: SingleLine = Field(min_length=1, max_length=200)
    due_on: dt.date | None = None
    done: bool = False
    contact: PublicId | None = None
    opportunity: PublicId | None = None


class TaskOut(Schema):
    id: str
    title: str
    due_on: dt.date | None
    done: bool
    done_at: dt.datetime | None
    contact: str | None
    opportunity: str | None
    meeting: str | None


class TaskPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[TaskOut]


def task_out(t: Task) -> dict[str, Any]:
    return {
        "id": t.public_id, "title": t.title, "due_on": t.due_on, "done": t.done_at is not None,
        "done_at": t.done_at, "contact": _pid(t.contact), "opportunity": _pid(t.opportunity),
        "meeting": _pid(t.meeting),
    }  # fmt: skip


@router.get("/tasks", response={200: TaskPage, 401: Error, 422: Error})
def list_tasks(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Your open tasks, soonest due first (then those without a day)."""
    qs = selectors.open_tasks(api_viewer(request)).select_related("meeting")
    return _page(qs, query.page, task_out)


def _task_write(request: HttpRequest, payload: TaskIn, task: Task | None = None) -> Task:
    owner = api_viewer(request)
    contact = _opt(selectors.contact_of, request, payload.contact)
    opportunity = _opt(selectors.opportunity_of, request, payload.opportunity)
    if task is None:
        task = services.task_create(owner=owner, title=payload.title, due_on=payload.due_on, contact=contact)
    task = services.task_update(task=task, title=payload.title, due_on=payload.due_on, contact=contact,
                                opportunity=opportunity)  # fmt: skip
    return services.task_done_set(task=task, done=payload.done)


@router.post("/tasks", response={201: TaskOut, 400: Error, 401: Error, 404: Error, 422: Error})
def create_task(request: HttpRequest, payload: TaskIn) -> Status:
    return Status(201, task_out(_task_write(request, payload)))


@router.get("/tasks/{public_id}", response={200: TaskOut, 401: Error, 404: Error, 422: Error})
def get_task(request: HttpRequest, public_id: SingleLine) -> dict[str, Any]:
    return task_out(_get(selectors.task_of, request, public_id))


@router.put("/tasks/{public_id}", response={200: TaskOut, 400: Error, 401: Error, 404: Error, 422: Error})
def update_task(request: HttpRequest, public_id: SingleLine, payload: TaskIn) -> dict[str, Any]:
    """`done: true` marks it done (now), `false` opens it again."""
    task = _get(selectors.task_of, request, public_id)
    return task_out(_task_write(request, payload, task))


@router.delete("/tasks/{public_id}", response={204: None, 401: Error, 404: Error, 422: Error})
def delete_task(request: HttpRequest, public_id: SingleLine) -> Status:
    services.task_delete(task=_get(selectors.task_of, request, public_id))
    return Status(204, None)


# ---------------------------------------------------------------- weekly targets


class TargetsIO(BodySchema):
    outreach: int = Field(default=0, ge=0, le=services.MAX_PER_WEEK)
    conversation: int = Field(default=0, ge=0, le=services.MAX_PER_WEEK)
    informational: int = Field(default=0, ge=0, le=services.MAX_PER_WEEK)
    application: int = Field(default=0, ge=0, le=services.MAX_PER_WEEK)
    interview: int = Field(default=0, ge=0, le=services.MAX_PER_WEEK)
    follow_up: int = Field(default=0, ge=0, le=services.MAX_PER_WEEK)
    offer: int = Field(default=0, ge=0, le=services.MAX_PER_WEEK)


class ProgressOut(Schema):
    kind: str
    done: int
    target: int


class TargetsOut(Schema):
    per_week: TargetsIO
    week_starts_on: dt.date = Field(description="This week's Monday, in your time zone.")
    progress: list[ProgressOut]


def _targets_out(owner: Any) -> dict[str, Any]:
    monday, progress = selectors.week_progress(owner)
    return {
        "per_week": {p.kind: p.target for p in progress},
        "week_starts_on": monday,
        "progress": [{"kind": p.kind, "done": p.done, "target": p.target} for p in progress],
    }


@router.get("/targets", response={200: TargetsOut, 401: Error})
def get_targets(request: HttpRequest) -> dict[str, Any]:
    """Your weekly targets and this week's progress (Monday to Sunday where you live)."""
    return _targets_out(api_viewer(request))


@router.put("/targets", response={200: TargetsOut, 400: Error, 401: Error, 422: Error})
def set_targets(request: HttpRequest, payload: TargetsIO) -> dict[str, Any]:
    """Sets every kind's weekly target (0: none)."""
    owner = api_viewer(request)
    services.targets_set(owner=owner, per_week=payload.dict())
    return _targets_out(owner)


# ---------------------------------------------------------------- import and export


class RowErrorOut(Schema):
    line: int
    reason: str


class ImportOut(Schema):
    imported: int
    rows: int = Field(description="Rows read below the header.")
    errors: list[RowErrorOut]
    skipped: list[RowErrorOut] = Field(description="Rows already in your tracker (or earlier in the file): not added.")
    detail: str


class ImportQuery(Schema):
    good_rows_only: bool = False


@router.post("/import/{kind}", response={200: ImportOut, 400: Error, 401: Error, 413: Error, 422: Error})
def import_csv(
    request: HttpRequest, kind: Literal["contacts", "opportunities", "linkedin"], query: Query[ImportQuery],
    file: File[UploadedFile],
) -> Any:  # fmt: skip
    """Imports a CSV (see the import page for the columns). With any bad row nothing is imported
    (imported 0, each error with its line and reason) unless `good_rows_only` is true: to
    import the good rows after a report, post the same file again with it (the API keeps no
    file). Rows already in your tracker are skipped (`skipped`), so posting a file twice adds
    nothing. A file that cannot be read at all (encoding, header, semicolons, an unclosed
    quote) answers 400 with the reason and its line."""
    if file.size is not None and file.size > imports.MAX_BYTES:
        raise HttpError(413, f"The file is over {imports.MAX_BYTES // 1024 // 1024} MB: split it into smaller files.")
    try:
        outcome = imports.import_file(api_viewer(request), file.read(), kind, good_rows_only=query.good_rows_only)
    except imports.ImportRefusedError as exc:
        raise HttpError(400, str(exc)) from None
    parsed = outcome.parsed
    detail = imports.summary(outcome)
    return {
        "imported": outcome.imported, "rows": parsed.total, "detail": detail,
        "errors": [{"line": e.line, "reason": e.reason} for e in parsed.errors],
        "skipped": [{"line": e.line, "reason": e.reason} for e in parsed.skipped],
    }  # fmt: skip


@router.get("/export", response={200: dict[str, list[dict[str, Any]]], 401: Error})
def export_json(request: HttpRequest) -> Any:
    """Everything in your tracker as JSON: contacts, companies, opportunities (each with its
    stage_history), activities, tasks and targets."""
    return exports.collect(api_viewer(request))


@router.get("/export.zip", response={200: None, 401: Error}, openapi_extra={
    "responses": {200: {"description": "A zip of CSV files", "content": {"application/zip": {}}}}})  # fmt: skip
def export_zip(request: HttpRequest) -> HttpResponse:
    """Everything as CSV files in a zip; contacts.csv and opportunities.csv import again unchanged."""
    response = HttpResponse(exports.as_zip(api_viewer(request)), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="roundtable-tracker.zip"'
    return response
