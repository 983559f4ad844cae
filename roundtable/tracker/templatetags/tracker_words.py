"""Words for counts of activities: "1 of 2 applications", never "1 of 2 application"."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

# Each kind's words for one and for several, in running text (lower case).
KIND_WORDS = {
    "outreach": ("outreach to a hiring manager", "outreach to hiring managers"),
    "conversation": ("networking conversation", "networking conversations"),
    "informational": ("informational interview", "informational interviews"),
    "application": ("application", "applications"),
    "interview": ("interview", "interviews"),
    "follow_up": ("follow-up", "follow-ups"),
    "offer": ("offer", "offers"),
}


@register.filter
def target_words(progress: Any) -> str:
    """A weekly target's kind, counted by its target: "of 1 application", "of 2 applications"."""
    one, many = KIND_WORDS.get(progress.kind, (str(progress.label).lower(), str(progress.label).lower()))
    return one if progress.target == 1 else many
