"""The Redis Stream queue: shared by every worker, surviving a worker's crash.

Items are stream entries read through one consumer group; an entry stays in the group's
pending list until acknowledged, and ``XAUTOCLAIM`` hands entries a dead consumer left behind
to a live one. In an outage every method raises ServiceUnavailable (``redis``); the worker
waits and reconnects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import ResponseError

from hub.outages import redis_calls, redis_client
from hub.queue import Backlog, Delivery

GROUP = "workers"


class RedisStreamQueue:
    """A stream with one consumer group."""

    def __init__(self, url: str, stream: str) -> None:
        self._redis = redis_client(url)
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

    async def _grouped(self, command: Callable[[], Awaitable[Any]]) -> Any:
        """Run a consumer-group command, making the group again if Redis lost it.

        A Redis restarted without persistence comes back without the stream and its group;
        what was queued then is found again by the worker's sweep of unprocessed messages.
        """
        with redis_calls():
            await self._group()
            try:
                return await command()
            except ResponseError as exc:
                if not str(exc).startswith("NOGROUP"):
                    raise
                self._group_ready = False
                await self._group()
                return await command()

    async def put(self, item: int) -> None:
        with redis_calls():
            await self._redis.xadd(self._stream, {"item": str(item)})

    async def take(self, consumer: str, count: int = 10, block_ms: int = 1000) -> list[Delivery]:
        answer: Any = await self._grouped(
            lambda: self._redis.xreadgroup(
                GROUP, consumer, {self._stream: ">"}, count=count, block=block_ms
            )
        )
        return [
            Delivery(entry_id.decode(), int(fields[b"item"]))
            for _stream, entries in answer or []
            for entry_id, fields in entries
        ]

    async def reclaim(self, consumer: str, idle_ms: int, count: int = 10) -> list[Delivery]:
        answer: Any = await self._grouped(
            lambda: self._redis.xautoclaim(
                self._stream, GROUP, consumer, min_idle_time=idle_ms, start_id="0-0", count=count
            )
        )
        entries = answer[1]
        return [
            Delivery(entry_id.decode(), int(fields[b"item"]))
            for entry_id, fields in entries
            if fields  # an entry trimmed from the stream comes back empty
        ]

    async def ack(self, *deliveries: Delivery) -> None:
        if not deliveries:
            return
        with redis_calls():
            await self._redis.xack(self._stream, GROUP, *(d.tag for d in deliveries))

    async def backlog(self) -> Backlog:
        await self._group()
        groups: Any = await self._redis.xinfo_groups(self._stream)
        group = next(g for g in groups if _text(g["name"]) == GROUP)
        last = _text(group["last-delivered-id"])
        pending: Any = await self._redis.xpending(self._stream, GROUP)
        first_waiting: Any = await self._redis.xrange(self._stream, min=f"({last}", count=1)
        waiting = group.get("lag")
        if waiting is None:  # Redis < 7 or a trimmed stream cannot say: count, up to a bound
            undelivered: Any = await self._redis.xrange(self._stream, min=f"({last}", count=10_000)
            waiting = len(undelivered)
        oldest = [_text(pending["min"])] if pending["pending"] else []
        oldest += [_text(entry_id) for entry_id, _fields in first_waiting]
        if not oldest:
            return Backlog(int(pending["pending"]) + int(waiting), None)
        # Entry ids start with the Redis server's clock in ms: its own clock gives the age.
        seconds, micros = await self._redis.time()
        oldest_ms = min(int(entry_id.split("-")[0]) for entry_id in oldest)
        age = max(0.0, seconds + micros / 1e6 - oldest_ms / 1000)
        return Backlog(int(pending["pending"]) + int(waiting), age)

    async def close(self) -> None:
        await self._redis.aclose()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
