"""A worker or an ingest in a process of its own, for the tests that kill one with SIGKILL.

python -m tests.exchange.worker_process work|ingest DATABASE_URL REDIS_URL|- PREFIX [FILE…]
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.exchange.inbound import ingest
from hub.exchange.pipeline import Exchange
from hub.exchange.registry import AdapterRegistry
from hub.exchange.worker import work
from hub.queue import create_queue
from tests.exchange.adapter import ADAPTER


async def main(mode: str, database_url: str, redis_url: str, files: list[str]) -> None:
    redis = None if redis_url == "-" else redis_url
    settings = Settings(database_url=database_url, redis_url=redis, cache_prefix=sys.argv[4])
    engine = create_engine(settings)
    queue = create_queue(settings)
    exchange = Exchange(AdapterRegistry([ADAPTER]), session_factory(engine), queue)
    print("started", flush=True)
    if mode == "work":
        # Small batches, and a pause after each commit (before its acknowledgement): the kill
        # must land with some committed and some not. Unpaused, a loaded machine let the
        # worker commit all 400 documents before the test's poll on SQLite got its turn.
        process_many = exchange.process_many

        async def paused(messages: Sequence[int]) -> dict[int, str]:
            outcomes = await process_many(messages)
            await asyncio.sleep(0.05)
            return outcomes

        exchange.process_many = paused  # type: ignore[method-assign]
        await work(exchange, queue, asyncio.Event(), consumer="doomed", idle_ms=100, batch=10)
    else:
        await ingest(exchange, "test_police", [Path(f) for f in files])


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[5:]))
