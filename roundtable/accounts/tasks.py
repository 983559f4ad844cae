"""Background work for accounts: the new-sign-in email (accounts/security.py decides when)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.tasks import task
from django.urls import reverse

from roundtable.core.email import send_templated

from .models import User


def when_text(at: datetime, zone: str) -> str:
    """ "Mon, Nov 30, 2026 at 9:50 PM (America/New_York)": the person's own time zone."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz, zone = ZoneInfo("UTC"), "UTC"
    local = at.astimezone(tz)
    return f"{local:%a, %b} {local.day}, {local.year} at {local.strftime('%I:%M %p').lstrip('0')} ({zone})"


@task()
def email_new_sign_in(*, user_id: int, client: str, at: str) -> int:
    """Tell a person their account was just signed in to from a device not seen lately.
    Returns how many emails went (0 for an account gone or deactivated since, else 1)."""
    user = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    moment = datetime.fromisoformat(at)
    context = {
        "name": user.profile.display_name,
        "client": client,
        "when": when_text(moment, user.profile.time_zone),
        "sessions_url": settings.SITE_URL + reverse("usersessions_list"),
        "password_url": settings.SITE_URL + reverse("account_change_password"),
        "security_url": settings.SITE_URL + reverse("accounts:security"),
    }
    return send_templated(template="accounts/email/new_sign_in", to=[user.email], context=context)
