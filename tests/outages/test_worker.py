"""The exchange worker through outages: it waits them out and carries on, never exits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from sqlalchemy import func, select

from hub.agency_records.models import VehicleRegistrationRow
from hub.db import create_engine, session_factory
from hub.exchange.pipeline import Exchange
from hub.exchange.registry import AdapterRegistry
from hub.exchange.worker import work
from hub.outages import Backoff
from hub.queue import WorkQueue, create_queue
from tests.exchange.adapter import ADAPTER, document
from tests.exchange.test_pipeline import VIN, count_processed
from tests.outages.conftest import Outages
from tests.outages.waiting import eventually


@asynccontextmanager
async def worker_on(
    outages: Outages, backoff: Backoff
) -> AsyncIterator[tuple[Exchange, WorkQueue, asyncio.Task[int], asyncio.Event]]:
    """An exchange and a running worker, both reaching the servers through the proxies."""
    engine = create_engine(outages.settings)
    queue = create_queue(outages.settings)
    exchange = Exchange(AdapterRegistry([ADAPTER]), session_factory(engine), queue)
    stop = asyncio.Event()
    task = asyncio.create_task(work(exchange, queue, stop, consumer="survivor", backoff=backoff))
    try:
        yield exchange, queue, task, stop
    finally:
        stop.set()
        await asyncio.wait([task])
        await queue.close()
        await engine.dispose()


def registration(message_id: str, plate: str) -> bytes:
    return document(message_id, [(f"R-{message_id}", plate, "2", VIN, "A")])


async def attempts(backoff: Backoff) -> int:
    """How many times in a row the worker has met an outage."""
    return backoff.attempts


async def rows(exchange: Exchange) -> int:
    async with exchange.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(VehicleRegistrationRow))
        return int(total or 0)


async def test_the_worker_survives_a_redis_drop_and_processes_what_is_queued_after(
    outages: Outages,
) -> None:
    # Short waits so the test does not idle; how soon it recovers is not asserted.
    backoff = Backoff(base=0.05, cap=0.5)
    async with worker_on(outages, backoff) as (exchange, _queue, worker, stop):
        await exchange.receive("test_police", registration("before", "苏A00001"), "push")
        await eventually(lambda: count_processed(exchange), lambda n: n == 1, what="first")

        outages.redis.cut()
        await eventually(
            partial(attempts, backoff),
            lambda count: count >= 3,
            what="the worker meeting the outage again and again",
        )
        alive_in_outage = not worker.done()
        outages.redis.restore()
        receipt = await exchange.receive("test_police", registration("after", "苏A00002"), "push")
        _, seconds = await eventually(
            lambda: count_processed(exchange),
            lambda n: n == 2,
            what="the document queued after Redis came back processed",
        )
        stored = await rows(exchange)
        stop.set()
        done = await worker

    assert alive_in_outage, "the worker must not exit on a dropped connection"
    assert not receipt.duplicate
    assert done == 2
    assert stored == 2
    print(f"queued document processed {seconds:.2f} s after Redis came back")


async def test_a_delivery_met_by_a_database_outage_is_processed_once_it_is_back(
    outages: Outages,
) -> None:
    backoff = Backoff(base=0.05, cap=0.5)
    async with worker_on(outages, backoff) as (exchange, queue, worker, stop):
        # Stored but not queued, so that the worker meets it only when the test says.
        unqueued = Exchange(exchange.registry, exchange.sessions)
        receipt = await unqueued.receive("test_police", registration("held", "苏A00003"), "push")

        outages.postgresql.cut()
        await queue.put(receipt.id)
        await eventually(
            partial(attempts, backoff),
            lambda count: count >= 2,
            what="the worker failing to process while PostgreSQL is down",
        )
        alive_in_outage = not worker.done()
        outages.postgresql.restore()
        _, seconds = await eventually(
            lambda: count_processed(exchange),
            lambda n: n == 1,
            what="the held delivery processed after PostgreSQL came back",
        )
        stored = await rows(exchange)
        stop.set()
        done = await worker

    assert alive_in_outage, "the worker must not exit on a database outage"
    assert done == 1
    assert stored == 1
    print(f"held delivery processed {seconds:.2f} s after PostgreSQL came back")
