"""The Redis cache: shared by every worker process and every hub instance."""

from __future__ import annotations

from redis.exceptions import RedisError

from hub.errors import ServiceUnavailable
from hub.outages import REDIS, redis_calls, redis_client

INCR_FROM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX') and tonumber(ARGV[3]) > 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return redis.call('INCRBY', KEYS[1], ARGV[2])
"""
"""A counter moved on, created at ``start`` (ARGV[1]) with its expiry (ARGV[3] seconds, 0: none)
when absent."""


class RedisCache:
    """Cache entries as Redis strings under one key prefix.

    In an outage every method raises ServiceUnavailable (``redis``): callers that can do
    without the cache catch it, the others answer 503.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = redis_client(url)
        self._url = url
        self._prefix = prefix
        self._incr_from = self._redis.register_script(INCR_FROM)

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
        name = self._prefix + key
        with redis_calls():
            if start:
                # One command: a transaction's MULTI … EXEC costs the worker as much CPU as
                # the round trips it saves.
                expiry = 0 if ttl is None else max(1, int(ttl))
                counted = await self._incr_from(keys=[name], args=[start, amount, expiry])
            elif ttl is None:
                counted = await self._redis.incrby(name, amount)
            else:
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.incrby(name, amount)
                    # NX: only a counter this call created gets the expiry (Redis 7).
                    pipe.expire(name, int(ttl), nx=True)
                    counted, _ = await pipe.execute()
        return int(counted)

    async def incr_many(self, amounts: dict[str, int], ttl: float | None = None) -> list[int]:
        with redis_calls():
            async with self._redis.pipeline(transaction=True) as pipe:
                for key, amount in amounts.items():
                    pipe.incrby(self._prefix + key, amount)
                    if ttl is not None:
                        pipe.expire(self._prefix + key, int(ttl), nx=True)
                replies = await pipe.execute()
        return [int(reply) for reply in replies[:: 1 if ttl is None else 2]]

    async def ping(self) -> None:
        try:
            await self._redis.ping()
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(
                f"cannot reach Redis at {self._url}: {exc}", dependency=REDIS
            ) from exc

    async def close(self) -> None:
        await self._redis.aclose()
