"""The PostgreSQL pool: a connection that died while idle is replaced before it is used."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hub.db import ping_after_idle

IDLE = 0.2


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        pid = await connection.scalar(text("SELECT pg_backend_pid()"))
    assert isinstance(pid, int)
    return pid


async def _terminate(url: str, pid: int) -> None:
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await admin.dispose()


async def test_a_connection_that_died_while_idle_is_replaced_before_it_is_handed_out(
    postgres_template: str,
) -> None:
    engine = create_async_engine(postgres_template, pool_size=1, max_overflow=0)
    ping_after_idle(engine, IDLE)
    try:
        before = await _backend_pid(engine)
        await _terminate(postgres_template, before)
        await asyncio.sleep(IDLE * 2)

        after = await _backend_pid(engine)  # no error: the dead one was checked and replaced
    finally:
        await engine.dispose()

    assert after != before


async def test_a_connection_in_use_moments_ago_is_not_pinged_and_a_death_costs_one_statement(
    postgres_template: str,
) -> None:
    engine = create_async_engine(postgres_template, pool_size=1, max_overflow=0)
    ping_after_idle(engine, 60)
    try:
        before = await _backend_pid(engine)
        await _terminate(postgres_template, before)

        with pytest.raises(DBAPIError) as failed:
            await _backend_pid(engine)
        after = await _backend_pid(engine)  # the pool replaced it after the failure
    finally:
        await engine.dispose()

    assert failed.value.connection_invalidated, "the failure is seen as a disconnect"
    assert after != before
