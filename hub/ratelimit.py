"""Per-client rate limits: a token bucket per key, in-process by default, on Redis when set.

A bucket holds up to ``burst`` tokens and gains ``rate`` tokens a second; each request takes
``cost`` tokens or is refused. On Redis the buckets are shared by every worker process and
every hub instance; in-process buckets are private to one worker, so with N workers a client
may get up to N times its quota. While Redis is unreachable the Redis limiter falls back to
in-process buckets rather than refuse every request (see :class:`FallbackRateLimiter`).
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from hub.config import Settings
from hub.errors import ServiceUnavailable
from hub.outages import redis_calls, redis_client

log = logging.getLogger("hub.ratelimit")

Clock = Callable[[], float]
"""Seconds on a clock that never goes back: ``time.monotonic`` unless a test injects one."""


def _ceil(value: float) -> int:
    # Rounded first so float noise does not add a whole second: 3 / 0.1 = 30.000000000000004.
    return math.ceil(round(value, 6))


def _floor(value: float) -> int:
    # Likewise, a refill that lands on 2.9999999999999996 tokens leaves 3, not 2.
    return math.floor(round(value, 6))


@dataclass(frozen=True, slots=True)
class Quota:
    """How fast a client may go: ``rate`` tokens a second, at most ``burst`` at once."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if not (self.rate > 0 and self.burst >= 1):
            raise ValueError(f"a quota needs rate > 0 and burst >= 1, not {self}")

    @property
    def window_seconds(self) -> int:
        """Seconds to refill an empty bucket: the window of ``RateLimit-Reset``."""
        return _ceil(self.burst / self.rate)


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one request, with what the client is told about its quota."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """Response headers after draft-ietf-httpapi-ratelimit-headers (delta-seconds)."""
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def _decide(quota: Quota, cost: int, allowed: bool, tokens: float) -> Decision:
    """The decision, given the ``tokens`` left in the bucket after taking ``cost`` or not.

    A ``cost`` above ``burst`` can never pass, however long the client waits; it is refused
    with ``retry_after`` set to a whole window rather than a time after which it would pass.
    """
    reset = max(0, _ceil((quota.burst - tokens) / quota.rate))
    if allowed:
        return Decision(True, quota.burst, _floor(tokens), reset, retry_after=0)
    if cost > quota.burst:
        retry_after = quota.window_seconds
    else:
        retry_after = max(1, _ceil((cost - tokens) / quota.rate))
    return Decision(False, quota.burst, remaining=0, reset_seconds=reset, retry_after=retry_after)


class RateLimiter(Protocol):
    """Token buckets by key (the OAuth client id)."""

    async def take(self, key: str, quota: Quota, cost: int = 1) -> Decision:
        """Take ``cost`` tokens from the bucket of ``key`` if it holds that many."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class MemoryRateLimiter:
    """Buckets in a bounded dictionary, private to this worker process.

    Beyond ``max_keys`` the least recently used buckets are dropped: they have been idle the
    longest, so they have most likely refilled already, and a dropped bucket restarts full.
    """

    def __init__(self, max_keys: int = 100_000, clock: Clock = time.monotonic) -> None:
        # key -> (tokens, clock() of the last take), least recently used first.
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max_keys = max_keys
        self._clock = clock

    async def take(self, key: str, quota: Quota, cost: int = 1) -> Decision:
        # No await from read to write: no other task can run in between, so no lock is needed.
        now = self._clock()
        tokens, updated = self._buckets.pop(key, (float(quota.burst), now))
        tokens = min(float(quota.burst), tokens + (now - updated) * quota.rate)
        allowed = cost <= tokens
        if allowed:
            tokens -= cost
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return _decide(quota, cost, allowed, tokens)

    async def close(self) -> None:
        self._buckets.clear()


# KEYS[1]: the bucket, a hash of tokens and ts (ms); ARGV: rate (tokens/s), burst, cost and,
# only when a clock is injected, now (ms). One script, so read, refill, take and write are
# atomic across every client of the server; the server's clock, so workers whose clocks
# disagree still refill buckets alike.
_TAKE = """
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local clock = redis.call('TIME')
  now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
end
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = burst
if bucket[1] then
  local elapsed = math.max(0, now - tonumber(bucket[2]))
  tokens = math.min(burst, tonumber(bucket[1]) + elapsed * rate / 1000)
end
local allowed = 0
if cost <= tokens then
  tokens = tokens - cost
  allowed = 1
end
-- A Lua number returned to Redis is cut to an integer: fractions travel as strings.
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
           'ts', string.format('%.17g', now))
local full_in = math.ceil((burst - tokens) / rate * 1000)
redis.call('PEXPIRE', KEYS[1], string.format('%d', full_in + 1000))
return {allowed, string.format('%.17g', tokens)}
"""


class RedisRateLimiter:
    """Buckets as Redis hashes under ``{prefix}ratelimit:``, shared by every worker.

    A bucket expires a second after it would be full again, when it no longer differs from
    a new one.
    """

    def __init__(self, url: str, prefix: str, clock: Clock | None = None) -> None:
        self._redis = redis_client(url)
        self._prefix = prefix
        self._clock = clock  # None: the Redis server's own clock
        # register_script runs by EVALSHA and loads the script again when the server lost it.
        self._take = self._redis.register_script(_TAKE)

    async def take(self, key: str, quota: Quota, cost: int = 1) -> Decision:
        """Take tokens atomically; raise ServiceUnavailable when Redis cannot be reached."""
        args: list[float] = [quota.rate, quota.burst, cost]
        if self._clock is not None:
            args.append(self._clock() * 1000)
        with redis_calls():
            allowed, tokens = await self._take(keys=[f"{self._prefix}ratelimit:{key}"], args=args)
        return _decide(quota, cost, allowed == 1, float(tokens))

    async def close(self) -> None:
        await self._redis.aclose()


class FallbackRateLimiter:
    """Shared buckets on Redis, and this worker's own buckets while Redis is unreachable.

    Refusing every request because the limiter's store is down would turn a Redis outage
    into an outage of the open data; the in-process buckets keep each worker within the
    quota meanwhile (a client may then get up to N times its quota with N workers).
    """

    def __init__(self, shared: RateLimiter, fallback: RateLimiter) -> None:
        self._shared = shared
        self._fallback = fallback
        self._falling_back = False

    async def take(self, key: str, quota: Quota, cost: int = 1) -> Decision:
        try:
            decision = await self._shared.take(key, quota, cost)
        except ServiceUnavailable:
            if not self._falling_back:
                log.warning("Redis unreachable: rate limits are per worker until it is back")
                self._falling_back = True
            return await self._fallback.take(key, quota, cost)
        if self._falling_back:
            log.warning("Redis reachable again: rate limits are shared again")
            self._falling_back = False
        return decision

    async def close(self) -> None:
        await self._shared.close()
        await self._fallback.close()


def create_rate_limiter(settings: Settings, clock: Clock | None = None) -> RateLimiter:
    """The configured limiter: Redis (with an in-process fallback) when ``redis_url`` is set,
    in-process otherwise. ``clock`` replaces the real one (tests); on Redis, the server's."""
    local = MemoryRateLimiter(clock=clock or time.monotonic)
    if settings.redis_url:
        shared = RedisRateLimiter(settings.redis_url, prefix=settings.cache_prefix, clock=clock)
        return FallbackRateLimiter(shared, local)
    return local
