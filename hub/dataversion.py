"""The data version: a counter that every committed write to the data center moves.

Answers cached from the data (open-data responses, list totals) are kept under the version
they were read at, so the first commit after them makes them unreachable: nothing has to be
found and deleted, and no answer read before a write is served after it.

The version lives in the cache: on Redis it is shared by every worker, every hub instance and
every command-line writer; the in-process cache holds it for one process, which is why the
response cache is off for ``hub serve --workers N`` without Redis (see ``hub.cli``).

It moves in one place, the commit of a session from :func:`versioned_sessions` that wrote
(``hub.db`` watches the sessions); every writer — GraphQL mutations, the exchange worker and
its commands, the positions intake, the demo load — gets its sessions from there.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.cache import GENERATION_KEY, Cache, create_cache
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.errors import ServiceUnavailable

log = logging.getLogger(__name__)

KEEP_SECONDS = 30 * 86_400
"""How long a version is kept without a write. Forgetting it is harmless: it starts again at
a random value, which no answer cached before can carry."""


class DataVersion:
    """The current data version, read and moved through the cache."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    async def current(self) -> bytes:
        """The version now (starting one when there is none)."""
        value = await self.cache.get(GENERATION_KEY)
        if value is None:
            await self._start()
            value = await self.cache.get(GENERATION_KEY)
        return value or b"0"

    async def bump(self) -> None:
        """Move the version on: called after every commit that wrote.

        Redis down: logged, not raised, as the write is committed and the caller must hear so;
        readers cannot reach the cached answers either while it is down.
        """
        try:
            if await self.cache.get(GENERATION_KEY) is None:
                await self._start()
            await self.cache.incr(GENERATION_KEY)
        except ServiceUnavailable as exc:
            log.error("data version not moved after a write: %s", exc.message)

    async def _start(self) -> None:
        # Random, not 0: a version that was lost (evicted, expired, Redis restarted) must not
        # start again at a number that answers cached before the loss were stored under.
        await self.cache.add(GENERATION_KEY, str(secrets.randbits(52)).encode(), KEEP_SECONDS)


def versioned_sessions(engine: AsyncEngine, cache: Cache) -> async_sessionmaker[AsyncSession]:
    """Sessions whose commits that wrote move the data version of ``cache``."""
    return session_factory(engine, written=DataVersion(cache).bump)


@asynccontextmanager
async def writer(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Versioned sessions for a command that writes (``hub demo``, ``hub exchange``, …): its
    engine and cache opened for the command and closed after it."""
    engine = create_engine(settings)
    cache = create_cache(settings)
    try:
        yield versioned_sessions(engine, cache)
    finally:
        await cache.close()
        await engine.dispose()
