"""Goals before meetings and reflections after them: a person's own journal.

Owner-only (design: "Owner-only data"): read through `selectors` with the owner; nobody else
ever sees a goal or a single reflection. Facilitators see only a group's aggregates, and
only where at least `health.MIN_CONTRIBUTORS` people contributed (journal/health.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from roundtable.core.ids import new_public_id


class GoalReason(models.TextChoices):
    """Why a person goes to a meeting (one or more)."""

    LEARN_TOPIC = "learn_topic", "Learn the topic"
    MEET_SPEAKER = "meet_speaker", "Meet the speaker"
    MEET_ATTENDEES = "meet_attendees", "Meet particular attendees"
    GET_HELP = "get_help", "Get help with my challenge"
    SUPPORT = "support", "Support"
    OTHER = "other", "Other"


class Goal(models.Model):
    """What the owner wants from one meeting: `reasons` is a list of GoalReason values (at least
    one), `note` a line in their own words. One per owner and meeting; setting it again edits it."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (models.UniqueConstraint("owner", "meeting", name="journal_goal_one_per_meeting"),)

    def __str__(self) -> str:
        return f"Goal for {self.meeting_id}"

    def get_reason_labels(self) -> list[str]:
        """The reasons in words, in the order picked (unknown values left out)."""
        labels = dict(GoalReason.choices)
        return [str(labels[r]) for r in self.reasons if r in labels]


class GoalPerson(models.Model):
    """Someone the owner wants to meet at the meeting: a member going (`person`), or the
    meeting's speaker (`is_speaker`, person empty when the speaker has no account), with why."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_speaker = models.BooleanField(default=False)
    why = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("pk",)
        constraints = (
            models.UniqueConstraint(
                "goal", "person", condition=models.Q(person__isnull=False), name="journal_goalperson_once"
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(is_speaker=True),
                name="journal_goalperson_someone",
            ),
        )

    def __str__(self) -> str:
        return self.why or "someone to meet"


class GoalMet(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Reflection(models.Model):
    """The owner's judgement of a meeting after it ended: `value` 1 to 5, takeaways, whether the
    goal was met. The people met become tracker contacts (ReflectionPerson.contact) and the
    follow-ups tracker tasks (tracker.Task.meeting). One per owner and meeting.

    A reflection that was only dismissed (`dismissed_at` set, `value` empty) stops the prompt
    without recording a value; it counts for nothing in insights or group health."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    takeaways = models.TextField(max_length=3000, blank=True)
    goal_met = models.CharField(max_length=8, choices=GoalMet.choices, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint("owner", "meeting", name="journal_reflection_one_per_meeting"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="journal_reflection_value_1_to_5",
            ),
        )
        indexes = (models.Index(fields=("owner", "created_at"), name="journal_reflection_owner_at"),)

    def __str__(self) -> str:
        return f"Reflection on {self.meeting_id}"


class ReflectionPerson(models.Model):
    """A member the owner met at the meeting; `contact` is the tracker contact it made."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("tracker.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = (models.UniqueConstraint("reflection", "person", name="journal_reflectionperson_once"),)

    def __str__(self) -> str:
        return f"Met {self.person_id}"


class ReflectionPromptSent(models.Model):
    """The "How was it?" email went to this person for this meeting (journal/tasks.py): one
    row per person and meeting, claimed in the same transaction as the send, so it never
    goes twice however often the tick passes."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (models.UniqueConstraint("meeting", "user", name="journal_reflection_prompt_once"),)
        verbose_name_plural = "reflection prompts sent"

    def __str__(self) -> str:
        return f"Reflection prompt to {self.user_id} for {self.meeting_id}"


class LandingThanks(models.Model):
    """A group's facilitators were told that this member landed (journal/landing.py), with the
    member's consent: once per person and group, even when the landing is recorded again."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (models.UniqueConstraint("owner", "group", name="journal_landing_thanks_once"),)
        verbose_name_plural = "landing thanks"

    def __str__(self) -> str:
        return f"Thanks from {self.owner_id} to {self.group_id}"


class SharedStatus(models.Model):
    """A member's status since their last meeting of the group (journal/readiness.py), shared
    with the live room during their turn: shown on every screen of the room. `figures` holds
    readiness.status_for's dict as it was when shared."""

    turn = models.OneToOneField("live.Turn", on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField(default=dict)
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "shared statuses"

    def __str__(self) -> str:
        return f"Status shared for turn {self.turn_id}"


class MeetingValue(models.Model):
    """A meeting's value as its group's facilitators see it (journal/health.py), fixed once its
    answers close (health.ANSWERS_CLOSE_AFTER after it ends): how many values people going gave
    (`answers`) and their sum (`total`). Fixed, so that no later answer or edit moves a figure a
    facilitator has already seen: an average seen at five answers and again at six would give
    away the sixth person's value by difference."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, primary_key=True, related_name="+")
    answers = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    fixed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Value of meeting {self.meeting_id}: {self.answers} answers"


class GroupLandings(models.Model):
    """A group's landing figures as its facilitators see them (journal/health.py): how many of its
    members and former members landed, and the median days it took. Kept, and recomputed only once
    at least health.MIN_CONTRIBUTORS more people have landed since: a median that moved with each
    single landing would give that person's time away by difference (a tester did: 115 days at five
    landings, 116 at six, so about 117 for the sixth)."""

    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, primary_key=True, related_name="+")
    landed = models.PositiveIntegerField()
    median_days = models.PositiveIntegerField()
    fixed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "group landings"

    def __str__(self) -> str:
        return f"Landings of group {self.group_id}: {self.landed}"
