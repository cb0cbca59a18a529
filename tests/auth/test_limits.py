"""Per-client limits: rate, cost, page size, trusted documents; revocation across instances."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from hub.api.documents import TrustedDocuments, document_hash
from hub.app import create_app
from hub.config import Settings
from tests.clock import ManualClock
from tests.conftest import GraphQLClient, fetch_token, register_client, running

QUERY = {"query": "{ vehicles(first: 1) { totalCount } }"}


@pytest.fixture
def shared(settings: Settings, cache_settings: Settings) -> Settings:
    """A database backend together with a cache backend (in-process or Redis)."""
    return replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


async def test_a_client_over_its_rate_gets_429_with_headers(shared: Settings) -> None:
    # The clock stands still: however slow the machine, no token comes back mid-test.
    async with running(shared, clock=ManualClock()) as http:
        client_id, secret = await register_client(http, "opendata", tier="open")
        token = await fetch_token(http, client_id, secret)
        headers = {"Authorization": f"Bearer {token}"}
        answers = [await http.post("/graphql", json=QUERY, headers=headers) for _ in range(21)]

    first, last = answers[0], answers[-1]
    assert [a.status_code for a in answers[:20]] == [200] * 20
    assert first.headers["RateLimit-Limit"] == "20"
    assert first.headers["RateLimit-Remaining"] == "19"
    assert last.status_code == 429
    assert int(last.headers["Retry-After"]) >= 1
    assert last.headers["RateLimit-Remaining"] == "0"
    assert last.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "tier open" in last.json()["errors"][0]["message"]


@pytest.mark.parametrize("cache_settings", ["redis"], indirect=True)
async def test_a_revoked_token_stops_working_in_every_instance(shared: Settings) -> None:
    async with running(shared) as first, running(shared) as second:
        client_id, secret = await register_client(first, "registry:read")
        token = await fetch_token(first, client_id, secret)
        headers = {"Authorization": f"Bearer {token}"}
        before = await second.post("/graphql", json=QUERY, headers=headers)
        revoked = await first.post(
            "/oauth/revoke", data={"token": token}, auth=(client_id, secret or "")
        )
        after = await second.post("/graphql", json=QUERY, headers=headers)

    assert before.status_code == 200
    assert revoked.status_code == 200
    assert after.status_code == 401
    assert "revoked" in after.headers["WWW-Authenticate"]


async def test_an_expensive_query_is_refused_before_it_runs(anonymous: GraphQLClient) -> None:
    answer = await anonymous(
        "{ operators(first: 50) { edges { node { name vehicles(first: 50) "
        "{ edges { node { plate vin } } } } } } }"
    )

    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "exceeds 2000, the limit of tier open" in answer["errors"][0]["message"]


async def test_the_page_cap_follows_the_tier(
    anonymous: GraphQLClient, graphql: GraphQLClient
) -> None:
    small = await anonymous("{ vehicles(first: 60) { totalCount } }")
    large = await graphql("{ vehicles(first: 60) { totalCount } }")

    assert small["errors"][0]["message"] == "first: must be between 0 and 50, got 60"
    assert "errors" not in large


def trusted_document() -> tuple[str, str]:
    documents = TrustedDocuments.load()
    for digest, (name, _text) in documents.by_hash.items():
        if name == "portal/VehicleList":
            return digest, name
    raise AssertionError("portal/VehicleList.graphql is not registered")


async def test_registered_operations_run_by_hash(graphql: GraphQLClient) -> None:
    digest, _name = trusted_document()
    http, headers = graphql.http, graphql.headers

    by_id = await http.post(
        "/graphql",
        json={"documentId": f"sha256:{digest}", "variables": {"first": 2}},
        headers=headers,
    )
    by_apollo = await http.post(
        "/graphql",
        json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}},
        headers=headers,
    )
    unknown = await http.post(
        "/graphql", json={"documentId": "sha256:" + "0" * 64}, headers=headers
    )

    assert by_id.status_code == 200, by_id.text
    assert "vehicles" in by_id.json()["data"]
    assert by_apollo.status_code == 200
    assert unknown.status_code == 400
    assert "no registered operation has hash" in unknown.text


async def test_a_trusted_documents_client_cannot_send_its_own_query(
    anonymous: GraphQLClient,
) -> None:
    portal = await anonymous.as_client("registry:read", trusted_documents_only=True)
    digest, _name = trusted_document()

    own = await portal.post("{ vehicles { totalCount } }")
    registered = await portal.http.post(
        "/graphql", json={"documentId": f"sha256:{digest}"}, headers=portal.headers
    )

    assert own.status_code == 403
    assert "registered operations only" in own.text
    assert registered.status_code == 200


def test_document_hashes_are_sha256_of_the_file_text() -> None:
    digest, name = trusted_document()
    text = TrustedDocuments.load().by_hash[digest][1]

    assert document_hash(text) == digest
    assert name == "portal/VehicleList"


def connect_with_bad_token(client: TestClient) -> None:
    with client.websocket_connect(
        "/graphql",
        subprotocols=["graphql-transport-ws"],
        headers={"Authorization": "Bearer not-a-token"},
    ):
        pass  # pragma: no cover - the server closes before accepting


def test_a_websocket_with_a_bad_token_is_closed_as_unauthorized(settings: Settings) -> None:
    # The upgrade is answered 401, as plain HTTP is (issue 17), not opened and closed.
    with (
        TestClient(create_app(settings)) as client,
        pytest.raises(WebSocketDenialResponse) as denied,
    ):
        connect_with_bad_token(client)

    assert denied.value.status_code == 401
    assert denied.value.headers["WWW-Authenticate"].startswith("Bearer")


def ws_query(client: TestClient, payload: dict[str, str], query: str) -> dict[str, Any]:
    """One query over graphql-transport-ws with ``payload`` in connection_init."""
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": payload})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        message: dict[str, Any] = ws.receive_json()
        return message


def test_a_websocket_token_in_connection_init_is_honoured(settings: Settings) -> None:
    query = "{ practitioners { totalCount } }"
    with TestClient(create_app(settings)) as client:
        client_id, secret = client.portal.call(register_client, client, "registry:read")
        token = client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        ).json()["access_token"]

        anonymous = ws_query(client, {}, query)
        partner = ws_query(client, {"Authorization": f"Bearer {token}"}, query)
        with pytest.raises(WebSocketDisconnect) as refused:
            ws_query(client, {"Authorization": "Bearer forged"}, query)

    assert anonymous["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert partner["type"] == "next"
    assert partner["payload"]["data"] == {"practitioners": {"totalCount": 0}}
    assert refused.value.code == 4403
