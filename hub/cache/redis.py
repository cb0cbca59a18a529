"""The Redis cache: shared by every worker process and every hub instance."""

from __future__ import annotations

from redis.exceptions import RedisError

from hub.errors import ServiceUnavailable
from hub.outages import REDIS, redis_calls, redis_client

COUNT = """
local counted = {}
for i, key in ipairs(KEYS) do
  if ARGV[2] ~= '0' then
    redis.call('SET', key, ARGV[2], 'NX')
  end
  counted[i] = redis.call('INCRBY', key, ARGV[i + 2])
  if ARGV[1] ~= '0' then
    redis.call('EXPIRE', key, ARGV[1], 'NX')
  end
end
return counted
"""
"""Counters moved on (KEYS by ARGV[3…]): one created absent starts at ARGV[2] and expires after
ARGV[1] seconds (0: never). One command, where a MULTI … EXEC pipeline costs the worker as
much CPU as the round trips it saves."""


class RedisCache:
    """Cache entries as Redis strings under one key prefix.

    In an outage every method raises ServiceUnavailable (``redis``): callers that can do
    without the cache catch it, the others answer 503.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = redis_client(url)
        self._url = url
        self._prefix = prefix
        self._counting = self._redis.register_script(COUNT)

    async def get(self, key: str) -> bytes | None:
        with redis_calls():
            value: bytes | None = await self._redis.get(self._prefix + key)  # type: ignore[assignment]
        return value

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        with redis_calls():
            values: list[bytes | None] = await self._redis.mget(  # type: ignore[assignment]
                [self._prefix + key for key in keys]
            )
        return values

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        px = None if ttl is None else max(1, int(ttl * 1000))
        with redis_calls():
            await self._redis.set(self._prefix + key, value, px=px)

    async def add(self, key: str, value: bytes, ttl: float) -> bool:
        with redis_calls():
            stored = await self._redis.set(
                self._prefix + key, value, px=max(1, int(ttl * 1000)), nx=True
            )
        return bool(stored)

    async def delete(self, key: str) -> None:
        with redis_calls():
            await self._redis.delete(self._prefix + key)

    async def incr(
        self, key: str, amount: int = 1, ttl: float | None = None, start: int = 0
    ) -> int:
        if ttl is None and not start:
            with redis_calls():
                counted: int = await self._redis.incrby(self._prefix + key, amount)
            return counted
        [counted] = await self._count({key: amount}, ttl, start)
        return counted

    async def incr_many(self, amounts: dict[str, int], ttl: float | None = None) -> list[int]:
        return await self._count(amounts, ttl, 0)

    async def _count(self, amounts: dict[str, int], ttl: float | None, start: int) -> list[int]:
        keys = [self._prefix + key for key in amounts]
        expiry = 0 if ttl is None else max(1, int(ttl))
        with redis_calls():
            replies = await self._counting(keys=keys, args=[expiry, start, *amounts.values()])
        return [int(reply) for reply in replies]

    async def ping(self) -> None:
        try:
            await self._redis.ping()
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(
                f"cannot reach Redis at {self._url}: {exc}", dependency=REDIS
            ) from exc

    async def close(self) -> None:
        await self._redis.aclose()
