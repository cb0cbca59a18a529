"""Every installed adapter, as a new user would try it: its simulator's documents land the same
records whether pulled, pushed or ingested from files."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from hub.agency_records.inbox import ExchangeMessage
from hub.config import Settings
from hub.exchange.inbound import ingest, pull
from hub.exchange.pipeline import Exchange
from hub.exchange.registry import AdapterRegistry
from tests.conftest import fetch_token, register_client, running

AGENCIES = sorted(AdapterRegistry.discover())


def test_all_eight_agencies_are_installed() -> None:
    assert AGENCIES == [
        "commerce", "hotline", "insurance", "maritime", "positioning", "public_security", "rail",
        "safety",
    ]  # fmt: skip


@pytest.mark.parametrize("agency", AGENCIES)
async def test_pull_push_and_files_land_the_same_records(
    settings: Settings, tmp_path: Path, agency: str
) -> None:
    simulator: Any = importlib.import_module(f"adapters.{agency}.simulator")
    feeds: dict[str, list[bytes]] = simulator.documents(count=3)
    async with running(settings) as http:
        exchange: Exchange = http.app.state.exchange
        adapter = exchange.registry[agency]
        client = adapter.client(
            "http://simulator", transport=httpx.ASGITransport(app=simulator.app(count=3))
        )
        pulled = await pull(exchange, agency, client, list(adapter.documents))
        files = []
        for name, items in feeds.items():
            for number, data in enumerate(items):
                files.append(tmp_path / f"{name}-{number}.xml")
                files[-1].write_bytes(data)
        ingested = await ingest(exchange, agency, files)
        client_id, secret = await register_client(http, f"exchange:{agency}:write", agency=agency)
        token = await fetch_token(http, client_id, secret)
        pushed = [
            await http.post(
                f"/exchange/{agency}/{name}",
                content=data,
                headers={"Authorization": f"Bearer {token}"},
            )
            for name, items in feeds.items()
            for data in items
        ]
        async with exchange.sessions() as session:
            stored = await session.scalar(select(func.count()).select_from(ExchangeMessage))

    total = sum(len(items) for items in feeds.values())
    assert (pulled.accepted, pulled.processed, pulled.failed) == (total, total, [])
    # The same documents by file and by push are the messages already held: nothing new.
    assert (ingested.accepted, ingested.duplicates) == (0, total)
    assert [answer.status_code for answer in pushed] == [200] * total
    assert all(answer.json()["duplicate"] for answer in pushed)
    assert stored == total
