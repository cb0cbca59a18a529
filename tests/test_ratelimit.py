"""Token buckets per client, in-process and on Redis alike."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from hub.config import Settings
from hub.ratelimit import MemoryRateLimiter, Quota, RateLimiter, create_rate_limiter
from tests.clock import ManualClock
from tests.outages.proxy import proxy_to

ROOT = Path(__file__).resolve().parents[1]
# So slow that no token comes back while a test runs: one every 1000 seconds.
NO_REFILL = 0.001


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def limiter(cache_settings: Settings, clock: ManualClock) -> AsyncIterator[RateLimiter]:
    backend = create_rate_limiter(cache_settings, clock)
    yield backend
    await backend.close()


async def test_a_burst_passes_and_the_next_request_is_refused(limiter: RateLimiter) -> None:
    quota = Quota(rate=NO_REFILL, burst=3)

    burst = [await limiter.take("client-a", quota) for _ in range(3)]
    refused = await limiter.take("client-a", quota)

    assert [decision.allowed for decision in burst] == [True, True, True]
    assert [decision.remaining for decision in burst] == [2, 1, 0]
    assert not refused.allowed
    assert refused.retry_after >= 1, refused
    assert refused.headers()["RateLimit-Remaining"] == "0"


async def test_headers_have_the_draft_names_and_whole_seconds(limiter: RateLimiter) -> None:
    quota = Quota(rate=NO_REFILL, burst=1)

    allowed = (await limiter.take("client-a", quota)).headers()
    refused = (await limiter.take("client-a", quota)).headers()

    assert list(allowed) == ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]
    assert list(refused) == [*allowed, "Retry-After"]
    assert all(value.isdigit() for value in [*allowed.values(), *refused.values()]), refused
    assert (allowed["RateLimit-Limit"], allowed["RateLimit-Remaining"]) == ("1", "0")
    # Empty after one take, so full again after a whole window and a token after as long.
    assert quota.window_seconds == 1000
    assert 1 <= int(refused["RateLimit-Reset"]) <= 1000
    assert 1 <= int(refused["Retry-After"]) <= 1000


async def test_tokens_come_back_with_time(limiter: RateLimiter, clock: ManualClock) -> None:
    quota = Quota(rate=10, burst=2)
    await limiter.take("client-a", quota, cost=2)
    refused = await limiter.take("client-a", quota)

    clock.advance(0.05)
    too_soon = await limiter.take("client-a", quota)
    clock.advance(0.3)
    later = await limiter.take("client-a", quota)

    assert not refused.allowed
    assert not too_soon.allowed, too_soon
    assert later.allowed, later


async def test_clients_have_buckets_of_their_own(limiter: RateLimiter) -> None:
    quota = Quota(rate=NO_REFILL, burst=1)

    first = await limiter.take("client-a", quota)
    again = await limiter.take("client-a", quota)
    other = await limiter.take("client-b", quota)

    assert (first.allowed, again.allowed, other.allowed) == (True, False, True)


async def test_a_costly_request_takes_several_tokens(limiter: RateLimiter) -> None:
    quota = Quota(rate=NO_REFILL, burst=5)

    three = await limiter.take("client-a", quota, cost=3)
    three_more = await limiter.take("client-a", quota, cost=3)
    two = await limiter.take("client-a", quota, cost=2)

    assert (three.allowed, three.remaining) == (True, 2)
    # One token short: it comes back in 1000 s at this rate.
    assert (three_more.allowed, three_more.remaining) == (False, 0)
    assert 1 <= three_more.retry_after <= 1000, three_more
    assert (two.allowed, two.remaining) == (True, 0)


async def test_a_cost_above_the_burst_is_refused_for_a_whole_window(
    limiter: RateLimiter,
) -> None:
    quota = Quota(rate=NO_REFILL, burst=5)

    too_costly = await limiter.take("client-a", quota, cost=6)
    after = await limiter.take("client-a", quota, cost=5)

    assert not too_costly.allowed
    assert too_costly.retry_after == quota.window_seconds == 5000
    assert after.allowed, "a refused request takes no tokens"


# Takes `takes` tokens at once from a bucket of `burst` once told to go; prints how many passed.
WORKER = """
import asyncio, sys
from hub.ratelimit import Quota, RedisRateLimiter

async def main(url, prefix, burst, takes):
    limiter = RedisRateLimiter(url, prefix)
    quota = Quota(rate=0.001, burst=burst)
    await limiter.take("warm-up", quota)
    print("ready", flush=True)
    sys.stdin.readline()
    decisions = await asyncio.gather(*(limiter.take("shared", quota) for _ in range(takes)))
    print(sum(decision.allowed for decision in decisions), flush=True)
    await limiter.close()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
"""


@pytest.mark.parametrize("cache_settings", ["redis"], indirect=True)
async def test_two_processes_never_share_out_more_than_the_burst(
    cache_settings: Settings,
) -> None:
    # Only on Redis: in-process buckets are per process by design.
    assert cache_settings.redis_url is not None
    burst, takes = 7, 40
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WORKER,
            cache_settings.redis_url,
            cache_settings.cache_prefix,
            str(burst),
            str(takes),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert await asyncio.wait_for(worker.stdout.readline(), 30) == b"ready\n"

    # Both are connected and waiting: told to go together, their takes interleave.
    outputs = await asyncio.wait_for(
        asyncio.gather(*(worker.communicate(b"go\n") for worker in workers)), 30
    )

    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr.decode()
    allowed = [int(stdout) for stdout, _ in outputs]
    assert sum(allowed) == burst, f"allowed per process: {allowed}"


async def test_the_memory_limiter_forgets_the_least_recently_used_clients() -> None:
    limiter = MemoryRateLimiter(max_keys=2)
    quota = Quota(rate=NO_REFILL, burst=1)
    await limiter.take("client-a", quota)
    await limiter.take("client-b", quota)

    await limiter.take("client-c", quota)

    # client-a was dropped, so it starts over with a full bucket; client-c, used since, was kept.
    assert (await limiter.take("client-a", quota)).allowed
    assert not (await limiter.take("client-c", quota)).allowed


def test_a_quota_window_is_the_time_to_fill_an_empty_bucket() -> None:
    assert Quota(rate=0.1, burst=3).window_seconds == 30
    assert Quota(rate=2, burst=5).window_seconds == 3
    with pytest.raises(ValueError, match="rate > 0"):
        Quota(rate=0, burst=5)


@pytest.mark.parametrize("cache_settings", ["redis"], indirect=True)
async def test_while_redis_is_unreachable_each_worker_limits_on_its_own(
    cache_settings: Settings,
) -> None:
    assert cache_settings.redis_url is not None
    quota = Quota(rate=NO_REFILL, burst=2)
    async with proxy_to("127.0.0.1", 6379) as proxy:
        limiter = create_rate_limiter(
            replace(cache_settings, redis_url=proxy.rewrite(cache_settings.redis_url))
        )
        shared_before = await limiter.take("client-a", quota)
        proxy.cut()
        in_outage = [await limiter.take("client-b", quota) for _ in range(3)]
        proxy.restore()
        shared_after = await limiter.take("client-a", quota)
        await limiter.close()

    assert [decision.allowed for decision in in_outage] == [True, True, False], (
        "the limit holds in-process rather than every request being refused or let through"
    )
    assert in_outage[-1].retry_after > 0
    assert (shared_before.remaining, shared_after.remaining) == (1, 0), "back on the shared bucket"
