"""Work search buddies: a pool people opt into, the pairs a matching run makes, and each
pair's weekly check-ins.

- PoolEntry: one person's place in a pool (a group's, or the whole platform's when `group` is
  empty) with their preferences. One open entry per person (left_at empty); leaving closes it.
- MatchRun: one run of the matching over one pool (matching.py), weekly or on demand.
- BuddyPair + PairMember: two people (three in a trio) paired by a run, with the reasons each
  is shown. Ended by either member (ended_at), or when a member leaves the pool.
- CheckIn: one member's check-in for one week of a pair (ISO week in their own time zone):
  this week's commitments and how last week's went, optionally with tracker activities of
  their own. Seen only by the pair's members (permissions.py). Replies to it: CheckInReply.
- Nudge: the once-only reminders (a missed check-in; the offer of a new buddy after two),
  claimed in the same transaction as their send.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from roundtable.core.ids import new_public_id


class SearchStage(models.IntegerChoices):
    """The stage of a job search, in order (matching scores one stage apart as near)."""

    EXPLORING = 0, "Exploring what's next"
    APPLYING = 1, "Applying and networking"
    INTERVIEWING = 2, "Interviewing"
    DECIDING = 3, "Weighing offers"


class FieldWish(models.TextChoices):
    SAME = "same", "Someone in my field"
    DIFFERENT = "different", "Someone from another field"
    ANY = "any", "Either is fine"


class WorkField(models.TextChoices):
    """Broad fields of work: a fixed list, so "same field" compares like with like."""

    PRODUCT = "product", "Product"
    SOFTWARE = "software", "Software and engineering"
    DATA = "data", "Data and analytics"
    DESIGN = "design", "Design and UX"
    MARKETING = "marketing", "Marketing and communications"
    SALES = "sales", "Sales and customer success"
    FINANCE = "finance", "Finance and accounting"
    OPERATIONS = "operations", "Operations and supply chain"
    PEOPLE = "people", "People and HR"
    HEALTHCARE = "healthcare", "Healthcare"
    EDUCATION = "education", "Education"
    LEGAL = "legal", "Legal"
    NONPROFIT = "nonprofit", "Nonprofit and public sector"
    OTHER = "other", "Something else"


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Spanish"
    FR = "fr", "French"
    DE = "de", "German"
    PT = "pt", "Portuguese"
    IT = "it", "Italian"
    ZH = "zh", "Chinese"
    HI = "hi", "Hindi"
    AR = "ar", "Arabic"
    JA = "ja", "Japanese"
    KO = "ko", "Korean"
    RU = "ru", "Russian"
    UK = "uk", "Ukrainian"
    PL = "pl", "Polish"
    VI = "vi", "Vietnamese"
    TL = "tl", "Tagalog"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


# Why someone waits (matching._reason_waiting's codes), in the words they are shown.
WAITING_REASONS: dict[str, str] = {
    "alone": "You're the only one in this pool for now. We'll pair you as soon as someone else joins.",
    "window": "Nobody in the pool is within your time-zone window yet. A wider window gives more people to "
    "choose from.",
    "language": "Nobody in the pool shares a language with you yet. Adding a language you're comfortable in "
    "would help.",
    "recent": "Everyone who fits you was your buddy recently, and we don't pair the same people again so soon.",
    "outmatched": "The pool had an odd number this time and the people who fit you best were paired with "
    "others. You're first in line at the next run.",
    "pending": "You'll be paired at the next matching run (Mondays).",
}


class PoolEntry(models.Model):
    """A person's place in a buddy pool and their preferences. `group` empty: the platform's
    pool. `max_offset_hours`: the widest time-zone gap they accept. `waiting_reason`: a key of
    WAITING_REASONS, set by the last run that left them without a buddy."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    max_offset_hours = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(0), MaxValueValidator(12)]
    )
    checkin_day = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    field = models.CharField(max_length=16, choices=WorkField.choices)
    field_wish = models.CharField(max_length=12, choices=FieldWish.choices, default=FieldWish.ANY)
    stage = models.PositiveSmallIntegerField(choices=SearchStage.choices, default=SearchStage.APPLYING)
    languages = models.JSONField(default=list)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    waiting_reason = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint("user", condition=models.Q(left_at__isnull=True), name="buddies_one_open_entry"),
            models.CheckConstraint(condition=models.Q(max_offset_hours__lte=12), name="buddies_window_0_to_12"),
        )
        indexes = (models.Index(fields=("group", "left_at"), name="buddies_entry_pool"),)
        verbose_name_plural = "pool entries"

    def __str__(self) -> str:
        return f"Pool entry {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.left_at is None

    def language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels[c]) for c in self.languages if c in labels]

    def waiting_text(self) -> str:
        return WAITING_REASONS.get(self.waiting_reason or "pending", WAITING_REASONS["pending"])


class MatchRun(models.Model):
    """One matching run over one pool (`group` empty: the platform's). `week`: the ISO week
    of a scheduled run ("2027-W11"), empty for one asked for by a facilitator; scheduled runs
    are once per pool and week (the constraint claims it)."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    week = models.CharField(max_length=8, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seed = models.BigIntegerField(default=0)
    method = models.CharField(max_length=8, blank=True)
    pool_size = models.PositiveIntegerField(default=0)
    pairs_made = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    upper_bound = models.FloatField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                "group", "week", condition=models.Q(week__gt="", group__isnull=False), name="buddies_run_once_a_week"
            ),
            models.UniqueConstraint(
                "week", condition=models.Q(week__gt="", group__isnull=True), name="buddies_platform_run_once_a_week"
            ),
        )

    def __str__(self) -> str:
        return f"Matching run {self.pk}"


class BuddyPair(models.Model):
    """Two people (three in a trio) who check in with each other weekly. `checkin_day`: the
    day the pair agreed by their preferences (the first member's when they differ)."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairs")
    checkin_day = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    score = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = (models.Index(fields=("ended_at", "started_at"), name="buddies_pair_open"),)

    def __str__(self) -> str:
        return f"Buddy pair {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class PairMember(models.Model):
    """One person of a pair, with the reasons they are shown for it ("You both target product
    roles; 7 h of overlap in your days")."""

    pair = models.ForeignKey(BuddyPair, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    joined_as_third = models.BooleanField(default=False)

    class Meta:
        ordering = ("pk",)
        constraints = (models.UniqueConstraint("pair", "user", name="buddies_member_once"),)

    def __str__(self) -> str:
        return f"Member {self.user_id} of pair {self.pair_id}"


class Progress(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly"
    NOT_DONE = "not_done", "Not done"


class CheckIn(models.Model):
    """One member's check-in for one week of a pair. `week`: ISO week in the author's time zone
    ("2027-W11"); one per pair, author and week (writing again edits it)."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    pair = models.ForeignKey(BuddyPair, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)
    commitments = models.TextField(max_length=2000)
    last_week = models.CharField(max_length=8, choices=Progress.choices, blank=True)
    last_week_note = models.TextField(max_length=1000, blank=True)
    activities = models.ManyToManyField("tracker.Activity", blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-week", "pk")
        constraints = (models.UniqueConstraint("pair", "author", "week", name="buddies_checkin_once_a_week"),)

    def __str__(self) -> str:
        return f"Check-in {self.public_id}"

    def commitment_lines(self) -> list[str]:
        return [line.strip() for line in self.commitments.split("\n") if line.strip()]


class Reaction(models.TextChoices):
    CHEER = "cheer", "Cheering you on"
    PROUD = "proud", "Proud of you"
    HERE = "here", "Here if you need me"


class CheckInReply(models.Model):
    """A buddy's reaction to a check-in, or a reply in words, or both."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reaction = models.CharField(max_length=8, choices=Reaction.choices, blank=True)
    text = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name_plural = "check-in replies"

    def __str__(self) -> str:
        return f"Reply {self.public_id}"


class NudgeKind(models.TextChoices):
    MISSED = "missed", "A missed check-in"
    NEW_BUDDY = "new_buddy", "An offer of a new buddy"


class Nudge(models.Model):
    """A once-only reminder to `user` about `pair` for `week` (claimed with its send)."""

    pair = models.ForeignKey(BuddyPair, on_delete=models.CASCADE, related_name="nudges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=NudgeKind.choices)
    week = models.CharField(max_length=8)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (models.UniqueConstraint("pair", "user", "kind", "week", name="buddies_nudge_once"),)

    def __str__(self) -> str:
        return f"{self.kind} nudge to {self.user_id}"
