"""Every write of reports and moderation (issue 12, items 2 and 3).

Each moderation action checks who acts (permissions), does its work and records
audit_record(action="moderation.<verb>", ...) in the same transaction; people are told after
commit (notifications). Reasons are the moderator's own words, required for warn, mute,
remove, ban and suspend, under core.text's rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core.errors import ServiceError
from roundtable.core.text import TextError, clean_text
from roundtable.groups import services as group_services
from roundtable.groups.models import Group, Membership, MembershipRole, MembershipState
from roundtable.notifications.services import notifications_acted_on, notify

from . import content
from . import notify as kinds
from .audit import audit_record
from .models import AuditEvent, Hidden, Mute, Report, ReportReason, ReportStatus
from .permissions import is_operator, may_moderate_group, may_moderate_report

REPORTS_PER_DAY = 20
MAX_DETAILS = 1000
MAX_REASON = 1000
LONGEST_END = timedelta(days=5 * 365)
NOT_FOUND = "Not found."


class SafetyError(ServiceError):
    """A report or moderation action that cannot be carried out."""


def _text(value: str, *, field: str, required: bool, limit: int) -> str:
    try:
        value = clean_text(value or "", multiline=True, max_length=limit).strip()
    except TextError as exc:
        raise SafetyError(exc.reason, field=field) from None
    if required and not value:
        raise SafetyError("Say why: the person is told, and the log keeps it.", field=field)
    return value


def _end(until: datetime | None, now: datetime) -> datetime | None:
    if until is None:
        return None
    if timezone.is_naive(until):
        raise SafetyError("Give the end as a date and time with its time zone.", field="until")
    if until <= now:
        raise SafetyError("The end must be in the future.", field="until")
    if until > now + LONGEST_END:
        raise SafetyError("The end must be within five years; leave it empty for no end.", field="until")
    return until


# ---------------------------------------------------------------- reports


def _moderators_of(group: Group | None) -> list[User]:
    if group is not None:
        rows = Membership.objects.filter(
            group=group, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR, user__is_active=True
        ).select_related("user")
        return [m.user for m in rows]
    return list(User.objects.filter(is_staff=True, is_active=True))


@transaction.atomic
def report_create(
    *, reporter: User, kind: str, ref: str, reason: str, details: str = "", now: datetime | None = None
) -> tuple[Report, bool]:
    """`reporter` reports the thing `kind`/`ref` (content.target_for). Returns (the report,
    whether it is new). Reporting the same thing again updates the first report (and opens it
    again if it was decided). 404 (NOT_FOUND) for anything missing, their own or not theirs to
    see; 400 for a reason outside ReportReason or bad details; 429 past REPORTS_PER_DAY new
    reports in 24 hours. The moderators are told after commit."""
    now = now or timezone.now()
    target = content.target_for(reporter, kind, ref)
    if target is None:
        raise SafetyError(NOT_FOUND, status=404)
    if reason not in ReportReason.values:
        raise SafetyError("Choose a reason from the list.", field="reason")
    details = _text(details, field="details", required=reason == ReportReason.OTHER, limit=MAX_DETAILS)
    existing = (
        Report.objects.select_for_update().filter(reporter=reporter, kind=target.kind, object_pk=target.pk).first()
    )
    if existing is None:
        recent = Report.objects.filter(reporter=reporter, created_at__gte=now - timedelta(days=1)).count()
        if recent >= REPORTS_PER_DAY:
            raise SafetyError(
                f"You've sent {REPORTS_PER_DAY} reports today. Thank you: try again tomorrow.", status=429
            )
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reporter=reporter, kind=target.kind, object_pk=target.pk, object_ref=target.ref,
                    group=target.group, subject=target.subject, reason=reason, details=details,
                    created_at=now, updated_at=now,
                )  # fmt: skip
        except IntegrityError:  # the same report sent twice at once: the other one stands
            raise SafetyError("You've just reported this.", status=409) from None
        created, reopened = True, True
    else:
        report, created = existing, False
        reopened = report.status != ReportStatus.OPEN
        report.reason, report.details, report.updated_at = reason, details, now
        report.status = ReportStatus.OPEN
        report.decided_by, report.decided_at = None, None
        report.save(update_fields=["reason", "details", "updated_at", "status", "decided_by", "decided_at"])
    if reopened:
        for person in _moderators_of(target.group):
            if person.pk != reporter.pk:
                notify(recipient=person, kind=kinds.REPORT_RECEIVED, subject=report)
    return report, created


@transaction.atomic
def report_decide(*, report: Report, by: User, actioned: bool, outcome: str = "", request: Any = None) -> int:
    """Decide a report, and every other open report of the same thing in the same place:
    action taken, or no breach found. Each reporter is told in fixed words (notify.DECIDED_WORDS).
    404 for someone who does not moderate it; 409 when it was decided already. Returns how many
    reports were decided."""
    if not may_moderate_report(by, report):
        raise SafetyError(NOT_FOUND, status=404)
    outcome = _text(outcome, field="outcome", required=False, limit=MAX_REASON)
    rows = Report.objects.select_for_update().filter(
        kind=report.kind, object_pk=report.object_pk, group=report.group, status=ReportStatus.OPEN
    )
    found = list(rows)
    if not any(r.pk == report.pk for r in found):
        raise SafetyError("This report was already decided.", status=409)
    now = timezone.now()
    status = ReportStatus.ACTIONED if actioned else ReportStatus.DISMISSED
    for r in found:
        r.status, r.outcome, r.decided_by, r.decided_at = status, outcome, by, now
        r.save(update_fields=["status", "outcome", "decided_by", "decided_at"])
        notifications_acted_on(subject=r)
        notify(recipient=r.reporter, kind=kinds.REPORT_DECIDED, subject=r)
    audit_record(
        action="moderation.report_actioned" if actioned else "moderation.report_dismissed",
        actor=by, subject=report.subject, group=report.group, object_type=report.kind,
        object_id=report.object_ref, reason=outcome, request=request,
    )  # fmt: skip
    return len(found)


# ---------------------------------------------------------------- content


def _content_for(by: User, kind: str, ref: str) -> content.Target:
    if kind not in content.CONTENT_KINDS:
        raise SafetyError("Only content can be hidden: a suggestion, story, lesson, reply or note.", field="kind")
    target = content.load(kind, ref)
    if target is None:
        raise SafetyError(NOT_FOUND, status=404)
    allowed = may_moderate_group(by, target.group) if target.group is not None else is_operator(by)
    if not allowed:
        raise SafetyError(NOT_FOUND, status=404)
    return target


def _room_of(target: content.Target) -> int | None:
    if target.kind != "suggestion":
        return None
    from roundtable.live.models import Suggestion

    return Suggestion.objects.filter(pk=target.pk).values_list("turn__roundtable_id", flat=True).first()


def _refresh_room(room_id: int | None) -> None:
    if room_id is not None:
        from roundtable.live.services import room_refresh

        transaction.on_commit(lambda: room_refresh(roundtable_id=room_id))


@transaction.atomic
def content_hide(*, by: User, kind: str, ref: str, reason: str = "", request: Any = None) -> Hidden:
    """Hide a piece of content from every surface (safety.hiding). Hiding it again changes
    nothing. A live-room suggestion leaves every open screen of its room at once."""
    target = _content_for(by, kind, ref)
    reason = _text(reason, field="reason", required=False, limit=MAX_REASON)
    hidden, created = Hidden.objects.get_or_create(
        kind=target.kind,
        object_pk=target.pk,
        defaults={"object_ref": target.ref, "group": target.group, "author": target.subject,
                  "hidden_by": by, "reason": reason},
    )  # fmt: skip
    if created:
        audit_record(
            action="moderation.hide", actor=by, subject=target.subject, group=target.group,
            object_type=target.kind, object_id=target.ref, reason=reason, request=request,
        )  # fmt: skip
        _refresh_room(_room_of(target))
    return hidden


@transaction.atomic
def content_unhide(*, by: User, kind: str, ref: str, reason: str = "", request: Any = None) -> bool:
    """Show hidden content again. Returns whether it was hidden."""
    target = _content_for(by, kind, ref)
    reason = _text(reason, field="reason", required=False, limit=MAX_REASON)
    deleted, _ = Hidden.objects.filter(kind=target.kind, object_pk=target.pk).delete()
    if deleted:
        audit_record(
            action="moderation.unhide", actor=by, subject=target.subject, group=target.group,
            object_type=target.kind, object_id=target.ref, reason=reason, request=request,
        )  # fmt: skip
        _refresh_room(_room_of(target))
    return bool(deleted)


# ---------------------------------------------------------------- people in a group


def _membership(group: Group, by: User, person: User) -> Membership:
    if not may_moderate_group(by, group):
        raise SafetyError(NOT_FOUND, status=404)
    if person.pk == by.pk:
        raise SafetyError("You can't do this to yourself.", status=409)
    m = Membership.objects.filter(group=group, user=person).first()
    if m is None:
        raise SafetyError(NOT_FOUND, status=404)
    if m.is_facilitator and not is_operator(by):
        raise SafetyError("Facilitators can't moderate another facilitator: ask an operator.", status=409)
    return m


def _tell(event: AuditEvent, person: User, group: Group | None, until: datetime | None = None) -> None:
    from .mutes import when

    data: dict[str, str] = {}
    if group is not None:
        data["group"] = group.name
    if until is not None:
        data["until"] = when(until, group.time_zone if group is not None else "UTC")
    notify(recipient=person, kind=kinds.MODERATION_NOTICE, subject=event, actor=None, data=data)


@transaction.atomic
def member_warn(*, group: Group | None, person: User, by: User, reason: str, request: Any = None) -> AuditEvent:
    """Warn someone: they get a notification and an email with the reason. In a group (its
    facilitators), or site-wide (group None: operators only)."""
    if group is not None:
        _membership(group, by, person)
    elif not is_operator(by) or person.pk == by.pk:
        raise SafetyError(NOT_FOUND, status=404)
    reason = _text(reason, field="reason", required=True, limit=MAX_REASON)
    event = audit_record(
        action="moderation.warn", actor=by, subject=person, group=group, reason=reason, request=request
    )
    _tell(event, person, group)
    return event


@transaction.atomic
def member_mute(
    *, group: Group, person: User, by: User, reason: str, until: datetime | None = None, request: Any = None
) -> Mute:
    """Mute someone in the group's live rooms (no suggestions, no questions) until `until`, or
    until unmuted. Muting again changes the end. Takes effect on open sockets at once: the room
    asks on every action (live.services._require_not_muted)."""
    m = _membership(group, by, person)
    if m.state != MembershipState.ACTIVE:
        raise SafetyError("Only members can be muted.", status=409)
    reason = _text(reason, field="reason", required=True, limit=MAX_REASON)
    until = _end(until, timezone.now())
    mute, _ = Mute.objects.update_or_create(group=group, user=person, defaults={"until": until, "by": by})
    event = audit_record(
        action="moderation.mute", actor=by, subject=person, group=group, reason=reason, request=request
    )
    _tell(event, person, group, until)
    return mute


@transaction.atomic
def member_unmute(*, group: Group, person: User, by: User, reason: str = "", request: Any = None) -> bool:
    _membership(group, by, person)
    reason = _text(reason, field="reason", required=False, limit=MAX_REASON)
    deleted, _ = Mute.objects.filter(group=group, user=person).delete()
    if deleted:
        audit_record(action="moderation.unmute", actor=by, subject=person, group=group, reason=reason, request=request)
    return bool(deleted)


@transaction.atomic
def member_remove(*, group: Group, person: User, by: User, reason: str, request: Any = None) -> Membership:
    """Remove a member (they may rejoin as anyone may): groups.services.membership_remove."""
    m = _membership(group, by, person)
    if m.state != MembershipState.ACTIVE:
        raise SafetyError("Only members can be removed.", status=409)
    reason = _text(reason, field="reason", required=True, limit=MAX_REASON)
    m = group_services.membership_remove(membership=m, by=by, ban=False)
    audit_record(action="moderation.remove", actor=by, subject=person, group=group, reason=reason, request=request)
    return m


@transaction.atomic
def member_ban(
    *, group: Group, person: User, by: User, reason: str, until: datetime | None = None, request: Any = None
) -> Membership:
    """Ban someone from the group until `until` (or for good): access ends at once on every
    surface (groups.services.membership_remove: pages, API, feeds, live sockets). After the
    end they count as an ex-member and may rejoin (Membership.ban_in_force)."""
    m = _membership(group, by, person)
    reason = _text(reason, field="reason", required=True, limit=MAX_REASON)
    until = _end(until, timezone.now())
    m = group_services.membership_remove(membership=m, by=by, ban=True, banned_until=until)
    Mute.objects.filter(group=group, user=person).delete()
    event = audit_record(action="moderation.ban", actor=by, subject=person, group=group, reason=reason, request=request)
    _tell(event, person, group, until)
    return m


@transaction.atomic
def member_unban(*, group: Group, person: User, by: User, reason: str = "", request: Any = None) -> Membership:
    m = _membership(group, by, person)
    if m.state != MembershipState.BANNED:
        raise SafetyError("This person isn't banned.", status=409)
    reason = _text(reason, field="reason", required=False, limit=MAX_REASON)
    m = group_services.membership_unban(membership=m, by=by)
    audit_record(action="moderation.unban", actor=by, subject=person, group=group, reason=reason, request=request)
    return m


# ---------------------------------------------------------------- accounts (operators)


@transaction.atomic
def account_suspend(*, person: User, by: User, reason: str, request: Any = None) -> User:
    """Suspend an account (User.is_active False): signed out everywhere at once (sessions and
    API tokens stop authenticating an inactive account), out of every live room
    (accounts.signals.account_deactivated), gone from profiles, matching and notifications.
    Operators only; never another operator or oneself."""
    if not is_operator(by) or person.pk == by.pk or person.is_staff:
        raise SafetyError(NOT_FOUND, status=404)
    reason = _text(reason, field="reason", required=True, limit=MAX_REASON)
    if person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
        audit_record(action="moderation.suspend", actor=by, subject=person, reason=reason, request=request)
    return person


@transaction.atomic
def account_restore(*, person: User, by: User, reason: str = "", request: Any = None) -> User:
    if not is_operator(by) or person.pk == by.pk:
        raise SafetyError(NOT_FOUND, status=404)
    reason = _text(reason, field="reason", required=False, limit=MAX_REASON)
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
        audit_record(action="moderation.restore", actor=by, subject=person, reason=reason, request=request)
    return person
