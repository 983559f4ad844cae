"""Experts who volunteer to speak, and facilitators' invitations to speak.

An Expert is a person's own offer: topics, a short bio, what they can speak about, how
(in person in a region, online) and whether the directory lists it. Their past talks are not
stored here: they are the meetings' talks linked to them (meetings.Talk.speaker), shown only
where the viewer may see the meeting (speakers.selectors).

An Invitation is a facilitator of a speakers group asking an expert to speak: at a meeting of
the group that has no talk yet, or on a date the facilitator proposes and will schedule. The
expert accepts (with a title and an abstract: the meeting's talk is then filled through
meetings.services, linked to them) or declines (with an optional note). Who may see or answer
which is in speakers.permissions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from roundtable.core.ids import new_public_id


class Expert(models.Model):
    """One person's offer to speak (one per person). `listed` False keeps the profile but takes
    it out of the directory and its page (404 to everyone but its owner); invitations already
    sent stay answerable. `search_text` is the directory's search column, kept by
    services.expert_save: casefolded name, bio, subjects, region and topic names."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert")
    bio = models.TextField("short bio", max_length=1000)
    speaks_about = models.TextField("what I can speak about", max_length=2000)
    topics = models.ManyToManyField("groups.Topic", blank=True, related_name="experts")
    in_person = models.BooleanField("in person", default=False)
    online = models.BooleanField(default=True)
    # Where they would travel to speak in person ("Boston, MA"); empty for online only.
    region = models.CharField(max_length=120, blank=True)
    listed = models.BooleanField(default=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = (models.Index(fields=["listed", "updated_at"], name="speakers_expert_listed_idx"),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(in_person=True) | models.Q(online=True), name="speakers_expert_some_format"
            ),
        )

    def __str__(self) -> str:
        return f"Expert {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("speakers:expert", kwargs={"public_id": self.public_id})

    @property
    def where(self) -> str:
        """How and where they speak, in words: "In person around Boston, MA, or online"."""
        parts = []
        if self.in_person:
            parts.append(f"In person around {self.region}" if self.region else "In person")
        if self.online:
            parts.append("online, from anywhere" if parts else "Online, from anywhere")
        return ", or ".join(parts)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """A facilitator's invitation to an expert to speak to `group`: at `meeting` (one of the
    group's, without a talk when sent) or, with no meeting, on `proposed_on`, a date the
    facilitator will schedule. At most one pending invitation per expert and group."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="invitations")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="speaker_invitations")
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="speaker_invitations"
    )
    proposed_on = models.DateField(null=True, blank=True)
    topic = models.ForeignKey("groups.Topic", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(max_length=1000, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    # The expert's answer: a title and an abstract when accepting, an optional note either way.
    title = models.CharField(max_length=200, blank=True)
    abstract = models.TextField(max_length=4000, blank=True)
    answer_note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=["invited_by", "created_at"], name="speakers_inv_by_created_idx"),
            models.Index(fields=["expert", "status"], name="speakers_inv_expert_idx"),
        )
        constraints = (
            models.UniqueConstraint(
                "expert", "group", condition=models.Q(status="pending"), name="speakers_one_pending_per_group"
            ),
        )

    def __str__(self) -> str:
        return f"Invitation {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("speakers:invitation", kwargs={"public_id": self.public_id})

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING
