"""The in-process queue: the embedded default, for one process."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Callable

from hub.queue import Backlog, Delivery


class MemoryQueue:
    """An asyncio queue; what is lost with the process is found again in the database."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: asyncio.Queue[int] = asyncio.Queue()
        self._tags = itertools.count(1)
        self._clock = clock
        # When each waiting item was put (in queue order), and each taken one not yet acked.
        self._put_at: deque[float] = deque()
        self._taken: dict[str, tuple[float, float]] = {}  # tag → (put at, taken at)

    async def put(self, item: int) -> None:
        self._put_at.append(self._clock())
        self._items.put_nowait(item)

    def _deliver(self, item: int) -> Delivery:
        delivery = Delivery(str(next(self._tags)), item)
        self._taken[delivery.tag] = (self._put_at.popleft(), self._clock())
        return delivery

    async def take(self, consumer: str, count: int = 10, block_ms: int = 1000) -> list[Delivery]:
        try:
            first = await asyncio.wait_for(self._items.get(), timeout=block_ms / 1000)
        except TimeoutError:
            return []
        deliveries = [self._deliver(first)]
        while len(deliveries) < count and not self._items.empty():
            deliveries.append(self._deliver(self._items.get_nowait()))
        return deliveries

    async def reclaim(self, consumer: str, idle_ms: int, count: int = 10) -> list[Delivery]:
        # One process: nobody else could have left work pending. A delivery left unacknowledged
        # (its processing failed) is forgotten here: the worker's sweep finds the message
        # unprocessed in the database and queues it again.
        cutoff = self._clock() - idle_ms / 1000
        for tag in [tag for tag, (_put, taken) in self._taken.items() if taken <= cutoff]:
            del self._taken[tag]
        return []

    async def ack(self, *deliveries: Delivery) -> None:
        for delivery in deliveries:
            self._taken.pop(delivery.tag, None)

    async def backlog(self) -> Backlog:
        times = [put for put, _taken in self._taken.values()]
        if self._put_at:
            times.append(self._put_at[0])
        oldest = self._clock() - min(times) if times else None
        return Backlog(len(self._put_at) + len(self._taken), oldest)

    async def close(self) -> None:
        return None
