"""A mute in the services (issue 12, item 3): questions too, only in the group muted in, and
over once its end passes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.groups.models import Kind
from roundtable.live import services as live
from roundtable.live.services import LiveError
from roundtable.safety import services
from tests.live.conftest import at, make_room

pytestmark = pytest.mark.django_db


def test_a_muted_person_may_not_raise_a_hand_until_the_mute_ends() -> None:
    room = make_room(kind=Kind.SPEAKERS)
    for u in (room.ann, room.ben):
        live.participant_join(roundtable=room.rt, user=u, now=at(0))
    live.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    services.member_mute(group=room.group, person=room.ann, by=room.fac, reason="Heckling the speaker")
    with pytest.raises(LiveError) as refused:
        live.question_raise(roundtable=room.rt, by=room.ann, text="Why?", now=at(1))
    assert (refused.value.status, refused.value.message) == (
        403,
        "A facilitator has paused your posting in this group's rooms until a facilitator lifts the pause.",
    )
    # Ben is not muted; Ann is muted in this group only.
    assert live.question_raise(roundtable=room.rt, by=room.ben, text="Slides?", now=at(2)).text == "Slides?"
    other = make_room(kind=Kind.SPEAKERS)
    assert other.group.pk != room.group.pk
    # A mute with an end: the room's clock (T0, years ahead) is past it, so Ann may ask again.
    services.member_mute(group=room.group, person=room.ann, by=room.fac, reason="Again",
                         until=timezone.now() + timedelta(days=1))  # fmt: skip
    assert live.question_raise(roundtable=room.rt, by=room.ann, text="Now?", now=at(3)).text == "Now?"


def test_only_members_are_muted_and_the_end_is_checked() -> None:
    room = make_room()
    with pytest.raises(services.SafetyError) as past:
        services.member_mute(group=room.group, person=room.ann, by=room.fac, reason="x",
                             until=timezone.now() - timedelta(minutes=1))  # fmt: skip
    assert (past.value.status, past.value.field) == (400, "until")
    with pytest.raises(services.SafetyError) as far:
        services.member_mute(group=room.group, person=room.ann, by=room.fac, reason="x",
                             until=timezone.now() + timedelta(days=6 * 365))  # fmt: skip
    assert far.value.message == "The end must be within five years; leave it empty for no end."
    with pytest.raises(services.SafetyError) as naive:
        services.member_mute(group=room.group, person=room.ann, by=room.fac, reason="x",
                             until=timezone.now().replace(tzinfo=None) + timedelta(days=1))  # fmt: skip
    assert naive.value.field == "until"
    # Muting by someone who is not a facilitator: as a missing group.
    with pytest.raises(services.SafetyError) as member:
        services.member_mute(group=room.group, person=room.ben, by=room.ann, reason="x")
    assert member.value.status == 404
