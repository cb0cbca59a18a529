"""Outages of PostgreSQL and Redis: told apart from bugs by the drivers' connection errors.

Every path that meets a backend error asks :func:`outage_of` whether it is an outage. An
outage is answered ``503`` with ``Retry-After`` and the dependency named, and the worker waits
it out with :class:`Backoff`; anything else is a bug and stays an internal error. The
decision is made on exception types (and, for the bare socket errors asyncpg lets through,
on which driver raised them), never on message text.
"""

from __future__ import annotations

import random
import socket
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import asyncpg
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from hub.errors import RETRY_AFTER_SECONDS, ServiceUnavailable

POSTGRESQL = "postgresql"
REDIS = "redis"
NAMES = {POSTGRESQL: "PostgreSQL", REDIS: "Redis", "sqlite": "SQLite"}
"""How each dependency is named in messages."""

REDIS_OUTAGES: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
"""What redis-py raises when the server cannot be reached or does not answer in time."""

_POSTGRES_OUTAGES: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,  # class 08: the connection failed or is gone
    asyncpg.CannotConnectNowError,  # the server is starting or shutting down
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    PoolTimeout,  # every pooled connection is stuck waiting on the server
)
# asyncpg lets the socket's own errors out of connect() unwrapped (refused, reset, timed out).
_SOCKET_ERRORS: tuple[type[Exception], ...] = (ConnectionError, TimeoutError, socket.gaierror)


def unavailable(dependency: str) -> ServiceUnavailable:
    """The error a client is shown for an outage: the dependency named, no address or detail."""
    name = NAMES.get(dependency, dependency)
    return ServiceUnavailable(
        f"the hub cannot reach its {name} server: retry after {RETRY_AFTER_SECONDS} s",
        dependency=dependency,
    )


def outage_of(error: BaseException | None) -> ServiceUnavailable | None:
    """The outage behind ``error`` (through its causes and exception groups), or None.

    Only causes are followed (``raise … from``, SQLAlchemy's ``orig``), not the context an
    error happened to be raised in: a bug in an ``except`` block stays a bug.
    """
    pending: list[BaseException | None] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        dependency = _dependency(current)
        if dependency is not None:
            return unavailable(dependency)
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.append(current.__cause__)
        if isinstance(current, DBAPIError):
            pending.append(current.orig)
    return None


def _dependency(error: BaseException) -> str | None:
    if isinstance(error, ServiceUnavailable):
        return error.dependency
    if isinstance(error, REDIS_OUTAGES):
        return REDIS
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return POSTGRESQL
    if isinstance(error, _POSTGRES_OUTAGES):
        return POSTGRESQL
    if isinstance(error, _SOCKET_ERRORS) and _raised_in(error, "asyncpg"):
        return POSTGRESQL
    return None


def _raised_in(error: BaseException, package: str) -> bool:
    """Whether a frame of ``package`` is on the error's traceback."""
    return any(
        frame.f_globals.get("__name__", "").partition(".")[0] == package
        for frame, _line in traceback.walk_tb(error.__traceback__)
    )


def redis_client(url: str) -> Redis:
    """A Redis client that notices an outage within seconds and reconnects once it is over.

    One retry on a connection error: after Redis restarts, each pooled connection fails once
    before it is replaced, and a request should not fail for that.
    """
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=5,
        retry=Retry(NoBackoff(), 1, supported_errors=REDIS_OUTAGES),
    )


@dataclass
class Backoff:
    """Capped exponential backoff with jitter: how long to wait before the next reconnect.

    The n-th wait is between half and all of ``min(cap, base * 2**n)`` ("equal jitter"): never
    a busy loop, and processes that lost the same server do not come back in lockstep.
    """

    base: float = 0.2
    cap: float = 5.0
    uniform: Callable[[float, float], float] = field(default=random.uniform, repr=False)
    attempts: int = 0

    def next_delay(self) -> float:
        """The wait before the next attempt; each call doubles it, up to ``cap``."""
        ceiling = min(self.cap, self.base * 2.0 ** min(self.attempts, 32))
        self.attempts += 1
        return ceiling / 2 + self.uniform(0, ceiling / 2)

    def reset(self) -> None:
        """The dependency answered again: start from ``base`` next time."""
        self.attempts = 0


@contextmanager
def redis_calls() -> Iterator[None]:
    """Redis commands in this block raise ServiceUnavailable (``redis``) in an outage."""
    try:
        yield
    except REDIS_OUTAGES as exc:
        raise unavailable(REDIS) from exc
