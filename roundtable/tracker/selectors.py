"""Reads of a person's tracker. Every function takes the owner and reads only their rows
(design: "Owner-only data"); `*_of(owner, public_id)` answers Http404 for an id that is
missing, malformed or someone else's, the same answer in every case.

Lists do their own select_related, so a page costs a fixed number of queries whatever the
number of rows (tests/tracker/test_query_counts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core.ids import is_public_id
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group
from roundtable.meetings import permissions as meeting_perms
from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus

from .models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    Activity,
    ActivityKind,
    Company,
    Contact,
    Opportunity,
    OwnedRow,
    Stage,
    StageChange,
    Task,
    WeeklyTarget,
)

PAGE_SIZE = 50


def _one[R: OwnedRow](qs: QuerySet[R], owner: User, public_id: str, what: str) -> R:
    if not owner.is_authenticated or not is_public_id(str(public_id)):
        raise Http404(f"No such {what}.")
    row = qs.filter(owner=owner, public_id=public_id).first()
    if row is None:
        raise Http404(f"No such {what}.")
    return row


def company_of(owner: User, public_id: str) -> Company:
    return _one(Company.objects.all(), owner, public_id, "company")


def contact_of(owner: User, public_id: str) -> Contact:
    qs = Contact.objects.select_related("company", "meeting__group", "group")
    return _one(qs, owner, public_id, "contact")


def opportunity_of(owner: User, public_id: str) -> Opportunity:
    qs = Opportunity.objects.select_related("company", "source_contact", "source_group")
    return _one(qs, owner, public_id, "opportunity")


def activity_of(owner: User, public_id: str) -> Activity:
    """One activity of the owner's, with `upcoming` as in `activities`."""
    qs = activities(owner) if owner.is_authenticated else Activity.objects.none()
    return _one(qs, owner, public_id, "activity")


def task_of(owner: User, public_id: str) -> Task:
    return _one(Task.objects.select_related("contact", "opportunity__company"), owner, public_id, "task")


def meeting_tasks(owner: User, meeting: Meeting) -> list[Task]:
    """The owner's tasks tied to the meeting (a reflection's follow-ups), oldest first."""
    return list(Task.objects.filter(owner=owner, meeting=meeting).order_by("pk"))


# ---------------------------------------------------------------- the owner's day and week


def zone_of(owner: User) -> ZoneInfo:
    """The owner's own time zone (Profile.time_zone), UTC when unknown."""
    profile = getattr(owner, "profile", None)
    try:
        return ZoneInfo(getattr(profile, "time_zone", "") or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def today_for(owner: User, now: datetime | None = None) -> date:
    """Today's date where the owner lives."""
    return (now or timezone.now()).astimezone(zone_of(owner)).date()


def week_of(day: date) -> tuple[date, date]:
    """(Monday, Sunday) of the week holding `day`. Activity days are the owner's local dates,
    so a week is seven local days whatever daylight saving does to its length in hours."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


# ---------------------------------------------------------------- done or upcoming (one rule)


def happened(owner: User, *, now: datetime | None = None) -> Q:
    """The one rule for an activity that has happened: its day is today or earlier where the
    owner lives, and its start moment (an interview's time), if any, is not after now. Every
    other activity is *upcoming*: listed as such, and left out of every count (weekly
    progress, targets, the live room's status, the insights) until it happens."""
    moment = now or timezone.now()
    return Q(occurred_on__lte=today_for(owner, moment)) & (Q(starts_at__isnull=True) | Q(starts_at__lte=moment))


def done_activities(owner: User, *, now: datetime | None = None) -> QuerySet[Activity]:
    """The owner's activities that have happened (`happened`): what every count reads."""
    return Activity.objects.filter(happened(owner, now=now), owner=owner)


def upcoming_activities(owner: User, *, now: datetime | None = None, limit: int = 10) -> list[Activity]:
    """The owner's activities still to come, soonest first. One query."""
    qs = Activity.objects.filter(owner=owner).exclude(happened(owner, now=now))
    qs = qs.select_related("contact", "company", "opportunity__company", "meeting")
    return list(qs.order_by("occurred_on", F("starts_at").asc(nulls_last=True), "pk")[:limit])


def recent_activities(owner: User, *, now: datetime | None = None, limit: int = 5) -> list[Activity]:
    """The owner's latest activities that have happened, latest first. One query."""
    qs = done_activities(owner, now=now).select_related("contact", "company")
    return list(qs.order_by("-occurred_on", "-pk")[:limit])


@dataclass(frozen=True)
class Progress:
    kind: str
    label: str
    done: int
    target: int

    @property
    def met(self) -> bool:
        return self.done >= self.target

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.target)) if self.target else 0


def week_progress(owner: User, *, now: datetime | None = None) -> tuple[date, list[Progress]]:
    """This week's Monday and, for each kind with a target (in ActivityKind order), how many
    activities of that kind the owner did this week (Monday to Sunday in their own time
    zone; upcoming ones do not count yet) against the target. Two queries."""
    monday, sunday = week_of(today_for(owner, now))
    targets = {t.kind: t.per_week for t in WeeklyTarget.objects.filter(owner=owner)}
    if not targets:
        return monday, []
    counts = dict(
        done_activities(owner, now=now)
        .filter(occurred_on__range=(monday, sunday), kind__in=list(targets))
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    return monday, [
        Progress(kind, str(label), counts.get(kind, 0), targets[kind])
        for kind, label in ActivityKind.choices
        if kind in targets
    ]


# ---------------------------------------------------------------- lists


def contacts(owner: User, *, q: str = "") -> QuerySet[Contact]:
    """The owner's contacts, next touch due first (soonest, then those with none), then by
    name. `q` matches the name, company, role or email (any case)."""
    qs = Contact.objects.filter(owner=owner).select_related("company")
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(company__name__icontains=q) | Q(role__icontains=q) | Q(email__icontains=q)
        )
    return qs.order_by(F("next_touch_on").asc(nulls_last=True), "name", "pk")


def companies(owner: User) -> QuerySet[Company]:
    """The owner's companies by name, each with `n_contacts` and `n_opportunities`."""
    return (
        Company.objects.filter(owner=owner)
        .annotate(
            n_contacts=Count("contacts", distinct=True),
            n_opportunities=Count("opportunities", distinct=True),
        )
        .order_by("name", "pk")
    )


def company_detail(company: Company) -> dict[str, list[object]]:
    """A company's contacts and opportunities (two queries)."""
    return {
        "contacts": list(company.contacts.order_by("name", "pk")),
        "opportunities": list(company.opportunities.order_by("stage", "position", "pk")),
    }


@dataclass
class Column:
    stage: str
    label: str
    closed: bool
    cards: list[Opportunity]


def board(owner: User) -> list[Column]:
    """Every stage's column in the stages' order, each with its cards by position. One query."""
    cards = list(Opportunity.objects.filter(owner=owner).select_related("company").order_by("position", "pk"))
    by_stage: dict[str, list[Opportunity]] = {s: [] for s in Stage.values}
    for card in cards:
        by_stage.setdefault(card.stage, []).append(card)
    return [Column(s.value, str(s.label), s in CLOSED_STAGES, by_stage[s.value]) for s in Stage]


def stage_history(opportunity: Opportunity) -> list[StageChange]:
    return list(opportunity.stage_changes.order_by("changed_at", "pk"))


def activities(owner: User, *, kind: str = "", now: datetime | None = None) -> QuerySet[Activity]:
    """The owner's activities, latest day first, each with `upcoming` (not happened yet: see
    `happened`)."""
    qs = Activity.objects.filter(owner=owner).select_related("contact", "company", "opportunity__company", "meeting")
    done = When(happened(owner, now=now), then=Value(False))
    qs = qs.annotate(upcoming=Case(done, default=Value(True), output_field=BooleanField()))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-occurred_on", "-pk")


def open_tasks(owner: User) -> QuerySet[Task]:
    """Tasks not done yet: those with a due day first (soonest first), then the rest."""
    return (
        Task.objects.filter(owner=owner, done_at__isnull=True)
        .select_related("contact", "opportunity__company")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def done_tasks(owner: User, *, limit: int = 20) -> list[Task]:
    """The latest tasks done, newest first."""
    qs = Task.objects.filter(owner=owner, done_at__isnull=False).select_related("contact")
    return list(qs.order_by("-done_at", "-pk")[:limit])


def tasks_due(owner: User, *, through: date, limit: int = 20) -> list[Task]:
    """Open tasks due on or before `through` (overdue ones included), soonest first. One query."""
    qs = Task.objects.filter(owner=owner, done_at__isnull=True, due_on__isnull=False, due_on__lte=through)
    return list(qs.select_related("contact").order_by("due_on", "pk")[:limit])


def counts(owner: User) -> dict[str, int]:
    """How many of each the owner has (the tracker home's overview). One query per kind."""
    return {
        "contacts": Contact.objects.filter(owner=owner).count(),
        "companies": Company.objects.filter(owner=owner).count(),
        "open_opportunities": Opportunity.objects.filter(owner=owner, stage__in=OPEN_STAGES).count(),
        "activities": Activity.objects.filter(owner=owner).count(),
    }


# ---------------------------------------------------------------- pickers (the quick-add)

PICKER_LIMIT = 200


def picker_contacts(owner: User) -> list[str]:
    """Contact names for the quick-add's list: those touched most recently first."""
    qs = Contact.objects.filter(owner=owner).order_by(F("last_touch_on").desc(nulls_last=True), "name")
    return list(qs.values_list("name", flat=True)[:PICKER_LIMIT])


def picker_companies(owner: User) -> list[str]:
    return list(Company.objects.filter(owner=owner).order_by("name").values_list("name", flat=True)[:PICKER_LIMIT])


def picker_opportunities(owner: User) -> list[Opportunity]:
    qs = Opportunity.objects.filter(owner=owner, stage__in=OPEN_STAGES).select_related("company")
    return list(qs.order_by("company__name", "role", "pk")[:PICKER_LIMIT])


def picker_meetings(owner: User, *, now: datetime | None = None) -> list[Meeting]:
    """Meetings the owner said they were going to, from 60 days ago to a week ahead."""
    moment = now or timezone.now()
    rsvps = Rsvp.objects.filter(
        user=owner,
        status=RsvpStatus.GOING,
        meeting__starts_at__gte=moment - timedelta(days=60),
        meeting__starts_at__lt=moment + timedelta(days=7),
    ).select_related("meeting__group")
    return [r.meeting for r in rsvps.order_by("-meeting__starts_at")[:50]]


def picker_groups(owner: User) -> list[Group]:
    """The groups an opportunity or contact may name: those the owner is or was a member of
    and may still see (groups.permissions.groups_been_in). One query."""
    return group_perms.groups_been_in(owner)


def group_for_owner(owner: User, slug: str) -> Group:
    """One of picker_groups by slug; Http404 for any other (hidden, someone else's, missing)."""
    return group_perms.group_been_in(owner, str(slug))


def _went_to(owner: User, now: datetime | None) -> QuerySet[Rsvp]:
    return Rsvp.objects.filter(
        Q(status=RsvpStatus.GOING) | Q(attended=True), user=owner, meeting__starts_at__lte=now or timezone.now()
    ).exclude(attended=False)


def meetings_went_to(owner: User, *, now: datetime | None = None) -> list[Meeting]:
    """Meetings the owner went to (said going, or was marked there; not marked absent) that
    have started and that they may still see, latest first: where they met a contact. Two
    queries."""
    if not owner.is_authenticated:
        return []
    rsvps = _went_to(owner, now).select_related("meeting__group").order_by("-meeting__starts_at", "-pk")
    meetings = [r.meeting for r in rsvps[:PICKER_LIMIT]]
    seen = group_perms.visible_to(owner, [m.group for m in meetings])
    return [m for m in meetings if m.group_id in seen]


def meeting_went_to(owner: User, public_id: str) -> Meeting:
    """One of the meetings the owner went to and may see; Http404 for any other."""
    meeting = meeting_perms.meeting_for_viewer(owner, public_id)
    if not _went_to(owner, None).filter(meeting=meeting).exists():
        raise Http404("No such meeting.")
    return meeting


def shown_group(owner: User, group: Group | None) -> Group | None:
    """A group a row of the owner's names, while the owner may still see it; else None."""
    return group if group is not None and group_perms.can_view_group(owner, group) else None


def where_met(owner: User, contact: Contact) -> dict[str, object]:
    """The contact's meeting and group as its page shows them: each only while the owner may
    still see it ({"met_meeting", "met_group"}, None where hidden or unset)."""
    group = shown_group(owner, contact.group)
    meeting = contact.meeting
    if meeting is not None and shown_group(owner, meeting.group) is None:
        meeting = None
    return {"met_meeting": meeting, "met_group": group}


def meeting_label(owner: User, meeting: Meeting) -> str:
    """A meeting as pickers name it: its title and its day where the owner lives (the
    group's zone when the owner has none): "Speaker night (Dec 5)"."""
    local = meeting.starts_at.astimezone(_zone_or(owner, meeting.time_zone))
    return f"{meeting.title} ({local:%b} {local.day})"


def _zone_or(owner: User, fallback: str) -> ZoneInfo:
    profile = getattr(owner, "profile", None)
    for name in (getattr(profile, "time_zone", ""), fallback, "UTC"):
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError):
            continue
    return ZoneInfo("UTC")  # pragma: no cover - "UTC" always exists


def meeting_for_owner(owner: User, public_id: str) -> Meeting:
    """A meeting the owner answered (any RSVP) and may still see; Http404 otherwise."""
    meeting = meeting_perms.meeting_for_viewer(owner, public_id)
    if not Rsvp.objects.filter(user=owner, meeting=meeting).exists():
        raise Http404("No such meeting.")
    return meeting


# ---------------------------------------------------------------- calendar


def interviews_for_feed(owner: User, *, since: datetime, until: datetime) -> list[Activity]:
    """The owner's interviews with a time between `since` and `until`, for their private
    calendar feed. One query."""
    qs = Activity.objects.filter(
        owner=owner, kind=ActivityKind.INTERVIEW, starts_at__gte=since, starts_at__lt=until
    ).select_related("company", "opportunity__company", "contact")
    return list(qs.order_by("starts_at", "pk"))
