"""GraphQL over GET for trusted documents: cacheable by a CDN when public, 304 when unchanged,
queries only (GraphQL over HTTP)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from hub.api.documents import document_hash
from hub.config import Settings
from hub.operators.models import Operator
from tests.conftest import GraphQLClient, running
from tests.support import operator, vehicle

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"
PAGE = (OPERATIONS / "opendata" / "VehiclePage.graphql").read_text(encoding="utf-8")
PAGE_ID = f"sha256:{document_hash(PAGE)}"
CLOSE = 'mutation { closeConsignment(reference: "JS-2026-100001") { reference } }'


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings) as client:
        from hub.db import session_factory

        async with session_factory(client.app.state.engine)() as session, session.begin():  # type: ignore[attr-defined]
            session.add(operator(1))
            await session.flush()
            session.add(vehicle(1, 1))
        yield client


async def test_an_anonymous_get_by_document_id_is_public_with_an_etag(
    http: httpx.AsyncClient,
) -> None:
    posted = await GraphQLClient(http)(PAGE, {"first": 1})

    got = await http.get(
        "/graphql", params={"documentId": PAGE_ID, "variables": json.dumps({"first": 1})}
    )

    assert got.status_code == 200, got.text
    assert got.json() == posted
    assert got.headers["Cache-Control"] == "public, max-age=60"
    assert got.headers["Vary"] == "Authorization, X-Purpose-Of-Use"
    assert len(got.headers["ETag"]) == 34, "a quoted 128-bit digest"


async def test_if_none_match_is_answered_304_until_the_data_changes(
    http: httpx.AsyncClient,
) -> None:
    params = {"documentId": PAGE_ID}
    first = await http.get("/graphql", params=params)
    etag = first.headers["ETag"]

    unchanged = await http.get("/graphql", params=params, headers={"If-None-Match": etag})
    async with http.app.state.sessions() as session, session.begin():  # type: ignore[attr-defined]
        await session.execute(update(Operator).values(name="改名运输公司"))
    changed = await http.get("/graphql", params=params, headers={"If-None-Match": etag})

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["ETag"] == etag
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "改名运输公司" in changed.text


async def test_an_authenticated_get_is_private_and_not_stored(http: httpx.AsyncClient) -> None:
    client = await GraphQLClient(http).as_client("registry:read", tier="partner", purpose=None)

    got = await http.get("/graphql", params={"documentId": PAGE_ID}, headers=client.headers)

    assert got.status_code == 200, got.text
    assert got.headers["Cache-Control"] == "private, no-store"


async def test_a_trusted_documents_client_cannot_get_its_own_query(
    http: httpx.AsyncClient,
) -> None:
    portal = await GraphQLClient(http).as_client(
        "registry:read", tier="internal", purpose=None, trusted_documents_only=True
    )

    own = await http.get(
        "/graphql", params={"query": "{ vehicles(first: 1) { edges { node { plate } } } }"},
        headers=portal.headers,
    )  # fmt: skip
    registered = await http.get("/graphql", params={"documentId": PAGE_ID}, headers=portal.headers)

    assert own.status_code == 403
    assert own.json()["errors"][0]["message"].startswith(
        "this client may run registered operations only"
    )
    assert registered.status_code == 200, registered.text


async def test_a_get_the_resolvers_answer_is_private(http: httpx.AsyncClient) -> None:
    got = await http.get("/graphql", params={"query": "{ myUsage { requests } }"})

    assert got.status_code == 200, got.text
    assert got.headers["Cache-Control"] == "private, no-store"


async def test_a_mutation_over_get_is_refused_with_405(http: httpx.AsyncClient) -> None:
    got = await http.get("/graphql", params={"query": CLOSE})

    assert got.status_code == 405
    assert got.headers["Allow"] == "POST"
    assert got.json()["errors"][0]["message"] == (
        "a mutation is sent by POST: GET runs queries only"
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"documentId": "sha256:" + "0" * 64},
            f"documentId: no registered operation has hash {'0' * 64}",
        ),
        ({"documentId": "md5:abc"}, "documentId: 'md5:abc' is not sha256:<64 hex digits>"),
        ({"documentId": PAGE_ID, "query": "{ __typename }"}, "documentId: the query sent "
         "does not match its hash"),
        ({"documentId": PAGE_ID, "variables": "[1]"}, "variables: must be a JSON object"),
        ({"documentId": PAGE_ID, "variables": "{"}, "the request is not JSON: Expecting "
         "property name enclosed in double quotes at line 1 column 2"),
    ],
)  # fmt: skip
async def test_a_bad_get_is_refused_naming_the_parameter(
    http: httpx.AsyncClient, params: dict[str, str], message: str
) -> None:
    got = await http.get("/graphql", params=params)

    assert got.status_code == 400
    assert got.json()["errors"][0]["message"] == message
