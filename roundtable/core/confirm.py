"""One pattern for destructive actions (issue 9, item 3): ask first, say what will happen.

A destructive button is a plain link to its action's URL (GET). GET answers a page that
names the thing, says exactly what the action does (and whether it can be undone), and
holds a POST form with the action's fields and one button, beside a way back. POST acts.
So it works without JavaScript, a misclick does nothing, and the confirmation is the same
page everywhere (cancel a meeting follows the same shape).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_confirm(
    request: HttpRequest,
    *,
    title: str,
    subject: str,
    consequences: Sequence[str],
    action_url: str,
    confirm_label: str,
    back_url: str,
    back_label: str,
    fields: Mapping[str, str | int] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The confirmation page: `title` is the question ("Remove Ana from Career Changers?"),
    `subject` names the thing acted on, `consequences` are the plain sentences of what
    happens, `fields` the hidden inputs the POST carries (e.g. {"action": "remove"})."""
    ctx = {
        "title": title,
        "subject": subject,
        "consequences": consequences,
        "action_url": action_url,
        "confirm_label": confirm_label,
        "back_url": back_url,
        "back_label": back_label,
        "fields": dict(fields or {}),
    }
    return render(request, "core/confirm.html", ctx, status=status)
