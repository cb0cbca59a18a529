"""The in-process cache: the embedded default, private to one worker process."""

from __future__ import annotations

import time
from collections import OrderedDict


class MemoryCache:
    """A bounded LRU dictionary with per-key expiry."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()
        self._max_entries = max_entries

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires is not None and expires <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        return [await self.get(key) for key in keys]

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        expires = None if ttl is None else time.monotonic() + ttl
        self._entries[key] = (value, expires)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def add(self, key: str, value: bytes, ttl: float) -> bool:
        if await self.get(key) is not None:
            return False
        await self.set(key, value, ttl)
        return True

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    async def incr(
        self, key: str, amount: int = 1, ttl: float | None = None, start: int = 0
    ) -> int:
        current = await self.get(key)
        value = (int(current) if current is not None else start) + amount
        if current is not None:
            expires = self._entries[key][1]
        else:
            expires = None if ttl is None else time.monotonic() + ttl
        self._entries[key] = (str(value).encode(), expires)
        return value

    async def incr_many(self, amounts: dict[str, int], ttl: float | None = None) -> list[int]:
        return [await self.incr(key, amount, ttl) for key, amount in amounts.items()]

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._entries.clear()
