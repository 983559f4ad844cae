"""Who may enter a room; the broadcast after commit; the speakers' question queue."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import User
from roundtable.groups.models import GroupVisibility, Kind, MembershipState
from roundtable.live import clock, permissions, services
from roundtable.live.broadcast import group_name
from roundtable.live.models import Question
from roundtable.live.services import LiveError
from tests.factories import MembershipFactory, ParticipantFactory, RsvpFactory, UserFactory

from .conftest import Room, at, here, make_room


def _enters(user, room: Room) -> bool:  # type: ignore[no-untyped-def]
    try:
        return permissions.roundtable_for_viewer(user, room.meeting.public_id).pk == room.rt.pk
    except Http404:
        return False


@pytest.mark.parametrize("visibility", [GroupVisibility.LISTED, GroupVisibility.SECRET])
@pytest.mark.django_db
def test_who_may_enter_the_room(visibility: str) -> None:
    room = make_room()
    room.group.visibility = visibility
    room.group.save()
    member_not_going = MembershipFactory(group=room.group).user
    stranger = UserFactory()
    assert [_enters(u, room) for u in (room.fac, room.ann, member_not_going, stranger, AnonymousUser())] == [
        True, True, False, False, False,
    ]  # fmt: skip
    # A walk-in must be a member: a stranger cannot be let in, a member who is not going can.
    with pytest.raises(LiveError) as not_member:
        services.participant_admit(roundtable=room.rt, user=stranger, by=room.fac, now=at(1))
    assert (not_member.value.status, _enters(stranger, room)) == (409, False)
    services.participant_admit(roundtable=room.rt, user=member_not_going, by=room.fac, now=at(1))
    assert _enters(member_not_going, room) is True
    # Losing the group closes the room at once, even to someone already in it.
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(2))
    room.group.memberships.filter(user=room.ann).update(state=MembershipState.REMOVED)
    assert _enters(room.ann, room) is False
    with pytest.raises(LiveError) as removed:
        services.participant_join(roundtable=room.rt, user=room.ann, now=at(3))
    assert removed.value.status == 403


def _may_stay(user: User, room: Room) -> bool:
    """The rule of the pages, one person at a time through the ORM (permissions.room_for_viewer),
    which the sockets ask in one query (consumers._person)."""
    try:
        return user.is_active and permissions.room_for_viewer(user, room.rt.pk).pk == room.rt.pk
    except Http404:
        return False


def _everyone(room: Room) -> list[User]:
    """One person of each kind the room's rules tell apart."""
    people = [room.fac, room.ann, room.ben, room.cat, UserFactory()]  # the last: a stranger
    for state in (MembershipState.PENDING, MembershipState.LEFT, MembershipState.REMOVED, MembershipState.BANNED):
        going = MembershipFactory(group=room.group, state=state).user
        RsvpFactory(meeting=room.meeting, user=going)
        ParticipantFactory(roundtable=room.rt, user=going, admitted_by=room.fac)
        people.append(going)
    not_going = MembershipFactory(group=room.group).user  # no RSVP, not here
    walk_in_gone = MembershipFactory(group=room.group).user  # let in, since left
    ParticipantFactory(roundtable=room.rt, user=walk_in_gone, admitted_by=room.fac, left_at=at(5))
    here_now = MembershipFactory(group=room.group).user  # in the room now, not let in
    ParticipantFactory(roundtable=room.rt, user=here_now)
    left = MembershipFactory(group=room.group).user  # was here, left, never let in
    ParticipantFactory(roundtable=room.rt, user=left, left_at=at(5))
    waitlisted = MembershipFactory(group=room.group).user
    RsvpFactory(meeting=room.meeting, user=waitlisted, status="waitlisted")
    declined = MembershipFactory(group=room.group).user
    RsvpFactory(meeting=room.meeting, user=declined, status="declined")
    other_group = UserFactory()  # a facilitator, of another group
    MembershipFactory(user=other_group, role="facilitator")
    people += [not_going, walk_in_gone, here_now, left, waitlisted, declined, other_group]
    User.objects.filter(pk=room.cat.pk).update(is_active=False)  # going, account closed
    return [User.objects.get(pk=u.pk) for u in people]


@pytest.mark.parametrize("visibility", [GroupVisibility.LISTED, GroupVisibility.UNLISTED, GroupVisibility.SECRET])
@pytest.mark.django_db
def test_who_may_stay_answers_as_the_check_of_one_person(visibility: str) -> None:
    room = make_room()
    room.group.visibility = visibility
    room.group.save()
    people = _everyone(room)
    with CaptureQueriesContext(connection) as one_query:
        staying = permissions.who_may_stay(room.rt.pk, {u.pk for u in people})
    expected = {u.pk for u in people if _may_stay(u, room)}
    assert staying == expected
    assert staying == {room.fac.pk, room.ann.pk, room.ben.pk, people[-6].pk, people[-5].pk}
    assert len(one_query) == 1
    # One at a time, the same answers.
    assert [permissions.who_may_stay(room.rt.pk, {u.pk}) == {u.pk} for u in people] == [
        u.pk in expected for u in people
    ]
    # The check before every action answers the same, with the person's row.
    rows = [permissions.person_who_may_stay(room.rt.pk, u.pk) for u in people]
    assert [(r.pk, r.email) if r is not None else None for r in rows] == [
        (u.pk, u.email) if u.pk in expected else None for u in people
    ]
    assert permissions.who_may_stay(room.rt.pk, set()) == set()
    assert permissions.who_may_stay(room.rt.pk + 1000, {room.fac.pk}) == set()


@pytest.mark.django_db
def test_who_may_stay_is_one_query_at_two_sizes() -> None:
    small, big = make_room(), make_room()
    for _ in range(30):
        member = MembershipFactory(group=big.group).user
        RsvpFactory(meeting=big.meeting, user=member)
    counts = []
    for room in (small, big):
        ids = set(room.group.memberships.values_list("user_id", flat=True))
        with CaptureQueriesContext(connection) as ctx:
            assert permissions.who_may_stay(room.rt.pk, ids) == ids
        counts.append(len(ctx))
    assert counts == [1, 1]


def test_no_room_yet_is_a_404(db: None) -> None:
    room = make_room()
    meeting_id = room.meeting.public_id
    room.rt.delete()
    with pytest.raises(Http404):
        permissions.roundtable_for_viewer(room.fac, meeting_id)


def test_control_and_seat(room: Room) -> None:
    assert (permissions.can_control(room.fac, room.rt), permissions.can_control(room.ann, room.rt)) == (True, False)
    assert permissions.is_in_seat(room.ann, room.fresh()) is False
    here(room)
    rt = services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    assert [permissions.is_in_seat(u, rt) for u in (room.ann, room.ben, room.fac)] == [True, False, False]


def test_changes_broadcast_the_new_version_after_commit(room: Room, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name(room.rt.pk), channel)
    here(room)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    # Nothing is sent inside the transaction; one message after it.
    assert len(callbacks) == 1
    callbacks[0]()
    message = async_to_sync(layer.receive)(channel)
    # The snapshot rides along as JSON text, built once for every socket in the room.
    assert (message["type"], message["version"], message["seat_user_id"]) == ("room.changed", 2, room.ann.pk)
    room_sent = json.loads(message["room_json"])
    assert (room_sent["version"], room_sent["status"], room_sent["turn"]["user_id"]) == (2, "running", room.ann.pk)
    # A refusal sends nothing.
    with django_capture_on_commit_callbacks(execute=True) as refused, pytest.raises(LiveError):
        services.clock_pause(roundtable=room.rt, by=room.ann, now=at(1))
    assert refused == []
    async_to_sync(layer.group_discard)(group_name(room.rt.pk), channel)


def test_the_question_queue_of_a_speakers_meeting(db: None) -> None:
    room = make_room(kind=Kind.SPEAKERS)
    for u in (room.ann, room.ben):
        services.participant_join(roundtable=room.rt, user=u, now=at(0))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    with pytest.raises(LiveError) as absent:
        services.question_raise(roundtable=room.rt, by=room.cat, text="Hi?", now=at(1))
    assert absent.value.status == 403
    q1 = services.question_raise(roundtable=room.rt, by=room.ann, text="How long should a resume be?", now=at(2))
    with pytest.raises(LiveError) as twice:
        services.question_raise(roundtable=room.rt, by=room.ann, text="And another?", now=at(3))
    assert twice.value.status == 409
    q2 = services.question_raise(roundtable=room.rt, by=room.ben, text="Cover letters?", now=at(4))
    with pytest.raises(LiveError) as member:
        services.question_take_next(roundtable=room.rt, by=room.ann, now=at(5))
    assert member.value.status == 403

    taken = services.question_take_next(roundtable=room.rt, by=room.fac, now=at(5))
    assert (taken.pk if taken else None, taken.taken_at if taken else None) == (q1.pk, at(5))
    snap = clock.snapshot(room.fresh(), at(6))
    assert snap["questions"] == [
        {"id": q1.pk, "user_id": room.ann.pk, "name": "Ann", "text": "How long should a resume be?", "status": "taken"},
        {"id": q2.pk, "user_id": room.ben.pk, "name": "Ben", "text": "Cover letters?", "status": "waiting"},
    ]
    assert (snap["turns"], snap["turn"], snap["phase_key"], snap["open_discussion"]) == ([], None, None, False)
    # Taking the next one closes the one being answered.
    services.question_take_next(roundtable=room.rt, by=room.fac, now=at(7))
    services.question_done(question=q2, by=room.ben, now=at(8))  # the asker may close their own
    assert list(Question.objects.order_by("id").values_list("status", flat=True)) == ["answered", "answered"]
    assert services.question_take_next(roundtable=room.rt, by=room.fac, now=at(9)) is None
    # A hand lowered while waiting is withdrawn, not answered; only the asker lowers it.
    q3 = services.question_raise(roundtable=room.rt, by=room.ann, text="Portfolio or resume?", now=at(10))
    with pytest.raises(LiveError) as other:
        services.question_withdraw(question=q3, by=room.ben)
    assert (other.value.status, other.value.message) == (404, "You have no such question waiting.")
    assert services.question_withdraw(question=q3, by=room.ann).status == "withdrawn"
    with pytest.raises(LiveError) as again:
        services.question_withdraw(question=q3, by=room.ann)
    assert again.value.status == 409
    assert clock.snapshot(room.fresh(), at(11))["questions"] == []
    # Turn controls do not apply here.
    with pytest.raises(LiveError) as no_turns:
        services.phase_next(roundtable=room.rt, by=room.fac, now=at(10))
    assert no_turns.value.message == "This room has a question queue, not turns."


@pytest.mark.django_db
def test_the_person_checked_before_an_action_brings_their_role_with_them() -> None:
    room, other = make_room(), make_room()
    fac = permissions.person_who_may_stay(room.rt.pk, room.fac.pk)
    ann = permissions.person_who_may_stay(room.rt.pk, room.ann.pk)
    assert fac is not None
    assert ann is not None
    rt = room.fresh()
    with CaptureQueriesContext(connection) as asked:
        assert (permissions.can_control(fac, rt), permissions.can_control(ann, rt)) == (True, False)
    assert len(asked) == 0
    # For another group's room the role read with the check says nothing: asked as for anyone.
    elsewhere = other.fresh()
    with CaptureQueriesContext(connection) as asked:
        assert permissions.can_control(fac, elsewhere) is False
    assert len(asked) == 1


@pytest.mark.django_db(transaction=True)
def test_a_facilitators_action_reads_the_membership_once_and_a_demotion_counts_from_the_next() -> None:
    from roundtable.groups.models import Membership, MembershipRole
    from roundtable.live import consumers

    room = make_room()
    here(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    act = consumers.act.func
    with CaptureQueriesContext(connection) as ctx:
        act(room.fac.pk, room.rt.pk, "add_minute", {})
    # Only the access check before the action reads the membership, role included (the
    # snapshot's reads join it only for members' pseudonyms: live/rows.PEOPLE).
    reads = [q["sql"] for q in ctx.captured_queries if "groups_membership" in q["sql"]]
    assert [sql for sql in reads if "gm.pseudonym" not in sql] == [ctx.captured_queries[0]["sql"]]
    assert room.fresh().extra_seconds == 60
    Membership.objects.filter(group=room.group, user=room.fac).update(role=MembershipRole.MEMBER)
    with pytest.raises(LiveError) as refused:
        act(room.fac.pk, room.rt.pk, "add_minute", {})
    assert (refused.value.status, room.fresh().extra_seconds) == (403, 60)
