"""The live roundtable of a meeting: its room state, turns and what each turn produced.

The database owns the live state (design: a restart or reconnect loses nothing). Every
change goes through services.py, which bumps Roundtable.version and broadcasts after commit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roundtable.meetings.models import Meeting


class Mode(models.TextChoices):
    TURNS = "turns", "Timed turns (strategic planning)"
    CIRCLE = "circle", "Circle (support)"
    QUESTIONS = "questions", "Question queue (speakers)"


class RoomStatus(models.TextChoices):
    OPEN = "open", "Lobby"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


# The phase plans each mode starts with. A plan is a list of {"key", "label", "seconds"};
# the key "brainstorm" is the phase in which suggestions are taken.
STRATEGIC_PLAN: list[dict[str, Any]] = [
    {"key": "update", "label": "Update", "seconds": 300},
    {"key": "challenge", "label": "Challenge", "seconds": 300},
    {"key": "brainstorm", "label": "Brainstorm", "seconds": 600},
    {"key": "commitments", "label": "Commitments", "seconds": 120},
]
SUPPORT_PLAN: list[dict[str, Any]] = [
    {"key": "share", "label": "Share", "seconds": 300},
    {"key": "reflect", "label": "Reflect", "seconds": 180},
]
BRAINSTORM = "brainstorm"


class Roundtable(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="roundtable")
    mode = models.CharField(max_length=16, choices=Mode.choices)
    status = models.CharField(max_length=16, choices=RoomStatus.choices, default=RoomStatus.OPEN)
    plan = models.JSONField(default=list, blank=True)
    current_turn = models.ForeignKey("live.Turn", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    phase_index = models.PositiveSmallIntegerField(default=0)
    # Start of the current running stretch of the phase (reset on resume), so that
    # elapsed = elapsed_before_pause + (now - phase_started_at) while running.
    phase_started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    elapsed_before_pause = models.FloatField(default=0)
    extra_seconds = models.PositiveIntegerField(default=0)
    # Goes up by one with every change, so clients can drop stale updates.
    version = models.PositiveIntegerField(default=1)
    nudge_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Roundtable of meeting {self.meeting_id} ({self.status})"

    @property
    def is_ended(self) -> bool:
        return self.status == RoomStatus.ENDED

    @property
    def is_live(self) -> bool:
        return self.status in (RoomStatus.RUNNING, RoomStatus.PAUSED)


class Participant(models.Model):
    """Someone in the room, or who was.

    Presence (who turns go to: services._start_next_turn) is a row with left_at unset. A person
    is present from the moment they join from a device (the socket's services.participant_join)
    or a facilitator says so: "Mark here" for a member at the table or on the video call without
    the room open (checked_in_by), "Let someone in" for a walk-in (admitted_by). A reload or a
    dropped connection keeps one's presence, as it keeps one's place: phones sleep and networks
    drop while the person is still at the table, and a turn must not move because of that.
    Presence ends when access is lost (services.access_end) or a facilitator takes back their
    own "Mark here" (services.presence_set).
    """

    roundtable = models.ForeignKey(Roundtable, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    # Set for walk-ins: people who were not going and whom a facilitator let in.
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set while the person is here only on a facilitator's word ("Mark here"): cleared when they
    # join from a device of their own.
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["roundtable", "user"], name="participant_once_per_room")]
        indexes = [models.Index(fields=["roundtable", "joined_at"], name="participant_room_joined_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in roundtable {self.roundtable_id}"

    @property
    def is_present(self) -> bool:
        return self.left_at is None


class TurnStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    ACTIVE = "active", "In the seat"
    DONE = "done", "Done"
    # Passed over by a facilitator (the member was not here when it came round).
    SKIPPED = "skipped", "Skipped"
    # Still waiting when the roundtable ended: nobody passed over it; time ran out.
    NOT_REACHED = "not_reached", "Didn't come round"


class Turn(models.Model):
    roundtable = models.ForeignKey(Roundtable, on_delete=models.CASCADE, related_name="turns")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_turns")
    # Not unique: reordering rewrites positions row by row. Order is (position, id).
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=TurnStatus.choices, default=TurnStatus.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=["roundtable", "user"], name="turn_once_per_room"),
            models.UniqueConstraint(
                fields=["roundtable"], condition=Q(status="active"), name="turn_one_active_per_room"
            ),
        ]
        indexes = [
            models.Index(fields=["roundtable", "position"], name="turn_room_position_idx"),
            models.Index(fields=["user", "status"], name="turn_user_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Turn of {self.user_id} in roundtable {self.roundtable_id} ({self.status})"


class Challenge(models.Model):
    turn = models.OneToOneField(Turn, on_delete=models.CASCADE, related_name="challenge")
    text = models.TextField(max_length=1000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.text[:60]


class Suggestion(models.Model):
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="suggestions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(max_length=500)
    contact = models.CharField(max_length=200, blank=True)
    link = models.URLField(max_length=500, blank=True)
    starred = models.BooleanField(default=False)
    # Who starred it: the member whose turn it is, or a facilitator for them (a member without
    # a device). Either way the star is the member's: it goes into their summary and history.
    starred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["turn", "created_at"], name="suggestion_turn_created_idx")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def starred_for_member(self) -> bool:
        """Starred by someone else (a facilitator) on behalf of the member whose turn it was."""
        return self.starred and self.starred_by_id is not None and self.starred_by_id != self.turn.user_id


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Not reviewed yet"
    DONE = "done", "Done"
    PARTLY = "partly", "Partly done"
    NOT_DONE = "not_done", "Not done"


class Commitment(models.Model):
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="commitments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments")
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The later roundtable in which the owner looked back at it.
    reviewed_in = models.ForeignKey(
        Roundtable, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviewed_commitments"
    )

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["user", "status"], name="commitment_user_status_idx")]

    def __str__(self) -> str:
        return self.text[:60]


class QuestionStatus(models.TextChoices):
    WAITING = "waiting", "Hand raised"
    TAKEN = "taken", "Being answered"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn by the asker"


class Question(models.Model):
    roundtable = models.ForeignKey(Roundtable, on_delete=models.CASCADE, related_name="questions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["roundtable", "status", "created_at"], name="question_room_status_idx")]

    def __str__(self) -> str:
        return self.text[:60]


class HistorySharing(models.Model):
    """A member's choice: may the facilitators of their groups see their roundtable history?"""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="history_sharing")
    share_with_facilitators = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"History sharing of {self.user_id}: {self.share_with_facilitators}"
