"""The data version: a counter that every committed write to the data center moves.

Answers cached from the data (open-data responses, list totals) are kept under the version
they were read at, so the first commit after them makes them unreachable: nothing has to be
found and deleted, and no answer read before a write is served after it.

Where it lives decides who sees it move, so it lives where every writer and reader of one
deployment reaches it:

- with Redis (``HUB_REDIS_URL``), in Redis: shared by every worker, every hub instance and
  every command, wherever they run;
- without, in a file of the data directory (``data-version``), mapped into memory: shared by
  the workers of ``hub serve --workers N`` and by the commands (``hub demo``, ``hub exchange
  ingest``, …) run on the same machine — which is every writer of the embedded SQLite
  database. Reading it is a load from memory, no system call.

It moves in one place, the commit of a session from :func:`versioned_sessions` that wrote
(``hub.db`` watches the sessions); every writer — GraphQL mutations, the exchange worker and
its commands, the positions intake, the demo load — gets its sessions from there.
"""

from __future__ import annotations

import fcntl
import logging
import mmap
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.cache import GENERATION_KEY, Cache, create_cache
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.errors import ServiceUnavailable

log = logging.getLogger(__name__)

KEEP_SECONDS = 30 * 86_400
"""How long a version is kept in Redis without a write. Forgetting it is harmless: it starts
again at a random value, which no answer cached before can carry."""

FILE_NAME = "data-version"


class DataVersion(Protocol):
    """The current data version, and the one move every write makes."""

    async def current(self) -> bytes:
        """The version now."""
        ...

    async def beside(self, key: str) -> tuple[bytes, bytes | None]:
        """The version now and the cache's value under ``key``, read together (one round
        trip on Redis)."""
        ...

    async def bump(self) -> None:
        """Move the version on: called after every commit that wrote."""
        ...

    def close(self) -> None:
        """Release what it holds open."""
        ...


def _random_start() -> int:
    # Random, not 0: a version that was lost (evicted, expired, Redis restarted, the file
    # removed) must not start again at a number that answers cached before were stored under.
    return secrets.randbits(52)


class SharedVersion:
    """The version in Redis, beside the entries it guards."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    async def current(self) -> bytes:
        value = await self.cache.get(GENERATION_KEY)
        if value is None:
            await self._start()
            value = await self.cache.get(GENERATION_KEY)
        return value or b"0"

    async def beside(self, key: str) -> tuple[bytes, bytes | None]:
        version, value = await self.cache.get_many([GENERATION_KEY, key])
        return (version, value) if version is not None else (await self.current(), value)

    async def bump(self) -> None:
        # Redis down: logged, not raised, as the write is committed and its caller must hear
        # so; readers cannot reach the cached answers either while it is down.
        try:
            # One round trip, on every commit that wrote: a lost version starts again at
            # random, as ``_start`` would have started it.
            await self.cache.incr(GENERATION_KEY, ttl=KEEP_SECONDS, start=_random_start())
        except ServiceUnavailable as exc:
            log.error("data version not moved after a write: %s", exc.message)

    async def _start(self) -> None:
        await self.cache.add(GENERATION_KEY, str(_random_start()).encode(), KEEP_SECONDS)

    def close(self) -> None:
        return None


class LocalVersion:
    """The version in a file of the data directory, mapped into every process's memory.

    Writers take an exclusive lock on the file to move it; readers load its 8 bytes.
    """

    def __init__(self, path: Path, cache: Cache) -> None:
        self.cache = cache
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            if os.fstat(self._fd).st_size < 8:
                os.pwrite(self._fd, _random_start().to_bytes(8, "big"), 0)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._map = mmap.mmap(self._fd, 8)

    def _now(self) -> bytes:
        return str(int.from_bytes(self._map[:8], "big")).encode()

    async def current(self) -> bytes:
        return self._now()

    async def beside(self, key: str) -> tuple[bytes, bytes | None]:
        return self._now(), await self.cache.get(key)

    async def bump(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            moved = int.from_bytes(self._map[:8], "big") + 1
            self._map[:8] = moved.to_bytes(8, "big")
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)


def data_version(settings: Settings, cache: Cache) -> DataVersion:
    """The deployment's data version: in Redis when it has Redis, else in the data dir."""
    if settings.redis_url:
        return SharedVersion(cache)
    return LocalVersion(settings.data_dir / FILE_NAME, cache)


def versioned_sessions(
    engine: AsyncEngine, versions: DataVersion
) -> async_sessionmaker[AsyncSession]:
    """Sessions whose commits that wrote move ``versions``."""
    return session_factory(engine, written=versions.bump)


@asynccontextmanager
async def writer(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Versioned sessions for a command that writes (``hub demo``, ``hub exchange``, …): its
    engine, cache and version opened for the command and closed after it."""
    engine = create_engine(settings)
    cache = create_cache(settings)
    versions = data_version(settings, cache)
    try:
        yield versioned_sessions(engine, versions)
    finally:
        versions.close()
        await cache.close()
        await engine.dispose()
