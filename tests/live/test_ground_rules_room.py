"""Entering a live room after the group's ground rules changed (issue 12): the page sends the
member to the rules first and back once they accept; the socket refuses them (4428) until
then. The facilitator who changed them accepted by editing; people in the room stay."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import Client

from roundtable.groups import services as group_services
from roundtable.groups.models import Group, Membership
from roundtable.live.consumers import CLOSE_RULES_FIRST
from roundtable.live.models import Participant

from .conftest import Room, make_room
from .test_consumers import WAIT, closed_with, cookie_headers, enter, open_socket

NEW_RULES = "What is said here stays here.\nNo selling or recruiting."


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _change_rules(room: Room) -> None:
    group = Group.objects.get(pk=room.group.pk)
    data = group_services.GroupData(
        name=group.name,
        kind=group.kind,
        format=group.format,
        ground_rules=NEW_RULES,
        location_text=group.location_text,
        join_policy=group.join_policy,
        visibility=group.visibility,
        time_zone=group.time_zone,
    )
    group_services.group_update(group=group, data=data, by=room.fac)


@pytest.mark.django_db
def test_the_room_page_sends_a_member_to_the_new_rules_and_back() -> None:
    room = make_room()
    url = f"/meetings/{room.meeting.public_id}/live/"
    c = _client(room.ann)
    assert c.get(url).status_code == 200
    _change_rules(room)
    refused = c.get(url)
    rules_url = f"/groups/{room.group.slug}/rules/"
    assert (refused.status_code, refused["Location"]) == (302, f"{rules_url}?next={quote(url, safe='')}&room=1")
    display = c.get(url + "display/")
    assert display.status_code == 302
    assert display["Location"].startswith(f"{rules_url}?next=")
    page = c.get(refused["Location"])
    assert page.status_code == 200
    assert "No selling or recruiting." in page.text
    assert "Accept and enter the room</button>" in page.text
    accepted = c.post(rules_url, {"next": url})
    assert (accepted.status_code, accepted["Location"]) == (302, url)
    assert c.get(url).status_code == 200
    # The facilitator who changed the rules goes straight in.
    assert _client(room.fac).get(url).status_code == 200


@pytest.mark.django_db
def test_someone_who_may_not_enter_still_gets_404_not_the_rules() -> None:
    room = make_room()
    _change_rules(room)
    Membership.objects.filter(group=room.group, user=room.ann).update(state="removed")
    r = _client(room.ann).get(f"/meetings/{room.meeting.public_id}/live/")
    assert r.status_code == 404


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_socket_refuses_a_member_until_they_accept_the_new_rules() -> None:
    await get_channel_layer().flush()  # type: ignore[union-attr]
    room = await database_sync_to_async(make_room)()
    ann = await database_sync_to_async(cookie_headers)(room.ann)
    fac = await database_sync_to_async(cookie_headers)(room.fac)
    cat = await database_sync_to_async(cookie_headers)(room.cat)
    # Cat is in the room before the change: she stays.
    inside, _ = await enter(room.rt.pk, cat)
    await database_sync_to_async(_change_rules)(room)
    comm = await open_socket(room.rt.pk, ann)
    assert await closed_with(comm) == CLOSE_RULES_FIRST
    joined = await database_sync_to_async(
        lambda: Participant.objects.filter(roundtable=room.rt, user=room.ann, left_at__isnull=True).exists()
    )()
    assert joined is False
    # The facilitator accepted by editing.
    fac_comm, fac_frame = await enter(room.rt.pk, fac)
    assert fac_frame["you"]["can_control"] is True
    # Ann accepts, then gets in.
    await database_sync_to_async(lambda: group_services.ground_rules_accept(group=room.group, user=room.ann))()
    ann_comm = await open_socket(room.rt.pk, ann)
    frame = await ann_comm.receive_json_from(timeout=WAIT)
    assert frame["type"] == "snapshot"
    # Cat's socket, open before the change, still answers.
    await inside.send_json_to({"action": "ping", "request_id": "still-here"})
    pong = None
    while pong is None:
        got = await inside.receive_json_from(timeout=WAIT)
        if got["type"] == "pong":
            pong = got
    assert pong["request_id"] == "still-here"
    for c in (inside, fac_comm, ann_comm):
        await c.disconnect()
