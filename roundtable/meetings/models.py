from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from roundtable.core.ids import new_public_id
from roundtable.groups.models import Format, Group, Topic


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class MeetingFields(models.Model):
    """What a meeting and the template of its series have in common."""

    title = models.CharField(max_length=140)
    description = models.TextField(max_length=5000, blank=True)
    networking_before_minutes = models.PositiveSmallIntegerField(default=0)
    main_minutes = models.PositiveSmallIntegerField(default=60)
    networking_after_minutes = models.PositiveSmallIntegerField(default=0)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    accessibility_notes = models.CharField(max_length=500, blank=True)
    video_url = models.URLField(max_length=500, blank=True)
    # Strategic planning: the roundtable and its default turn; support: the circle.
    roundtable_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    turn_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    circle_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def total_minutes(self) -> int:
        return self.networking_before_minutes + self.main_minutes + self.networking_after_minutes


class MeetingSeries(MeetingFields):
    """A recurrence rule in the group's own time zone. Occurrences are Meeting rows,
    generated ahead (see services.series_extend), so each can be edited or cancelled."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="series")
    rule = models.CharField(max_length=300, help_text="An RFC 5545 RRULE, e.g. FREQ=WEEKLY;INTERVAL=2")
    first_start = models.DateTimeField(
        help_text="Wall-clock start of the first occurrence in time_zone, stored with a UTC label: not an instant."
    )
    time_zone = models.CharField(max_length=64)
    # A "this and following" edit splits a series (RFC 5545 practice, as calendar programs do):
    # the new series keeps the rule and first_start, so its occurrences keep their keys
    # (Meeting.occurrence_local), covers only the keys from `from_local` on, and moves each by
    # `shift` on the wall clock.
    from_local = models.DateTimeField(
        null=True, blank=True, help_text="First occurrence key this series covers (wall clock, UTC label)."
    )
    shift = models.DurationField(default=timedelta(0), help_text="Wall-clock move applied to every occurrence.")
    generated_until = models.DateTimeField(null=True, blank=True)
    # No more occurrences: cancelled from a date on, or split (every earlier one exists as a row).
    ended = models.BooleanField(default=False)
    # The series a "this and following" split began from (None for that first series): every
    # series of one recurrence shares it, so a later split can reach the splits after it.
    origin = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="splits",
        help_text="The first series of this recurrence, when this one was split off it.",
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return f"{self.title} ({self.rule})"


class Meeting(MeetingFields):
    # What URLs, emails, calendars and the API call it; the integer id stays inside
    # (roundtable.core.ids says why).
    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    # True only for meetings that existed when numeric addresses were retired (set by
    # migration 0005): only they may still answer /meetings/<int>/ with a redirect.
    had_numeric_address = models.BooleanField(default=False, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings")
    # The occurrence's original local start within its series: identifies it even after a move.
    occurrence_local = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    # Edited on its own: series-wide edits leave it alone.
    detached = models.BooleanField(default=False)
    # iCalendar SEQUENCE: goes up with every change people's calendars should pick up.
    sequence = models.PositiveIntegerField(default=0)
    going_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("starts_at", "id")
        indexes = [
            models.Index(fields=["group", "starts_at"], name="meeting_group_start_idx"),
            models.Index(fields=["starts_at"], name="meeting_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_local"],
                condition=Q(series__isnull=False),
                name="meeting_one_per_occurrence",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.public_id])

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def main_starts_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.networking_before_minutes)

    def has_started(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity


class Talk(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="talk")
    speaker_name = models.CharField(max_length=120)
    # The speaker's account, where the facilitator picked a person (a member of the group or a
    # listed expert, roundtable/speakers) rather than only writing a name: the expert directory
    # lists a person's past talks through it. speaker_name stays the name shown on the talk.
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="talks_given"
    )
    title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=160, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    abstract = models.TextField(max_length=4000, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="talks")
    slides_url = models.URLField(max_length=500, blank=True)
    recording_url = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.title} by {self.speaker_name}"


class RsvpStatus(models.TextChoices):
    GOING = "going", "Going"
    WAITLISTED = "waitlisted", "On the waitlist"
    DECLINED = "declined", "Not going"


class Rsvp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps")
    status = models.CharField(max_length=16, choices=RsvpStatus.choices)
    # Order of arrival on the waitlist; promotion takes the smallest.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_one_per_person")]
        indexes = [
            models.Index(fields=["meeting", "status", "waitlisted_at"], name="rsvp_meeting_status_idx"),
            models.Index(fields=["user", "status"], name="rsvp_user_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.status} for {self.meeting_id}"


def went_q() -> models.Q:
    """RSVPs of the people who were at a meeting: marked as having come (attended True), or going
    where no mark was made (attended None: attendance not taken). Someone marked absent (attended
    False) was not there, even if they said they were going. The one rule for who may reflect,
    whose values a group's health counts, and whose hours the insights add."""
    return models.Q(attended=True) | models.Q(status=RsvpStatus.GOING, attended__isnull=True)


def went(rsvp: Rsvp | None) -> bool:
    """went_q() for one RSVP (None: no RSVP, not there)."""
    return rsvp is not None and (rsvp.attended is True or (rsvp.status == RsvpStatus.GOING and rsvp.attended is None))


class CalendarFeed(models.Model):
    """A private iCalendar feed of the meetings a person is going to. Token stored hashed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day", "The day before"
    HOUR_BEFORE = "hour", "An hour before"
    PROMOTED = "promoted", "Promoted from the waitlist"


class ReminderSent(models.Model):
    """One row per email that must never go twice for one start of a meeting: a meeting
    that moves is owed its reminders again for the new start."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    # The meeting's start when the email went.
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user", "kind", "starts_at"], name="reminder_once_per_start")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder to {self.user} for {self.meeting_id}"


class DigestSent(models.Model):
    """The weekly digest goes once per person per ISO week ("2027-W05")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digest_once_a_week")]

    def __str__(self) -> str:
        return f"Digest {self.week} to {self.user}"
