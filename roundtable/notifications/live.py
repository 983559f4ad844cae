"""Telling a person's open pages that their inbox changed (the unread badge, consumers.py).

Each signed-in page holds one socket at ws/notifications/ (consumers.InboxConsumer), in the
channel group `group_name(user_id)`. A change sends {"type": "inbox.changed"}, nothing more:
each socket works the count out again for its own person (selectors.unread_sync), so no count
or title travels through the channel layer, and a stale message cannot show a stale number.

Called after commit from plain synchronous code (a page, the API, the task worker). With the
in-memory channel layer (make run, one process) a change made by the task worker does not
reach the web process's sockets; with Redis (production) it does.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

CHANGED = "inbox.changed"


def group_name(user_id: int) -> str:
    return f"inbox-{user_id}"


def inbox_changed(user_id: int) -> None:
    """Tell the person's sockets to send a fresh unread count. The change is committed
    whatever happens here: a failure to publish is logged, not raised (the next page load
    shows the right count)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name(user_id), {"type": CHANGED})
    except Exception:
        logger.exception("notifications: could not tell user %s's pages", user_id)
