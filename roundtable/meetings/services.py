"""Every write to meetings, series, talks and RSVPs goes through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core import dates
from roundtable.core.errors import ServiceError
from roundtable.groups.cache import bump_discovery_generation, bump_version
from roundtable.groups.models import Format, Group, Kind, Membership, MembershipState
from roundtable.groups.services import topics_from_names

from . import notifications, recurrence
from .models import Meeting, MeetingFields, MeetingSeries, MeetingStatus, Rsvp, RsvpStatus, Talk

# How far ahead recurring meetings exist as rows (the tick task keeps this topped up).
HORIZON = timedelta(days=183)


class MeetingError(ServiceError):
    """A meeting or RSVP change that cannot be carried out."""


@dataclass
class MeetingData:
    title: str
    start_local: datetime  # naive, in time_zone
    time_zone: str
    main_minutes: int = 60
    networking_before_minutes: int = 0
    networking_after_minutes: int = 0
    description: str = ""
    capacity: int | None = None
    format: str = Format.IN_PERSON
    venue: str = ""
    address: str = ""
    accessibility_notes: str = ""
    video_url: str = ""
    roundtable_minutes: int | None = None
    turn_minutes: int | None = None
    circle_minutes: int | None = None


@dataclass
class TalkData:
    speaker_name: str
    title: str
    organisation: str = ""
    bio: str = ""
    abstract: str = ""
    topics: tuple[str, ...] = field(default_factory=tuple)
    slides_url: str = ""
    recording_url: str = ""
    # The speaker's account (Talk.speaker), or None for a name only.
    speaker: User | None = None


FIELDS = [
    "title", "description", "networking_before_minutes", "main_minutes", "networking_after_minutes", "capacity",
    "format", "venue", "address", "accessibility_notes", "video_url", "roundtable_minutes", "turn_minutes",
    "circle_minutes",
]  # fmt: skip
# Changes to these are worth telling the people who are going.
NOTIFY_FIELDS = {"format", "venue", "address", "video_url", "main_minutes", "networking_before_minutes",
                 "networking_after_minutes"}  # fmt: skip


def _validate(data: MeetingData, *, now: datetime | None = None, allow_past: bool = False) -> None:
    if not data.title.strip():
        raise MeetingError("Give the meeting a title.", field="title")
    if len(data.title) > 140:
        raise MeetingError("Keep the title to 140 characters or fewer.", field="title")
    if data.main_minutes <= 0:
        raise MeetingError("The meeting must end after it starts: give the main part a length.", field="main_minutes")
    total = data.main_minutes + data.networking_before_minutes + data.networking_after_minutes
    if total > 12 * 60:
        raise MeetingError("Meetings last at most 12 hours.", field="main_minutes")
    if data.capacity is not None and data.capacity <= 0:
        raise MeetingError("Capacity must be at least 1, or left empty for no limit.", field="capacity")
    if data.format in (Format.VIRTUAL, Format.HYBRID) and not data.video_url:
        raise MeetingError("Online and hybrid meetings need a video meeting link.", field="video_url")
    if data.video_url and not data.video_url.startswith(("https://", "http://")):
        raise MeetingError("The video link must start with https://", field="video_url")
    if data.start_local.tzinfo is not None:
        # The start is a wall-clock time in time_zone; an offset or "Z" beside it would
        # contradict the zone, so it is refused rather than silently dropped or converted.
        raise MeetingError(
            "Give the start as a local time in the meeting's time zone, without an offset or Z "
            "(for example 2027-03-02T18:00).",
            field="start",
        )
    if not dates.in_range(data.start_local.date()):
        raise MeetingError(f"Pick a date {dates.RANGE_TEXT}.", field="date")
    try:
        starts = recurrence.to_utc(data.start_local, data.time_zone)
    except recurrence.RuleError as exc:
        raise MeetingError(str(exc), field="time_zone") from None
    if not allow_past and starts < (now or timezone.now()):
        raise MeetingError("That time has already passed: pick a future date.", field="start")


def _apply(target: MeetingFields, data: MeetingData) -> list[str]:
    changed = []
    for name in FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = value.strip()
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed.append(name)
    return changed


def _set_times(meeting: Meeting, start_local: datetime, tz: str) -> bool:
    starts = recurrence.to_utc(start_local, tz)
    ends = starts + timedelta(minutes=meeting.total_minutes)
    moved = meeting.starts_at != starts or meeting.ends_at != ends or meeting.time_zone != tz
    meeting.starts_at, meeting.ends_at, meeting.time_zone = starts, ends, tz
    return moved


def _talk_save(meeting: Meeting, talk: TalkData | None) -> None:
    if talk is None:
        return
    if not talk.speaker_name.strip() or not talk.title.strip():
        raise MeetingError("A talk needs a speaker and a title.", field="speaker_name")
    obj, _ = Talk.objects.update_or_create(
        meeting=meeting,
        defaults={
            "speaker_name": talk.speaker_name.strip(), "title": talk.title.strip(),
            "organisation": talk.organisation.strip(), "bio": talk.bio, "abstract": talk.abstract,
            "slides_url": talk.slides_url, "recording_url": talk.recording_url, "speaker": talk.speaker,
        },
    )  # fmt: skip
    obj.topics.set(topics_from_names(talk.topics))


def talk_set(*, meeting: Meeting, talk: TalkData) -> None:
    """Create or replace the meeting's talk (speaker, title, topics, links, the speaker's
    account). MeetingError when the speaker's name or the title is empty."""
    _talk_save(meeting, talk)


@transaction.atomic
def meeting_create(
    *, group: Group, by: User, data: MeetingData, rule: str | None = None, talk: TalkData | None = None,
    now: datetime | None = None,
) -> Meeting:  # fmt: skip
    """Schedule a one-off meeting, or a series (rule) whose first occurrence is returned."""
    _validate(data, now=now)
    # Discovery cards show the group's schedule (selectors.group_schedules).
    bump_discovery_generation()
    if talk is not None and group.kind != Kind.SPEAKERS:
        talk = None
    if rule:
        try:
            rule = recurrence.validate(rule, data.start_local, data.time_zone)
        except recurrence.RuleError as exc:
            raise MeetingError(str(exc), field="rule") from None
        series = MeetingSeries(group=group, rule=rule, first_start=data.start_local.replace(tzinfo=UTC),
                               time_zone=data.time_zone,
                               created_by=by)  # fmt: skip
        _apply(series, data)
        series.save()
        # The first meeting is the start the facilitator chose (RFC 5545: DTSTART is always the
        # first occurrence), even when it lies beyond the horizon (a yearly 29 February).
        first_at = recurrence.to_utc(data.start_local, data.time_zone)
        until = max((now or timezone.now()) + HORIZON, first_at + timedelta(minutes=1))
        created = series_extend(series=series, until=until, now=now)
        first = created[0]
        if talk is not None:
            _talk_save(first, talk)
        return first
    meeting = Meeting(group=group, time_zone=data.time_zone)
    _apply(meeting, data)
    _set_times(meeting, data.start_local, data.time_zone)
    meeting.save()
    _talk_save(meeting, talk)
    return meeting


def series_extend(*, series: MeetingSeries, until: datetime, now: datetime | None = None) -> list[Meeting]:
    """Create the series' occurrences up to `until` that do not exist yet; returns them, oldest first."""
    if series.ended:
        return []
    first_key = (series.from_local or series.first_start).replace(tzinfo=None)
    if series.generated_until is None:
        start = recurrence.to_utc(first_key + series.shift, series.time_zone) - timedelta(seconds=1)
    else:
        # Look back by the shift too: an occurrence whose rule time lies after generated_until
        # may have been moved before it. Existing keys are skipped below.
        start = recurrence.add_clamped(series.generated_until, -abs(series.shift))
    occurrences = recurrence.expand(
        series.rule, series.first_start, series.time_zone, start, until, shift=series.shift,
        from_key=series.from_local.replace(tzinfo=None) if series.from_local else None,
    )  # fmt: skip
    existing = set(
        Meeting.objects.filter(
            series=series, occurrence_local__in=[o.key.replace(tzinfo=UTC) for o in occurrences]
        ).values_list("occurrence_local", flat=True)
    )
    new: list[Meeting] = []
    for occ in occurrences:
        key = occ.key.replace(tzinfo=UTC)  # naive wall clock stored as-is (UTC is only a carrier)
        if key in existing:
            continue
        m = Meeting(group=series.group, series=series, occurrence_local=key, time_zone=series.time_zone)
        for name in FIELDS:
            setattr(m, name, getattr(series, name))
        m.starts_at = occ.starts_at
        m.ends_at = occ.starts_at + timedelta(minutes=series.total_minutes)
        new.append(m)
    Meeting.objects.bulk_create(new)
    series.generated_until = max(until, series.generated_until) if series.generated_until else until
    series.save(update_fields=["generated_until"])
    if not new:
        return []
    keys = [m.occurrence_local for m in new]
    return list(Meeting.objects.filter(series=series, occurrence_local__in=keys).order_by("starts_at", "id"))


def _lineage_after(series: MeetingSeries, key: datetime) -> list[MeetingSeries]:
    """The series of the same recurrence (same origin) that an earlier "this and following"
    edit split off at an occurrence after `key` (wall clock, UTC label), oldest first, locked."""
    root = series.origin_id or series.pk
    return list(
        MeetingSeries.objects.select_for_update()
        .filter(Q(pk=root) | Q(origin_id=root), from_local__gt=key)
        .exclude(pk=series.pk)
        .order_by("from_local", "pk")
    )


def _series_split(series: MeetingSeries, key: datetime) -> MeetingSeries:
    """The series that carries occurrence `key` and all after it, on its own (caller holds
    the series' lock). Like calendar programs (RFC 5545 practice), a "this and following"
    edit ends the old series before `key` and starts a new one at it, so meetings generated
    later follow the edit. A series with no meeting before `key` is not split.

    Splits an earlier edit made after `key` (same origin) are folded into the returned
    series: their meetings move to it (detached single-meeting edits keep their flag) and
    they end, so this edit reaches every later meeting of the recurrence, made now or later.
    The returned series generates on only if the last of them still did."""
    later = _lineage_after(series, key)
    if Meeting.objects.filter(series=series, occurrence_local__lt=key).exists():
        old_pk = series.pk
        new = MeetingSeries.objects.get(pk=old_pk)
        new.pk = None
        new._state.adding = True
        new.from_local, new.created_at = key, timezone.now()
        new.origin_id = series.origin_id or old_pk
        new.save()
        Meeting.objects.filter(series_id=old_pk, occurrence_local__gte=key).update(series=new)
        # Every occurrence before `key` already exists as a row (series are generated in order),
        # so the old series has nothing left to generate.
        MeetingSeries.objects.filter(pk=old_pk).update(ended=True)
    else:
        new = series
    if later:
        Meeting.objects.filter(series__in=later).update(series=new)
        new.ended = later[-1].ended
        stamps = [s.generated_until for s in [new, *later] if s.generated_until is not None]
        new.generated_until = max(stamps) if stamps else None
        new.save(update_fields=["ended", "generated_until"])
        MeetingSeries.objects.filter(pk__in=[s.pk for s in later]).update(ended=True)
    return new


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, by: User, data: MeetingData, scope: str = "one", talk: TalkData | None = None,
    now: datetime | None = None,
) -> Meeting:  # fmt: skip
    """Edit one occurrence, or this one and all that follow in its series (scope="following").

    A "following" edit also holds for the meetings the series generates later (the series is
    split at this occurrence: see _series_split). Raising or removing the capacity promotes
    people from the waitlist at once, in order, with the promotion email.
    Raises MeetingError (409 once the meeting has started, 400 for bad data)."""
    if meeting.has_started(now):
        raise MeetingError("This meeting has already started; it can no longer be changed.", status=409)
    _validate(data, now=now)
    bump_discovery_generation()  # the group's schedule on discovery cards may change
    if scope == "following" and meeting.series_id is not None:
        assert meeting.occurrence_local is not None
        key = meeting.occurrence_local
        series = _series_split(MeetingSeries.objects.select_for_update().get(pk=meeting.series_id), key)
        # The new wall-clock time applies to each following occurrence on its own date.
        shift = data.start_local - key.replace(tzinfo=None)
        _apply(series, data)
        series.shift, series.time_zone = shift, data.time_zone
        series.save()
        targets = list(
            Meeting.objects.select_for_update()
            .filter(series=series, occurrence_local__gte=key)
            .filter(Q(detached=False) | Q(pk=meeting.pk))
            .order_by("starts_at", "id")
        )
    else:
        shift = None
        targets = [Meeting.objects.select_for_update().get(pk=meeting.pk)]
    for target in targets:
        capacity_before = target.capacity
        changed = _apply(target, data)
        if shift is None:
            local = data.start_local
        else:
            assert target.occurrence_local is not None
            local = target.occurrence_local.replace(tzinfo=None) + shift
        moved = _set_times(target, local, data.time_zone)
        # Edited alone, it keeps its own values through later series-wide edits; edited with
        # the ones that follow, it follows the series again.
        target.detached = scope != "following" and target.series_id is not None
        if changed or moved:
            target.sequence += 1
        target.save()
        if _more_seats(capacity_before, target.capacity):
            _promote(target)
            _recount(target)
        if target.pk == meeting.pk:
            _talk_save(target, talk)
        # One email per person per edit: a series-wide change is announced with its first meeting.
        if (moved or NOTIFY_FIELDS.intersection(changed)) and (scope != "following" or target.pk == meeting.pk):
            mid = target.pk
            transaction.on_commit(lambda mid=mid: notifications.meeting_changed(meeting_id=mid))  # type: ignore[misc]
    meeting.refresh_from_db()
    return meeting


def _more_seats(before: int | None, after: int | None) -> bool:
    """Whether a capacity change frees seats: raised, or removed (None is no limit)."""
    return before is not None and (after is None or after > before)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, scope: str = "one", now: datetime | None = None) -> int:
    """Cancel one occurrence, or it and all that follow (and end the series, with every split
    of it that a "this and following" edit made later). Returns how many."""
    if meeting.has_started(now):
        raise MeetingError("This meeting has already started; it can no longer be cancelled.", status=409)
    bump_discovery_generation()  # the group's schedule on discovery cards changes
    if scope == "following" and meeting.series_id is not None:
        # Every series of the recurrence from this one on, including splits that an earlier
        # "this and following" edit made after it (_lineage_after), ends here.
        assert meeting.occurrence_local is not None
        series = MeetingSeries.objects.select_for_update().get(pk=meeting.series_id)
        ids = [series.pk, *(s.pk for s in _lineage_after(series, meeting.occurrence_local))]
        MeetingSeries.objects.filter(pk__in=ids).update(ended=True)
        targets = list(
            Meeting.objects.select_for_update().filter(
                Q(series_id=meeting.series_id, starts_at__gte=meeting.starts_at) | Q(series_id__in=ids[1:])
            )
        )
    else:
        targets = [meeting]
    count = 0
    for target in targets:
        if target.status == MeetingStatus.CANCELLED:
            continue
        target.status = MeetingStatus.CANCELLED
        target.sequence += 1
        target.save(update_fields=["status", "sequence", "updated_at"])
        count += 1
        mid = target.pk
        transaction.on_commit(lambda mid=mid: notifications.meeting_cancelled(meeting_id=mid))  # type: ignore[misc]
    return count


@dataclass
class RsvpResult:
    rsvp: Rsvp
    position: int | None  # place on the waitlist, 1-based


def _recount(meeting: Meeting) -> tuple[int, int]:
    going = Rsvp.objects.filter(meeting_id=meeting.pk, status=RsvpStatus.GOING).count()
    waiting = Rsvp.objects.filter(meeting_id=meeting.pk, status=RsvpStatus.WAITLISTED).count()
    Meeting.objects.filter(pk=meeting.pk).update(going_count=going, waitlist_count=waiting)
    # The counts bypass save() (no signal, no discovery generation: RSVPs are too frequent to
    # make every discovery entry stale); the meeting's cached anonymous page is keyed on this.
    bump_version(rsvp_version_name(meeting.public_id))
    return going, waiting


def rsvp_version_name(public_id: str) -> str:
    """The name of the version (groups.cache.version) a meeting's RSVP counts change."""
    return f"meeting-rsvps:{public_id}"


def waitlist_position(rsvp: Rsvp) -> int | None:
    if rsvp.status != RsvpStatus.WAITLISTED:
        return None
    ahead = Rsvp.objects.filter(
        meeting_id=rsvp.meeting_id, status=RsvpStatus.WAITLISTED, waitlisted_at__lt=rsvp.waitlisted_at
    ).count()
    return ahead + 1


@transaction.atomic
def rsvp_set(*, meeting: Meeting, user: User, going: bool, now: datetime | None = None) -> RsvpResult:
    """Say going (or join the waitlist when full) or not going. Capacity is enforced under a
    row lock on the meeting, so simultaneous answers can never overfill it."""
    if not Membership.objects.filter(group_id=meeting.group_id, user=user, state=MembershipState.ACTIVE).exists():
        raise MeetingError("Join the group to RSVP to its meetings.", status=403)
    # Every RSVP write to this meeting waits here, so the work below sees a stable count.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    # Stamp arrival only once the lock is held: waitlist order is the order answers were counted.
    moment = now or timezone.now()
    if locked.status == MeetingStatus.CANCELLED:
        raise MeetingError("This meeting was cancelled.", status=409)
    if locked.has_started(moment):
        raise MeetingError("RSVP closed when the meeting started.", status=409)
    rsvp = Rsvp.objects.filter(meeting=locked, user=user).first()
    previous = rsvp.status if rsvp else None
    if going:
        if previous in (RsvpStatus.GOING, RsvpStatus.WAITLISTED):
            assert rsvp is not None
            return RsvpResult(rsvp, waitlist_position(rsvp))
        # Seats freed some other way go to the people waiting first, never to a newcomer.
        _promote(locked)
        going_now = Rsvp.objects.filter(meeting=locked, status=RsvpStatus.GOING).count()
        full = locked.capacity is not None and going_now >= locked.capacity
        status = RsvpStatus.WAITLISTED if full else RsvpStatus.GOING
        if rsvp is None:
            rsvp = Rsvp.objects.create(meeting=locked, user=user, status=status,
                                       waitlisted_at=moment if full else None)  # fmt: skip
        else:
            rsvp.status, rsvp.waitlisted_at = status, (moment if full else None)
            rsvp.save(update_fields=["status", "waitlisted_at", "updated_at"])
    else:
        if rsvp is None:
            rsvp = Rsvp.objects.create(meeting=locked, user=user, status=RsvpStatus.DECLINED)
        elif previous != RsvpStatus.DECLINED:
            rsvp.status, rsvp.waitlisted_at = RsvpStatus.DECLINED, None
            rsvp.save(update_fields=["status", "waitlisted_at", "updated_at"])
        if previous == RsvpStatus.GOING:
            _promote(locked)
    _recount(locked)
    return RsvpResult(rsvp, waitlist_position(rsvp))


def _promote(meeting: Meeting) -> None:
    """Fill free seats from the waitlist, first come first served (caller holds the lock)."""
    if meeting.capacity is None:
        free = None
    else:
        free = meeting.capacity - Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING).count()
        if free <= 0:
            return
    waiting = Rsvp.objects.select_for_update().filter(meeting=meeting, status=RsvpStatus.WAITLISTED)
    waiting = waiting.order_by("waitlisted_at", "id")
    for r in waiting[:free] if free is not None else waiting:
        r.status, r.waitlisted_at = RsvpStatus.GOING, None
        r.save(update_fields=["status", "waitlisted_at", "updated_at"])
        rid = r.pk
        transaction.on_commit(lambda rid=rid: notifications.promoted(rsvp_id=rid))  # type: ignore[misc]


@transaction.atomic
def rsvp_withdraw_all(*, group: Group, user: User) -> None:
    """When someone leaves a group: free their seats in its upcoming meetings."""
    upcoming = Meeting.objects.select_for_update().filter(group=group, starts_at__gt=timezone.now())
    for meeting in upcoming.filter(rsvps__user=user, rsvps__status__in=[RsvpStatus.GOING, RsvpStatus.WAITLISTED]):
        rsvp_was_going = Rsvp.objects.filter(meeting=meeting, user=user, status=RsvpStatus.GOING).exists()
        Rsvp.objects.filter(meeting=meeting, user=user).update(status=RsvpStatus.DECLINED, waitlisted_at=None)
        if rsvp_was_going:
            _promote(meeting)
        _recount(meeting)


@transaction.atomic
def capacity_set(*, meeting: Meeting, capacity: int | None) -> Meeting:
    """Set the capacity (None: no limit); freed seats go to the waitlist at once, in order."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    locked.capacity = capacity
    locked.save(update_fields=["capacity", "updated_at"])
    _promote(locked)
    _recount(locked)
    locked.refresh_from_db()
    return locked


def attendance_mark(*, meeting: Meeting, user_id: int, attended: bool | None, now: datetime | None = None) -> int:
    """Mark whether someone came (True), did not (False) or unknown (None). Returns the
    rows marked (0: they never answered). MeetingError (409) before the meeting starts:
    nobody has come or failed to come yet (issue 9)."""
    if not meeting.has_started(now):
        raise MeetingError("You can mark who came once the meeting has started.", status=409)
    return Rsvp.objects.filter(meeting=meeting, user_id=user_id).update(attended=attended)


def meeting_message(*, meeting: Meeting, by: User, subject: str, body: str) -> None:
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise MeetingError("Write a subject and a message.", field="body")
    if len(subject) > 150 or len(body) > 5000:
        raise MeetingError("Keep the subject under 150 and the message under 5,000 characters.", field="body")
    mid, uid = meeting.pk, by.pk
    transaction.on_commit(
        lambda: notifications.message_going(meeting_id=mid, sender_id=uid, subject=subject, body=body)
    )


def extend_all_series(*, now: datetime | None = None) -> int:
    """Top up every open series to the horizon; returns how many meetings were created."""
    until = (now or timezone.now()) + HORIZON
    total = 0
    for series in MeetingSeries.objects.filter(ended=False).exclude(generated_until__gte=until - timedelta(days=7)):
        with transaction.atomic():
            total += len(series_extend(series=series, until=until, now=now))
    return total


def talk_links_set(*, meeting: Meeting, by: User, slides_url: str, recording_url: str) -> Talk:
    """Slides and recording usually arrive after the talk: allowed at any time, unlike edits."""
    talk = Talk.objects.filter(meeting=meeting).first()
    if talk is None:
        raise MeetingError("This meeting has no talk.", status=404)
    for url in (slides_url, recording_url):
        if url and not url.startswith(("https://", "http://")):
            raise MeetingError("Links must start with https://", field="slides_url")
    talk.slides_url, talk.recording_url = slides_url.strip(), recording_url.strip()
    talk.save(update_fields=["slides_url", "recording_url"])
    return talk
