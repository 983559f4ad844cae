"""The journal's card on a meeting's page: a goal before the meeting ends, a reflection after."""

from __future__ import annotations

from typing import Any

from django import template

from roundtable.groups.permissions import Viewer
from roundtable.journal.context import journal_for_meeting
from roundtable.journal.models import Goal
from roundtable.meetings.models import Meeting

register = template.Library()


@register.simple_tag
def journal_card(meeting: Meeting, viewer: Viewer) -> dict[str, Any]:
    """journal.context.journal_for_meeting for the meeting page's include `journal/_card.html`."""
    return journal_for_meeting(viewer, meeting)


@register.simple_tag
def goal_for_email(meeting: Meeting, recipient: Any) -> dict[str, Any]:
    """The recipient's goal for the meeting, for the day-before reminder: {"goal", "reasons",
    "url"}. One query. Read for the recipient only (owner-only: journal.permissions)."""
    from django.conf import settings
    from django.urls import reverse

    goal = Goal.objects.filter(owner=recipient, meeting=meeting).first() if recipient is not None else None
    return {
        "goal": goal,
        "reasons": goal.get_reason_labels() if goal else [],
        "url": settings.SITE_URL + reverse("journal:goal", args=[meeting.public_id]),
    }
