"""Publish and subscribe, in-process and on Redis: each message reaches each subscriber once."""

from __future__ import annotations

import asyncio

from hub.config import Settings
from hub.pubsub import create_pubsub


async def test_every_subscriber_gets_each_message_once(cache_settings: Settings) -> None:
    publisher, listener = create_pubsub(cache_settings), create_pubsub(cache_settings)
    first = listener.subscribe("consignment:JS-1")
    second = listener.subscribe("consignment:JS-1")
    other = listener.subscribe("consignment:JS-2")
    try:
        # Subscriptions start when first iterated: start them, then publish.
        waiting = [asyncio.ensure_future(anext(it)) for it in (first, second, other)]
        await asyncio.sleep(0.2)
        await publisher.publish("consignment:JS-1", b"one")
        await publisher.publish("consignment:JS-1", b"two")
        got_first = [await asyncio.wait_for(waiting[0], 2), await asyncio.wait_for(anext(first), 2)]
        got_second = [
            await asyncio.wait_for(waiting[1], 2),
            await asyncio.wait_for(anext(second), 2),
        ]
        await asyncio.sleep(0.1)
        assert not waiting[2].done(), "another channel's subscriber hears nothing"
    finally:
        waiting[2].cancel()
        await asyncio.gather(waiting[2], return_exceptions=True)
        for iterator in (first, second, other):
            await iterator.aclose()
        await publisher.close()
        await listener.close()

    assert got_first == [b"one", b"two"]
    assert got_second == [b"one", b"two"]
