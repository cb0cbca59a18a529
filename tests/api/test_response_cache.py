"""The open-data response cache: identical anonymous requests answered from the cache, and
never an answer read before a write served after it — whichever writer wrote.

Each test runs on SQLite and PostgreSQL, with the in-process cache and with Redis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from hub.cache import GENERATION_KEY
from hub.config import Settings
from hub.dataversion import writer
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.exchange.pipeline import Exchange
from hub.exchange.registry import AdapterRegistry
from hub.operators.models import Operator
from tests.conftest import GraphQLClient, fetch_token, register_client, running
from tests.exchange.adapter import ADAPTER, document
from tests.multimodal.test_mutations import BOOK, WAYBILL
from tests.support import operator, vehicle

PAGE = "{ vehicles(first: 5) { edges { node { plate operator { name uscc } } } } }"


@pytest.fixture
def hub_settings(settings: Settings, cache_settings: Settings) -> Settings:
    """Each database with each cache."""
    return replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


@pytest.fixture
async def http(hub_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(hub_settings, AdapterRegistry([ADAPTER])) as client:
        yield client


async def _arranged(http: httpx.AsyncClient) -> None:
    # Arranged before any request, through sessions of the test's own (not the hub's).
    from hub.db import session_factory

    async with session_factory(http.app.state.engine)() as session, session.begin():  # type: ignore[attr-defined]
        session.add(operator(1))
        await session.flush()
        session.add(vehicle(1, 1))


def _read_from_database(http: httpx.AsyncClient) -> int:
    """How many answers the planner has read from the database so far."""
    answered: int = http.app.state.planner.answered  # type: ignore[attr-defined]
    return answered


async def test_an_identical_anonymous_request_is_answered_from_the_cache_until_a_row_is_edited(
    http: httpx.AsyncClient,
) -> None:
    await _arranged(http)
    anonymous = GraphQLClient(http)

    first = await anonymous(PAGE)
    second = await anonymous(PAGE)
    read_after_two = _read_from_database(http)
    # An in-place edit: no row added or removed, only a name changed.
    async with http.app.state.sessions() as session, session.begin():  # type: ignore[attr-defined]
        await session.execute(update(Operator).where(Operator.id == 1).values(name="改名运输公司"))
    third = await anonymous(PAGE)

    assert second == first
    assert read_after_two == 1, "the second answer came from the cache"
    assert first["data"]["vehicles"]["edges"][0]["node"]["operator"]["name"] == "测试运输有限公司1"
    assert third["data"]["vehicles"]["edges"][0]["node"]["operator"]["name"] == "改名运输公司"
    assert _read_from_database(http) == 2


async def test_other_variables_and_other_policy_classes_are_other_entries(
    http: httpx.AsyncClient,
) -> None:
    await _arranged(http)
    anonymous = GraphQLClient(http)
    query = "query ($n: Int) { vehicles(first: $n) { edges { node { plate } } } }"

    await anonymous(query, {"n": 1})
    await anonymous(query, {"n": 2})
    registry = await anonymous.as_client("registry:read", tier="partner")
    as_registry = await registry(query, {"n": 1})

    assert _read_from_database(http) == 3
    assert as_registry["data"]["vehicles"]["edges"][0]["node"]["plate"] == "苏A00001"


async def test_writing_the_hubs_own_bookkeeping_keeps_the_cached_answers(
    http: httpx.AsyncClient,
) -> None:
    await _arranged(http)
    anonymous = GraphQLClient(http)
    await anonymous(PAGE)

    # A client registered and a token issued: oauth_clients and signing keys, not data.
    client_id, secret = await register_client(http, "opendata", tier="open")
    await fetch_token(http, client_id, secret)
    await anonymous(PAGE)

    assert _read_from_database(http) == 1


async def test_a_mutation_moves_the_data_version(http: httpx.AsyncClient) -> None:
    await _arranged(http)
    anonymous = GraphQLClient(http)
    await anonymous(PAGE)
    forwarder = await anonymous.as_client("consignment:write", tier="partner", purpose=None)

    booked = await forwarder(BOOK, {"w": WAYBILL})
    await anonymous(PAGE)

    assert "errors" not in booked, booked
    assert _read_from_database(http) == 2, "read again after the mutation"


async def test_an_ingested_exchange_document_moves_the_data_version(
    http: httpx.AsyncClient,
) -> None:
    await _arranged(http)
    anonymous = GraphQLClient(http)
    await anonymous(PAGE)
    exchange: Exchange = http.app.state.exchange  # type: ignore[attr-defined]

    receipt = await exchange.receive(
        "test_police", document("m-1", [("R1", "苏A00001", "2", "LZYTA0012N0000001", "A")]), "push"
    )
    status = await exchange.process(receipt.id)
    await anonymous(PAGE)

    assert status == "processed"
    assert _read_from_database(http) == 2, "read again after the ingest"


async def test_the_demo_load_of_a_command_invalidates_the_serving_hubs_answers(
    http: httpx.AsyncClient, hub_settings: Settings
) -> None:
    anonymous = GraphQLClient(http)
    empty = await anonymous(PAGE)
    cached = await anonymous(PAGE)

    # What `hub demo` does in its own process: its own engine, cache client and data version
    # (Redis, or the data dir's file), versioned sessions.
    async with writer(hub_settings) as sessions:
        await load(sessions, generate(DemoScale.times(0.001), today=dt.date.today()))
    loaded = await anonymous(PAGE)

    assert empty == cached == {"data": {"vehicles": {"edges": []}}}
    assert len(loaded["data"]["vehicles"]["edges"]) == 5


async def test_two_workers_without_redis_share_the_version_through_the_data_dir(
    settings: Settings,
) -> None:
    async with running(settings) as first, running(settings) as second:
        await _arranged(first)
        before = await GraphQLClient(second)(PAGE)
        await GraphQLClient(second)(PAGE)  # now cached in the second worker

        async with first.app.state.sessions() as session, session.begin():  # type: ignore[attr-defined]
            await session.execute(update(Operator).values(name="改名运输公司"))
        after = await GraphQLClient(second)(PAGE)

    assert before["data"]["vehicles"]["edges"][0]["node"]["operator"]["name"] == "测试运输有限公司1"
    assert after["data"]["vehicles"]["edges"][0]["node"]["operator"]["name"] == "改名运输公司"


async def test_a_lost_version_starts_again_where_no_cached_answer_was_stored(
    http: httpx.AsyncClient, hub_settings: Settings
) -> None:
    if hub_settings.redis_url is None:
        pytest.skip("the data dir's file is mapped by each process: it is not lost while one runs")
    await _arranged(http)
    anonymous = GraphQLClient(http)
    await anonymous(PAGE)
    cache: Any = http.app.state.cache

    await cache.delete(GENERATION_KEY)
    await anonymous(PAGE)

    assert _read_from_database(http) == 2
