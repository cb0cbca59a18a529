"""The work queue: one interface, an in-process default and a Redis Stream when configured.

A delivery stays pending until it is acknowledged; on Redis, deliveries a crashed consumer
never acknowledged are reclaimed by another after ``idle`` milliseconds. The queue only says
*what* to work on: the database says what is done, so a redelivered item is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hub.config import Settings


@dataclass(frozen=True, slots=True)
class Delivery:
    """One item handed to a consumer: ``tag`` acknowledges it."""

    tag: str
    item: int


@dataclass(frozen=True, slots=True)
class Backlog:
    """What is left to do: items not yet acknowledged, and how long the oldest has waited."""

    length: int
    oldest_seconds: float | None
    """None when nothing waits."""


class WorkQueue(Protocol):
    """A queue of integer work items (exchange message ids)."""

    async def put(self, item: int) -> None:
        """Add an item."""
        ...

    async def take(self, consumer: str, count: int = 10, block_ms: int = 1000) -> list[Delivery]:
        """Up to ``count`` new deliveries for ``consumer``, waiting at most ``block_ms``."""
        ...

    async def reclaim(self, consumer: str, idle_ms: int, count: int = 10) -> list[Delivery]:
        """Deliveries other consumers took and left unacknowledged for ``idle_ms``."""
        ...

    async def ack(self, *deliveries: Delivery) -> None:
        """Mark deliveries done."""
        ...

    async def backlog(self) -> Backlog:
        """Items put and not yet acknowledged (waiting or taken), and the oldest one's age."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def create_queue(settings: Settings, name: str = "exchange") -> WorkQueue:
    """Redis Stream when ``redis_url`` is set, in-process otherwise."""
    if settings.redis_url:
        from hub.queue.redis import RedisStreamQueue

        return RedisStreamQueue(settings.redis_url, f"{settings.cache_prefix}queue:{name}")
    from hub.queue.memory import MemoryQueue

    return MemoryQueue()
