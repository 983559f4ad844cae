"""Landed stories, lessons, the anonymous-sharing choice and the search index behind
"others with a challenge like yours".

Who may see a story or a lesson is decided in permissions.py alone; anonymous rows never
carry their author's name out of this app (selectors hand out `author_name` only for rows
that are not anonymous).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roundtable.core.ids import new_public_id
from roundtable.tracker.models import Source


class Audience(models.TextChoices):
    """Who may read a story or a lesson (permissions.py states the rules)."""

    GROUPS = "groups", "People in my groups"
    MEMBERS = "members", "All Roundtable members"
    PUBLIC = "public", "Anyone, even without an account"


class StoryField(models.TextChoices):
    """The line of work a story is about, for the stories page's filter."""

    TECHNOLOGY = "technology", "Technology and data"
    FINANCE = "finance", "Finance and accounting"
    HEALTHCARE = "healthcare", "Healthcare"
    SALES_MARKETING = "sales_marketing", "Sales and marketing"
    OPERATIONS = "operations", "Operations and logistics"
    EDUCATION = "education", "Education and training"
    PUBLIC_NONPROFIT = "public_nonprofit", "Public sector and nonprofits"
    CREATIVE = "creative", "Design, media and writing"
    PEOPLE = "people", "HR and recruiting"
    TRADES = "trades", "Skilled trades and manufacturing"
    OTHER = "other", "Another field"


class Story(models.Model):
    """How a member landed, in their words. `channel` is a copy of their Landing's source when
    they wrote it (tracker.Source); `group` is the group that helped (one they are or were in),
    or None. `anonymous` hides the author from everyone but themselves, on every surface."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    # None once its author's account is deleted and they chose to keep it, anonymous ("a former
    # member": services.posts_keep_anonymised).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=120)
    channel = models.CharField(max_length=16, choices=Source.choices)
    field = models.CharField(max_length=20, choices=StoryField.choices, default=StoryField.OTHER)
    group = models.ForeignKey("groups.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    what_worked = models.TextField(max_length=3000)
    what_did_not = models.TextField(max_length=3000, blank=True)
    advice = models.TextField(max_length=2000, blank=True)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.MEMBERS)
    anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "stories"
        indexes = (
            models.Index(fields=("audience", "-created_at"), name="stories_story_aud_at"),
            models.Index(fields=("group", "-created_at"), name="stories_story_group_at"),
        )

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stories:story", args=[self.public_id])


class LessonKind(models.TextChoices):
    TIP = "tip", "A tip"
    MISSTEP = "misstep", "A misstep to avoid"


class Lesson(models.Model):
    """A short tip or misstep anyone signed in may share, with an audience, anonymously or not."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    # None once its author's account is deleted and they chose to keep it, anonymous ("a former
    # member": services.posts_keep_anonymised).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=LessonKind.choices, default=LessonKind.TIP)
    text = models.TextField(max_length=500)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.MEMBERS)
    anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("audience", "-created_at"), name="stories_lesson_aud_at"),)

    def __str__(self) -> str:
        return self.text[:60]


class AnonymousSharing(models.Model):
    """A person's choice (default off): may what helped them at roundtables (their challenges and
    the suggestions they starred) help others, without their name, in "others with a challenge
    like yours"? Separate from live.HistorySharing, which is about their own groups' facilitators."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    share_anonymously = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Anonymous sharing of {self.user_id}: {self.share_anonymously}"


class HelpSource(models.TextChoices):
    TURN = "turn", "A roundtable turn"
    LESSON = "lesson", "A lesson"
    STORY = "story", "A landed story"


class HelpEntry(models.Model):
    """One searchable text for "others with a challenge like yours" (search.py): a roundtable
    turn's challenge (only while its member shares anonymously), a lesson, or a story. The full-
    text index reads `search_text` (FTS5 table kept by triggers on SQLite, a generated tsvector
    on PostgreSQL: migration 0002). Who may see what is decided when searching, not here."""

    source = models.CharField(max_length=8, choices=HelpSource.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    turn = models.OneToOneField("live.Turn", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    story = models.OneToOneField(Story, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    search_text = models.TextField()

    class Meta:
        verbose_name_plural = "help entries"
        constraints = (
            models.CheckConstraint(
                condition=(
                    Q(source="turn", turn__isnull=False, lesson__isnull=True, story__isnull=True)
                    | Q(source="lesson", turn__isnull=True, lesson__isnull=False, story__isnull=True)
                    | Q(source="story", turn__isnull=True, lesson__isnull=True, story__isnull=False)
                ),
                name="stories_helpentry_one_source",
            ),
        )

    def __str__(self) -> str:
        return f"{self.source} entry {self.pk}"
