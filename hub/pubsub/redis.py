"""Redis publish and subscribe: shared by every worker process and hub instance."""

from __future__ import annotations

from collections.abc import AsyncIterator

from redis.asyncio import Redis


class RedisPubSub:
    """Channels under one key prefix on Redis."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis: Redis = Redis.from_url(url, socket_connect_timeout=5)
        self._prefix = prefix

    async def publish(self, channel: str, message: bytes) -> None:
        await self._redis.publish(self._prefix + channel, message)

    async def subscribe(self, channel: str) -> AsyncIterator[bytes]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self._prefix + channel)
        try:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    yield bytes(message["data"])
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()

    async def close(self) -> None:
        await self._redis.aclose()
