"""Reads of profiles, tokens and signed-in devices that cross relations, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import F, Q, QuerySet
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.crypto import constant_time_compare

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


@dataclass(frozen=True)
class DeviceRow:
    """One signed-in device on the sessions page."""

    session: UserSession
    client: str
    current: bool


def sessions_of(user: User, *, current_key: str | None) -> list[DeviceRow]:
    """The devices signed in to `user`'s account, the current one first, then the most
    recently seen. Sessions that ended (signed out, expired, or outdated by a password
    change) are forgotten on the way. Three queries at most, whatever their number: allauth's
    own list (UserSession.objects.purge_and_list) asks the session store once per device."""
    from .security import client_of

    rows = list(UserSession.objects.filter(user_id=user.pk))
    keys = [row.session_key for row in rows]
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        live: set[str] = set()
        auth_hash = user.get_session_auth_hash()
        for stored in Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()):
            data = stored.get_decoded()
            # The same test as django.contrib.auth.get_user: a session from before a password
            # change no longer signs anyone in.
            if str(data.get(SESSION_KEY)) == str(user.pk) and constant_time_compare(
                str(data.get(HASH_SESSION_KEY, "")), auth_hash
            ):
                live.add(stored.session_key)
        gone = [row.pk for row in rows if row.session_key not in live]
        if gone:
            UserSession.objects.filter(pk__in=gone).delete()
        rows = [row for row in rows if row.session_key in live]
    else:  # another session store: allauth's own test, one look-up per device
        rows = [row for row in rows if not row.purge()]
    devices = [
        DeviceRow(session=row, client=str(client_of(row.user_agent)), current=row.session_key == current_key)
        for row in rows
    ]
    devices.sort(key=lambda d: (not d.current, -d.session.last_seen_at.timestamp()))
    return devices
