"""Every write to a person's journal goes through here (design convention 2).

Services take the owner and a meeting the owner may see (views and the API resolve public ids
through `permissions`, which answer 404 for anyone else's). People named in a goal or a
reflection must be among the meeting's candidates (`selectors.goal_candidates`,
`selectors.reflection_candidates`): anyone else raises JournalError with status 404, as a
missing person would, and nothing is written. Free text follows roundtable.core.text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core import dates
from roundtable.core.errors import ServiceError
from roundtable.core.text import TextError, clean_text
from roundtable.meetings.models import Meeting
from roundtable.tracker.selectors import meeting_tasks, zone_of
from roundtable.tracker.services import TrackerError, contact_from_member, task_create

from . import permissions, selectors
from .models import Goal, GoalMet, GoalPerson, GoalReason, Reflection, ReflectionPerson

MAX_GOAL_PEOPLE = 20
MAX_MET = 50
MAX_FOLLOW_UPS = 10
NOT_THERE = "That person is not someone you can name for this meeting."


class JournalError(ServiceError):
    """A journal change that cannot be carried out."""


def _text(value: str, *, field: str, max_length: int, multiline: bool = False) -> str:
    try:
        return clean_text(value.strip(), multiline=multiline, max_length=max_length)
    except TextError as exc:
        raise JournalError(exc.reason, field=field) from exc


@dataclass(frozen=True)
class GoalPick:
    """Someone to meet: a candidate's public id, or "speaker"; `why` is one line (200 max)."""

    who: str
    why: str = ""


def goal_set(
    *,
    owner: User,
    meeting: Meeting,
    reasons: Sequence[str],
    note: str = "",
    people: Sequence[GoalPick] = (),
    now: datetime | None = None,
) -> Goal:
    """Set (or replace) the owner's goal for the meeting, with its people, all or nothing.

    `reasons`: one or more GoalReason values (duplicates dropped, order kept); `note`: one
    line of at most 300 characters. Raises JournalError: 400 when the meeting took no goal
    (ended, cancelled, not going) or for bad reasons or text; 404 for a person who is not a
    candidate (or "speaker" for a meeting without a talk)."""
    if not permissions.may_set_goal(owner, meeting, now):
        raise JournalError("Goals are set by people going, until the meeting ends.", field="reasons")
    picked = list(dict.fromkeys(reasons))
    if not picked:
        raise JournalError("Pick at least one reason for going.", field="reasons")
    if any(r not in GoalReason.values for r in picked):
        raise JournalError("Pick reasons from the list.", field="reasons")
    note = _text(note, field="note", max_length=300)
    if len(people) > MAX_GOAL_PEOPLE:
        raise JournalError(f"Name up to {MAX_GOAL_PEOPLE} people.", field="people")
    by_id = {c.public_id: c for c in selectors.goal_candidates(owner, meeting)}
    has_talk = getattr(meeting, "talk", None) is not None
    rows: list[GoalPerson] = []
    seen: set[str] = set()
    for pick in people:
        if pick.who in seen:
            continue
        seen.add(pick.who)
        why = _text(pick.why, field="people", max_length=200)
        if pick.who == "speaker" and has_talk:
            rows.append(GoalPerson(is_speaker=True, why=why))
        elif pick.who in by_id:
            rows.append(GoalPerson(person=by_id[pick.who].user, why=why))
        else:
            raise JournalError(NOT_THERE, field="people", status=404)
    with transaction.atomic():
        goal, _ = Goal.objects.select_for_update().get_or_create(owner=owner, meeting=meeting)
        goal.reasons = picked
        goal.note = note
        goal.save()
        goal.people.all().delete()
        for row in rows:
            row.goal = goal
        GoalPerson.objects.bulk_create(rows)
    return goal


def goal_clear(*, owner: User, meeting: Meeting, now: datetime | None = None) -> bool:
    """Remove the owner's goal for the meeting (until it ends); True when there was one.
    Raises JournalError(400) once the meeting has ended: the goal then stands beside the
    reflection."""
    if (now or timezone.now()) >= meeting.ends_at:
        raise JournalError("The meeting has ended: its goal stays beside your reflection.")
    deleted, _ = Goal.objects.filter(owner=owner, meeting=meeting).delete()
    return deleted > 0


def _day_text(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def follow_up_key(title: str, due_on: date | None) -> tuple[str, date | None]:
    """What makes two follow-ups the same: the title, case and spacing aside, and the day."""
    return " ".join(title.split()).casefold(), due_on


@dataclass(frozen=True)
class FollowUp:
    """A follow-up to do: one line (200 max) and an optional due day (the owner's calendar)."""

    title: str
    due_on: date | None = None


def reflection_save(
    *,
    owner: User,
    meeting: Meeting,
    value: int,
    takeaways: str = "",
    goal_met: str = "",
    met: Sequence[str] | None = (),
    follow_ups: Sequence[FollowUp] = (),
    now: datetime | None = None,
) -> Reflection:
    """Record (or revise) how the meeting went, all or nothing.

    `value` 1 to 5; `takeaways` up to 3,000 characters, line breaks allowed; `goal_met` a
    GoalMet value or ""; `met` public ids of people from `selectors.reflection_candidates`:
    each becomes (or stays) a tracker contact linked to the meeting (tracker.services.
    contact_from_member) and a ReflectionPerson; a person left out on a later save loses the
    ReflectionPerson, never the contact (the tracker is the owner's to tidy); `met=None` keeps
    the people already recorded (a revision that does not mention them). Each follow-up
    becomes a new tracker task tied to the meeting (tracker.services.task_create), unless the
    owner already has one for the meeting with the same title (case and spacing aside) and due
    day; a follow-up due before the meeting's day (the owner's zone) is refused. Raises
    JournalError: 400 before the meeting ends or for bad values, 404 for a person who was not
    there."""
    if not permissions.may_reflect(owner, meeting, now):
        if meeting.is_cancelled or (now or timezone.now()) < meeting.ends_at:
            raise JournalError("You can say how a meeting went once it has ended.")
        raise JournalError("Only people who were there can say how it went: you weren't going, or were marked absent.")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise JournalError("Choose a value from 1 to 5.", field="value")
    takeaways = _text(takeaways, field="takeaways", max_length=3000, multiline=True)
    if goal_met and goal_met not in GoalMet.values:
        raise JournalError("Answer yes, partly or no.", field="goal_met")
    keep_people = met is None
    met_ids = list(dict.fromkeys(met or ()))
    if len(met_ids) > MAX_MET:
        raise JournalError(f"Name up to {MAX_MET} people.", field="met")
    if len(follow_ups) > MAX_FOLLOW_UPS:
        raise JournalError(f"Add up to {MAX_FOLLOW_UPS} follow-ups at a time.", field="follow_ups")
    meeting_day = meeting.starts_at.astimezone(zone_of(owner)).date()
    for f in follow_ups:
        if f.due_on is not None and not dates.in_range(f.due_on):
            raise JournalError(dates.PICK_TEXT, field="follow_ups")
        if f.due_on is not None and f.due_on < meeting_day:
            raise JournalError(
                f"A follow-up cannot be due before the meeting: pick {_day_text(meeting_day)} or later.",
                field="follow_ups",
            )
    by_id = {c.public_id: c for c in selectors.reflection_candidates(owner, meeting)}
    if any(pid not in by_id for pid in met_ids):
        raise JournalError(NOT_THERE, field="met", status=404)
    people = [by_id[pid].user for pid in met_ids]
    try:
        with transaction.atomic():
            reflection, _ = Reflection.objects.select_for_update().get_or_create(owner=owner, meeting=meeting)
            reflection.value = value
            reflection.takeaways = takeaways
            reflection.goal_met = goal_met
            reflection.dismissed_at = None
            reflection.save()
            if keep_people:
                people = []
            keep = {p.pk for p in people}
            if not keep_people:
                reflection.people.exclude(person_id__in=keep).delete()
            already = set(reflection.people.values_list("person_id", flat=True))
            for person in people:
                contact = contact_from_member(owner=owner, person=person, meeting=meeting)
                if person.pk not in already:
                    ReflectionPerson.objects.create(reflection=reflection, person=person, contact=contact)
            # A follow-up already tied to this meeting (same title, ignoring case and spacing,
            # same due day) is not made twice: a form posted again, an API client retrying.
            made = {follow_up_key(t.title, t.due_on) for t in meeting_tasks(owner, meeting)}
            for f in follow_ups:
                key = follow_up_key(f.title, f.due_on)
                if key in made:
                    continue
                made.add(key)
                task_create(owner=owner, title=f.title, due_on=f.due_on, meeting=meeting)
    except TrackerError as exc:
        raise JournalError(exc.message, field="follow_ups") from exc
    return reflection


def reflection_dismiss(*, owner: User, meeting: Meeting, now: datetime | None = None) -> Reflection:
    """Stop asking how the meeting went without recording a value. A reflection with a value
    stays as it is. Raises JournalError(400) when there is nothing to dismiss (not ended, not
    there)."""
    if not permissions.may_reflect(owner, meeting, now):
        raise JournalError("There is nothing to answer for this meeting.")
    with transaction.atomic():
        reflection, _ = Reflection.objects.select_for_update().get_or_create(
            owner=owner, meeting=meeting, defaults={"dismissed_at": now or timezone.now()}
        )
    return reflection


def reflection_delete(*, owner: User, reflection: Reflection) -> None:
    """Delete one of the owner's reflections (its people go with it; contacts and tasks made
    from it stay in the tracker). The meeting's prompt does not come back by email."""
    if reflection.owner_id != owner.pk:
        raise JournalError(permissions.NOT_FOUND, status=404)
    reflection.delete()
