"""The worker: takes message ids off the queue and processes them, until told to stop.

It takes what is waiting, up to ``BATCH`` deliveries, processes them as one batch (their
records written in one transaction, as ``hub ingest`` writes its files) and acknowledges them
once that has committed: a worker killed mid-batch leaves the whole batch pending, and as the
database says what is done, its redelivery applies nothing twice.

At start and then every ``SWEEP_SECONDS`` it also picks up what a crash lost: deliveries left
unacknowledged by a dead consumer (Redis), and messages stored but never queued or whose last
attempt failed. Only received messages are queued again: a dead letter (a document that failed
its XSD or its mapping, or failed ``max_attempts`` times) waits for ``hub exchange retry``.

An outage of Redis or the database never ends it: it waits (capped exponential backoff with
jitter), tries again, and carries on with the deliveries it held, sweeping at once after.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from contextlib import suppress

from hub.exchange.pipeline import Exchange
from hub.outages import Backoff, outage_of
from hub.queue import Delivery, WorkQueue

log = logging.getLogger("hub.exchange.worker")
SWEEP_SECONDS = 30.0
IDLE_MS = 30_000
BATCH = 200
"""Deliveries processed per transaction: what is waiting, up to this many."""


def consumer_name() -> str:
    """A name unique to this process, for the consumer group."""
    return f"{socket.gethostname()}-{os.getpid()}"


async def sweep(
    exchange: Exchange, queue: WorkQueue, consumer: str, idle_ms: int
) -> list[Delivery]:
    """Deliveries to redo: reclaimed from dead consumers, and received messages not yet done.

    A message is queued again only if it was received ``idle_ms`` before the oldest item still
    in the queue was put: a backlog that is merely waiting its turn is not queued twice over
    at every sweep (the queue is first in, first out; ``idle_ms`` covers the clocks' skew).
    """
    reclaimed = await queue.reclaim(consumer, idle_ms, count=1_000)
    oldest = (await queue.backlog()).oldest_seconds or 0.0
    older_than = dt.timedelta(milliseconds=idle_ms) + dt.timedelta(seconds=oldest)
    lost = await exchange.unprocessed(older_than=older_than)
    pending = {delivery.item for delivery in reclaimed}
    for message in lost:
        if message not in pending:
            await queue.put(message)
    return reclaimed


async def _process(exchange: Exchange, queue: WorkQueue, deliveries: list[Delivery]) -> int:
    """Process deliveries as one batch, acknowledged once committed; returns how many.

    A failure that is not an outage (a bug) leaves them all pending, to be reclaimed: 0. An
    outage is raised: the deliveries are kept and tried again once the dependency is back.
    """
    try:
        await exchange.process_many([delivery.item for delivery in deliveries])
    except Exception as exc:
        if outage_of(exc) is not None:
            raise
        items = ", ".join(str(delivery.item) for delivery in deliveries)
        log.exception("processing messages %s failed", items)
        return 0
    await queue.ack(*deliveries)
    return len(deliveries)


async def work(
    exchange: Exchange,
    queue: WorkQueue,
    stop: asyncio.Event,
    *,
    consumer: str | None = None,
    idle_ms: int = IDLE_MS,
    backoff: Backoff | None = None,
    sweep_seconds: float = SWEEP_SECONDS,
    batch: int = BATCH,
) -> int:
    """Process deliveries until ``stop`` is set, up to ``batch`` per transaction.

    Returns how many were processed.
    """
    name = consumer or consumer_name()
    backoff = backoff or Backoff()
    done = 0
    next_sweep = 0.0
    # Taken and not yet acknowledged: what an outage interrupted is resumed from here.
    held: list[Delivery] = []
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        try:
            if loop.time() >= next_sweep:
                holding = {delivery.tag for delivery in held}
                reclaimed = await sweep(exchange, queue, name, idle_ms)
                held += [delivery for delivery in reclaimed if delivery.tag not in holding]
                next_sweep = loop.time() + sweep_seconds
            if not held:
                held += await queue.take(name, count=batch, block_ms=200)
            while held:
                chunk = held[:batch]
                done += await _process(exchange, queue, chunk)
                del held[: len(chunk)]
        except Exception as exc:
            outage = outage_of(exc)
            if outage is None:
                raise
            delay = backoff.next_delay()
            cause = exc.__cause__ or exc
            log.warning(
                "%s unavailable (%s: %s); trying again in %.1f s",
                outage.dependency,
                cause.__class__.__name__,
                cause,
                delay,
            )
            next_sweep = 0.0  # once it is back: pick up what the outage left behind
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        if backoff.attempts:
            log.warning("reconnected: processing again")
            backoff.reset()
    return done
