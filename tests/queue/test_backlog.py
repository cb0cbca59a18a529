"""The queue's backlog, as /metrics reads it at scrape time: in-process and on Redis."""

from __future__ import annotations

from hub.config import Settings
from hub.queue import create_queue
from hub.queue.memory import MemoryQueue


async def test_the_backlog_counts_what_is_not_yet_acknowledged(cache_settings: Settings) -> None:
    queue = create_queue(cache_settings, name="backlog-test")
    try:
        empty = await queue.backlog()
        await queue.put(1)
        await queue.put(2)
        [taken] = await queue.take("test", count=1, block_ms=100)
        waiting = await queue.backlog()
        await queue.ack(taken)
        [last] = await queue.take("test", count=1, block_ms=100)
        await queue.ack(last)
        done = await queue.backlog()
    finally:
        await queue.close()

    assert (empty.length, empty.oldest_seconds) == (0, None)
    assert waiting.length == 2, "one taken but not acknowledged, one waiting"
    assert waiting.oldest_seconds is not None
    assert waiting.oldest_seconds >= 0
    assert (done.length, done.oldest_seconds) == (0, None)


async def test_the_oldest_age_is_of_the_first_item_put_and_not_acknowledged() -> None:
    now = [100.0]
    queue = MemoryQueue(clock=lambda: now[0])
    await queue.put(1)
    now[0] = 105.0
    await queue.put(2)
    [first] = await queue.take("test", count=1, block_ms=10)
    now[0] = 110.0

    taken = await queue.backlog()
    await queue.ack(first)
    acknowledged = await queue.backlog()

    assert (taken.length, taken.oldest_seconds) == (2, 10.0)
    assert (acknowledged.length, acknowledged.oldest_seconds) == (1, 5.0)


async def test_a_delivery_left_unacknowledged_is_dropped_once_the_sweep_requeues_it() -> None:
    now = [0.0]
    queue = MemoryQueue(clock=lambda: now[0])
    await queue.put(1)
    await queue.take("test", count=1, block_ms=10)  # its processing failed: never acknowledged
    now[0] = 31.0

    reclaimed = await queue.reclaim("test", idle_ms=30_000)

    assert reclaimed == [], "the database sweep queues the message again, not the queue"
    assert (await queue.backlog()).length == 0
