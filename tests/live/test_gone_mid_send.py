"""A browser that goes away while the room answers it (issue 12 tester's finding): the send
fails with uvicorn's ClientDisconnected, an OSError, and the socket lets it go quietly."""

from __future__ import annotations

import asyncio
import logging

import pytest
from uvicorn.protocols.utils import ClientDisconnected

from roundtable.live.consumers import RoomConsumer


def test_a_frame_to_a_socket_that_just_closed_raises_nothing_and_logs_no_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    consumer = RoomConsumer()
    consumer.roundtable_id = 7
    tried: list[str] = []

    async def gone(*, text_data: str) -> None:
        tried.append(text_data)
        raise ClientDisconnected

    consumer.send = gone  # type: ignore[method-assign,assignment]
    with caplog.at_level(logging.INFO, logger="roundtable.live.consumers"):
        asyncio.run(consumer._send({"type": "pong", "server_now": "2026-11-30T23:50:00Z", "request_id": 1}))
    assert tried == ['{"type": "pong", "server_now": "2026-11-30T23:50:00Z", "request_id": 1}']
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
