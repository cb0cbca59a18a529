"""The in-process queue: the embedded default, for one process."""

from __future__ import annotations

import asyncio
import itertools

from hub.queue import Delivery


class MemoryQueue:
    """An asyncio queue; what is lost with the process is found again in the database."""

    def __init__(self) -> None:
        self._items: asyncio.Queue[int] = asyncio.Queue()
        self._tags = itertools.count(1)

    async def put(self, item: int) -> None:
        self._items.put_nowait(item)

    async def take(self, consumer: str, count: int = 10, block_ms: int = 1000) -> list[Delivery]:
        try:
            first = await asyncio.wait_for(self._items.get(), timeout=block_ms / 1000)
        except TimeoutError:
            return []
        deliveries = [Delivery(str(next(self._tags)), first)]
        while len(deliveries) < count and not self._items.empty():
            deliveries.append(Delivery(str(next(self._tags)), self._items.get_nowait()))
        return deliveries

    async def reclaim(self, consumer: str, idle_ms: int, count: int = 10) -> list[Delivery]:
        return []  # one process: nobody else could have left work pending

    async def ack(self, delivery: Delivery) -> None:
        return None

    async def close(self) -> None:
        return None
