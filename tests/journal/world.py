"""A small world for the journal's tests: a group, its facilitator, members going to a meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.test import Client
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.groups.models import Group, MembershipRole
from roundtable.meetings.models import Meeting
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory


@dataclass
class World:
    group: Group
    facilitator: User
    meeting: Meeting
    ann: User  # the member whose journal the tests write
    going: list[User] = field(default_factory=list)


def as_client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def world(*, starts_at: datetime | None = None, others: int = 3, **group: object) -> World:
    """A group with a facilitator, Ann and `others` more members, all going to one meeting
    (a week ahead unless `starts_at`)."""
    g = GroupFactory(name="Harbor Roundtable", **group)
    fac = MembershipFactory(group=g, role=MembershipRole.FACILITATOR, user=UserFactory(name="Fay Facilitator")).user
    m = MeetingFactory(group=g, title="Harbor circle", starts_at=starts_at or timezone.now() + timedelta(days=7))
    ann = MembershipFactory(group=g, user=UserFactory(name="Ann Alvarez")).user
    RsvpFactory(meeting=m, user=ann)
    people = []
    for i in range(others):
        u = MembershipFactory(group=g, user=UserFactory(name=f"Member {chr(66 + i)}")).user
        RsvpFactory(meeting=m, user=u)
        people.append(u)
    return World(group=g, facilitator=fac, meeting=m, ann=ann, going=people)


def end(meeting: Meeting) -> None:
    """Move the meeting into the past: it started two hours ago and has ended."""
    start = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + timedelta(minutes=90))
    meeting.refresh_from_db()
