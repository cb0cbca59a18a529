"""In-process publish and subscribe: each MemoryPubSub fans out to its own subscribers."""

from __future__ import annotations

from collections.abc import Callable

from hub.pubsub.fanout import DEFAULT_LIMITS, Channels, Limits, Overflowed, Subscription

_CHANNELS: dict[str, set[MemoryPubSub]] = {}
"""The broker of this process: for each channel, the MemoryPubSubs (workers, in tests
several apps) subscribed to it. Every MemoryPubSub of the process is a client of it."""


class MemoryPubSub:
    """Channels within one process: subscribed on a channel's first subscriber, after its last
    unsubscribed, like the Redis backend, so both behave alike."""

    def __init__(self) -> None:
        self._channels = Channels()

    async def publish(self, channel: str, message: bytes) -> None:
        for pubsub in tuple(_CHANNELS.get(channel, ())):
            pubsub._channels.deliver(channel, message)

    async def subscribe(
        self,
        channel: str,
        limits: Limits = DEFAULT_LIMITS,
        on_overflow: Callable[[Overflowed], object] | None = None,
        wanted: Callable[[bytes], bool] | None = None,
    ) -> Subscription:
        subscription = Subscription(channel, limits, self._release, on_overflow, wanted)
        if self._channels.add(subscription):
            _CHANNELS.setdefault(channel, set()).add(self)
        return subscription

    def _release(self, subscription: Subscription) -> None:
        if self._channels.remove(subscription):
            listeners = _CHANNELS.get(subscription.channel, set())
            listeners.discard(self)
            if not listeners:
                _CHANNELS.pop(subscription.channel, None)

    def subscribers(self, channel: str) -> int:
        return self._channels.count(channel)

    async def close(self) -> None:
        for channel in self._channels.names():
            listeners = _CHANNELS.get(channel, set())
            listeners.discard(self)
            if not listeners:
                _CHANNELS.pop(channel, None)
