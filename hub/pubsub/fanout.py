"""Fan-out within one process: the subscribers of each channel, each with a bounded queue.

A worker holds one broker subscription per channel however many of its clients follow it;
each message that arrives is handed, as the same ``bytes`` object, to every subscriber's
queue. Delivery is synchronous and never waits for a subscriber: one that falls more than
its limit behind is failed with :class:`Overflowed` (and told at once through its
``on_overflow``), so a client that stops reading costs at most its limit in memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """How far a subscriber may fall behind: events and bytes waiting in its queue."""

    events: int = 100
    bytes: int = 1_048_576


DEFAULT_LIMITS = Limits()


class SubscriptionEnded(Exception):
    """A subscription that cannot go on; the message says why and what the client can do."""


class Overflowed(SubscriptionEnded):
    """The subscriber fell further behind than its limits allow."""


class Interrupted(SubscriptionEnded):
    """The worker's connection to the broker was lost: messages may have been missed."""


class Subscription:
    """One subscriber of one channel: iterate it for messages; close it when done."""

    def __init__(
        self,
        channel: str,
        limits: Limits,
        release: Callable[[Subscription], object],
        on_overflow: Callable[[Overflowed], object] | None = None,
        wanted: Callable[[bytes], bool] | None = None,
    ) -> None:
        self.channel = channel
        self._wanted = wanted
        self._limits = limits
        self._release = release
        self._on_overflow = on_overflow
        self._queue: deque[bytes] = deque()
        self._queued_bytes = 0
        self._ended: SubscriptionEnded | None = None
        self._ready = asyncio.Event()
        self._closed = False

    def deliver(self, message: bytes) -> None:
        """Queue a message (never waits); past the limits the subscription fails. A message
        the subscriber does not want is dropped here, before it takes a place in the queue: a
        subscriber of one region's speeding alerts is not failed for the rest of the
        province's burst."""
        if self._ended is not None:
            return
        if self._wanted is not None and not self._wanted(message):
            return
        if (
            len(self._queue) >= self._limits.events
            or self._queued_bytes + len(message) > self._limits.bytes
        ):
            overflow = Overflowed(
                f"the subscriber fell behind: more than {self._limits.events} events or "
                f"{self._limits.bytes} bytes were waiting to be sent"
            )
            self._queue.clear()
            self._queued_bytes = 0
            self._ended = overflow
            self._ready.set()
            if self._on_overflow is not None:
                self._on_overflow(overflow)
            return
        self._queue.append(message)
        self._queued_bytes += len(message)
        self._ready.set()

    def end(self, reason: SubscriptionEnded) -> None:
        """End the subscription: what is queued is still read, then ``reason`` is raised."""
        if self._ended is None:
            self._ended = reason
            self._ready.set()

    @property
    def waiting(self) -> int:
        """Messages queued and not yet read."""
        return len(self._queue)

    def oldest(self) -> bytes | None:
        """The oldest message waiting, left in the queue."""
        return self._queue[0] if self._queue else None

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> bytes:
        while not self._queue:
            if self._ended is not None:
                raise self._ended
            self._ready.clear()
            await self._ready.wait()
        message = self._queue.popleft()
        self._queued_bytes -= len(message)
        return message

    async def aclose(self) -> None:
        """Stop receiving; the last subscriber of a channel unsubscribes the worker from it."""
        if self._closed:
            return
        self._closed = True
        self._queue.clear()
        result = self._release(self)
        if asyncio.iscoroutine(result):
            await result


class Channels:
    """The subscribers of each channel in this process."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscription]] = {}

    def add(self, subscription: Subscription) -> bool:
        """Add a subscriber; True if it is its channel's first."""
        found = self._subscribers.setdefault(subscription.channel, set())
        found.add(subscription)
        return len(found) == 1

    def remove(self, subscription: Subscription) -> bool:
        """Remove a subscriber; True if its channel has none left."""
        found = self._subscribers.get(subscription.channel)
        if found is None or subscription not in found:
            return False
        found.discard(subscription)
        if found:
            return False
        del self._subscribers[subscription.channel]
        return True

    def deliver(self, channel: str, message: bytes) -> None:
        """Hand a message to each subscriber of the channel."""
        for subscription in tuple(self._subscribers.get(channel, ())):
            subscription.deliver(message)

    def end_all(self, reason: SubscriptionEnded) -> None:
        """End every subscription (the broker connection was lost) and forget them."""
        for found in self._subscribers.values():
            for subscription in found:
                subscription.end(reason)
        self._subscribers.clear()

    def names(self) -> list[str]:
        """The channels with subscribers."""
        return list(self._subscribers)

    def count(self, channel: str) -> int:
        """How many subscribers a channel has here."""
        return len(self._subscribers.get(channel, ()))

    def __bool__(self) -> bool:
        return bool(self._subscribers)
