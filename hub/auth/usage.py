"""What each client asked of the hub today: requests and estimated cost, counted per day.

Counted in the cache (shared by every worker on Redis), under keys that expire two days after
their day began, so a day's count is there to be read all day and nothing is kept for long.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub.auth.principal import Principal
from hub.cache import Cache

KEEP_SECONDS = 2 * 86_400


@dataclass(frozen=True, slots=True)
class Usage:
    """One caller's use of the hub on one day."""

    day: dt.date
    requests: int
    cost: int


def caller_key(principal: Principal, address: str | None) -> str:
    """Whose usage: the client, or an anonymous caller by its address."""
    return principal.client_id or f"anonymous:{address or 'unknown'}"


def _keys(caller: str, day: dt.date) -> tuple[str, str]:
    return f"usage:{day.isoformat()}:{caller}:requests", f"usage:{day.isoformat()}:{caller}:cost"


async def record(cache: Cache, caller: str, day: dt.date, cost: int) -> None:
    """Count one request of ``caller`` and the cost it was estimated at."""
    requests, spent = _keys(caller, day)
    # Both at once: on Redis one round trip, on every request.
    await cache.incr_many({requests: 1, spent: cost}, ttl=KEEP_SECONDS)


async def of(cache: Cache, caller: str, day: dt.date) -> Usage:
    """``caller``'s usage on ``day`` (zero when it made no request)."""
    requests, spent = _keys(caller, day)
    counted = await cache.get(requests)
    cost = await cache.get(spent)
    return Usage(day, int(counted or 0), int(cost or 0))
