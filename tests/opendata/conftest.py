"""Open-data fixtures: a hub with the demo data (small scale) published, on each database."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from hub.api.schema import build_schema
from hub.config import Settings
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load as load_demo
from hub.filters import today
from hub.opendata.datasets import load as load_datasets
from hub.opendata.snapshots import Published, publish
from tests.conftest import GraphQLClient, running

PUBLISHED_AT = dt.datetime(2026, 12, 1, 8, 0, 0, tzinfo=dt.UTC)


@dataclass
class OpenHub:
    """A served hub whose demo data was published, and how to publish again."""

    settings: Settings
    http: Any
    sessions: Any
    first: list[Published]

    @property
    def graphql(self) -> GraphQLClient:
        return GraphQLClient(self.http)

    async def publish(self, **kwargs: Any) -> list[Published]:
        return await publish(
            self.sessions,
            build_schema(self.settings),
            load_datasets(),
            self.settings.data_dir,
            today=today(),
            now=kwargs.pop("now", PUBLISHED_AT),
            **kwargs,
        )


@pytest.fixture
async def open_hub(settings: Settings, sessions: Any) -> AsyncIterator[OpenHub]:
    """The demo data at 2 % scale, published, and the hub serving it (rate limits off, so
    that a test may page through whole datasets anonymously)."""
    await load_demo(sessions, generate(DemoScale.times(0.02), today=today()))
    hub = OpenHub(replace(settings, rate_limits=False), None, sessions, [])
    hub.first = await hub.publish()
    async with running(hub.settings) as http:
        hub.http = http
        yield hub
