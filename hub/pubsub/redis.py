"""Redis publish and subscribe: one pub/sub connection per worker, shared by every channel.

A worker subscribes a channel on Redis when its first client follows it and unsubscribes
after the last; what arrives is fanned out in-process (:mod:`hub.pubsub.fanout`). Publishing
uses a separate, bounded pool (``HUB_REDIS_PUBLISH_CONNECTIONS``) that waits for a free
connection rather than failing, so it never depends on how many clients subscribe.

If the pub/sub connection is lost, each of the worker's subscriptions ends with
:class:`Interrupted` (messages may have been missed meanwhile, and only the client knows
where it stood); the next subscription opens a new connection and subscribes its channels
again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub as RedisListener
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from hub.pubsub.fanout import (
    DEFAULT_LIMITS,
    Channels,
    Interrupted,
    Limits,
    Overflowed,
    Subscription,
)

log = logging.getLogger("hub.pubsub")

CONFIRM_SECONDS = 5
"""How long a subscribe waits for Redis to confirm it before the subscription fails."""


class RedisPubSub:
    """Channels under one key prefix on Redis."""

    def __init__(self, url: str, prefix: str, *, publish_connections: int = 20) -> None:
        self._pool = BlockingConnectionPool.from_url(
            url,
            max_connections=publish_connections,
            timeout=5,  # waiting for a free connection; then the publish fails as an outage
            socket_connect_timeout=2,
            socket_timeout=5,
        )
        self._redis = Redis(connection_pool=self._pool)
        # The pub/sub connection: its own client, without redis-py's silent reconnect (which
        # would re-subscribe and hide the messages published while it was away).
        self._listening = Redis.from_url(url, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0))
        self._prefix = prefix
        self._channels = Channels()
        self._listener: RedisListener | None = None
        self._reader: asyncio.Task[None] | None = None
        self._confirming: dict[bytes, asyncio.Future[None]] = {}
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def publish(self, channel: str, message: bytes) -> None:
        await self._redis.publish(self._prefix + channel, message)

    async def subscribe(
        self,
        channel: str,
        limits: Limits = DEFAULT_LIMITS,
        on_overflow: Callable[[Overflowed], object] | None = None,
        wanted: Callable[[bytes], bool] | None = None,
    ) -> Subscription:
        subscription = Subscription(channel, limits, self._release, on_overflow, wanted)
        async with self._lock:
            listener = self._listener or self._connect()
            if not self._channels.add(subscription):
                return subscription  # the worker listens to this channel already
            name = (self._prefix + channel).encode()
            confirmed = asyncio.get_running_loop().create_future()
            self._confirming[name] = confirmed
            try:
                await listener.subscribe(name)
                if self._reader is None:
                    self._reader = asyncio.create_task(self._read(listener))
                await asyncio.wait_for(asyncio.shield(confirmed), CONFIRM_SECONDS)
            except BaseException:
                self._confirming.pop(name, None)
                self._channels.remove(subscription)
                if self._reader is None:  # never opened: the next subscribe starts afresh
                    self._listener = None
                    self._closing(listener)
                raise
        return subscription

    def _connect(self) -> RedisListener:
        self._listener = self._listening.pubsub()
        return self._listener

    async def _release(self, subscription: Subscription) -> None:
        async with self._lock:
            if not self._channels.remove(subscription) or self._listener is None:
                return
            try:
                await self._listener.unsubscribe(self._prefix + subscription.channel)
            except Exception as exc:  # the reader sees the connection's loss and reports it
                log.debug("unsubscribe from %s failed: %r", subscription.channel, exc)

    async def _read(self, listener: RedisListener) -> None:
        try:
            while True:
                message: dict[str, Any] | None = await listener.get_message(timeout=None)
                if message is None:
                    continue
                kind, name = message["type"], message["channel"]
                if kind == "message":
                    self._channels.deliver(name[len(self._prefix) :].decode(), message["data"])
                elif kind == "subscribe":
                    confirmed = self._confirming.pop(name, None)
                    if confirmed is not None and not confirmed.done():
                        confirmed.set_result(None)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._lost(listener, exc)

    def _lost(self, listener: RedisListener, error: Exception) -> None:
        """The connection is gone: every subscription ends, the next one reconnects."""
        log.warning("the pub/sub connection to Redis was lost: %r", error)
        if self._listener is listener:
            self._listener = None
            self._reader = None
        for confirmed in self._confirming.values():
            if not confirmed.done():
                confirmed.set_exception(error)
        self._confirming.clear()
        self._channels.end_all(
            Interrupted("the hub lost its connection to Redis: events may have been missed")
        )
        self._closing(listener)

    def _closing(self, listener: RedisListener) -> None:
        task = asyncio.get_running_loop().create_task(listener.aclose())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def subscribers(self, channel: str) -> int:
        return self._channels.count(channel)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        if self._listener is not None:
            await self._listener.aclose()
        await self._listening.aclose()
        await self._redis.aclose()
        await self._pool.disconnect()  # a pool passed in is not closed with its client
