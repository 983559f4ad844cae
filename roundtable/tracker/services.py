"""Every write to a person's tracker goes through here (design convention 2).

Services take the owner and already-resolved rows of that owner's (views and API resolve
public ids through `selectors`, which answer 404 for anyone else's); they clean free text with
roundtable.core.text and raise TrackerError (a ServiceError) with a message and field.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core import dates
from roundtable.core.errors import ServiceError
from roundtable.core.text import TextError, clean_text
from roundtable.groups.models import Group
from roundtable.meetings.models import Meeting

from .models import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    Opportunity,
    OwnedRow,
    Source,
    Stage,
    StageChange,
    Task,
    WeeklyTarget,
)


class TrackerError(ServiceError):
    """A tracker change that cannot be carried out."""


def _line(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    """Single-line text as stored (stripped), or TrackerError naming the field."""
    try:
        value = clean_text(value.strip(), multiline=False, max_length=max_length)
    except TextError as exc:
        raise TrackerError(exc.reason, field=field) from exc
    if required and not value:
        raise TrackerError("This cannot be blank.", field=field)
    return value


def company_for_name(*, owner: User, name: str) -> Company | None:
    """The owner's company called `name` (any case), created if new; None for a blank name.
    Raises TrackerError for text that breaks the core text rule or is over 160 characters."""
    name = _line(name, field="company", max_length=160)
    if not name:
        return None
    existing = Company.objects.filter(owner=owner, name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Company.objects.create(owner=owner, name=name)
    except IntegrityError:  # created meanwhile by the owner's other request (the unique constraint)
        return Company.objects.get(owner=owner, name__iexact=name)


def contact_from_member(*, owner: User, person: User, meeting: Meeting | None = None) -> Contact:
    """The owner's contact for a Roundtable member they met (one per member: the unique
    constraint `tracker_contact_one_per_member`), created if new, with the member's display
    name, and linked to the meeting (and its group) where they first met. An existing contact
    keeps its own name and notes; its last touch moves to the meeting's day when later.

    The caller has checked that the owner may know this person (they were at the meeting)."""
    from .selectors import zone_of

    meeting_day: date | None = None
    if meeting is not None:  # the owner's day: touches are days where they live
        meeting_day = meeting.starts_at.astimezone(zone_of(owner)).date()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(owner=owner, person=person).first()
        if contact is None:
            try:
                with transaction.atomic():
                    return Contact.objects.create(
                        owner=owner,
                        person=person,
                        name=person.display_name[:160],
                        meeting=meeting,
                        group_id=meeting.group_id if meeting is not None else None,
                        how_met=f"Met at {meeting.title}"[:200] if meeting is not None else "",
                        last_touch_on=meeting_day,
                    )
            except IntegrityError:
                contact = Contact.objects.get(owner=owner, person=person)
        if meeting_day is not None and (contact.last_touch_on is None or contact.last_touch_on < meeting_day):
            contact.last_touch_on = meeting_day
            contact.save(update_fields=["last_touch_on", "updated_at"])
        return contact


def task_create(
    *,
    owner: User,
    title: str,
    due_on: date | None = None,
    contact: Contact | None = None,
    meeting: Meeting | None = None,
) -> Task:
    """A new open task for the owner. `title` is one line of at most 200 characters (blank
    refused); `contact` must be the owner's. Raises TrackerError(field="title")."""
    title = _line(title, field="title", max_length=200, required=True)
    if contact is not None and contact.owner_id != owner.pk:
        raise TrackerError("That contact is not yours.", field="contact", status=404)
    return Task.objects.create(owner=owner, title=title, due_on=due_on, contact=contact, meeting=meeting)


# ---------------------------------------------------------------- field rules (one place)
#
# Forms, the API and the importer all call these, so a row is refused for the same reason
# whichever way it arrives. Each raises TrackerError(field=...) with a sentence for the person.

_email_check = EmailValidator()
_url_check = URLValidator(schemes=["http", "https"])


def _text(value: str, *, field: str, max_length: int) -> str:
    """Multi-line text as stored (line breaks normalised, stripped)."""
    try:
        return clean_text(value.strip(), multiline=True, max_length=max_length)
    except TextError as exc:
        raise TrackerError(exc.reason, field=field) from exc


def _email(value: str, *, field: str = "email") -> str:
    value = _line(value, field=field, max_length=254)
    if value:
        try:
            _email_check(value)
        except ValidationError:
            raise TrackerError(f"{value[:60]!r} is not an email address.", field=field) from None
    return value


def _url(value: str, *, field: str) -> str:
    value = _line(value, field=field, max_length=500)
    if value:
        if "://" not in value:
            value = "https://" + value
        if len(value) > 500:
            raise TrackerError("Keep the address to 500 characters or fewer.", field=field)
        try:
            _url_check(value)
        except ValidationError:
            raise TrackerError("Write a full web address, such as https://example.com/jobs/42.", field=field) from None
    return value


def _day(value: date | None, *, field: str) -> date | None:
    if value is not None and not dates.in_range(value):
        raise TrackerError(dates.PICK_TEXT, field=field)
    return value


def _choice(value: str, choices: type[models.TextChoices], *, field: str, blank: bool = False) -> str:
    if blank and value == "":
        return ""
    if value not in choices.values:
        raise TrackerError(f"Choose one of: {', '.join(str(label) for label in choices.labels)}.", field=field)
    return value


def _mine(row: OwnedRow | None, owner: User, *, field: str) -> None:
    # Views and the API resolve ids through selectors (404 for anyone else's); this is the
    # services' own guard, with the same answer.
    if row is not None and row.owner_id != owner.pk:
        raise TrackerError(f"No such {field}.", field=field, status=404)


# ---------------------------------------------------------------- companies


@dataclass(frozen=True, kw_only=True)
class CompanyData:
    name: str
    website: str = ""
    industry: str = ""
    notes: str = ""

    def cleaned(self) -> CompanyData:
        return CompanyData(
            name=_line(self.name, field="name", max_length=160, required=True),
            website=_url(self.website, field="website"),
            industry=_line(self.industry, field="industry", max_length=120),
            notes=_text(self.notes, field="notes", max_length=5000),
        )


def _company_name_taken(owner: User, name: str, exclude: int | None = None) -> None:
    qs = Company.objects.filter(owner=owner, name__iexact=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise TrackerError(f"You already have a company called {name}.", field="name", status=409)


def company_create(*, owner: User, data: CompanyData) -> Company:
    """A new company of the owner's. Raises TrackerError: a field's text, or 409 when the
    owner has one of that name already (names are one company whatever their case)."""
    d = data.cleaned()
    _company_name_taken(owner, d.name)
    try:
        with transaction.atomic():
            return Company.objects.create(owner=owner, **asdict(d))
    except IntegrityError:
        raise TrackerError(f"You already have a company called {d.name}.", field="name", status=409) from None


def company_update(*, company: Company, data: CompanyData) -> Company:
    """Replaces the company's fields. Raises TrackerError as company_create."""
    d = data.cleaned()
    _company_name_taken(company.owner, d.name, exclude=company.pk)
    for key, value in asdict(d).items():
        setattr(company, key, value)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        raise TrackerError(f"You already have a company called {d.name}.", field="name", status=409) from None
    return company


def company_delete(*, company: Company) -> None:
    """Deletes the company; its contacts and activities keep going without it. Raises
    TrackerError (409) while opportunities at it remain: they would lose their company."""
    if company.opportunities.exists():
        raise TrackerError("Delete or move its opportunities first: each opportunity needs a company.", status=409)
    company.delete()


# ---------------------------------------------------------------- contacts


@dataclass(frozen=True, kw_only=True)
class ContactData:
    """A contact's fields as the person gives them. `company_name` is matched to one of the
    owner's companies whatever its case, or creates one; blank means none."""

    name: str
    company_name: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    linkedin_url: str = ""
    how_met: str = ""
    notes: str = ""
    last_touch_on: date | None = None
    next_touch_on: date | None = None
    meeting: Meeting | None = None
    group: Group | None = None

    def cleaned(self) -> ContactData:
        return replace(
            self,
            name=_line(self.name, field="name", max_length=160, required=True),
            company_name=_line(self.company_name, field="company", max_length=160),
            role=_line(self.role, field="role", max_length=160),
            email=_email(self.email),
            phone=_line(self.phone, field="phone", max_length=40),
            linkedin_url=_url(self.linkedin_url, field="linkedin_url"),
            how_met=_line(self.how_met, field="how_met", max_length=200),
            notes=_text(self.notes, field="notes", max_length=5000),
            last_touch_on=_day(self.last_touch_on, field="last_touch_on"),
            next_touch_on=_day(self.next_touch_on, field="next_touch_on"),
        )


def _where_met_check(owner: User, d: ContactData, current: Contact | None = None) -> None:
    """A contact's meeting is one the owner went to, its group one they are or were in, both
    while they may see it (404 otherwise, as a missing one); links it already has stay."""
    from .selectors import meetings_went_to, picker_groups

    new_meeting = d.meeting is not None and (current is None or d.meeting.pk != current.meeting_id)
    if new_meeting and d.meeting.pk not in {m.pk for m in meetings_went_to(owner)}:  # type: ignore[union-attr]
        raise TrackerError("No such meeting.", field="meeting", status=404)
    new_group = d.group is not None and (current is None or d.group.pk != current.group_id)
    if new_group and d.group.pk not in {g.pk for g in picker_groups(owner)}:  # type: ignore[union-attr]
        raise TrackerError("No such group.", field="group", status=404)


def _contact_fields(owner: User, d: ContactData) -> dict[str, Any]:
    fields = asdict(d)
    fields.pop("company_name")
    fields["meeting"], fields["group"] = d.meeting, d.group
    if d.group is None and d.meeting is not None:
        fields["group"] = d.meeting.group
    fields["company"] = company_for_name(owner=owner, name=d.company_name)
    return fields


def contact_create(*, owner: User, data: ContactData) -> Contact:
    """A new contact of the owner's. Raises TrackerError naming the field (404 for a meeting
    or group that is not the owner's to name: _where_met_check)."""
    d = data.cleaned()
    _where_met_check(owner, d)
    with transaction.atomic():
        return Contact.objects.create(owner=owner, **_contact_fields(owner, d))


def contact_update(*, contact: Contact, data: ContactData) -> Contact:
    """Replaces the contact's fields (the member it stands for, if any, stays)."""
    d = data.cleaned()
    _where_met_check(contact.owner, d, contact)
    with transaction.atomic():
        for key, value in _contact_fields(contact.owner, d).items():
            setattr(contact, key, value)
        contact.save()
    return contact


def contact_delete(*, contact: Contact) -> None:
    """Deletes the contact; activities, tasks and opportunities tied to it keep going without it."""
    contact.delete()


def contact_touch(*, contact: Contact, on: date) -> None:
    """The owner was in touch with the contact on `on`: the last touch moves to it when later,
    and a next touch due on or before it is done."""
    changed = False
    if contact.last_touch_on is None or contact.last_touch_on < on:
        contact.last_touch_on = on
        changed = True
    if contact.next_touch_on is not None and contact.next_touch_on <= on:
        contact.next_touch_on = None
        changed = True
    if changed:
        contact.save(update_fields=["last_touch_on", "next_touch_on", "updated_at"])


# ---------------------------------------------------------------- opportunities


@dataclass(frozen=True, kw_only=True)
class OpportunityData:
    company_name: str
    role: str
    link: str = ""
    stage: str = Stage.RESEARCHING
    source: str = ""
    source_group: Group | None = None
    source_contact: Contact | None = None
    notes: str = ""

    def cleaned(self) -> OpportunityData:
        source = _choice(self.source, Source, field="source", blank=True)
        if self.source_group is not None:
            if source == "":
                source = Source.GROUP  # naming the group says where it came from
            elif source != Source.GROUP:
                raise TrackerError("Pick a group only when the source is “A group”.", field="source_group")
        return replace(
            self,
            company_name=_line(self.company_name, field="company", max_length=160, required=True),
            role=_line(self.role, field="role", max_length=160, required=True),
            link=_url(self.link, field="link"),
            stage=_choice(self.stage, Stage, field="stage"),
            source=source,
            notes=_text(self.notes, field="notes", max_length=5000),
        )


def _source_group_check(owner: User, d: OpportunityData, current: Opportunity | None = None) -> None:
    """The source group is one the owner is or was in and may see (404 otherwise, as a
    missing one); the one an opportunity already names stays."""
    from .selectors import picker_groups

    group = d.source_group
    changed = group is not None and (current is None or group.pk != current.source_group_id)
    if changed and group.pk not in {g.pk for g in picker_groups(owner)}:  # type: ignore[union-attr]
        raise TrackerError("No such group.", field="source_group", status=404)


def _column_end(owner: User, stage: str) -> int:
    last = Opportunity.objects.filter(owner=owner, stage=stage).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


def opportunity_create(*, owner: User, data: OpportunityData, at: datetime | None = None) -> Opportunity:
    """A new opportunity at the end of its stage's column, with its first StageChange
    (from nothing to its stage). Raises TrackerError naming the field."""
    d = data.cleaned()
    _mine(d.source_contact, owner, field="source_contact")
    _source_group_check(owner, d)
    moment = at or timezone.now()
    with transaction.atomic():
        company = company_for_name(owner=owner, name=d.company_name)
        if company is None:  # pragma: no cover - cleaned() refused a blank name
            raise TrackerError("This cannot be blank.", field="company")
        opp = Opportunity.objects.create(
            owner=owner, company=company, role=d.role, link=d.link, stage=d.stage, source=d.source,
            source_group=d.source_group, source_contact=d.source_contact, notes=d.notes,
            position=_column_end(owner, d.stage), stage_changed_at=moment, created_at=moment,
        )  # fmt: skip
        StageChange.objects.create(opportunity=opp, from_stage="", to_stage=d.stage, changed_at=moment)
    return opp


def opportunity_update(*, opportunity: Opportunity, data: OpportunityData) -> Opportunity:
    """Replaces the opportunity's fields; a new stage is a move (opportunity_move: recorded,
    to the end of the new column)."""
    d = data.cleaned()
    _mine(d.source_contact, opportunity.owner, field="source_contact")
    _source_group_check(opportunity.owner, d, opportunity)
    with transaction.atomic():
        opportunity.company = company_for_name(owner=opportunity.owner, name=d.company_name)  # type: ignore[assignment]
        opportunity.role, opportunity.link, opportunity.source = d.role, d.link, d.source
        opportunity.source_group, opportunity.source_contact = d.source_group, d.source_contact
        opportunity.notes = d.notes
        opportunity.save()
        if d.stage != opportunity.stage:
            opportunity_move(opportunity=opportunity, stage=d.stage)
    return opportunity


def opportunity_move(
    *, opportunity: Opportunity, stage: str, position: int | None = None, at: datetime | None = None
) -> Opportunity:
    """Moves the card to `stage` at `position` (0 = top of the column; None or past the end =
    the bottom), renumbering the column 0, 1, 2... A change of stage is recorded as a
    StageChange at `at` (default now); a move within the column is not. Raises TrackerError
    for an unknown stage or a negative position."""
    stage = _choice(stage, Stage, field="stage")
    if position is not None and position < 0:
        raise TrackerError("The position is 0 (the top) or more.", field="position")
    moment = at or timezone.now()
    with transaction.atomic():
        # Locks the owner's cards of both columns, so two moves at once cannot interleave.
        opp = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        old_stage = opp.stage
        column = list(
            Opportunity.objects.select_for_update()
            .filter(owner_id=opp.owner_id, stage=stage)
            .exclude(pk=opp.pk)
            .order_by("position", "pk")
        )
        at_index = len(column) if position is None else min(position, len(column))
        column.insert(at_index, opp)
        changed: list[Opportunity] = []
        for index, card in enumerate(column):
            if card.position != index or card.pk == opp.pk:
                card.position = index
                changed.append(card)
        if old_stage != stage:
            opp.stage = stage
            opp.stage_changed_at = moment
            StageChange.objects.create(opportunity=opp, from_stage=old_stage, to_stage=stage, changed_at=moment)
            # Close the gap in the column it left.
            rest = (
                Opportunity.objects.filter(owner_id=opp.owner_id, stage=old_stage)
                .exclude(pk=opp.pk)
                .order_by("position", "pk")
            )
            for index, card in enumerate(rest):
                if card.position != index:
                    card.position = index
                    changed.append(card)
        Opportunity.objects.bulk_update(changed, ["position"])
        opp.save(update_fields=["stage", "stage_changed_at", "position", "updated_at"])
    opportunity.stage, opportunity.position = opp.stage, opp.position
    opportunity.stage_changed_at = opp.stage_changed_at
    return opportunity


def opportunity_delete(*, opportunity: Opportunity) -> None:
    """Deletes the opportunity and its stage history; activities and tasks keep going without it."""
    opportunity.delete()


# ---------------------------------------------------------------- activities

# Work that cannot be logged ahead of its day: it is logged once done. Conversations,
# informational interviews and interviews can be booked: a future one is *upcoming*
# (selectors.happened) until its day.
NOT_AHEAD: dict[str, str] = {
    ActivityKind.OUTREACH: "Log an outreach message once it is sent: pick today or earlier.",
    ActivityKind.APPLICATION: "Log an application once it is sent: pick today or earlier.",
    ActivityKind.FOLLOW_UP: "Log a follow-up once it is sent: pick today or earlier.",
    ActivityKind.OFFER: "Log an offer once you have it: pick today or earlier.",
}


@dataclass(frozen=True, kw_only=True)
class ActivityData:
    """`occurred_on` is the owner's local day (None: today where they live). `starts_at`
    (aware) only for an interview with a time; it puts the interview in the private calendar
    feed, `duration_minutes` long (60 when not given), and it sets the day: the day is
    starts_at's date in the owner's time zone, and a different `occurred_on` is refused.
    `contact_name` / `company_name` name the owner's contact or company (matched whatever
    the case, created when new) when the row objects are not given."""

    kind: str
    occurred_on: date | None = None
    starts_at: datetime | None = None
    duration_minutes: int | None = None
    note: str = ""
    contact: Contact | None = None
    contact_name: str = ""
    company: Company | None = None
    company_name: str = ""
    opportunity: Opportunity | None = None
    meeting: Meeting | None = None

    def cleaned(self, owner: User) -> ActivityData:
        from .selectors import today_for, zone_of

        kind = _choice(self.kind, ActivityKind, field="kind")
        if self.starts_at is not None and kind != ActivityKind.INTERVIEW:
            raise TrackerError("Only an interview has a time.", field="starts_at")
        if self.starts_at is not None and timezone.is_naive(self.starts_at):
            raise TrackerError("Give the time with its time zone.", field="starts_at")
        if self.starts_at is not None and not dates.in_range(self.starts_at.date()):
            raise TrackerError(dates.PICK_TEXT, field="starts_at")
        if self.duration_minutes is not None and not 1 <= self.duration_minutes <= 600:
            raise TrackerError("An interview lasts 1 to 600 minutes.", field="duration_minutes")
        day = _day(self.occurred_on, field="occurred_on")
        if self.starts_at is not None:
            local = self.starts_at.astimezone(zone_of(owner)).date()
            if day is not None and day != local:
                raise TrackerError(
                    f"The day ({day.isoformat()}) is not the interview's day where you live "
                    f"({local.isoformat()}): leave the day out, or give the same day.",
                    field="occurred_on",
                )
            day = local
        today = today_for(owner)
        if day is not None and day > today and kind in NOT_AHEAD:
            raise TrackerError(NOT_AHEAD[kind], field="occurred_on")
        return replace(
            self,
            kind=kind,
            occurred_on=day or today,
            note=_text(self.note, field="note", max_length=2000),
            contact_name=_line(self.contact_name, field="contact", max_length=160),
            company_name=_line(self.company_name, field="company", max_length=160),
        )


def _contact_for_name(owner: User, name: str) -> Contact | None:
    if not name:
        return None
    found = Contact.objects.filter(owner=owner, name__iexact=name).order_by("pk").first()
    return found or Contact.objects.create(owner=owner, name=name)


def _activity_fields(owner: User, d: ActivityData) -> dict[str, Any]:
    for row, field in ((d.contact, "contact"), (d.company, "company"), (d.opportunity, "opportunity")):
        _mine(row, owner, field=field)
    contact = d.contact or _contact_for_name(owner, d.contact_name)
    company = d.company or company_for_name(owner=owner, name=d.company_name)
    if company is None and d.opportunity is not None:
        company = d.opportunity.company
    if company is None and contact is not None:
        company = contact.company
    duration = d.duration_minutes if d.starts_at is not None else None
    if d.starts_at is not None and duration is None:
        duration = 60
    return {
        "kind": d.kind, "occurred_on": d.occurred_on, "starts_at": d.starts_at, "duration_minutes": duration,
        "note": d.note, "contact": contact, "company": company, "opportunity": d.opportunity, "meeting": d.meeting,
    }  # fmt: skip


def activity_create(*, owner: User, data: ActivityData) -> Activity:
    """Logs a piece of job-search work; the contact's last touch moves to its day once it has
    happened (an upcoming interview is no touch yet). Raises TrackerError naming the field."""
    from .selectors import happened

    d = data.cleaned(owner)
    with transaction.atomic():
        activity = Activity.objects.create(owner=owner, **_activity_fields(owner, d))
        done = Activity.objects.filter(happened(owner), pk=activity.pk).exists()
        if activity.contact is not None and activity.kind != ActivityKind.OFFER and done:
            contact_touch(contact=activity.contact, on=activity.occurred_on)
    return activity


def activity_update(*, activity: Activity, data: ActivityData) -> Activity:
    """Replaces the activity's fields. Raises TrackerError naming the field."""
    d = data.cleaned(activity.owner)
    with transaction.atomic():
        for key, value in _activity_fields(activity.owner, d).items():
            setattr(activity, key, value)
        activity.save()
    return activity


def activity_delete(*, activity: Activity) -> None:
    activity.delete()


# ---------------------------------------------------------------- tasks


def task_update(
    *,
    task: Task,
    title: str,
    due_on: date | None = None,
    contact: Contact | None = None,
    opportunity: Opportunity | None = None,
) -> Task:
    """Replaces the task's title, due day and links. Raises TrackerError(field=...)."""
    task.title = _line(title, field="title", max_length=200, required=True)
    task.due_on = _day(due_on, field="due_on")
    _mine(contact, task.owner, field="contact")
    _mine(opportunity, task.owner, field="opportunity")
    task.contact, task.opportunity = contact, opportunity
    task.save()
    return task


def task_done_set(*, task: Task, done: bool, at: datetime | None = None) -> Task:
    """Marks the task done (now, or `at`) or open again; saying it twice changes nothing."""
    if done and task.done_at is None:
        task.done_at = at or timezone.now()
    elif not done:
        task.done_at = None
    task.save(update_fields=["done_at", "updated_at"])
    return task


def task_delete(*, task: Task) -> None:
    task.delete()


# ---------------------------------------------------------------- weekly targets

MAX_PER_WEEK = 200


def targets_set(*, owner: User, per_week: dict[str, int]) -> list[WeeklyTarget]:
    """Sets how many activities of each kind the owner aims for each week; 0 removes a
    kind's target, kinds not named stay as they were. Returns the owner's targets, by kind.
    Raises TrackerError for an unknown kind or a number outside 0..MAX_PER_WEEK."""
    for kind, n in per_week.items():
        _choice(kind, ActivityKind, field="kind")
        if not 0 <= n <= MAX_PER_WEEK:
            raise TrackerError(f"A weekly target is 0 to {MAX_PER_WEEK}.", field=kind)
    with transaction.atomic():
        for kind, n in per_week.items():
            if n == 0:
                WeeklyTarget.objects.filter(owner=owner, kind=kind).delete()
            else:
                WeeklyTarget.objects.update_or_create(owner=owner, kind=kind, defaults={"per_week": n})
    return list(WeeklyTarget.objects.filter(owner=owner).order_by("kind"))
