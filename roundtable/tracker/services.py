"""Every write to a person's tracker goes through here (design convention 2).

Services take the owner and already-resolved rows of that owner's (views and API resolve
public ids through `selectors`, which answer 404 for anyone else's); they clean free text with
roundtable.core.text and raise TrackerError (a ServiceError) with a message and field.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from roundtable.accounts.models import User
from roundtable.core.errors import ServiceError
from roundtable.core.text import TextError, clean_text
from roundtable.meetings.models import Meeting

from .models import Company, Contact, Task


class TrackerError(ServiceError):
    """A tracker change that cannot be carried out."""


def _line(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    """Single-line text as stored (stripped), or TrackerError naming the field."""
    try:
        value = clean_text(value.strip(), multiline=False, max_length=max_length)
    except TextError as exc:
        raise TrackerError(exc.reason, field=field) from exc
    if required and not value:
        raise TrackerError("This cannot be blank.", field=field)
    return value


def company_for_name(*, owner: User, name: str) -> Company | None:
    """The owner's company called `name` (any case), created if new; None for a blank name.
    Raises TrackerError for text that breaks the core text rule or is over 160 characters."""
    name = _line(name, field="company", max_length=160)
    if not name:
        return None
    existing = Company.objects.filter(owner=owner, name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Company.objects.create(owner=owner, name=name)
    except IntegrityError:  # created meanwhile by the owner's other request (the unique constraint)
        return Company.objects.get(owner=owner, name__iexact=name)


def contact_from_member(*, owner: User, person: User, meeting: Meeting | None = None) -> Contact:
    """The owner's contact for a Roundtable member they met (one per member: the unique
    constraint `tracker_contact_one_per_member`), created if new, with the member's display
    name, and linked to the meeting (and its group) where they first met. An existing contact
    keeps its own name and notes; its last touch moves to the meeting's day when later.

    The caller has checked that the owner may know this person (they were at the meeting)."""
    meeting_day: date | None = None
    if meeting is not None:
        meeting_day = meeting.starts_at.date()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(owner=owner, person=person).first()
        if contact is None:
            try:
                with transaction.atomic():
                    return Contact.objects.create(
                        owner=owner,
                        person=person,
                        name=person.display_name[:160],
                        meeting=meeting,
                        group_id=meeting.group_id if meeting is not None else None,
                        how_met=f"Met at {meeting.title}"[:200] if meeting is not None else "",
                        last_touch_on=meeting_day,
                    )
            except IntegrityError:
                contact = Contact.objects.get(owner=owner, person=person)
        if meeting_day is not None and (contact.last_touch_on is None or contact.last_touch_on < meeting_day):
            contact.last_touch_on = meeting_day
            contact.save(update_fields=["last_touch_on", "updated_at"])
        return contact


def task_create(
    *,
    owner: User,
    title: str,
    due_on: date | None = None,
    contact: Contact | None = None,
    meeting: Meeting | None = None,
) -> Task:
    """A new open task for the owner. `title` is one line of at most 200 characters (blank
    refused); `contact` must be the owner's. Raises TrackerError(field="title")."""
    title = _line(title, field="title", max_length=200, required=True)
    if contact is not None and contact.owner_id != owner.pk:
        raise TrackerError("That contact is not yours.", field="contact", status=404)
    return Task.objects.create(owner=owner, title=title, due_on=due_on, contact=contact, meeting=meeting)
