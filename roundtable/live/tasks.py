"""Background work for the live room: the after-meeting summary email.

Tasks take ids and check everything again when they run, not when they were asked for:
the roundtable must have ended, and the recipient must still be an active account, have
been in the room (a Participant row) and still be an active member of the group.

Never twice: the live models have no "summary sent" record. Instead the emails are enqueued
exactly once, by services.roundtable_end after its commit (notifications.roundtable_ended),
and roundtable_end refuses a room that has already ended (409, under the room's row lock),
so a second end enqueues nothing. Nothing else enqueues email_roundtable_summary, and the
task does not retry. A task re-run by hand would send again: don't.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.urls import reverse

from roundtable.accounts.models import User
from roundtable.core.email import send_templated
from roundtable.groups.models import Membership, MembershipState
from roundtable.meetings.tasks import when, zone_of
from roundtable.meetings.templatetags.meeting_time import day_text

from . import selectors
from .models import Participant, Roundtable


def summary_recipients(roundtable: Roundtable) -> list[Participant]:
    """Who is owed a summary right now: everyone who was in the room (walk-ins too) whose
    account is active and who is still an active member of the group."""
    active = Membership.objects.filter(
        user_id=OuterRef("user_id"), group_id=roundtable.meeting.group_id, state=MembershipState.ACTIVE
    )
    return list(
        Participant.objects.filter(roundtable=roundtable, user__is_active=True)
        .filter(Exists(active))
        .select_related("user__profile")
        .order_by("joined_at", "id")
    )


def _people(summary: selectors.TurnSummary) -> list[dict[str, Any]]:
    """The people present, with only the fields their profiles let the recipient see."""
    return [
        {**row, "url": settings.SITE_URL + reverse("accounts:profile", args=[row["public_id"]])}
        for row in selectors.people_rows(summary)
    ]


def summary_context(roundtable: Roundtable, user: User) -> dict[str, Any]:
    meeting = roundtable.meeting
    summary = selectors.turn_summary(roundtable, user)
    return {
        "recipient": user,
        "name": user.display_name,
        "roundtable": roundtable,
        "meeting": meeting,
        "group": meeting.group,
        "when": when(meeting, zone_of(user, meeting.time_zone)),
        # The day as the summary page and the room write it ("Tue, Mar 4, 2031").
        "when_day": day_text(meeting.starts_at.astimezone(ZoneInfo(zone_of(user, meeting.time_zone)))),
        "summary": summary,
        "people": _people(summary),
        "summary_url": settings.SITE_URL + reverse("live:summary", args=[meeting.public_id]),
        "history_url": settings.SITE_URL + reverse("live:my_history"),
    }


@task()
def email_roundtable_summary(*, roundtable_id: int, user_id: int) -> int:
    """Email one participant the summary of their turn. Returns how many emails went (0 or 1)."""
    roundtable = Roundtable.objects.select_related("meeting__group").filter(pk=roundtable_id).first()
    if roundtable is None or not roundtable.is_ended:
        return 0
    recipient = next((p for p in summary_recipients(roundtable) if p.user_id == user_id), None)
    if recipient is None:
        return 0
    user = recipient.user
    return send_templated(template="live/email/summary", to=[user.email], context=summary_context(roundtable, user))
