"""A hub whose PostgreSQL and Redis connections go through proxies a test can cut."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from hub.config import Settings, decode_kek
from tests.conftest import REDIS_URL, TEST_KEK, _truncate, unavailable
from tests.outages.proxy import Proxy, proxy_to


@dataclass(frozen=True)
class Outages:
    """Settings pointing at the proxies, and the proxies to cut."""

    settings: Settings
    postgresql: Proxy
    redis: Proxy


@pytest.fixture
async def outages(postgres_template: str, tmp_path: Path) -> AsyncIterator[Outages]:
    """Settings of an empty migrated PostgreSQL database and a Redis key prefix, both
    reached through proxies."""
    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await redis.ping()
    except Exception as exc:  # a refused or timed-out connection both mean: no server
        await redis.aclose()
        unavailable(f"Redis not reachable at {REDIS_URL} ({exc})")
    database = make_url(postgres_template)
    redis_url = make_url(REDIS_URL)
    prefix = f"hub-test:{uuid.uuid4().hex[:10]}:"
    try:
        async with (
            proxy_to(database.host or "127.0.0.1", database.port or 5432) as postgresql,
            proxy_to(redis_url.host or "127.0.0.1", redis_url.port or 6379) as redis_proxy,
        ):
            settings = Settings(
                database_url=postgresql.rewrite(postgres_template),
                redis_url=redis_proxy.rewrite(REDIS_URL),
                cache_prefix=prefix,
                data_dir=tmp_path,
                key_encryption_key=decode_kek(TEST_KEK, "TEST_KEK"),
            )
            yield Outages(settings, postgresql, redis_proxy)
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
        await _truncate(postgres_template)
