"""Access to a live room ends when the membership or the account does, on every surface
(issue 8): pages, the display, the summary, the socket and every action."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from roundtable.accounts.models import User
from roundtable.groups import services as group_services
from roundtable.groups.models import JoinPolicy, Kind, Membership, MembershipState
from roundtable.live import clock, permissions, services
from roundtable.live.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND
from roundtable.live.models import Participant, Question, QuestionStatus, Roundtable, Turn, TurnStatus
from roundtable.live.services import LiveError
from tests.factories import MembershipFactory

from .conftest import Room, at, here, make_room
from .test_consumers import closed_with, cookie_headers, enter, open_socket, quiet, until


def room_urls(room: Room) -> list[str]:
    """Every page of the room, built in one place (meeting addresses may change)."""
    return [reverse(f"live:{name}", args=[room.meeting.public_id]) for name in ("room", "display", "summary", "status")]


def _approval_room_with_ann_removed(then: str) -> Room:
    """Ann was in the room of an approval group, was removed, and asked to join again:
    her request is pending, or was declined."""
    room = make_room()
    room.group.join_policy = JoinPolicy.APPROVAL
    room.group.eligibility_question = "What are you looking for?"
    room.group.save()
    here(room, room.ben, room.cat)
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(1))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(2))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(3))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(4))  # Ann's brainstorm
    membership = Membership.objects.get(group=room.group, user=room.ann)
    group_services.membership_remove(membership=membership, by=room.fac, ban=False)
    again = group_services.membership_join(group=room.group, user=room.ann, answer="A second chance")
    assert again.state == MembershipState.PENDING
    if then == "declined":
        group_services.membership_decide(membership=again, by=room.fac, approve=False)
    return room


@pytest.mark.parametrize("then", ["pending", "declined"])
@pytest.mark.django_db
def test_a_removed_member_who_asks_again_stays_out_of_the_room(then: str) -> None:
    room = _approval_room_with_ann_removed(then)
    client = Client()
    client.force_login(room.ann)
    assert [client.get(url).status_code for url in room_urls(room)] == [404, 404, 404, 404]
    with pytest.raises(LiveError) as join:
        services.participant_join(roundtable=room.rt, user=room.ann, now=at(5))
    assert join.value.status == 403
    rt = Roundtable.objects.select_related("meeting__group", "current_turn").get(pk=room.rt.pk)
    assert rt.current_turn is not None
    with pytest.raises(LiveError) as suggest:
        services.suggestion_add(turn=rt.current_turn, by=room.ann, text="Let me back in", now=at(6))
    assert (suggest.value.status, suggest.value.message) == (403, "You no longer have access to this room.")
    # Her place in the room ended with the removal, so no snapshot lists her.
    assert Participant.objects.get(roundtable=room.rt, user=room.ann).left_at is not None


@pytest.mark.django_db
def test_an_earlier_admission_does_not_outlive_the_membership() -> None:
    room = make_room()
    dan = MembershipFactory(group=room.group).user
    services.participant_admit(roundtable=room.rt, user=dan, by=room.fac, now=at(1))
    assert permissions.may_enter(dan, room.fresh()) is True
    group_services.membership_leave(group=room.group, user=dan)
    group_services.membership_join(group=room.group, user=dan)  # an open group: active again
    # Active again, but the admission was for the membership that ended: ask again.
    assert Participant.objects.get(roundtable=room.rt, user=dan).admitted_by_id is None
    assert permissions.may_enter(dan, room.fresh()) is False
    services.participant_admit(roundtable=room.rt, user=dan, by=room.fac, now=at(2))
    assert permissions.may_enter(dan, room.fresh()) is True


@pytest.mark.django_db
def test_a_deactivated_account_leaves_every_room() -> None:
    room = make_room()
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(1))
    version = room.fresh().version
    ann = User.objects.get(pk=room.ann.pk)  # as the admin reads it
    ann.is_active = False
    ann.save()
    assert Participant.objects.get(roundtable=room.rt, user=room.ann).left_at is not None
    assert room.fresh().version == version + 1
    assert permissions.may_enter(ann, room.fresh()) is False


# ---------------------------------------------------------------- sockets


async def fac_and_ann_in(live: Room) -> tuple[WebsocketCommunicator, WebsocketCommunicator]:
    """The facilitator's and Ann's sockets, both in the room, with their first frames read."""
    heads = await database_sync_to_async(lambda: {n: cookie_headers(getattr(live, n)) for n in ("fac", "ann")})()
    fac, _ = await enter(live.rt.pk, heads["fac"])
    ann, _ = await enter(live.rt.pk, heads["ann"])
    await quiet(fac, ann)
    return fac, ann


@pytest.mark.parametrize("then", ["pending", "declined"])
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_removed_member_who_asks_again_cannot_open_a_socket(then: str) -> None:
    await get_channel_layer().flush()  # type: ignore[union-attr]
    room = await database_sync_to_async(_approval_room_with_ann_removed)(then)
    headers = await database_sync_to_async(lambda: cookie_headers(room.ann))()
    comm = await open_socket(room.rt.pk, headers)
    assert await closed_with(comm) == CLOSE_NOT_FOUND


def _deactivate(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    user.is_active = False
    user.save()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_deactivated_accounts_socket_closes_at_once(live: Room) -> None:
    fac, ann = await fac_and_ann_in(live)
    await database_sync_to_async(_deactivate)(live.ann.pk)
    assert await ann.receive_json_from(timeout=3) == {
        "type": "revoked",
        "message": "You no longer have access to this room.",
    }
    assert await closed_with(ann) == CLOSE_FORBIDDEN
    frame: dict[str, Any] = await until(fac, lambda f: f["type"] == "snapshot")
    assert [p["name"] for p in frame["room"]["participants"]] == ["Fay"]
    await fac.disconnect()


def _taken_out_quietly(room: Room) -> None:
    # Out of the group and out of the room, with no "access.revoked" on its way (as when
    # that message is lost): the room's next change must not reach her.
    Membership.objects.filter(group=room.group, user=room.ann).update(state=MembershipState.REMOVED)
    services.participant_leave(roundtable=room.rt, user=room.ann)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_room_pushes_nothing_to_someone_who_may_no_longer_be_there(live: Room) -> None:
    fac, ann = await fac_and_ann_in(live)
    await database_sync_to_async(_taken_out_quietly)(live)
    assert (await ann.receive_json_from(timeout=3))["type"] == "revoked"
    assert await closed_with(ann) == CLOSE_FORBIDDEN
    await fac.disconnect()


def _operator() -> User:
    from tests.factories import UserFactory

    return UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)


def _admin_sets_state(room: Room, state: str) -> int:
    """An operator changes Ann's membership in the Django admin's change form, as a person would."""
    client = Client()
    client.force_login(_operator())
    m = Membership.objects.get(group=room.group, user=room.ann)
    url = reverse("admin:groups_membership_change", args=[m.pk])
    data = {
        "group": m.group_id,
        "user": m.user_id,
        "role": m.role,
        "state": state,
        "answer": m.answer,
        "admission": m.admission,
        "created_at_0": m.created_at.strftime("%Y-%m-%d"),
        "created_at_1": m.created_at.strftime("%H:%M:%S"),
        "decided_at_0": "",
        "decided_at_1": "",
        "decided_by": "",
    }
    return client.post(url, data).status_code


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_removal_in_the_admin_closes_the_socket_at_once(live: Room) -> None:
    fac, ann = await fac_and_ann_in(live)
    assert await database_sync_to_async(_admin_sets_state)(live, MembershipState.REMOVED) == 302
    assert await ann.receive_json_from(timeout=3) == {
        "type": "revoked",
        "message": "You no longer have access to this room.",
    }
    assert await closed_with(ann) == CLOSE_FORBIDDEN
    frame: dict[str, Any] = await until(fac, lambda f: f["type"] == "snapshot")
    assert [p["name"] for p in frame["room"]["participants"]] == ["Fay"]
    await fac.disconnect()


@pytest.mark.django_db
def test_a_membership_deleted_in_the_admin_ends_access_and_recounts() -> None:
    room = make_room()
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(1))
    before = room.group.__class__.objects.get(pk=room.group.pk).member_count
    client = Client()
    client.force_login(_operator())
    m = Membership.objects.get(group=room.group, user=room.ann)
    r = client.post(
        reverse("admin:groups_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk], "post": "yes"},
    )
    assert r.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert room.group.__class__.objects.get(pk=room.group.pk).member_count == before - 1
    assert Participant.objects.get(roundtable=room.rt, user=room.ann).left_at is not None
    assert permissions.may_enter(room.ann, room.rt) is False


@pytest.mark.django_db
def test_an_admin_edit_that_keeps_the_member_active_changes_nothing_for_them() -> None:
    room = make_room()
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(1))
    assert _admin_sets_state(room, MembershipState.ACTIVE) == 302
    assert Participant.objects.get(roundtable=room.rt, user=room.ann).left_at is None


def _removed(room: Room, user: User) -> None:
    membership = Membership.objects.get(group=room.group, user=user)
    group_services.membership_remove(membership=membership, by=room.fac, ban=False)


@pytest.mark.django_db
def test_a_removed_member_loses_their_place_in_the_order_and_never_gets_the_seat() -> None:
    # Issue 8, finding 4: the order is built at the opening; Ann is removed before the start.
    room = make_room()
    here(room)
    _removed(room, room.ann)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(1))
    snap = clock.snapshot(room.fresh(), at(2))
    assert [(t["name"], t["status"]) for t in snap["turns"]] == [("Ben", "active"), ("Cat", "pending")]
    assert snap["turn"]["user_id"] == room.ben.pk
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(3))
    snap = clock.snapshot(room.fresh(), at(4))
    assert snap["turn"]["user_id"] == room.cat.pk
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(5))
    snap = clock.snapshot(room.fresh(), at(6))
    assert snap["turn"] is None
    assert room.ann.pk not in {t["user_id"] for t in snap["turns"]}


@pytest.mark.django_db
def test_a_member_removed_in_the_seat_leaves_it_to_the_next() -> None:
    room = make_room()
    here(room, room.ben, room.cat)
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(1))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(2))
    assert room.fresh().current_turn.user_id == room.ann.pk  # type: ignore[union-attr]
    _removed(room, room.ann)
    rt = room.fresh()
    assert rt.current_turn is not None
    assert rt.current_turn.user_id == room.ben.pk
    assert Turn.objects.get(roundtable=rt, user=room.ann).status == TurnStatus.DONE
    # Cat removed while waiting: Ben's turn ends into open discussion, never into Cat's.
    _removed(room, room.cat)
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(9))
    assert room.fresh().current_turn is None


@pytest.mark.django_db
def test_a_removed_members_question_leaves_the_queue() -> None:
    room = make_room(kind=Kind.SPEAKERS)
    services.participant_join(roundtable=room.rt, user=room.ann, now=at(1))
    services.participant_join(roundtable=room.rt, user=room.ben, now=at(1))
    services.question_raise(roundtable=room.rt, by=room.ann, text="Ann asks", now=at(2))
    services.question_raise(roundtable=room.rt, by=room.ben, text="Ben asks", now=at(3))
    _removed(room, room.ann)
    taken = services.question_take_next(roundtable=room.rt, by=room.fac, now=at(4))
    assert taken is not None
    assert taken.user_id == room.ben.pk
    assert Question.objects.get(roundtable=room.rt, user=room.ann).status == QuestionStatus.WITHDRAWN


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_access_lost_elsewhere_closes_the_socket_within_the_recheck_bound(live: Room, settings: Settings) -> None:
    # Issue 8, finding 10: an account closed outside this process (an UPDATE, as manage.py
    # shell or the task worker might) sends nothing to this process's sockets: the socket's
    # own timer finds it.
    settings.LIVE_ACCESS_RECHECK_SECONDS = 0.3
    fac, ann = await fac_and_ann_in(live)
    await database_sync_to_async(lambda: User.objects.filter(pk=live.ann.pk).update(is_active=False))()
    assert await ann.receive_json_from(timeout=3) == {
        "type": "revoked",
        "message": "You no longer have access to this room.",
    }
    assert await closed_with(ann) == CLOSE_FORBIDDEN
    # Fay keeps her socket: her checks pass.
    await asyncio.sleep(0.8)  # two more of her checks
    await fac.send_json_to({"action": "ping", "request_id": 1})
    pong: dict[str, Any] = await until(fac, lambda f: f["type"] == "pong")
    assert pong["request_id"] == 1
    await fac.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_sockets_arriving_while_the_room_is_checked_are_not_turned_away(live: Room, settings: Settings) -> None:
    # The room's timer checks everyone with a socket here in one query; a socket that arrives
    # while that query runs was not asked about, and must not be judged by its answer. With
    # the timer asking all the time, most of these arrivals land during a check.
    settings.LIVE_ACCESS_RECHECK_SECONDS = 0.005
    people = (live.fac, live.ann, live.ben, live.cat)
    heads = await database_sync_to_async(lambda: [cookie_headers(u) for u in people])()
    comms = []
    for _ in range(3):
        for headers in heads:
            comm, _ = await enter(live.rt.pk, headers)
            comms.append(comm)
    await asyncio.sleep(0.2)  # many more checks, with everyone in the room
    for n, comm in enumerate(comms):
        await comm.send_json_to({"action": "ping", "request_id": n})
        frame: dict[str, Any] = await until(comm, lambda f: f["type"] in ("pong", "revoked"))
        assert (frame["type"], frame["request_id"]) == ("pong", n)
    for comm in comms:
        await comm.disconnect()
