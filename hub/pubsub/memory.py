"""In-process publish and subscribe: one queue per subscriber."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

_CHANNELS: dict[str, set[asyncio.Queue[bytes]]] = {}
"""The channels of this process: every MemoryPubSub of it is a client of the same broker."""


class MemoryPubSub:
    """Channels of subscriber queues, within one process."""

    def __init__(self) -> None:
        self._subscribers = _CHANNELS

    async def publish(self, channel: str, message: bytes) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            queue.put_nowait(message)

    async def subscribe(self, channel: str) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._subscribers.setdefault(channel, set()).add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers[channel].discard(queue)

    async def close(self) -> None:
        return None  # subscriptions end when their iterators are closed
