"""The cache interface, on the in-process cache and on Redis alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from hub.cache import Cache, create_cache
from hub.cache.memory import MemoryCache
from hub.config import Settings


@pytest.fixture
async def cache(cache_settings: Settings) -> AsyncIterator[Cache]:
    backend = create_cache(cache_settings)
    await backend.ping()
    yield backend
    await backend.close()


async def test_a_stored_value_is_read_back(cache: Cache) -> None:
    await cache.set("plate", "苏A12345".encode())

    assert await cache.get("plate") == "苏A12345".encode()


async def test_a_missing_key_reads_none(cache: Cache) -> None:
    assert await cache.get("never-set") is None


async def test_values_expire_after_their_ttl(cache: Cache) -> None:
    await cache.set("short", b"1", ttl=0.05)
    await cache.set("long", b"2", ttl=60)

    await asyncio.sleep(0.15)

    assert await cache.get("short") is None
    assert await cache.get("long") == b"2"


async def test_delete_forgets_a_key(cache: Cache) -> None:
    await cache.set("gone", b"x")

    await cache.delete("gone")

    assert await cache.get("gone") is None


async def test_incr_counts_from_zero(cache: Cache) -> None:
    assert await cache.incr("generation") == 1
    assert await cache.incr("generation") == 2
    assert await cache.get("generation") == b"2"


async def test_incr_counts_from_start_only_when_the_counter_is_absent(cache: Cache) -> None:
    assert await cache.incr("version", start=1000, ttl=60) == 1001
    assert await cache.incr("version", start=5, ttl=60) == 1002, "start is for a new counter"
    await cache.delete("version")
    assert await cache.incr("version", start=77) == 78


async def test_a_counter_created_with_a_ttl_expires_and_one_moved_on_keeps_its_expiry(
    cache: Cache,
) -> None:
    await cache.incr_many({"today": 1}, ttl=1)
    await asyncio.sleep(0.6)
    await cache.incr_many({"today": 1}, ttl=60)  # counted on: the first expiry stands

    await asyncio.sleep(0.7)

    assert await cache.get("today") is None


async def test_incr_many_counts_each_counter_and_reads_many_back(cache: Cache) -> None:
    first = await cache.incr_many({"requests": 1, "cost": 12}, ttl=60)
    second = await cache.incr_many({"requests": 1, "cost": 30}, ttl=60)

    assert first == [1, 12]
    assert second == [2, 42]
    assert await cache.get_many(["requests", "absent", "cost"]) == [b"2", None, b"42"]


async def test_two_clients_of_one_backend_share_values(cache_settings: Settings) -> None:
    first, second = create_cache(cache_settings), create_cache(cache_settings)
    try:
        await first.set("shared", b"yes")
        shared = await second.get("shared")
    finally:
        await first.close()
        await second.close()

    # Redis is shared by every worker; the in-process cache is private to each instance.
    assert shared == (b"yes" if cache_settings.redis_url else None)


async def test_memory_cache_drops_least_recently_used_beyond_its_bound() -> None:
    cache = MemoryCache(max_entries=2)
    await cache.set("a", b"1")
    await cache.set("b", b"2")
    await cache.get("a")

    await cache.set("c", b"3")

    assert await cache.get("b") is None
    assert await cache.get("a") == b"1"
    assert await cache.get("c") == b"3"


async def test_add_stores_only_when_absent(cache: Cache) -> None:
    first = await cache.add("jti:abc", b"1", ttl=60)
    second = await cache.add("jti:abc", b"2", ttl=60)

    assert (first, second) == (True, False)
    assert await cache.get("jti:abc") == b"1"
