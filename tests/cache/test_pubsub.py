"""Publish and subscribe, in-process and on Redis: one broker subscription per channel and
worker, each message to each subscriber once, bounded queues, a lost connection reported."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest
from redis.asyncio import Redis

from hub.config import Settings
from hub.pubsub import Interrupted, Limits, Overflowed, PubSub, create_pubsub
from hub.pubsub.memory import _CHANNELS
from tests.conftest import REDIS_URL
from tests.outages.proxy import Proxy


async def _listeners(settings: Settings, channel: str) -> int:
    """How many broker subscriptions the channel has: workers, not their clients."""
    if not settings.redis_url:
        return len(_CHANNELS.get(channel, ()))
    async with Redis.from_url(REDIS_URL) as redis:
        [(_name, count)] = await redis.pubsub_numsub(f"{settings.cache_prefix}events:{channel}")
    return int(count)


async def _next(subscription: object) -> bytes:
    return await asyncio.wait_for(anext(subscription), 60)  # type: ignore[call-overload]


async def test_every_subscriber_gets_each_message_once(cache_settings: Settings) -> None:
    publisher, listener = create_pubsub(cache_settings), create_pubsub(cache_settings)
    try:
        first = await listener.subscribe("consignment:JS-1")
        second = await listener.subscribe("consignment:JS-1")
        other = await listener.subscribe("consignment:JS-2")
        await publisher.publish("consignment:JS-1", b"one")
        await publisher.publish("consignment:JS-1", b"two")
        got_first = [await _next(first), await _next(first)]
        got_second = [await _next(second), await _next(second)]
        await publisher.publish("consignment:JS-2", b"three")
        got_other = await _next(other)
        for subscription in (first, second, other):
            await subscription.aclose()
    finally:
        await publisher.close()
        await listener.close()

    assert got_first == [b"one", b"two"]
    assert got_second == [b"one", b"two"]
    assert got_other == b"three", "another channel's subscriber hears only its own"


async def test_a_worker_listens_to_a_channel_once_however_many_follow_it(
    cache_settings: Settings,
) -> None:
    publisher, listener = create_pubsub(cache_settings), create_pubsub(cache_settings)
    channel = f"consignment:{uuid.uuid4().hex[:8]}"
    try:
        subscriptions = [await listener.subscribe(channel) for _ in range(300)]
        listening = await _listeners(cache_settings, channel)
        await publisher.publish(channel, b"to all")
        heard = [await _next(subscription) for subscription in subscriptions]
        for subscription in subscriptions[:-1]:
            await subscription.aclose()
        after_all_but_one = await _listeners(cache_settings, channel)
        await subscriptions[-1].aclose()
        after_the_last = await _listeners(cache_settings, channel)
    finally:
        await publisher.close()
        await listener.close()

    assert listening == 1, "300 subscribers, one broker subscription"
    assert heard == [b"to all"] * 300
    assert after_all_but_one == 1
    assert after_the_last == 0, "unsubscribed after the last subscriber left"


async def test_a_subscriber_that_falls_behind_is_ended_and_the_others_go_on(
    cache_settings: Settings,
) -> None:
    publisher, listener = create_pubsub(cache_settings), create_pubsub(cache_settings)
    overflows: list[Overflowed] = []
    try:
        slow = await listener.subscribe("c", Limits(events=3, bytes=1000), overflows.append)
        reading = await listener.subscribe("c", Limits(events=3, bytes=1000))
        by_bytes = await listener.subscribe("c", Limits(events=100, bytes=25))
        heard = []
        for number in range(5):
            await publisher.publish("c", f"message {number}".encode())
            heard.append(await _next(reading))
        with pytest.raises(Overflowed) as slow_ended:
            await _next(slow)
        with pytest.raises(Overflowed):
            await _next(by_bytes)
        waiting = slow.waiting
        for subscription in (slow, reading, by_bytes):
            await subscription.aclose()
    finally:
        await publisher.close()
        await listener.close()

    assert heard == [f"message {n}".encode() for n in range(5)]
    assert len(overflows) == 1, "told once, at the moment it fell behind"
    assert "more than 3 events or 1000 bytes" in str(slow_ended.value)
    assert waiting == 0, "what it was owed is dropped, not kept"


async def test_only_the_messages_a_subscriber_wants_count_against_its_limits(
    cache_settings: Settings,
) -> None:
    publisher, listener = create_pubsub(cache_settings), create_pubsub(cache_settings)
    try:
        odd = await listener.subscribe(
            "c", Limits(events=3, bytes=1000), wanted=lambda m: int(m.split()[1]) % 2 == 1
        )
        everything = await listener.subscribe("c", Limits(events=100, bytes=10_000))
        for number in range(7):  # four unwanted: past the limit of 3 had they been queued
            await publisher.publish("c", f"message {number}".encode())
        for _ in range(7):
            await _next(everything)  # every message has been fanned out to both by now
        heard = [await _next(odd) for _ in range(3)]
        await odd.aclose()
        await everything.aclose()
    finally:
        await publisher.close()
        await listener.close()

    assert heard == [b"message 1", b"message 3", b"message 5"]


async def test_a_lost_pubsub_connection_ends_its_subscriptions_and_the_next_reconnects(
    cache_settings: Settings,
) -> None:
    if not cache_settings.redis_url:
        pytest.skip("the in-process broker has no connection to lose")
    proxy = Proxy("127.0.0.1", 6379)
    await proxy.start()
    through_proxy = dataclasses.replace(cache_settings, redis_url=proxy.rewrite(REDIS_URL))
    publisher: PubSub = create_pubsub(cache_settings)
    listener: PubSub = create_pubsub(through_proxy)
    try:
        cut_off = await listener.subscribe("c")
        await publisher.publish("c", b"before")
        before = await _next(cut_off)
        proxy.cut()
        with pytest.raises(Interrupted) as interrupted:
            await _next(cut_off)
        await cut_off.aclose()
        proxy.restore()
        again = await listener.subscribe("c")
        await publisher.publish("c", b"after")
        after = await _next(again)
        await again.aclose()
    finally:
        await publisher.close()
        await listener.close()
        await proxy.close()

    assert before == b"before"
    assert "lost its connection to Redis" in str(interrupted.value)
    assert after == b"after"
