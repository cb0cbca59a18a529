"""Telling an outage from a bug, on errors the real drivers raise, and the reconnect backoff."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from hub.errors import ErrorCode, ServiceUnavailable
from hub.outages import Backoff, outage_of, redis_client
from tests.outages.proxy import proxy_to


async def error_of_postgresql(url: str) -> BaseException:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("the connection should have failed")


async def test_a_postgresql_server_that_cannot_be_reached_is_an_outage_of_postgresql() -> None:
    async with proxy_to("127.0.0.1", 5432) as proxy:
        proxy.cut()
        error = await error_of_postgresql(f"postgresql+asyncpg://postgres@127.0.0.1:{proxy.port}/x")

    outage = outage_of(error)

    assert outage is not None, repr(error)
    assert outage.dependency == "postgresql"
    assert outage.code is ErrorCode.SERVICE_UNAVAILABLE
    assert outage.retry_after == 5
    assert outage.message == "the hub cannot reach its PostgreSQL server: retry after 5 s"


async def test_a_redis_server_that_cannot_be_reached_is_an_outage_of_redis() -> None:
    async with proxy_to("127.0.0.1", 6379) as proxy:
        proxy.cut()
        client = redis_client(f"redis://127.0.0.1:{proxy.port}/0")
        with pytest.raises(Exception) as raised:  # noqa: PT011 - whatever the driver raises
            await client.ping()
        await client.aclose()

    outage = outage_of(raised.value)

    assert outage is not None, repr(raised.value)
    assert outage.dependency == "redis"
    assert "Redis" in outage.message


async def test_an_outage_is_found_through_the_causes_of_an_error() -> None:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        await client.ping()
    except Exception as exc:
        refused = exc
    await client.aclose()

    wrapped = RuntimeError("while taking a delivery")
    wrapped.__cause__ = refused
    grouped = ExceptionGroup("task group", [ValueError("bug"), wrapped])
    found = ServiceUnavailable("cannot reach Redis at redis://secret-host", dependency="redis")

    assert outage_of(wrapped) is not None
    assert outage_of(grouped) is not None
    named = outage_of(found)
    assert named is not None
    assert "secret-host" not in named.message, "a client never sees the server's address"


async def test_bugs_are_not_outages() -> None:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT * FROM no_such_table"))
    except Exception as exc:
        missing_table = exc
    finally:
        await engine.dispose()
    own_socket_error = ConnectionRefusedError("raised by the hub's own code, not by asyncpg")
    during = KeyError("raised while handling an outage")
    during.__context__ = ServiceUnavailable("down", dependency="redis")

    assert outage_of(missing_table) is None, "an SQL error is a bug, not an outage"
    assert outage_of(ValueError("bad value")) is None
    assert outage_of(own_socket_error) is None, "a socket error is PostgreSQL's only from asyncpg"
    assert outage_of(during) is None, "a bug in an except block stays a bug"
    assert outage_of(None) is None


def test_the_backoff_doubles_up_to_its_cap_with_jitter_and_starts_over_when_reset() -> None:
    highest = Backoff(base=0.2, cap=5.0, uniform=lambda low, high: high)
    lowest = Backoff(base=0.2, cap=5.0, uniform=lambda low, high: low)

    longest = [round(highest.next_delay(), 3) for _ in range(7)]
    shortest = [round(lowest.next_delay(), 3) for _ in range(7)]
    highest.reset()

    assert longest == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0]
    assert shortest == [0.1, 0.2, 0.4, 0.8, 1.6, 2.5, 2.5], "never less than half the step"
    assert highest.next_delay() == 0.2
    assert Backoff().next_delay() <= 0.2
