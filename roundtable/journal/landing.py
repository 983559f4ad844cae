""" "I landed" (issue 10, item 6): the job that closes a person's search.

`landing_record` writes the tracker's Landing row (tracker/models.py; the tracker app owns
the model, this service owns the write), sets the profile's search status through
accounts.services, and, only when the person agrees (`thank_groups`), tells the facilitators
of each group the person is an active member of that a member landed, by email from the
task worker, once per person and group (LandingThanks). The email names the member and,
when they picked it as the channel, says the job came through that group; company and role
stay private (they are the member's to share).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from roundtable.accounts import services as account_services
from roundtable.accounts.models import SearchStatus, User
from roundtable.core import dates
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group
from roundtable.tracker.models import Contact, Landing, Source

from .services import JournalError, _text


def creditable_groups(owner: User) -> list[Group]:
    """The groups a landing may name as its channel, by name: ones the person is in, or has
    left (people often leave once they land) and may still see; never a group they were
    refused, removed or banned from, nor a secret group they left (groups.permissions.
    groups_been_in, as the tracker's pickers). One query."""
    return group_perms.groups_been_in(owner)


def _today_for(owner: User) -> date:
    from zoneinfo import ZoneInfo

    zone = getattr(getattr(owner, "profile", None), "time_zone", "") or "UTC"
    try:
        return timezone.now().astimezone(ZoneInfo(zone)).date()
    except (KeyError, ValueError):
        return timezone.now().date()


@dataclass(frozen=True)
class LandingData:
    """What "I landed" asks: one-line company (160) and role (160), a Source value, the
    group and contact (the owner's own, or None), the day, when the search began (optional)."""

    company_name: str
    role: str
    source: str
    landed_on: date
    group: Group | None = None
    contact: Contact | None = None
    search_started_on: date | None = None
    will_help_others: bool = False
    thank_groups: bool = False


def landing_record(*, owner: User, data: LandingData) -> Landing:
    """Record (or replace) the owner's landing and set their search status: "helping" when they
    stay on to help others, else "landed". Raises JournalError: 404 for a group or contact that
    is not theirs to name; 400 for blank or bad text, an unknown channel, a day in the future
    or out of range, or a search that started after the landing."""
    company = _text(data.company_name, field="company_name", max_length=160)
    role = _text(data.role, field="role", max_length=160)
    if not company:
        raise JournalError("Say where you landed.", field="company_name")
    if not role:
        raise JournalError("Say which role.", field="role")
    if data.source not in Source.values:
        raise JournalError("Choose how it came about from the list.", field="source")
    if not dates.in_range(data.landed_on):
        raise JournalError(dates.PICK_TEXT, field="landed_on")
    if data.landed_on > _today_for(owner) + timedelta(days=1):
        raise JournalError("Pick the day you landed: today or earlier.", field="landed_on")
    started = data.search_started_on
    if started is not None and (not dates.in_range(started) or started > data.landed_on):
        raise JournalError("Your search started on or before the day you landed.", field="search_started_on")
    if data.group is not None and data.group.pk not in {g.pk for g in creditable_groups(owner)}:
        raise JournalError("No such group.", field="group", status=404)
    if data.contact is not None and data.contact.owner_id != owner.pk:
        raise JournalError("No such contact.", field="contact", status=404)
    with transaction.atomic():
        landing, _ = Landing.objects.select_for_update().update_or_create(
            owner=owner,
            defaults={
                "company_name": company,
                "role": role,
                "source": data.source,
                "group": data.group,
                "contact": data.contact,
                "landed_on": data.landed_on,
                "search_started_on": started,
                "will_help_others": data.will_help_others,
            },
        )
        status = SearchStatus.HELPING if data.will_help_others else SearchStatus.LANDED
        account_services.profile_search_status_set(user=owner, status=status)
        if data.thank_groups:
            from .tasks import email_landing_thanks

            transaction.on_commit(lambda: email_landing_thanks.enqueue(owner_id=owner.pk))
    return landing


def landing_delete(*, owner: User) -> bool:
    """Take back "I landed" (a job that fell through): the landing goes and the search status
    returns to "searching". True when there was one."""
    with transaction.atomic():
        deleted, _ = Landing.objects.filter(owner=owner).delete()
        if deleted:
            account_services.profile_search_status_set(user=owner, status=SearchStatus.SEARCHING)
    return deleted > 0
