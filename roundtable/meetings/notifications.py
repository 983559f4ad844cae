"""Emails about meetings, handed to the task worker. Called after commit, with ids."""

from __future__ import annotations

from . import tasks


def meeting_changed(*, meeting_id: int) -> None:
    tasks.email_meeting_changed.enqueue(meeting_id=meeting_id)


def meeting_cancelled(*, meeting_id: int) -> None:
    tasks.email_meeting_cancelled.enqueue(meeting_id=meeting_id)


def promoted(*, rsvp_id: int) -> None:
    tasks.email_promoted.enqueue(rsvp_id=rsvp_id)


def message_going(*, meeting_id: int, sender_id: int, subject: str, body: str) -> None:
    tasks.email_message_going.enqueue(meeting_id=meeting_id, sender_id=sender_id, subject=subject, body=body)
