from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from roundtable.accounts.models import User
from roundtable.groups.models import Group, Kind
from roundtable.live import services
from roundtable.live.models import Roundtable
from roundtable.meetings.models import Meeting
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    ParticipantFactory,
    RsvpFactory,
    UserFactory,
    facilitator_of,
)

# Meetings start here; tests move the clock by passing now=T0 + seconds.
T0 = datetime(2031, 3, 4, 23, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@dataclass
class Room:
    group: Group
    meeting: Meeting
    fac: User
    ann: User
    ben: User
    cat: User
    rt: Roundtable

    def fresh(self) -> Roundtable:
        return Roundtable.objects.select_related("meeting__group", "current_turn").get(pk=self.rt.pk)


def going_member(group: Group, meeting: Meeting, name: str, seconds: int) -> User:
    user = UserFactory(name=name)
    MembershipFactory(group=group, user=user)
    RsvpFactory(meeting=meeting, user=user, created_at=T0 - timedelta(days=3) + timedelta(seconds=seconds))
    return user


def make_room(kind: str = Kind.STRATEGIC, starts_at: datetime = T0, **meeting_kw: object) -> Room:
    group = GroupFactory(kind=kind)
    fac = facilitator_of(group, user=UserFactory(name="Fay"))
    meeting = MeetingFactory(group=group, starts_at=starts_at, **meeting_kw)
    ann = going_member(group, meeting, "Ann", 1)
    ben = going_member(group, meeting, "Ben", 2)
    cat = going_member(group, meeting, "Cat", 3)
    rt = services.roundtable_open(meeting=meeting, by=fac, now=starts_at)
    return Room(group=group, meeting=meeting, fac=fac, ann=ann, ben=ben, cat=cat, rt=rt)


def here(room: Room, *users: User) -> None:
    """These members (Ann, Ben and Cat when none are named) came in from their devices before
    the start, as their sockets' joins would have, without moving the room's version: the seat
    goes only to people who are here (services._start_next_turn)."""
    for user in users or (room.ann, room.ben, room.cat):
        ParticipantFactory(roundtable=room.rt, user=user, joined_at=room.meeting.starts_at)


@pytest.fixture
def room(db: None) -> Room:
    return make_room()


@pytest.fixture
def live(transactional_db: None) -> Room:
    """A room for socket tests, its rows committed. The in-memory channel layer outlives a
    test's event loop: each test starts with it empty."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    async_to_sync(get_channel_layer().flush)()  # type: ignore[union-attr]
    return make_room()


@pytest.fixture
def heads(live: Room) -> dict[str, list[tuple[bytes, bytes]]]:
    """The socket headers (Origin and session cookie) of the room's facilitator and members."""
    from .test_consumers import cookie_headers  # the socket helpers live with their tests

    return {name: cookie_headers(getattr(live, name)) for name in ("fac", "ann", "ben", "cat")}
