"""Background work for meetings: change, cancellation, promotion and message emails,
reminders, the weekly digest, and the periodic tick that drives them.

Every email is checked again when it is sent, not when it was asked for: the person must
still be an active member of the group and still going. Reminders, promotions and digests
that must never go twice claim a row (ReminderSent, DigestSent) in the same transaction
as the send; a second claim fails on the unique constraint and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.dispatch import Signal
from django.tasks import TaskContext, TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from roundtable.accounts.models import User
from roundtable.core.email import send_templated
from roundtable.core.retry import Attempt, retry_transient
from roundtable.core.zones import zone_name
from roundtable.groups.models import Format, GroupVisibility, Membership, MembershipState, Topic
from roundtable.groups.places import bounding_box
from roundtable.tracker import selectors as tracker_selectors

from . import ical, permissions
from .models import DigestSent, Meeting, MeetingStatus, ReminderKind, ReminderSent, Rsvp, RsvpStatus

logger = logging.getLogger(__name__)

# Reminder windows, measured from each tick: the tick runs every few minutes, so every
# meeting falls in each window several times; ReminderSent keeps it to one email.
REMINDER_WINDOWS: dict[str, tuple[timedelta, timedelta]] = {
    ReminderKind.DAY_BEFORE: (timedelta(hours=23), timedelta(hours=25)),
    ReminderKind.HOUR_BEFORE: (timedelta(minutes=45), timedelta(minutes=75)),
}
REMINDER_PREFERENCE: dict[str, str] = {
    ReminderKind.DAY_BEFORE: "remind_day_before",
    ReminderKind.HOUR_BEFORE: "remind_hour_before",
}
DIGEST_DAYS = 7
DIGEST_LIMIT = 20
DIGEST_NEAR_KM = 50.0
TICK_EVERY = timedelta(minutes=5)
# Sent at the end of each tick with `now` (an aware datetime): other apps' periodic work that
# follows meetings (journal: "How was it?" after a meeting ends) hangs on it, so meetings
# imports none of them. A receiver that raises is logged and does not stop the others.
ticked = Signal()
# Readiness fails when no tick has finished for this long (meetings/readiness.py).
TICK_LATE = 3 * TICK_EVERY
# A tick running for longer than this lost its worker; a new chain starts (tick_pending).
TICK_RUN_LIMIT = timedelta(hours=1)


# Sending --------------------------------------------------------------------------------


def _send(
    *,
    template: str,
    to: str,
    context: dict[str, Any],
    calendar: bytes | None = None,
    method: str | None = None,
    reply_to: list[str] | None = None,
) -> int:
    return send_templated(
        template=template, to=[to], context=context, calendar=calendar, calendar_method=method, reply_to=reply_to
    )


def _claim_and_send(claim: Callable[[], object], send: Callable[[], int]) -> int:
    """Record that an email went, then send it, in one transaction: a second claim for the
    same email fails on the unique constraint, and a failed send leaves no claim behind. A
    passing "database is locked" is tried again after a short wait (core.retry), still once."""

    def once(attempt: Attempt) -> int:
        with transaction.atomic():
            claim()
            sent = send()
            attempt.sent = True
            return sent

    try:
        return retry_transient(once, what="A meeting email")
    except IntegrityError:
        return 0


# Context shared by the emails about one meeting ----------------------------------------------


def zone_of(user: User, fallback: str) -> str:
    profile = getattr(user, "profile", None)
    name = getattr(profile, "time_zone", "") or fallback
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return fallback
    return name


def _clock(moment: datetime) -> str:
    return moment.strftime("%-I:%M %p").replace(":00 ", " ")


def when(meeting: Meeting, tz: str) -> dict[str, str]:
    """The meeting's time in `tz`, and the group's own time beside it when the clocks differ.
    Zones are named as everywhere else ("Eastern Time", core.zones), not "EST"/"EDT"."""
    start = meeting.starts_at.astimezone(ZoneInfo(tz))
    end = meeting.ends_at.astimezone(ZoneInfo(tz))
    group_start = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone))
    same = start.utcoffset() == group_start.utcoffset()
    return {
        "date": f"{start:%A, %B} {start.day}, {start.year}",
        "short": f"{start:%a, %b} {start.day} at {_clock(start)} {zone_name(tz)}",
        "start": f"{_clock(start)} {zone_name(tz)}",
        "end": f"{_clock(end)} {zone_name(tz)}",
        # One zone name for the pair: "6 PM to 7:30 PM Eastern Time", joined by an en dash.
        "span": f"{_clock(start)} – {_clock(end)} {zone_name(tz)}",
        "group_time": ""
        if same
        else f"{group_start:%a, %b} {group_start.day}, {_clock(group_start)} {zone_name(meeting.time_zone)}",
    }


def _meeting_context(meeting: Meeting, user: User, *, with_place: bool = True) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "group": meeting.group,
        "recipient": user,
        "name": user.display_name,
        "summary": ical.summary_of(meeting),
        "talk": ical.talk_of(meeting),
        "when": when(meeting, zone_of(user, meeting.time_zone)),
        "place": permissions.place_for(user, meeting) if with_place else None,
        "format_label": Format(meeting.format).label if meeting.format in Format.values else "",
        "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
        "ics_url": settings.SITE_URL + reverse("feeds:meeting_ics", args=[meeting.public_id]),
        "preferences_url": settings.SITE_URL + reverse("feeds:mine"),
    }


def _send_about_meeting(
    template: str, meeting: Meeting, user: User, *, method: str, extra: dict[str, Any] | None = None
) -> int:
    context = {**_meeting_context(meeting, user), **(extra or {})}
    calendar = ical.calendar_for([meeting], user, meeting.title, method=method, fallback_zone=meeting.time_zone)
    return _send(
        template=f"meetings/email/{template}", to=user.email, context=context, calendar=calendar, method=method
    )


def _meeting(meeting_id: int) -> Meeting | None:
    return Meeting.objects.select_related("group", "talk").filter(pk=meeting_id).first()


def _active_membership(user_field: str = "user_id", group_field: str = "meeting__group_id") -> Exists:
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef(user_field), group_id=OuterRef(group_field), state=MembershipState.ACTIVE
        )
    )


def going_members(meeting: Meeting) -> list[Rsvp]:
    """Who is going and still an active member of the group, right now."""
    qs = Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING, user__is_active=True)
    return list(qs.filter(_active_membership()).select_related("user__profile").order_by("id"))


def send_each(rsvps: Iterable[Rsvp], send: Callable[[Rsvp], int], *, what: str = "Meeting email") -> int:
    """Call `send` for each RSVP and add up what it returns (emails sent). One person's failed
    send is logged (as `what`) and must not stop the others'."""
    sent = 0
    for rsvp in rsvps:
        try:
            sent += send(rsvp)
        except Exception:
            logger.exception("%s to user %s for meeting %s failed", what, rsvp.user_id, rsvp.meeting_id)
    return sent


# Tasks: one meeting -------------------------------------------------------------------------


@task()
def email_meeting_changed(*, meeting_id: int) -> int:
    """Tell everyone going about a new time or place, with the updated invitation."""
    meeting = _meeting(meeting_id)
    if meeting is None or meeting.is_cancelled or meeting.has_started():
        return 0
    return send_each(
        going_members(meeting), lambda r: _send_about_meeting("changed", meeting, r.user, method="REQUEST")
    )


@task()
def email_meeting_cancelled(*, meeting_id: int) -> int:
    meeting = _meeting(meeting_id)
    if meeting is None or not meeting.is_cancelled or meeting.has_started():
        return 0
    return send_each(
        going_members(meeting), lambda r: _send_about_meeting("cancelled", meeting, r.user, method="CANCEL")
    )


@task()
def email_promoted(*, rsvp_id: int) -> int:
    """Tell the first person waiting that a seat opened up and is now theirs. Sent once."""
    rsvp = Rsvp.objects.select_related("meeting__group", "meeting__talk", "user__profile").filter(pk=rsvp_id).first()
    if rsvp is None or rsvp.status != RsvpStatus.GOING or not rsvp.user.is_active:
        return 0
    meeting = rsvp.meeting
    if meeting.is_cancelled or meeting.has_started():
        return 0
    if not Membership.objects.filter(
        group_id=meeting.group_id, user_id=rsvp.user_id, state=MembershipState.ACTIVE
    ).exists():
        return 0
    return _claim_and_send(
        lambda: ReminderSent.objects.create(
            meeting=meeting, user=rsvp.user, kind=ReminderKind.PROMOTED, starts_at=meeting.starts_at
        ),
        lambda: _send_about_meeting("promoted", meeting, rsvp.user, method="REQUEST"),
    )


@task()
def email_message_going(*, meeting_id: int, sender_id: int, subject: str, body: str) -> int:
    """A facilitator's message to everyone going; replies go to the facilitator."""
    meeting = _meeting(meeting_id)
    sender = User.objects.select_related("profile").filter(pk=sender_id, is_active=True).first()
    if meeting is None or sender is None or not permissions.can_manage(sender, meeting):
        return 0
    extra = {"sender": sender, "sender_name": sender.display_name, "subject": subject, "body": body}

    def send(rsvp: Rsvp) -> int:
        context = {**_meeting_context(meeting, rsvp.user, with_place=False), **extra}
        return _send(template="meetings/email/message", to=rsvp.user.email, context=context, reply_to=[sender.email])

    recipients = [r for r in going_members(meeting) if r.user_id != sender.pk]
    return send_each(recipients, send)


# Reminders -------------------------------------------------------------------------------------


def due_reminders(kind: str, now: datetime) -> QuerySet[Rsvp]:
    """RSVPs owed a reminder of this kind now: going, still a member, wanting it, not yet
    sent for the meeting's current start (a reminder sent before a move does not count)."""
    lo, hi = REMINDER_WINDOWS[kind]
    sent = ReminderSent.objects.filter(
        meeting_id=OuterRef("meeting_id"),
        user_id=OuterRef("user_id"),
        kind=kind,
        starts_at=OuterRef("meeting__starts_at"),
    )
    return (
        Rsvp.objects.filter(
            status=RsvpStatus.GOING,
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__starts_at__gt=now + lo,
            meeting__starts_at__lte=now + hi,
            user__is_active=True,
            **{f"user__profile__{REMINDER_PREFERENCE[kind]}": True},
        )
        .filter(_active_membership())
        .exclude(Exists(sent))
        .select_related("meeting__group", "meeting__talk", "user__profile")
        .order_by("meeting__starts_at", "id")
    )


def send_due_reminders(now: datetime | None = None) -> int:
    """The day-before and hour-before reminders that are due; returns how many went."""
    moment = now or timezone.now()
    sent = 0
    for kind in REMINDER_WINDOWS:

        def send(rsvp: Rsvp, kind: str = kind) -> int:
            return _claim_and_send(
                lambda: ReminderSent.objects.create(
                    meeting_id=rsvp.meeting_id, user_id=rsvp.user_id, kind=kind, starts_at=rsvp.meeting.starts_at
                ),
                lambda: _send_about_meeting(
                    "reminder", rsvp.meeting, rsvp.user, method="REQUEST", extra={"kind": kind}
                ),
            )

        sent += send_each(list(due_reminders(kind, moment)), send)
    return sent


# Weekly digest ---------------------------------------------------------------------------------


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _digest_meetings(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    topics = Prefetch("talk__topics", queryset=Topic.objects.order_by("name"))
    return qs.select_related("group", "talk").prefetch_related(topics).order_by("starts_at", "id")


def digest_for(user: User, now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """The week ahead: scheduled meetings of the person's groups, and talks on the topics
    they follow in listed groups they are not in (near them or online)."""
    end = now + timedelta(days=DIGEST_DAYS)
    window = Q(status=MeetingStatus.SCHEDULED, starts_at__gte=now, starts_at__lt=end)
    my_groups = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("group_id")
    mine = list(_digest_meetings(Meeting.objects.filter(window, group_id__in=my_groups))[:DIGEST_LIMIT])
    profile = user.profile
    interests = profile.interests.values("id")
    shut_out = Membership.objects.filter(user=user, state=MembershipState.BANNED).values("group_id")
    talks_qs = (
        Meeting.objects.filter(window, group__visibility=GroupVisibility.LISTED, talk__topics__in=interests)
        .exclude(group_id__in=my_groups)
        .exclude(group_id__in=shut_out)
    )
    if profile.latitude is not None and profile.longitude is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(profile.latitude, profile.longitude, DIGEST_NEAR_KM)
        near = Q(
            group__latitude__gte=min_lat,
            group__latitude__lte=max_lat,
            group__longitude__gte=min_lon,
            group__longitude__lte=max_lon,
        )
        talks_qs = talks_qs.filter(near | Q(format__in=[Format.VIRTUAL, Format.HYBRID]))
    ids = talks_qs.values("id").distinct()
    talks = list(_digest_meetings(Meeting.objects.filter(id__in=ids))[:DIGEST_LIMIT])
    return mine, talks


def _digest_item(meeting: Meeting, user: User, tz: str) -> dict[str, Any]:
    talk = ical.talk_of(meeting)
    return {
        "meeting": meeting,
        "summary": ical.summary_of(meeting),
        "group": meeting.group,
        "talk": talk,
        "topics": [t.name for t in talk.topics.all()] if talk is not None else [],
        "when": when(meeting, tz),
        "format_label": Format(meeting.format).label if meeting.format in Format.values else "",
        "url": settings.SITE_URL + meeting.get_absolute_url(),
    }


def _send_digest(user: User, week: str, moment: datetime) -> int:
    mine, talks = digest_for(user, moment)
    # The person's own open tasks due in the week ahead (or overdue), by their own calendar:
    # read for them alone, as every tracker read is (tracker.selectors, owner-only).
    today = tracker_selectors.today_for(user, moment)
    tasks = tracker_selectors.tasks_due(user, through=today + timedelta(days=DIGEST_DAYS - 1), limit=DIGEST_LIMIT)
    if not mine and not talks and not tasks:
        return 0
    tz = zone_of(user, "UTC")
    context = {
        "recipient": user,
        "name": user.display_name,
        "mine": [_digest_item(m, user, tz) for m in mine],
        "talks": [_digest_item(m, user, tz) for m in talks],
        "count": len(mine) + len(talks),
        "tasks": [
            {"title": t.title, "due_on": t.due_on, "overdue": t.due_on is not None and t.due_on < today} for t in tasks
        ],
        "tasks_url": settings.SITE_URL + reverse("tracker:tasks"),
        "agenda_url": settings.SITE_URL + reverse("meetings:agenda"),
        "talks_url": settings.SITE_URL + reverse("meetings:talks"),
        "preferences_url": settings.SITE_URL + reverse("feeds:mine"),
    }
    return _claim_and_send(
        lambda: DigestSent.objects.create(user=user, week=week),
        lambda: _send(template="meetings/email/digest", to=user.email, context=context),
    )


def send_weekly_digest(now: datetime | None = None) -> int:
    """One digest per person per ISO week, to those who want it and have something in it."""
    moment = now or timezone.now()
    week = iso_week(moment)
    done = DigestSent.objects.filter(user_id=OuterRef("pk"), week=week)
    people = list(
        User.objects.filter(is_active=True, profile__weekly_digest=True)
        .exclude(Exists(done))
        .select_related("profile")
        .order_by("id")
    )
    sent = 0
    for user in people:
        try:
            sent += _send_digest(user, week, moment)
        except Exception:
            logger.exception("Weekly digest to user %s failed", user.pk)
    return sent


def _moment(at: str | None) -> datetime | None:
    if not at:
        return None
    parsed = parse_datetime(at)
    if parsed is None or timezone.is_naive(parsed):
        raise ValueError(f"Expected an aware ISO 8601 time, got {at!r}.")
    return parsed


@task()
def send_reminders(*, at: str | None = None) -> int:
    """send_due_reminders as a task; `at` (ISO 8601) stands in for now."""
    return send_due_reminders(_moment(at))


@task()
def send_digest(*, at: str | None = None) -> int:
    """send_weekly_digest as a task; `at` (ISO 8601) stands in for now."""
    return send_weekly_digest(_moment(at))


# The tick ---------------------------------------------------------------------------------------


def is_digest_hour(moment: datetime) -> bool:
    utc = moment.astimezone(UTC)
    return utc.weekday() == 0 and utc.hour == 8


def tick_once(now: datetime | None = None) -> dict[str, int]:
    """One round of the periodic work: top up series, send reminders, and on Monday
    between 08:00 and 09:00 UTC the weekly digest; then whatever hangs on `ticked`."""
    from . import services  # services imports this module (through notifications)

    moment = now or timezone.now()
    created = services.extend_all_series(now=moment)
    reminders = send_due_reminders(moment)
    digests = send_weekly_digest(moment) if is_digest_hour(moment) else 0
    for receiver, result in ticked.send_robust(sender=tick_once, now=moment):
        if isinstance(result, Exception):
            logger.error("Periodic work %r failed in the meetings tick", receiver, exc_info=result)
    return {"meetings_created": created, "reminders_sent": reminders, "digests_sent": digests}


def tick_pending(now: datetime | None = None, *, besides: str | None = None) -> bool:
    """Whether a tick is waiting to run (now or later) in the task queue, or running since
    less than TICK_RUN_LIMIT (it schedules the next itself). A tick "running" for longer lost
    its worker (killed mid-tick): it will never schedule the next, so it does not count.
    `besides` is the id of a tick result to leave out: the running tick asking for its next."""
    from django_tasks_db.models import DBTaskResult

    moment = now or timezone.now()
    ticks = DBTaskResult.objects.filter(task_path=tick.module_path)
    if besides is not None:
        ticks = ticks.exclude(pk=besides)
    return ticks.filter(
        Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gte=moment - TICK_RUN_LIMIT)
    ).exists()


def ensure_tick_scheduled(*, run_after: datetime | None = None, besides: str | None = None) -> bool:
    """Enqueue the next tick unless one is already waiting or running; True when this call
    enqueued it. Called by every task worker's heartbeat (core/worker.py, through
    meetings/apps.py), so a running worker always has the chain going.
    Two workers racing here may both enqueue; the next round then finds the other's tick
    pending and the chains merge back into one."""
    if tick_pending(besides=besides):
        return False
    (tick.using(run_after=run_after) if run_after is not None else tick).enqueue()
    return True


@task(takes_context=True)
def tick(context: TaskContext) -> dict[str, int]:
    """The periodic chain: do one round, then schedule the next in TICK_EVERY, even after a failure."""
    try:
        return tick_once()
    finally:
        ensure_tick_scheduled(run_after=timezone.now() + TICK_EVERY, besides=str(context.task_result.id))
