"""Introductions between members (double opt-in) and the asks a person refuses for good.

An introduction joins three active members of one group: the asker, who wants to meet the
target; the introducer, who knows both and passes the ask on; and the target. A member's ask
starts with the asker's consent (they asked) and needs the introducer's and then the target's;
a facilitator's proposal starts with the introducer's (the facilitator proposed it) and needs
both others', in any order. Nothing about either person beyond what each may already see
passes until all three have said yes (`accepted_at`): then each becomes a contact in the
other's tracker (`asker_contact`, `target_contact`) with the other's email.

Who sees an introduction, and what of it, is network/permissions.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from roundtable.core.ids import new_public_id


class IntroStatus(models.TextChoices):
    OPEN = "open", "Waiting for answers"
    ACCEPTED = "accepted", "Accepted by everyone"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Role(models.TextChoices):
    ASKER = "asker", "Asker"
    INTRODUCER = "introducer", "Introducer"
    TARGET = "target", "Target"


class ClosedBy(models.TextChoices):
    """Why an introduction closed without everyone's yes. The asker is never told which:
    to them every one of these reads "not possible at the moment"."""

    NONE = "", "Not closed"
    INTRODUCER = "introducer", "The introducer declined"
    TARGET = "target", "The target declined"
    ASKER = "asker", "The asker declined a proposal"
    BLOCKED = "blocked", "Refused: the asker may not ask this person"


class Introduction(models.Model):
    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    introducer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # A facilitator's proposal (the introducer proposed it; asker and target both answer).
    proposed = models.BooleanField(default=False)
    asker_note = models.CharField(max_length=500, blank=True)
    introducer_note = models.CharField(max_length=500, blank=True)
    # When each person said yes (the asker's at asking, the introducer's at proposing).
    asker_ok_at = models.DateTimeField(null=True, blank=True)
    introducer_ok_at = models.DateTimeField(null=True, blank=True)
    target_ok_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=IntroStatus.choices, default=IntroStatus.OPEN)
    closed_by = models.CharField(max_length=12, choices=ClosedBy.choices, blank=True, default=ClosedBy.NONE)
    closed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    asker_contact = models.ForeignKey(
        "tracker.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_contact = models.ForeignKey(
        "tracker.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The follow-up a week after acceptance (network/tasks.py): set in the transaction that sends it.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # A refused ask's "not possible" message, sent once its closed_at passed (network/tasks.py).
    refusal_told_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (
            models.Index(fields=("asker", "created_at"), name="network_intro_asker_at"),
            models.Index(fields=("introducer", "status"), name="network_intro_introducer"),
            models.Index(fields=("target", "status"), name="network_intro_target"),
            models.Index(fields=("status", "accepted_at"), name="network_intro_accepted"),
        )
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(asker=models.F("target"))
                & ~models.Q(asker=models.F("introducer"))
                & ~models.Q(introducer=models.F("target")),
                name="network_intro_three_people",
            ),
        )

    def __str__(self) -> str:
        return f"Introduction {self.public_id}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("network:introduction", args=[self.public_id])

    def role_of(self, user_id: int | None) -> str:
        """The person's Role value in this introduction, or "" for anyone else."""
        if user_id == self.asker_id:
            return Role.ASKER
        if user_id == self.introducer_id:
            return Role.INTRODUCER
        if user_id == self.target_id:
            return Role.TARGET
        return ""

    @property
    def is_open(self) -> bool:
        return self.status == IntroStatus.OPEN

    @property
    def is_accepted(self) -> bool:
        return self.status == IntroStatus.ACCEPTED


class AskBlock(models.Model):
    """ "Don't let them ask me again": `blocked` may no longer ask `blocker` for an
    introduction, nor be introduced to them. Inside the network app only (blocking people in
    general is a later issue). The blocked person is never told."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (models.UniqueConstraint("blocker", "blocked", name="network_askblock_once"),)

    def __str__(self) -> str:
        return f"{self.blocker_id} refuses asks from {self.blocked_id}"
