"""The models of Django, allauth and the task framework: registered or excluded here, since those
packages have no privacy.py of ours (registry.py)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry

from .registry import Deletion, exclude, register

register(
    EmailAddress, area="Account", label="Email addresses", mine=("user",), deletion=Deletion.ERASE,
    fields=("email", "verified", "primary"),
    note="Your email addresses are erased: nobody can sign in or reset a password with them.",
)  # fmt: skip
register(
    LogEntry, area="Account", label="Changes you made in the operators' admin", mine=("user",),
    deletion=Deletion.ERASE,
    fields=("action_time", "content_type", "object_id", "object_repr", "action_flag", "change_message"),
    note="Operators only: the log of your own admin changes is erased.",
)  # fmt: skip

register(
    Authenticator, area="Account", label="Two-factor sign-in", mine=("user",), deletion=Deletion.ERASE,
    fields=("type", "created_at", "last_used_at"), secret=("data",),
    note="Your authenticator app, recovery codes and passkeys are erased.",
)  # fmt: skip
register(
    UserSession, area="Account", label="Signed-in devices", mine=("user",), deletion=Deletion.ERASE,
    fields=("created_at", "last_seen_at", "ip", "user_agent"), secret=("session_key", "data"),
    note="Every device you are signed in on is signed out, and the list is erased.",
)  # fmt: skip

exclude("auth.Permission", "A kind of permission, not a person's; a person's permissions are exported with them.")
exclude("auth.Group", "A named set of permissions for operators; names no person.")
exclude("contenttypes.ContentType", "The list of the site's models; names no person.")
exclude(
    "sessions.Session",
    "A signed-in browser: an opaque key (a credential, never exported). Deleted with the account, so every "
    "browser is signed out (services.account_delete).",
)
exclude(
    "account.EmailConfirmation",
    "A one-time key confirming an email address (a credential); it goes with the address, which is exported.",
)
exclude("core.WorkerHeartbeat", "The background worker's heartbeat: a host name and a time, no person.")
exclude(
    "django_tasks_database.DBTaskResult",
    "Background jobs hold row ids, not personal data; those still waiting that name the person are "
    "dropped when the account is deleted (services.account_delete).",
)
