"""Exchange throughput: documents per second through validation, mapping and storage.

    python bench/exchange_throughput.py [--documents 100000] [--concurrency 2]
    python bench/exchange_throughput.py --documents 20000 --workers 1,2

Builds a mixed batch from every installed adapter's simulator (all document types, in equal
shares, unique message ids), creates a fresh PostgreSQL database (HUB_BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/hub_bench_exchange), migrates it, and times the
whole pipeline as ``hub ingest`` runs it — size check, safe parse, XSD validation, mapping,
then raw store and storage in batches. Generation is not timed.

With ``--workers N[,M…]``, for each N: a fresh database, every document received (stored raw
and queued on the Redis Stream of HUB_BENCH_REDIS_URL, default redis://127.0.0.1:6379/15;
not timed), then N ``hub exchange work`` processes started and timed from the moment all are
ready until no message is left received: the queued backlog drained by N workers.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import math
import os
import sys
import time
import uuid
from pathlib import Path
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
from hub.queue import create_queue

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_exchange"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[1]


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


async def database_cpu(engine: Any) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving the bench database.

    Read from /proc (the server runs on this machine): what the database spends per fix is
    apart from what the hub spends, on a machine whose load is shared with other work.
    """
    async with engine.connect() as connection:
        pids = (
            await connection.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        ).all()
    return sum(map(_process_cpu, pids))


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # ended, or not readable: not counted
        return 0.0
    # utime and stime, fields 14 and 15 of proc(5), in clock ticks
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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

    database = await database_cpu(engine)
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    database = await database_cpu(engine) - database
    async with engine.connect() as connection:
        outcome["records"] = int(
            await connection.scalar(text("SELECT coalesce(sum(records), 0) FROM exchange_messages"))
            or 0
        )
    await engine.dispose()
    print(
        f"one process: {len(documents):,} documents in {elapsed:.1f} s: "
        f"{len(documents) / elapsed:,.0f} "
        f"documents/s, {outcome['records'] / elapsed:,.0f} records/s "
        f"({outcome['processed']:,} processed, {outcome['failed']:,} failed, "
        f"{outcome['records']:,} records stored; concurrency {concurrency}, batches of {size}, "
        f"PostgreSQL; CPU per document: the hub's {cpu / len(documents) * 1000:.2f} ms, "
        f"PostgreSQL's {database / len(documents) * 1000:.2f} ms; "
        f"load average {os.getloadavg()[0]:.1f})"
    )


async def queued(total: int, workers: int, concurrency: int) -> None:
    """A queued backlog of ``total`` documents drained by ``workers`` worker processes."""
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("HUB_BENCH_REDIS_URL", DEFAULT_REDIS)
    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    registry = AdapterRegistry.discover()
    documents = mixed_documents(registry, total)
    await fresh_database(url)
    settings = Settings(database_url=url, redis_url=redis_url, cache_prefix=prefix)
    engine = create_engine(settings)
    await upgrade(engine)
    queue = create_queue(settings)
    exchange = Exchange(registry, session_factory(engine), queue)
    pending = list(documents)

    async def receiver() -> None:
        while pending:
            agency, data = pending.pop()
            await exchange.receive(agency, data, "push")

    started = time.perf_counter()
    await asyncio.gather(*(receiver() for _ in range(concurrency)))
    print(f"{workers} worker(s): received and queued {len(documents):,} documents in "
          f"{time.perf_counter() - started:.1f} s (not timed)")  # fmt: skip
    environment = os.environ | {
        "HUB_DATABASE_URL": url,
        "HUB_REDIS_URL": redis_url,
        "HUB_CACHE_PREFIX": prefix,
        "HUB_LOG_LEVEL": "WARNING",
    }
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hub",
            "exchange",
            "work",
            cwd=ROOT,
            env=environment,
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(workers)
    ]
    cpu = _children_cpu()
    try:
        for process in processes:
            assert process.stdout is not None
            await process.stdout.readline()  # "processing queued documents": it is ready
        database = await database_cpu(engine)
        ready = sum(_process_cpu(process.pid) for process in processes)
        started = time.perf_counter()
        while (left := await _received(engine)) > 0:
            if any(process.returncode is not None for process in processes):
                raise SystemExit(f"a worker ended with {left} documents left")
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
        draining = sum(_process_cpu(process.pid) for process in processes) - ready
        database = await database_cpu(engine) - database
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            await process.wait()
    hub_cpu = _children_cpu() - cpu
    async with engine.connect() as connection:
        outcome: dict[str, int] = dict(
            (
                await connection.execute(
                    text("SELECT status, count(*) FROM exchange_messages GROUP BY status")
                )
            ).all()
        )
        records = int(
            await connection.scalar(text("SELECT coalesce(sum(records), 0) FROM exchange_messages"))
            or 0
        )
    await queue.close()
    await engine.dispose()
    print(
        f"{workers} worker process(es) on Redis: {len(documents):,} queued documents in "
        f"{elapsed:.1f} s: {len(documents) / elapsed:,.0f} documents/s, "
        f"{records / elapsed:,.0f} records/s ({outcome}; CPU per document: the workers' "
        f"{draining / len(documents) * 1000:.2f} ms while draining "
        f"({hub_cpu / len(documents) * 1000:.2f} ms with their start and stop), PostgreSQL's "
        f"{database / len(documents) * 1000:.2f} ms; load average {os.getloadavg()[0]:.1f})"
    )


async def _received(engine: Any) -> int:
    async with engine.connect() as connection:
        return int(
            await connection.scalar(
                text("SELECT count(*) FROM exchange_messages WHERE status = 'received'")
            )
            or 0
        )


def _children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--batch", type=int, default=BATCH, help="documents per transaction")
    parser.add_argument(
        "--workers",
        help="comma-separated numbers of worker processes draining a queued backlog on Redis",
    )
    args = parser.parse_args()
    if args.workers:
        for workers in (int(n) for n in args.workers.split(",")):
            asyncio.run(queued(args.documents, workers, concurrency=8))
    else:
        asyncio.run(run(args.documents, args.concurrency, args.batch))


if __name__ == "__main__":
    main()
