"""The channel layer of the one-process mode.

channels' InMemoryChannelLayer sweeps every channel and every group membership for expired
messages on every receive: with 750 sockets connected that is O(sockets) work for each of
the thousands of messages a busy minute delivers, about a quarter of the server's CPU in
bench/live.py. This layer sweeps at most once a second; expiry (60 s by default) is then
late by under a second, which nothing here depends on. Everything else is channels' own.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer

SWEEP_EVERY_SECONDS = 1.0


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    _swept_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_EVERY_SECONDS:
            return
        self._swept_at = now
        super()._clean_expired()
