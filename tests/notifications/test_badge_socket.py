"""The unread badge's WebSocket, end to end through the real ASGI application: session auth,
origin check, routing, consumer, the channel layer and the database."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

import config.asgi
from roundtable.accounts.models import User
from roundtable.groups.models import Membership, MembershipState
from roundtable.notifications import services
from roundtable.notifications.consumers import CLOSE_FORBIDDEN
from tests.factories import GroupFactory, MembershipFactory, UserFactory

from .news import KIND

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

WAIT = 3  # seconds to wait for a frame that must come (the database runs in a thread)
PATH = "/ws/notifications/"


def headers_for(user: User | None, origin: bytes = b"http://testserver") -> list[tuple[bytes, bytes]]:
    headers = [(b"host", b"testserver"), (b"origin", origin)]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return headers


@pytest.fixture
def world(transactional_db: None) -> dict:  # type: ignore[type-arg]
    async_to_sync(get_channel_layer().flush)()  # type: ignore[union-attr]
    group = GroupFactory(name="Harbor Roundtable")
    reader = MembershipFactory(group=group, user=UserFactory(name="Priya Raman")).user
    poster = MembershipFactory(group=group, user=UserFactory(name="Sam Ortiz")).user
    return {"group": group, "reader": reader, "poster": poster}


@database_sync_to_async
def _notify(w: dict, headline: str) -> None:  # type: ignore[type-arg]
    # Outside any transaction: recorded at once (on_commit runs immediately), then pushed.
    services.notify(
        recipient=w["reader"], kind=KIND.key, subject=w["group"], actor=w["poster"], data={"headline": headline}
    )


async def test_count_on_connect_and_on_every_change(world: dict) -> None:  # type: ignore[type-arg]
    reader_headers = await database_sync_to_async(headers_for)(world["reader"])
    comm = WebsocketCommunicator(config.asgi.application, PATH, headers=reader_headers)
    assert (await comm.connect(timeout=WAIT))[0]
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "unread", "count": 0}
    await _notify(world, "One")
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "unread", "count": 1}
    await _notify(world, "Two")
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "unread", "count": 2}
    await database_sync_to_async(services.notifications_mark_all_read)(user=world["reader"])
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "unread", "count": 0}
    await comm.disconnect()


async def test_another_persons_news_reaches_only_their_pages(world: dict) -> None:  # type: ignore[type-arg]
    poster_headers = await database_sync_to_async(headers_for)(world["poster"])
    comm = WebsocketCommunicator(config.asgi.application, PATH, headers=poster_headers)
    assert (await comm.connect(timeout=WAIT))[0]
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "unread", "count": 0}
    await _notify(world, "For Priya only")
    assert await comm.receive_nothing(timeout=0.5)
    await comm.disconnect()


async def test_lost_access_lowers_the_count_on_the_next_change(world: dict) -> None:  # type: ignore[type-arg]
    await _notify(world, "One")
    reader_headers = await database_sync_to_async(headers_for)(world["reader"])
    comm = WebsocketCommunicator(config.asgi.application, PATH, headers=reader_headers)
    assert (await comm.connect(timeout=WAIT))[0]
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "unread", "count": 1}
    await database_sync_to_async(
        lambda: Membership.objects.filter(user=world["reader"]).update(state=MembershipState.LEFT)
    )()
    await comm.disconnect()
    comm = WebsocketCommunicator(config.asgi.application, PATH, headers=reader_headers)
    assert (await comm.connect(timeout=WAIT))[0]
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "unread", "count": 0}
    await comm.disconnect()


async def test_signed_out_is_closed_with_4403(world: dict) -> None:  # type: ignore[type-arg]
    comm = WebsocketCommunicator(config.asgi.application, PATH, headers=headers_for(None))
    assert (await comm.connect(timeout=WAIT))[0]
    output = await comm.receive_output(timeout=WAIT)
    assert (output["type"], output["code"]) == ("websocket.close", CLOSE_FORBIDDEN)


async def test_another_origin_is_refused_at_the_handshake(world: dict) -> None:  # type: ignore[type-arg]
    reader_headers = await database_sync_to_async(headers_for)(world["reader"], b"http://evil.example")
    comm = WebsocketCommunicator(config.asgi.application, PATH, headers=reader_headers)
    connected, _ = await comm.connect(timeout=WAIT)
    assert connected is False


async def test_a_closed_account_is_told_and_closed(world: dict) -> None:  # type: ignore[type-arg]
    reader_headers = await database_sync_to_async(headers_for)(world["reader"])
    comm = WebsocketCommunicator(config.asgi.application, PATH, headers=reader_headers)
    assert (await comm.connect(timeout=WAIT))[0]
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "unread", "count": 0}

    def close_account() -> None:
        User.objects.filter(pk=world["reader"].pk).update(is_active=False)

    await database_sync_to_async(close_account)()
    await get_channel_layer().group_send(f"inbox-{world['reader'].pk}", {"type": "inbox.changed"})  # type: ignore[union-attr]
    assert await comm.receive_json_from(timeout=WAIT) == {"type": "revoked"}
    output = await comm.receive_output(timeout=WAIT)
    assert (output["type"], output["code"]) == ("websocket.close", CLOSE_FORBIDDEN)
