"""Outages seen over HTTP: named by the readiness probe, answered 503 with Retry-After and the
dependency, and over within seconds of the server coming back."""

from __future__ import annotations

from typing import Any

import httpx

from hub.exchange.registry import AdapterRegistry
from tests.conftest import fetch_token, register_client, running
from tests.exchange.adapter import ADAPTER
from tests.outages.conftest import Outages
from tests.outages.waiting import eventually

OPERATORS = "{ operators(first: 2) { totalCount edges { node { name } } } }"
REGISTRY_READ = "{ practitioners(first: 1) { edges { node { name } } } }"
EXPORT = "/exchange/test_police/registration"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def graphql(http: httpx.AsyncClient, query: str, **headers: str) -> Any:
    return http.post(
        "/graphql", json={"query": query}, headers={"Accept": GRAPHQL_RESPONSE, **headers}
    )


async def client_token(http: httpx.AsyncClient) -> tuple[str, str, str]:
    """(client_id, secret, access token) of a client that may read the registry and export."""
    client_id, secret = await register_client(http, "registry:read", tier="internal")
    assert secret is not None
    return client_id, secret, await fetch_token(http, client_id, secret)


def assert_unavailable(answer: httpx.Response, dependency: str) -> dict[str, Any]:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    body: dict[str, Any] = answer.json()
    assert body.get("dependency", dependency) == dependency, body
    return body


async def test_ready_names_postgresql_while_it_is_down_and_recovers(outages: Outages) -> None:
    async with running(outages.settings) as http:
        before = await http.get("/health/ready")
        assert before.status_code == 200, before.text
        assert before.json()["dependencies"]["postgresql"]["status"] == "up"
        assert before.json()["dependencies"]["redis"] == {"status": "up"}

        outages.postgresql.cut()
        down = await http.get("/health/ready")
        alias = await http.get("/health")
        live = await http.get("/health/live")
        outages.postgresql.restore()
        after, seconds = await eventually(
            lambda: http.get("/health/ready"),
            lambda answer: answer.status_code == 200,
            what="ready after PostgreSQL came back",
        )

    assert down.status_code == 503, down.text
    assert down.json()["status"] == "unavailable"
    assert down.json()["down"] == ["postgresql"]
    assert down.json()["dependencies"]["postgresql"]["status"] == "down"
    assert down.json()["dependencies"]["redis"] == {"status": "up"}
    assert alias.status_code == 503
    assert alias.json()["down"] == ["postgresql"]
    assert live.status_code == 200
    assert live.json() == {"status": "live"}
    assert after.json()["down"] == []
    print(f"ready again {seconds:.2f} s after PostgreSQL came back")


async def test_ready_names_redis_while_it_is_down_and_recovers(outages: Outages) -> None:
    async with running(outages.settings) as http:
        outages.redis.cut()
        down = await http.get("/health/ready")
        outages.redis.restore()
        after, seconds = await eventually(
            lambda: http.get("/health/ready"),
            lambda answer: answer.status_code == 200,
            what="ready after Redis came back",
        )

    assert down.status_code == 503, down.text
    assert down.json()["down"] == ["redis"]
    assert down.json()["dependencies"]["redis"] == {"status": "down", "error": "ConnectionError"}
    assert down.json()["dependencies"]["postgresql"]["status"] == "up"
    assert after.json()["status"] == "ready"
    print(f"ready again {seconds:.2f} s after Redis came back")


async def test_with_postgresql_down_every_route_answers_503_and_recovers(
    outages: Outages,
) -> None:
    async with running(outages.settings, AdapterRegistry([ADAPTER])) as http:
        client_id, secret, token = await client_token(http)
        bearer = {"Authorization": f"Bearer {token}"}

        outages.postgresql.cut()
        anonymous = await graphql(http, OPERATORS)
        as_client = await graphql(http, REGISTRY_READ, **bearer)
        plain_json = await http.post("/graphql", json={"query": OPERATORS})
        export = await http.get(EXPORT, headers=bearer)
        issued = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
        live = await http.get("/health/live")
        outages.postgresql.restore()

        async def every_route() -> list[int]:
            answers = [
                await graphql(http, OPERATORS),
                await http.get(EXPORT, headers=bearer),
                await http.post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials"},
                    auth=(client_id, secret),
                ),
            ]
            return [answer.status_code for answer in answers]

        _statuses, seconds = await eventually(
            every_route,
            lambda codes: codes == [200, 200, 200],
            what="GraphQL, /exchange and /oauth/token answering after PostgreSQL came back",
        )

    for answer in (anonymous, as_client):
        body = assert_unavailable(answer, "postgresql")
        assert answer.headers["content-type"] == GRAPHQL_RESPONSE
        [error] = body["errors"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "dependency": "postgresql"}
        assert "PostgreSQL" in error["message"]
        assert "127.0.0.1" not in error["message"], "no server address is shown to clients"
    assert_unavailable(plain_json, "postgresql")
    assert plain_json.headers["content-type"] == "application/json"
    body = assert_unavailable(export, "postgresql")
    assert body["error"] == "service_unavailable"
    assert "PostgreSQL" in body["message"]
    body = assert_unavailable(issued, "postgresql")
    assert body["error"] == "temporarily_unavailable"
    assert "PostgreSQL" in body["error_description"]
    assert live.status_code == 200
    print(f"every route answering {seconds:.2f} s after PostgreSQL came back")


async def test_with_redis_down_open_data_is_served_and_tokens_fail_closed(
    outages: Outages,
) -> None:
    async with running(outages.settings, AdapterRegistry([ADAPTER])) as http:
        client_id, secret, token = await client_token(http)
        bearer = {"Authorization": f"Bearer {token}"}

        outages.redis.cut()
        anonymous = await graphql(http, OPERATORS)
        as_client = await graphql(http, REGISTRY_READ, **bearer)
        export = await http.get(EXPORT, headers=bearer)
        revoked = await http.post("/oauth/revoke", data={"token": token}, auth=(client_id, secret))
        introspected = await http.post(
            "/oauth/introspect", data={"token": token}, auth=(client_id, secret)
        )
        issued = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
        outages.redis.restore()
        after, seconds = await eventually(
            lambda: graphql(http, REGISTRY_READ, **bearer),
            lambda answer: answer.status_code == 200,
            what="an authenticated query answering after Redis came back",
        )

    assert anonymous.status_code == 200, anonymous.text
    assert anonymous.json()["data"]["operators"] == {"totalCount": 0, "edges": []}
    assert "RateLimit-Remaining" in anonymous.headers, "limited per worker meanwhile"
    [error] = assert_unavailable(as_client, "redis")["errors"]
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "dependency": "redis"}
    assert "Redis" in error["message"]
    assert assert_unavailable(export, "redis")["error"] == "service_unavailable"
    assert assert_unavailable(revoked, "redis")["error"] == "temporarily_unavailable"
    assert assert_unavailable(introspected, "redis")["error"] == "temporarily_unavailable"
    assert issued.status_code == 200, "issuing a token needs no Redis"
    assert "errors" not in after.json(), after.text
    print(f"authenticated queries answering {seconds:.2f} s after Redis came back")
