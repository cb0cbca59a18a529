"""The worker: takes message ids off the queue and processes them, until told to stop.

At start and then every ``SWEEP_SECONDS`` it also picks up what a crash lost: deliveries left
unacknowledged by a dead consumer (Redis), and messages stored but never queued or whose last
attempt failed. Only received messages are queued again: a dead letter (a document that failed
its XSD or its mapping, or failed ``max_attempts`` times) waits for ``hub exchange retry``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket

from hub.exchange.pipeline import Exchange
from hub.queue import Delivery, WorkQueue

log = logging.getLogger("hub.exchange.worker")
SWEEP_SECONDS = 30.0
IDLE_MS = 30_000


def consumer_name() -> str:
    """A name unique to this process, for the consumer group."""
    return f"{socket.gethostname()}-{os.getpid()}"


async def sweep(
    exchange: Exchange, queue: WorkQueue, consumer: str, idle_ms: int
) -> list[Delivery]:
    """Deliveries to redo: reclaimed from dead consumers, and received messages not yet done."""
    reclaimed = await queue.reclaim(consumer, idle_ms, count=100)
    lost = await exchange.unprocessed(older_than=dt.timedelta(milliseconds=idle_ms))
    pending = {delivery.item for delivery in reclaimed}
    for message in lost:
        if message not in pending:
            await queue.put(message)
    return reclaimed


async def work(
    exchange: Exchange,
    queue: WorkQueue,
    stop: asyncio.Event,
    *,
    consumer: str | None = None,
    idle_ms: int = IDLE_MS,
    sweep_seconds: float = SWEEP_SECONDS,
) -> int:
    """Process deliveries until ``stop`` is set; returns how many were processed."""
    name = consumer or consumer_name()
    done = 0
    next_sweep = 0.0
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        deliveries: list[Delivery] = []
        if loop.time() >= next_sweep:
            deliveries += await sweep(exchange, queue, name, idle_ms)
            next_sweep = loop.time() + sweep_seconds
        deliveries += await queue.take(name, count=20, block_ms=200)
        for delivery in deliveries:
            try:
                await exchange.process(delivery.item)
            except Exception:  # an outage, the attempt not even recorded: reclaimed later
                log.exception("processing message %s failed", delivery.item)
                continue
            await queue.ack(delivery)
            done += 1
    return done
