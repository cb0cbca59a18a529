"""``/metrics``: the series move as the hub works, only for ``metrics:read``, across workers."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from hub import metrics
from hub.api.documents import TrustedDocuments
from hub.app import create_app
from hub.config import Settings
from hub.exchange.pipeline import Exchange
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import InvalidDocument
from tests.conftest import bearer, fetch_token, register_client, running
from tests.exchange.adapter import ADAPTER, document

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
VIN = "LZYTA0012N0000001"


def parsed(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def token_for(http: httpx.AsyncClient, scopes: str) -> dict[str, str]:
    client_id, secret = await register_client(http, scopes)
    return {"Authorization": f"Bearer {await fetch_token(http, client_id, secret)}"}


async def scrape(http: httpx.AsyncClient, headers: dict[str, str]) -> Samples:
    answer = await http.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return parsed(answer.text)


def registered_document() -> str:
    for digest, (name, _text) in TrustedDocuments.load().by_hash.items():
        if name == "portal/VehicleList":
            return digest
    raise AssertionError("portal/VehicleList.graphql is not registered")


async def test_requests_and_tokens_show_in_the_series(settings: Settings) -> None:
    # Without the response cache, which would answer the repeats without a statement.
    async with running(replace(settings, response_cache_seconds=0)) as http:
        scraper = await token_for(http, "metrics:read")
        partner = await token_for(http, "registry:read")
        before = await scrape(http, scraper)
        for _ in range(3):
            await http.post("/graphql", json={"query": "query Mine { vehicles { totalCount } }"})
        await http.post("/graphql", json={"query": "{ __typename }"})
        await http.post(
            "/graphql", json={"documentId": f"sha256:{registered_document()}"}, headers=partner
        )
        await http.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=("x", "y"))
        after = await scrape(http, scraper)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    graphql = {"route": "/graphql", "status": "200"}
    assert moved("hub_requests_total", **graphql, operation="unknown", tier="open") == 3
    assert moved("hub_requests_total", **graphql, operation="anonymous", tier="open") == 1
    registered = {**graphql, "operation": "portal/VehicleList", "tier": "partner"}
    assert moved("hub_requests_total", **registered) == 1
    timed = {"route": "/graphql", "operation": "unknown"}
    assert moved("hub_request_duration_seconds_count", **timed) == 3
    assert moved("hub_request_sql_statements_count", **timed) == 3
    assert moved("hub_request_sql_statements_sum", **timed) >= 3, "each read the database"
    assert moved("hub_oauth_tokens_total", outcome="refused", error="invalid_client") == 1
    assert value(after, "hub_oauth_tokens_total", outcome="issued", error="") >= 2
    assert value(after, "hub_exchange_queue_length") == 0
    assert value(after, "hub_exchange_queue_oldest_age_seconds") == 0
    assert ("hub_graphql_subscription_connections", frozenset()) in after


async def test_metrics_are_refused_anonymously_and_without_the_scope(settings: Settings) -> None:
    async with running(settings) as http:
        reader = await token_for(http, "registry:read")
        anonymous = await http.get("/metrics")
        unscoped = await http.get("/metrics", headers=reader)
        forged = await http.get("/metrics", headers={"Authorization": "Bearer forged"})

    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="hub"'
    assert anonymous.json()["message"] == "/metrics needs an access token with scope metrics:read"
    assert unscoped.status_code == 403
    assert unscoped.headers["WWW-Authenticate"] == (
        'Bearer realm="hub", error="insufficient_scope", scope="metrics:read"'
    )
    assert unscoped.json()["message"] == "/metrics needs scope metrics:read"
    assert forged.status_code == 401
    assert 'error="invalid_token"' in forged.headers["WWW-Authenticate"]


async def test_exchange_documents_and_dead_letters_are_counted(settings: Settings) -> None:
    async with running(settings, AdapterRegistry([ADAPTER])) as http:
        scraper = await token_for(http, "metrics:read")
        exchange: Exchange = http.app.state.exchange
        before = await scrape(http, scraper)
        good = document("m-1", [("R1", "苏A00001", "2", VIN, "A")])
        await exchange.receive_and_process("test_police", good, "file")
        await exchange.receive_and_process("test_police", good, "file")
        bad_colour = document("m-2", [("R2", "苏A00002", "9", VIN, "A")])
        await exchange.receive_and_process("test_police", bad_colour, "file")
        with pytest.raises(InvalidDocument):
            await exchange.receive_and_process("test_police", b"<not xml", "file")
        after = await scrape(http, scraper)

    def moved(outcome: str) -> float:
        labels = {"agency": "test_police", "outcome": outcome}
        return value(after, "hub_exchange_documents_total", **labels) - value(
            before, "hub_exchange_documents_total", **labels
        )

    assert (moved("processed"), moved("duplicate"), moved("dead_lettered")) == (1, 1, 1)
    assert moved("refused") == 1
    assert value(after, "hub_exchange_dead_letters", agency="test_police") == 1


WRITER = """
from hub import metrics
metrics.EXCHANGE_DOCUMENTS.labels("rail", "processed").inc({count})
metrics.SUBSCRIPTIONS.inc()
"""


def test_values_of_several_worker_processes_add_up(tmp_path: Path) -> None:
    environ = {"PATH": os.environ["PATH"], metrics.MULTIPROC_ENV: str(tmp_path)}
    for count in (2, 3):
        subprocess.run(
            [sys.executable, "-c", WRITER.format(count=count)],
            env=environ,
            cwd=Path(__file__).resolve().parents[1],
            check=True,
            timeout=60,
        )

    scraped = parsed(metrics.exposition(directory=str(tmp_path)).decode())

    labels: dict[str, Any] = {"agency": "rail", "outcome": "processed"}
    assert value(scraped, "hub_exchange_documents_total", **labels) == 5
    assert value(scraped, "hub_graphql_subscription_connections") == 2, "live gauges add up"


def test_open_subscription_connections_are_counted(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        headers = bearer(client, "metrics:read")

        def connections() -> float:
            answer = client.get("/metrics", headers=headers)
            return value(parsed(answer.text), "hub_graphql_subscription_connections")

        idle = connections()
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": {}})
            assert ws.receive_json()["type"] == "connection_ack"
            connected = connections()
        closed = connections()

    assert (connected - idle, closed - idle) == (1, 0)


def test_each_serve_with_workers_gets_a_fresh_directory_removed_afterwards() -> None:
    before = os.environ.get(metrics.MULTIPROC_ENV)

    with metrics.shared_by_workers(1) as single:
        assert os.environ.get(metrics.MULTIPROC_ENV) == before
    with metrics.shared_by_workers(4) as shared:
        assert shared is not None
        assert os.environ[metrics.MULTIPROC_ENV] == shared
        assert os.listdir(shared) == [], "fresh"

    assert single is None, "one process keeps its values in memory"
    assert not os.path.exists(shared)
    assert os.environ.get(metrics.MULTIPROC_ENV) == before
