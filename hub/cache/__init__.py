"""The cache: one interface, an in-process default and Redis when ``HUB_REDIS_URL`` is set."""

from __future__ import annotations

from typing import Protocol

from hub.config import Settings

GENERATION_KEY = "data-generation"
"""The key of the data version when it lives in Redis (see :mod:`hub.dataversion`)."""


class Cache(Protocol):
    """A small key–value cache with expiry and counters, shared by all workers on Redis.

    When its server cannot be reached, every method raises ServiceUnavailable.
    """

    async def get(self, key: str) -> bytes | None:
        """The value under ``key``, or None when absent or expired."""
        ...

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        """The values under ``keys``, in order, read at once (one round trip on Redis)."""
        ...

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        """Store ``value``; with ``ttl`` it expires after that many seconds."""
        ...

    async def add(self, key: str, value: bytes, ttl: float) -> bool:
        """Store ``value`` only if ``key`` is absent; True when stored. Atomic on Redis."""
        ...

    async def delete(self, key: str) -> None:
        """Forget ``key``."""
        ...

    async def incr(
        self, key: str, amount: int = 1, ttl: float | None = None, start: int = 0
    ) -> int:
        """Add ``amount`` to the counter under ``key`` (absent counts as ``start``) and return
        it; with ``ttl`` a counter this call creates expires after that many seconds. One
        round trip on Redis, atomic."""
        ...

    async def incr_many(self, amounts: dict[str, int], ttl: float | None = None) -> list[int]:
        """:meth:`incr` of several counters at once (one round trip on Redis), in order."""
        ...

    async def ping(self) -> None:
        """Raise ServiceUnavailable when the backend cannot be reached."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def create_cache(settings: Settings) -> Cache:
    """The configured cache: Redis when ``redis_url`` is set, in-process otherwise."""
    if settings.redis_url:
        from hub.cache.redis import RedisCache

        return RedisCache(settings.redis_url, prefix=f"{settings.cache_prefix}cache:")
    from hub.cache.memory import MemoryCache

    return MemoryCache()
