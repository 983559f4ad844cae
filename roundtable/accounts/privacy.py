"""What accounts holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, register

from .models import ApiToken, Block, Profile, SignInDevice, User

register(
    User, area="Account", label="Your account", mine=("pk",), deletion=Deletion.ERASE,
    fields=("email", "first_name", "last_name", "public_id", "date_joined", "last_login", "is_active"),
    note="Your account is erased: you can no longer sign in, and your profile page is gone.",
)  # fmt: skip
register(
    Profile, area="Account", label="Your profile", mine=("user",), deletion=Deletion.ERASE, many=("interests",),
    note="Your profile (name, headline, pitch, companies, where you are) is erased.",
)  # fmt: skip
register(
    ApiToken, area="Account", label="API tokens", mine=("user",), deletion=Deletion.ERASE,
    secret=("token_hash",), note="Your API tokens stop working and are erased.",
)  # fmt: skip
register(
    Block, area="Account", label="People you blocked", mine=("blocker",), deletion=Deletion.ERASE,
    fields=("blocked", "created_at"), named=("blocked",), note="Your blocks are erased.",
)  # fmt: skip
register(
    SignInDevice, area="Account", label="Devices you signed in from", mine=("user",), deletion=Deletion.ERASE,
    secret=("key",), note="The record of your devices (a keyed hash, used for new-sign-in emails) is erased.",
)  # fmt: skip
