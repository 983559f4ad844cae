from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone

from roundtable.core.ids import new_public_id


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person. Email is the login; the public face is the Profile."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    # What the profile URL calls this person; the integer id stays inside (roundtable.core.ids).
    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.email

    # What accounts/signals.py needs to tell a password change or a deactivation on save,
    # whichever surface made it (allauth's change and reset, the admin, the shell), without
    # reading the row again: a new password was set, and is_active as last read or saved.
    _password_replaced: bool = False
    _saved_is_active: bool | None = None

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, *, fetch_mode: Any = None) -> User:
        user = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        user._saved_is_active = user.__dict__.get("is_active")
        return user

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self._password_replaced = True

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_replaced = True

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
        # Never the email's local part: that would publish part of a private address.
        return "New member"


class Visibility(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    MEMBERS = "members", "Members of groups I am in"
    ONLY_ME = "only_me", "Only me"


# Visibility's values as a set: visibility_of runs for every field of every profile in a list
# (200 people on "who to meet"), and Visibility.values builds a new list at each call.
VISIBILITY_VALUES = frozenset(Visibility.values)


class SearchStatus(models.TextChoices):
    SEARCHING = "searching", "Searching"
    LANDED = "landed", "Landed"
    HELPING = "helping", "Employed and helping others"


# Optional profile fields that carry their own visibility, with their defaults.
PRIVATE_FIELDS: dict[str, str] = {
    "headline": Visibility.EVERYONE,
    "location": Visibility.MEMBERS,
    "search_status": Visibility.MEMBERS,
    "target_roles": Visibility.EVERYONE,
    "industries": Visibility.EVERYONE,
    "expertise": Visibility.EVERYONE,
    "can_introduce": Visibility.MEMBERS,
    "pitch": Visibility.MEMBERS,
    # Where the person works, worked and wants to work (network/: who to meet).
    "current_company": Visibility.MEMBERS,
    "past_companies": Visibility.MEMBERS,
    "target_companies": Visibility.MEMBERS,
}


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80)
    headline = models.CharField(max_length=140, blank=True)
    location_text = models.CharField("location", max_length=120, blank=True)
    location_label = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    search_status = models.CharField(max_length=16, choices=SearchStatus.choices, default=SearchStatus.SEARCHING)
    target_roles = models.CharField(max_length=300, blank=True)
    industries = models.CharField(max_length=300, blank=True)
    expertise = models.CharField(max_length=300, blank=True)
    can_introduce = models.CharField("companies or fields where I can introduce others", max_length=300, blank=True)
    pitch = models.TextField("30-second introduction", max_length=2000, blank=True)
    current_company = models.CharField(max_length=160, blank=True)
    past_companies = models.CharField("companies I worked at", max_length=300, blank=True)
    target_companies = models.CharField("companies where I want a role", max_length=300, blank=True)
    # Whether "who to meet" and facilitators' suggested introductions may name this person
    # (roundtable/network/). Off: never used or shown there, whatever the fields' visibility.
    show_in_recommendations = models.BooleanField("suggest me to people worth meeting", default=True)
    visibility = models.JSONField(default=dict, blank=True)
    # Email preferences (meetings): reminders before each meeting and a weekly digest.
    remind_day_before = models.BooleanField("email me the day before a meeting", default=True)
    remind_hour_before = models.BooleanField("email me an hour before a meeting", default=True)
    weekly_digest = models.BooleanField("send me a weekly digest of upcoming meetings", default=True)
    interests = models.ManyToManyField("groups.Topic", blank=True, related_name="interested")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.display_name

    def visibility_of(self, field: str) -> str:
        value = (self.visibility or {}).get(field)
        if value in VISIBILITY_VALUES:
            return str(value)
        return PRIVATE_FIELDS[field]

    @property
    def pitch_words(self) -> int:
        return len(self.pitch.split())


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, default="API token")
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Block(models.Model):
    """`blocker` blocked `blocked` (issue 12): from then on, both ways, neither sees the other's
    profile, they cannot be introduced, are never recommended to or paired with each other,
    do not see each other's suggestions in a live room, and hear of nothing the other does.
    The blocked person is never told. accounts.blocks answers every surface."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = (
            models.UniqueConstraint("blocker", "blocked", name="accounts_block_once"),
            models.CheckConstraint(condition=~models.Q(blocker=models.F("blocked")), name="accounts_block_not_self"),
        )

    def __str__(self) -> str:
        return f"{self.blocker_id} blocked {self.blocked_id}"


class SignInDevice(models.Model):
    """A browser and network a person has signed in from (issue 12, item 5): a sign-in from one
    not seen within accounts.security.DEVICE_MEMORY is emailed to them. Only a keyed hash is
    kept (accounts.security.device_key: the browser and system families and the network's
    hash, never the address or the whole user agent), and the words shown in that email."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_devices")
    key = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["user", "key"], name="accounts_signin_device_unique"),)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key[:8]}"
