"""Pull failures and the circuit breaker's state, per feed, in the metrics."""

from __future__ import annotations

import httpx
import pytest

from hub.exchange.protocol import AgencyClient, CircuitBreaker, CircuitOpen, RetryableError
from hub.metrics import REGISTRY


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_failed_pulls_are_counted_and_an_open_circuit_shows() -> None:
    failing = httpx.MockTransport(lambda _request: httpx.Response(503))
    client = AgencyClient(
        agency="rail",
        base_url="http://rail.test",
        attempts=1,
        breaker=CircuitBreaker(threshold=2, cooldown=3600),
        transport=failing,
    )
    before = sample("hub_exchange_pull_failures_total", agency="rail", document="container-events")

    with pytest.raises(RetryableError):
        await client.pull("container-events", None)
    closed = sample("hub_exchange_circuit_open", agency="rail")
    with pytest.raises(RetryableError):
        await client.pull("container-events", None)
    with pytest.raises(CircuitOpen):
        await client.pull("container-events", None)

    after = sample("hub_exchange_pull_failures_total", agency="rail", document="container-events")
    assert after - before == 3
    assert closed == 0, "one failure does not open the circuit"
    assert sample("hub_exchange_circuit_open", agency="rail") == 1
