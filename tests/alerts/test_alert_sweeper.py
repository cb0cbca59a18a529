"""The app's periodic alert sweep: with a shared cache (Redis) one worker sweeps in each
interval; with in-process caches every process sweeps for itself."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hub.alerts import sweeper
from hub.cache import create_cache
from hub.config import Settings

EVERY = 2.0
"""Long against scheduling delays: the second worker's timer fires within milliseconds of
the first's, and the first's turn lasts 1.8 s."""


async def _sweeps_of_two_workers(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    swept: list[str] = []
    first_sweep = asyncio.Event()

    async def counting(sessions: Any, pubsub: Any, now: Any = None) -> int:
        swept.append(sessions)
        first_sweep.set()
        return 0

    monkeypatch.setattr(sweeper, "sweep_once", counting)
    caches = [create_cache(settings), create_cache(settings)]  # one per worker process
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(sweeper.run(name, None, stop, EVERY, turns=cache))  # type: ignore[arg-type]
        for name, cache in zip(("one", "two"), caches, strict=True)
    ]
    await asyncio.wait_for(first_sweep.wait(), 30)
    await asyncio.sleep(0.5)  # the other worker's timer has fired by now
    stop.set()
    await asyncio.gather(*workers)
    for cache in caches:
        await cache.close()
    return swept


async def test_one_sweep_per_interval_across_workers_sharing_a_cache(
    cache_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    swept = await _sweeps_of_two_workers(cache_settings, monkeypatch)

    if cache_settings.redis_url:
        assert len(swept) == 1, swept  # the other worker found the turn taken
    else:
        assert sorted(swept) == ["one", "two"]  # each process's own cache: each sweeps


async def test_a_lone_worker_sweeps_every_interval(
    cache_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    swept = 0
    twice = asyncio.Event()

    async def counting(sessions: Any, pubsub: Any, now: Any = None) -> int:
        nonlocal swept
        swept += 1
        if swept == 2:
            twice.set()
        return 0

    monkeypatch.setattr(sweeper, "sweep_once", counting)
    cache = create_cache(cache_settings)
    stop = asyncio.Event()
    worker = asyncio.create_task(sweeper.run(None, None, stop, 0.2, turns=cache))  # type: ignore[arg-type]
    await asyncio.wait_for(twice.wait(), 30)  # its own turn lapsed before its next interval
    stop.set()
    await worker
    await cache.close()
    assert swept >= 2
