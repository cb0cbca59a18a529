"""Publish and subscribe: one interface, in-process by default, Redis pub/sub when configured.

GraphQL subscriptions listen here, so an event recorded by one worker process reaches the
websocket clients of every other (on Redis). Each worker listens to a channel once, however
many of its clients follow it, and fans each message out to their bounded queues
(:mod:`hub.pubsub.fanout`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hub.config import Settings
from hub.pubsub.fanout import (
    DEFAULT_LIMITS,
    Interrupted,
    Limits,
    Overflowed,
    Subscription,
    SubscriptionEnded,
)

__all__ = [
    "Interrupted",
    "Limits",
    "Overflowed",
    "PubSub",
    "Subscription",
    "SubscriptionEnded",
    "create_pubsub",
]


class PubSub(Protocol):
    """Messages (bytes) on named channels."""

    async def publish(self, channel: str, message: bytes) -> None:
        """Send ``message`` to everyone subscribed to ``channel`` now."""
        ...

    async def subscribe(
        self,
        channel: str,
        limits: Limits = DEFAULT_LIMITS,
        on_overflow: Callable[[Overflowed], object] | None = None,
        wanted: Callable[[bytes], bool] | None = None,
    ) -> Subscription:
        """The messages of ``channel`` from now on (the broker has confirmed when this
        returns), until the subscription is closed. ``on_overflow`` is called, synchronously,
        the moment the subscriber falls behind its ``limits``. ``wanted``, if given, picks the
        messages the subscriber is given (and that count against its limits)."""
        ...

    def subscribers(self, channel: str) -> int:
        """How many subscribers the channel has in this process."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def create_pubsub(settings: Settings) -> PubSub:
    """Redis pub/sub when ``redis_url`` is set, in-process otherwise."""
    if settings.redis_url:
        from hub.pubsub.redis import RedisPubSub

        return RedisPubSub(
            settings.redis_url,
            f"{settings.cache_prefix}events:",
            publish_connections=settings.redis_publish_connections,
        )
    from hub.pubsub.memory import MemoryPubSub

    return MemoryPubSub()
