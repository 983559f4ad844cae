"""Rendering and sending templated email as HTML with a plain-text part."""

from __future__ import annotations

from email.message import MIMEPart
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string

from roundtable.core.text import scrub


def send_templated(
    *,
    template: str,
    to: list[str],
    context: dict[str, Any],
    calendar: bytes | None = None,
    calendar_method: str | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Render `<template>_subject.txt`, `.txt` and `.html` and send it, optionally with an
    iCalendar attachment (METHOD=calendar_method) and a Reply-To.

    Each address in `to` gets its own message with only itself in To: people on one list
    (the facilitators of a group, say) never see each other's addresses. Returns the number
    of messages sent.
    """
    if not to:
        return 0
    ctx = {"site_url": settings.SITE_URL, **context}
    # A subject is one header line (RFC 5322 2.2), and text stored before core.text's rule may
    # hold line breaks or control characters: scrubbed, so an odd title never stops a message.
    subject = " ".join(scrub(render_to_string(f"{template}_subject.txt", ctx), multiline=False).split())
    text = scrub(render_to_string(f"{template}.txt", ctx), multiline=True)
    html = scrub(render_to_string(f"{template}.html", ctx), multiline=True)
    messages = []
    for address in dict.fromkeys(to):
        message = EmailMultiAlternatives(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=text, to=[address], reply_to=reply_to
        )
        message.attach_alternative(html, "text/html")
        if calendar is not None:
            part = MIMEPart()
            part.set_content(
                calendar.decode(),
                subtype="calendar",
                charset="utf-8",
                params={"method": calendar_method} if calendar_method else None,
                disposition="attachment",
                filename="meeting.ics",
            )
            message.attach(part)
        messages.append(message)
    # One connection for all of them: a meeting's hundred attendees are not a hundred SMTP sessions.
    return mailers.default.send_messages(messages) or 0
