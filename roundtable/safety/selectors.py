"""Reads for the moderation pages: each a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from roundtable.accounts.models import User

from . import content
from .audit import events_for_group, events_for_operators
from .models import AuditEvent, Hidden, Mute, Report, ReportStatus

PAGE_SIZE = 50
QUEUE_SIZE = 100


@dataclass
class ReportRow:
    report: Report
    excerpt: str
    hidden: bool
    where: str


def _rows(reports: list[Report]) -> list[ReportRow]:
    words = content.excerpts((r.kind, r.object_pk) for r in reports if r.kind in content.CONTENT_KINDS)
    kinds = {r.kind for r in reports}
    hidden = set(
        Hidden.objects.filter(kind__in=kinds, object_pk__in=[r.object_pk for r in reports]).values_list(
            "kind", "object_pk"
        )
    ) if reports else set()  # fmt: skip
    return [
        ReportRow(
            r,
            words.get((r.kind, r.object_pk), ""),
            (r.kind, r.object_pk) in hidden,
            content.where(r.kind, r.object_ref),
        )
        for r in reports
    ]


def _reports(where: Q) -> QuerySet[Report]:
    return Report.objects.filter(where).select_related("reporter__profile", "subject__profile", "group")


def open_reports(group_id: int | None) -> list[ReportRow]:
    """A group's open reports (None: the site-wide ones), oldest first: at most QUEUE_SIZE."""
    where = Q(status=ReportStatus.OPEN) & (Q(group_id=group_id) if group_id is not None else Q(group__isnull=True))
    return _rows(list(_reports(where).order_by("updated_at", "pk")[:QUEUE_SIZE]))


def recently_decided(group_id: int | None, count: int = 20) -> list[ReportRow]:
    where = ~Q(status=ReportStatus.OPEN) & (Q(group_id=group_id) if group_id is not None else Q(group__isnull=True))
    return _rows(list(_reports(where).order_by("-decided_at", "-pk")[:count]))


@dataclass
class HiddenRow:
    hidden: Hidden
    excerpt: str


def hidden_content(group_id: int | None) -> list[HiddenRow]:
    """Hidden content of a group (None: of every group and none: operators see it all)."""
    rows = Hidden.objects.select_related("hidden_by__profile", "author__profile", "group")
    if group_id is not None:
        rows = rows.filter(group_id=group_id)
    found = list(rows[:QUEUE_SIZE])
    words = content.excerpts((h.kind, h.object_pk) for h in found)
    return [HiddenRow(h, words.get((h.kind, h.object_pk), "")) for h in found]


def mutes_of(group_id: int) -> list[Mute]:
    now = timezone.now()
    return list(
        Mute.objects.filter(group_id=group_id)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .select_related("user__profile")
        .order_by("created_at", "pk")
    )


def group_log(group_id: int) -> QuerySet[AuditEvent]:
    return events_for_group(group_id).select_related("actor__profile", "subject__profile")


@dataclass
class LogFilters:
    action: str = ""
    group: str = ""  # a group's slug
    person: str = ""  # a person's public id: as actor or subject
    since: date | None = None
    until: date | None = None


def operator_log(f: LogFilters) -> QuerySet[AuditEvent]:
    rows = events_for_operators().select_related("actor__profile", "subject__profile")
    if f.action:
        rows = rows.filter(action=f.action) if "." in f.action else rows.filter(action__startswith=f.action + ".")
    if f.group:
        rows = rows.filter(group__slug=f.group)
    if f.person:
        rows = rows.filter(Q(actor__public_id=f.person) | Q(subject__public_id=f.person))
    if f.since:
        rows = rows.filter(at__gte=datetime.combine(f.since, time(0), tzinfo=UTC))
    if f.until:
        rows = rows.filter(at__lt=datetime.combine(f.until + timedelta(days=1), time(0), tzinfo=UTC))
    return rows


def reports_by(user: User) -> QuerySet[Report]:
    return Report.objects.filter(reporter=user).order_by("-updated_at", "-pk")


def person_state(group_id: int, person: Any) -> dict[str, Any]:
    from roundtable.groups.models import Membership

    return {
        "membership": Membership.objects.filter(group_id=group_id, user=person).first(),
        "mute": Mute.objects.filter(group_id=group_id, user=person)
        .filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))
        .first(),
    }
