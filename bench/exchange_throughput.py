"""Exchange throughput: documents per second through validation, mapping and storage.

    python bench/exchange_throughput.py [--documents 100000] [--concurrency 4]

Builds a mixed batch from every installed adapter's simulator (all document types, in equal
shares, unique message ids), creates a fresh PostgreSQL database (HUB_BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/hub_bench_exchange), migrates it, and times the
whole pipeline as ``hub ingest`` runs it — size check, safe parse, raw store, XSD
validation, mapping and storage, in one transaction per document. Generation is not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import math
import os
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.exchange.inbound import BATCH
from hub.exchange.pipeline import Exchange
from hub.exchange.registry import AdapterRegistry
from hub.migrate import upgrade

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_exchange"


async def fresh_database(url: str) -> None:
    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(
                text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
            )
            await connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()


def mixed_documents(registry: AdapterRegistry, total: int) -> list[tuple[str, bytes]]:
    feeds = [
        (name, document) for name, adapter in registry.items() for document in adapter.documents
    ]
    per_feed = math.ceil(total / len(feeds))
    batch: list[tuple[str, bytes]] = []
    for name in registry:
        simulator: Any = importlib.import_module(f"adapters.{name}.simulator")
        for items in simulator.documents(per_feed).values():
            batch += [(name, data) for data in items[:per_feed]]
    # Interleave the agencies, as a live exchange would deliver them.
    batch.sort(key=lambda item: hash(item[1]) & 0xFFFF)
    return batch[:total]


async def run(total: int, concurrency: int, size: int) -> None:
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    registry = AdapterRegistry.discover()
    started = time.perf_counter()
    documents = mixed_documents(registry, total)
    print(f"built {len(documents):,} documents of {len(registry)} agencies in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    await fresh_database(url)
    engine = create_engine(Settings(database_url=url))
    await upgrade(engine)
    exchange = Exchange(registry, session_factory(engine))
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for item in documents:
        queue.put_nowait(item)
    outcome = {"processed": 0, "failed": 0, "records": 0}

    async def worker() -> None:
        while not queue.empty():
            batch = [queue.get_nowait() for _ in range(min(size, queue.qsize()))]
            receipts = await exchange.receive_and_process_many(
                [(agency, data, "file") for agency, data in batch]
            )
            for receipt in receipts:
                status = getattr(receipt, "status", "failed")
                outcome[status if status in outcome else "failed"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    async with engine.connect() as connection:
        outcome["records"] = int(
            await connection.scalar(text("SELECT coalesce(sum(records), 0) FROM exchange_messages"))
            or 0
        )
    await engine.dispose()
    print(
        f"{len(documents):,} documents in {elapsed:.1f} s: {len(documents) / elapsed:,.0f} "
        f"documents/s, {outcome['records'] / elapsed:,.0f} records/s "
        f"({outcome['processed']:,} processed, {outcome['failed']:,} failed, "
        f"{outcome['records']:,} records stored; concurrency {concurrency}, batches of {size}, "
        "PostgreSQL)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--batch", type=int, default=BATCH, help="documents per transaction")
    args = parser.parse_args()
    asyncio.run(run(args.documents, args.concurrency, args.batch))


if __name__ == "__main__":
    main()
