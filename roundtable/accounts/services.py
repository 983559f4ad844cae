"""Writes to accounts: profiles, API tokens and signed-in devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from roundtable.core.errors import ServiceError
from roundtable.core.tokens import hash_secret, new_secret
from roundtable.groups.models import Topic
from roundtable.groups.places import resolve
from roundtable.groups.services import topics_from_names

from .models import PRIVATE_FIELDS, ApiToken, Profile, SearchStatus, User, Visibility

MAX_INTERESTS = 30
PLACE_NOT_FOUND = "We couldn't find that place. Try a US ZIP code (e.g. 10001) or a city (e.g. Denver, CO)."


class ProfileError(ServiceError):
    """A profile change that cannot be saved."""


@dataclass
class ProfileData:
    display_name: str
    headline: str = ""
    location_text: str = ""
    time_zone: str = "America/New_York"
    search_status: str = SearchStatus.SEARCHING
    target_roles: str = ""
    industries: str = ""
    expertise: str = ""
    can_introduce: str = ""
    current_company: str = ""
    past_companies: str = ""
    target_companies: str = ""
    show_in_recommendations: bool = True
    pitch: str = ""
    # Field name to Visibility value; keys left out keep their current setting.
    visibility: dict[str, str] = field(default_factory=dict)
    # Existing topics picked from a list, plus free-text names (made into topics).
    interests: tuple[Topic, ...] = ()
    interest_names: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


# The public name of an account that has not given one (made by an operator, say).
# Never anything taken from the email address: its local part is often a full name or a
# handle the person keeps private, and addresses must not be guessable from pages.
UNNAMED = "New member"


def profile_ensure(*, user: User) -> Profile:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        profile, _ = Profile.objects.get_or_create(user=user, defaults={"display_name": UNNAMED})
    return profile


def profile_name_set(*, user: User, display_name: str) -> Profile:
    """Set the public name a person chose (at sign-up). Whitespace is collapsed.
    Raises ProfileError for an empty name or one over 80 characters."""
    name = " ".join(display_name.split())
    if not name:
        raise ProfileError("Tell people what to call you.", field="display_name")
    if len(name) > 80:
        raise ProfileError("Keep your name to 80 characters or fewer.", field="display_name")
    profile = profile_ensure(user=user)
    profile.display_name = name
    profile.save(update_fields=["display_name"])
    return profile


def _validate(data: ProfileData) -> None:
    if not data.display_name.strip():
        raise ProfileError("Tell people what to call you.", field="display_name")
    if data.time_zone not in time_zones():
        raise ProfileError("Choose a time zone from the list.", field="time_zone")
    if data.search_status not in SearchStatus.values:
        raise ProfileError("Choose where you are in your search.", field="search_status")
    for name, level in data.visibility.items():
        if name not in PRIVATE_FIELDS or level not in Visibility.values:
            raise ProfileError("Choose who can see each detail from the list.")


@transaction.atomic
def profile_update(*, user: User, data: ProfileData) -> Profile:
    """Save a person's profile, its privacy choices and interests, all or nothing.

    A place that cannot be found, or any invalid value, raises ProfileError before
    anything is written.
    """
    _validate(data)
    location_text = " ".join(data.location_text.split())
    place = None
    if location_text:
        place = resolve(location_text)
        if place is None:
            raise ProfileError(PLACE_NOT_FOUND, field="location_text")
    profile = Profile.objects.select_for_update().get(pk=profile_ensure(user=user).pk)
    profile.display_name = " ".join(data.display_name.split())
    profile.headline = data.headline.strip()
    profile.location_text = location_text
    profile.location_label = place.label if place else ""
    profile.latitude = place.latitude if place else None
    profile.longitude = place.longitude if place else None
    profile.time_zone = data.time_zone
    profile.search_status = data.search_status
    profile.target_roles = data.target_roles.strip()
    profile.industries = data.industries.strip()
    profile.expertise = data.expertise.strip()
    profile.can_introduce = data.can_introduce.strip()
    profile.current_company = data.current_company.strip()
    profile.past_companies = data.past_companies.strip()
    profile.target_companies = data.target_companies.strip()
    profile.show_in_recommendations = data.show_in_recommendations
    profile.pitch = data.pitch.strip()
    visibility = {name: profile.visibility_of(name) for name in PRIVATE_FIELDS}
    visibility.update(data.visibility)
    profile.visibility = visibility
    try:
        profile.clean_fields(exclude=["user", "visibility", "created_at"])
    except ValidationError as exc:
        name, errors = next(iter(exc.message_dict.items()))
        raise ProfileError(errors[0], field=name) from None
    topics = list(data.interests)
    if data.interest_names:
        topics += [t for t in topics_from_names(list(data.interest_names)) if t not in topics]
    if len(topics) > MAX_INTERESTS:
        raise ProfileError(f"Pick up to {MAX_INTERESTS} interests.", field="interests")
    profile.save()
    profile.interests.set(topics)
    return profile


@transaction.atomic
def api_token_create(*, user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a token; returns it and its secret, which is shown once and never stored."""
    secret = new_secret("rt")
    token = ApiToken.objects.create(
        user=user, name=(name or "API token")[:80], prefix=secret[:10], token_hash=hash_secret(secret)
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every live API token of a person; returns how many. Called when their password
    changes or is reset (accounts/signals.py): whoever held the old password may have made
    tokens with it, and a token must not outlive the credential that made it."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(secret: str) -> User | None:
    """The active user behind a token secret, or None."""
    if not secret or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=hash_secret(secret), revoked_at__isnull=True).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def profile_search_status_set(*, user: User, status: str) -> Profile:
    """Set where the person is in their search (a SearchStatus value) and nothing else: what
    "I landed" (journal/landing.py) changes. Raises ProfileError for an unknown status."""
    if status not in SearchStatus.values:
        raise ProfileError("Choose where you are in your search.", field="search_status")
    profile = profile_ensure(user=user)
    Profile.objects.filter(pk=profile.pk).update(search_status=status)
    profile.search_status = status
    return profile


def sessions_end(*, user: User, session_ids: list[int], request: HttpRequest | None = None) -> int:
    """Sign `user`'s devices with these UserSession ids out: each session is deleted from the
    store, so the device's next request is anonymous. Ids of another person's sessions are
    ignored. Recorded in the audit trail with how many. Returns how many were signed out."""
    from allauth.usersessions.models import UserSession

    from roundtable.safety.audit import audit_record

    with transaction.atomic():
        sessions = list(UserSession.objects.filter(user_id=user.pk, pk__in=session_ids))
        for session in sessions:
            session.end()
        if sessions:
            audit_record(
                action="account.sessions_revoked",
                actor=user,
                subject=user,
                object_type="sessions",
                object_id=len(sessions),
                request=request,
            )
    return len(sessions)
