"""The job-search tracker: everything a person records about their own search.

Every row has an `owner` and is private to that person (design: "Owner-only data"): pages,
API, exports and feeds read it through `selectors` with the owner, and another person's
public id answers the same 404 as a missing one. Public surfaces address rows by `public_id`
(roundtable.core.ids); integer keys stay inside.

Dates that a person thinks of as days (an activity's day, a task's due date, a contact's last
and next touch) are `DateField`s in the owner's own time zone (Profile.time_zone); moments
(an interview's start, a stage change) are aware datetimes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from roundtable.core.ids import new_public_id


class OwnedRow(models.Model):
    """Columns every tracker row has."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Company(OwnedRow):
    """An employer the person is interested in or has a contact at. Names are unique per owner,
    whatever their case ("Acme" and "ACME" are one company)."""

    name = models.CharField(max_length=160)
    website = models.URLField(max_length=500, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    notes = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ("name",)
        constraints = (models.UniqueConstraint(Lower("name"), "owner", name="tracker_company_name_unique_per_owner"),)
        indexes = (models.Index(fields=("owner", "name"), name="tracker_company_owner_name"),)
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class Contact(OwnedRow):
    """A person in the owner's network. `person` is set when the contact is a Roundtable member
    the owner met (a reflection's "people I met", an accepted introduction); `meeting` and
    `group` say where they met, and are shown only while the owner may still see them."""

    name = models.CharField(max_length=160)
    company = models.ForeignKey(Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts")
    role = models.CharField(max_length=160, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    linkedin_url = models.URLField("LinkedIn profile", max_length=500, blank=True)
    how_met = models.CharField("how we met", max_length=200, blank=True)
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    group = models.ForeignKey("groups.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(max_length=5000, blank=True)
    last_touch_on = models.DateField(null=True, blank=True)
    next_touch_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("name", "pk")
        indexes = (
            models.Index(fields=("owner", "name"), name="tracker_contact_owner_name"),
            models.Index(fields=("owner", "next_touch_on"), name="tracker_contact_owner_next"),
        )
        constraints = (
            # A member met at a meeting becomes one contact, however often the owner reflects.
            models.UniqueConstraint(
                "owner", "person", condition=models.Q(person__isnull=False), name="tracker_contact_one_per_member"
            ),
        )

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    """Where an opportunity stands. The first five are open; the last three close it."""

    RESEARCHING = "researching", "Researching"
    NETWORKING = "networking", "Networking"
    APPLIED = "applied", "Applied"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STAGES = (Stage.RESEARCHING, Stage.NETWORKING, Stage.APPLIED, Stage.INTERVIEWING, Stage.OFFER)
CLOSED_STAGES = (Stage.ACCEPTED, Stage.REJECTED, Stage.WITHDRAWN)


class Source(models.TextChoices):
    """How an opportunity (or a landed job) came about."""

    NETWORKING = "networking", "Networking"
    REFERRAL = "referral", "Referral"
    RECRUITER = "recruiter", "Recruiter"
    DIRECT_OUTREACH = "direct_outreach", "Direct outreach"
    APPLICATION = "application", "Application"
    GROUP = "group", "A group"


class Opportunity(OwnedRow):
    """A role at a company the person is pursuing. `position` orders the cards within a stage's
    column on the board (smaller first). Every change of stage is recorded as a StageChange."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="opportunities")
    role = models.CharField(max_length=160)
    link = models.URLField(max_length=500, blank=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.RESEARCHING)
    source = models.CharField(max_length=16, choices=Source.choices, blank=True)
    source_group = models.ForeignKey("groups.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="opportunities"
    )
    notes = models.TextField(max_length=5000, blank=True)
    position = models.IntegerField(default=0)
    stage_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("stage", "position", "pk")
        indexes = (models.Index(fields=("owner", "stage", "position"), name="tracker_opp_owner_stage_pos"),)
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return f"{self.role} at {self.company}"


class StageChange(models.Model):
    """One move of an opportunity between stages, with its moment (the first row of an
    opportunity has from_stage blank: it was created at to_stage)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("changed_at", "pk")

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} -> {self.to_stage}"


class ActivityKind(models.TextChoices):
    """Job-search work, in the words of the field. Conversations and direct outreach produce
    most interviews; applications, fewer."""

    OUTREACH = "outreach", "Outreach to a hiring manager"
    CONVERSATION = "conversation", "Networking conversation"
    INFORMATIONAL = "informational", "Informational interview"
    APPLICATION = "application", "Application"
    INTERVIEW = "interview", "Interview"
    FOLLOW_UP = "follow_up", "Follow-up"
    OFFER = "offer", "Offer"


class Activity(OwnedRow):
    """One piece of job-search work on a day (`occurred_on`, the owner's local date). An
    interview may have a start moment (`starts_at`) and a length: it then appears in the
    owner's private calendar feed. Each may be tied to a contact, company, opportunity or
    meeting of the owner's."""

    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    occurred_on = models.DateField()
    starts_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities")
    company = models.ForeignKey(Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ("-occurred_on", "-pk")
        indexes = (
            models.Index(fields=("owner", "occurred_on"), name="tracker_activity_owner_day"),
            models.Index(fields=("owner", "kind", "occurred_on"), name="tracker_activity_owner_kind"),
            # The activity list's order (latest day first, then newest): PostgreSQL reads a
            # page of it from the index instead of sorting all of a person's activities.
            models.Index(fields=("owner", "-occurred_on", "-id"), name="tracker_activity_owner_latest"),
        )
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class Task(OwnedRow):
    """Something to do by a day: a follow-up, a thank-you note. `done_at` is set when done.
    A task written as a reflection's follow-up keeps its meeting."""

    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ("done_at", "due_on", "pk")
        indexes = (models.Index(fields=("owner", "done_at", "due_on"), name="tracker_task_owner_open_due"),)

    def __str__(self) -> str:
        return self.title


class WeeklyTarget(models.Model):
    """How many activities of a kind the person aims for each week (Monday to Sunday in their
    own time zone). One per owner and kind; 0 means no target."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    per_week = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("kind",)
        constraints = (models.UniqueConstraint("owner", "kind", name="tracker_target_one_per_kind"),)

    def __str__(self) -> str:
        return f"{self.per_week} {self.kind} a week"


class Landing(models.Model):
    """The person landed: the job that closes their search (one per person; saying it again
    replaces it). `source` is the channel that produced it, with the group or contact."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="landing")
    company_name = models.CharField(max_length=160)
    role = models.CharField(max_length=160)
    source = models.CharField(max_length=16, choices=Source.choices)
    group = models.ForeignKey("groups.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    landed_on = models.DateField()
    search_started_on = models.DateField(null=True, blank=True)
    will_help_others = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.role} at {self.company_name}"
