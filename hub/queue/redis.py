"""The Redis Stream queue: shared by every worker, surviving a worker's crash.

Items are stream entries read through one consumer group; an entry stays in the group's
pending list until acknowledged, and ``XAUTOCLAIM`` hands entries a dead consumer left behind
to a live one.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from hub.queue import Delivery

GROUP = "workers"


class RedisStreamQueue:
    """A stream with one consumer group."""

    def __init__(self, url: str, stream: str) -> None:
        self._redis: Redis = Redis.from_url(url, socket_connect_timeout=5)
        self._stream = stream
        self._group_ready = False

    async def _group(self) -> None:
        if self._group_ready:
            return
        try:
            await self._redis.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def put(self, item: int) -> None:
        await self._redis.xadd(self._stream, {"item": str(item)})

    async def take(self, consumer: str, count: int = 10, block_ms: int = 1000) -> list[Delivery]:
        await self._group()
        answer: Any = await self._redis.xreadgroup(
            GROUP, consumer, {self._stream: ">"}, count=count, block=block_ms
        )
        return [
            Delivery(entry_id.decode(), int(fields[b"item"]))
            for _stream, entries in answer or []
            for entry_id, fields in entries
        ]

    async def reclaim(self, consumer: str, idle_ms: int, count: int = 10) -> list[Delivery]:
        await self._group()
        answer: Any = await self._redis.xautoclaim(
            self._stream, GROUP, consumer, min_idle_time=idle_ms, start_id="0-0", count=count
        )
        entries = answer[1]
        return [
            Delivery(entry_id.decode(), int(fields[b"item"]))
            for entry_id, fields in entries
            if fields  # an entry trimmed from the stream comes back empty
        ]

    async def ack(self, delivery: Delivery) -> None:
        await self._redis.xack(self._stream, GROUP, delivery.tag)

    async def close(self) -> None:
        await self._redis.aclose()
