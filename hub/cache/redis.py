"""The Redis cache: shared by every worker process and every hub instance."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from hub.errors import ServiceUnavailable


class RedisCache:
    """Cache entries as Redis strings under one key prefix."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis: Redis = Redis.from_url(url, socket_connect_timeout=5)
        self._url = url
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        value: bytes | None = await self._redis.get(self._prefix + key)  # type: ignore[assignment]
        return value

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        px = None if ttl is None else max(1, int(ttl * 1000))
        await self._redis.set(self._prefix + key, value, px=px)

    async def add(self, key: str, value: bytes, ttl: float) -> bool:
        stored = await self._redis.set(
            self._prefix + key, value, px=max(1, int(ttl * 1000)), nx=True
        )
        return bool(stored)

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def incr(self, key: str) -> int:
        value: int = await self._redis.incr(self._prefix + key)
        return value

    async def ping(self) -> None:
        try:
            await self._redis.ping()
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(f"cannot reach Redis at {self._url}: {exc}") from exc

    async def close(self) -> None:
        await self._redis.aclose()
