"""Publish and subscribe: one interface, in-process by default, Redis pub/sub when configured.

GraphQL subscriptions listen here, so an event recorded by one worker process reaches the
websocket clients of every other (on Redis).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from hub.config import Settings


class PubSub(Protocol):
    """Messages (bytes) on named channels."""

    async def publish(self, channel: str, message: bytes) -> None:
        """Send ``message`` to everyone subscribed to ``channel`` now."""
        ...

    def subscribe(self, channel: str) -> AsyncIterator[bytes]:
        """The messages of ``channel`` from now on, until the iterator is closed."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def create_pubsub(settings: Settings) -> PubSub:
    """Redis pub/sub when ``redis_url`` is set, in-process otherwise."""
    if settings.redis_url:
        from hub.pubsub.redis import RedisPubSub

        return RedisPubSub(settings.redis_url, f"{settings.cache_prefix}events:")
    from hub.pubsub.memory import MemoryPubSub

    return MemoryPubSub()
