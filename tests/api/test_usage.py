"""``myUsage``: the caller's requests and cost today, and its tier's limits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hub.config import Settings
from tests.conftest import GraphQLClient, running

MY_USAGE = (
    "{ myUsage { requests costSpent limits { tier maxDepth maxCost maxPageSize "
    "requestsPerSecond burst requestsPerDay } } }"
)


@pytest.fixture
def shared(settings: Settings, cache_settings: Settings) -> Settings:
    """A database backend together with a cache backend (in-process or Redis)."""
    return replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


async def test_my_usage_counts_the_callers_requests_and_cost(shared: Settings) -> None:
    async with running(shared) as http:
        anonymous = GraphQLClient(http)
        first = await anonymous(MY_USAGE)
        await anonymous("{ vehicles(first: 10) { edges { node { plate } } } }")
        after = await anonymous(MY_USAGE)
        partner = await anonymous.as_client("opendata", tier="partner", purpose=None)
        theirs = await partner(MY_USAGE)

    assert first["data"]["myUsage"]["requests"] == 1
    assert first["data"]["myUsage"]["costSpent"] == 0
    assert after["data"]["myUsage"]["requests"] == 3
    # The vehicle page cost 10 + 1 (see hub.api.complexity), the first myUsage its own cost.
    assert after["data"]["myUsage"]["costSpent"] > first["data"]["myUsage"]["costSpent"] + 10
    assert after["data"]["myUsage"]["limits"] == {
        "tier": "open", "maxDepth": 8, "maxCost": 2000, "maxPageSize": 50,
        "requestsPerSecond": 5.0, "burst": 20, "requestsPerDay": 432_020,
    }  # fmt: skip
    assert theirs["data"]["myUsage"]["requests"] == 1
    assert theirs["data"]["myUsage"]["limits"]["tier"] == "partner"
