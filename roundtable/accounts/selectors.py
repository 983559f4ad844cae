"""Reads of profiles and tokens that cross relations, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.template.defaultfilters import pluralize

from roundtable.groups.models import Membership, Topic
from roundtable.groups.permissions import Viewer, visible_group_ids_for_profile
from roundtable.groups.selectors import visible_topics

from .models import ApiToken, Profile, User

# Speaking pace for the 30-second introduction: about 150 words a minute,
# so 75 words fill 30 seconds.
WORDS_PER_MINUTE = 150
PITCH_SECONDS = 30
PITCH_MAX_WORDS = WORDS_PER_MINUTE * PITCH_SECONDS // 60


@dataclass(frozen=True)
class PitchStats:
    words: int
    seconds: int
    over: bool

    @property
    def summary(self) -> str:
        noun = "word" if self.words == 1 else "words"
        return f"{self.words} {noun} · about {self.seconds} second{pluralize(self.seconds)}"


def pitch_stats(text: str) -> PitchStats:
    """Word count and speaking time of an introduction (the same sums as site.js)."""
    words = len((text or "").split())
    seconds = round(words * 60 / WORDS_PER_MINUTE)
    return PitchStats(words=words, seconds=seconds, over=words > PITCH_MAX_WORDS)


def profile_for_page(public_id: str) -> Profile | None:
    """An active person's profile, by the owner's public identifier, with its owner and
    interests: two queries."""
    return (
        Profile.objects.select_related("user")
        .prefetch_related("interests")
        .filter(user__public_id=public_id, user__is_active=True)
        .first()
    )


def profile_groups(viewer: Viewer, owner: User) -> list[Membership]:
    """The owner's groups this viewer may see, facilitated ones first: one query."""
    return list(visible_group_ids_for_profile(viewer, owner).order_by("-role", "group__name", "group_id"))


def topic_choices(profile: Profile, limit: int = 30) -> QuerySet[Topic]:
    """Topics offered as checkboxes: the first few by name of those the owner may see
    (groups.selectors.visible_topics: never a hidden group's), plus the profile's own."""
    first = list(visible_topics(profile.user).order_by("name").values_list("id", flat=True)[:limit])
    return Topic.objects.filter(Q(id__in=first) | Q(interested=profile)).distinct().order_by("name")


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """Active tokens first, newest first."""
    return ApiToken.objects.filter(user=user).order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-id")
