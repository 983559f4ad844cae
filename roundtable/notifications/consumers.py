"""The unread badge over a WebSocket: one socket per signed-in page, at ws/notifications/.

Connecting
    The session cookie authenticates and the Origin must be the site's own (config/asgi.py:
    the same AuthMiddlewareStack and live.origin.SameOriginValidator as the live rooms). The
    socket is accepted, then closed at once with 4403 when nobody is signed in, or with 1011
    when the count could not be read (the page may try again later).

Server -> client (JSON text frames)
    {"type": "unread", "count": int}
        On connect and after every change of the person's inbox (a notification recorded,
        one or all marked read, live.inbox_changed): the exact count of unread notifications
        they may see now (selectors.unread_sync), at most selectors.UNREAD_CHECK_LIMIT.
    {"type": "revoked"}
        The account is no longer active; the server closes with 4403 right after.

Client -> server
    Nothing: anything sent is ignored. The socket only listens.

The channel layer carries no count and no title (live.py), only "look again": a socket
reads the count for its own person, so nothing of one person's inbox reaches another's page.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from roundtable.accounts.models import User

from . import live, selectors

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_SERVER_ERROR = 1011


@database_sync_to_async
def unread_for(user_id: int) -> int | None:
    """The exact unread count, or None when the account is gone or inactive."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return selectors.unread_sync(user)


class InboxConsumer(AsyncWebsocketConsumer):
    user_id: int | None = None
    group: str = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        self.group = live.group_name(user.pk)
        # Listen before reading, so no change between the read and the subscription is missed.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._send_count()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = ""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        return  # the socket only listens

    async def inbox_changed(self, event: dict[str, Any]) -> None:
        """live.CHANGED from the channel layer: look again."""
        await self._send_count()

    async def _send_count(self) -> None:
        if self.user_id is None:
            return
        try:
            count = await unread_for(self.user_id)
        except Exception:
            logger.exception("notifications: could not count the inbox of %s", self.user_id)
            await self.close(code=CLOSE_SERVER_ERROR)
            return
        if count is None:
            await self.send(text_data=json.dumps({"type": "revoked"}))
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send(text_data=json.dumps({"type": "unread", "count": count}))
