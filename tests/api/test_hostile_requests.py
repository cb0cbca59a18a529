"""Hostile requests: fragment bombs, malformed bodies, forged IDs, ambiguous operations.

Each is answered quickly with an error naming the problem, never a 500, a plain-text body or
minutes of CPU. Work is measured by counting Python calls, not by the clock.
"""

from __future__ import annotations

import base64
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import parse
from sqlalchemy import Integer

from hub.api.complexity import estimate, shape
from hub.api.lookups import NODE_TYPES
from hub.api.relay import MAX_PK
from hub.config import Settings
from tests.conftest import GraphQLClient, running


class CallBudgetExhausted(BaseException):
    """Not an Exception, so no handler on the way turns it into an answer."""


@contextmanager
def python_calls(limit: int | None = None) -> Iterator[list[int]]:
    """Counts the Python calls made inside the block; gives up past ``limit``."""
    calls = [0]

    def count(_frame: Any, event: str, _arg: Any) -> None:
        if event == "call":
            calls[0] += 1
            if limit is not None and calls[0] > limit:
                sys.setprofile(None)
                raise CallBudgetExhausted(f"more than {limit} Python calls")

    sys.setprofile(count)
    try:
        yield calls
    finally:
        sys.setprofile(None)


def fragments(levels: int, spreads: Callable[[int], list[str]]) -> str:
    """``{ ...L<levels> }`` over fragments on Query, L<n> spreading ``spreads(n)``."""
    definitions = ["fragment L0 on Query { __typename }"]
    for level in range(1, levels + 1):
        body = " ".join(f"...{name}" for name in spreads(level))
        definitions.append(f"fragment L{level} on Query {{ {body} }}")
    return f"{{ ...L{levels} }} " + " ".join(definitions)


def bomb(levels: int = 9) -> str:
    """Each level spreads the one below ten times: 10**levels fields once expanded (< 1 KB)."""
    return fragments(levels, lambda level: [f"L{level - 1}"] * 10)


def chain(levels: int = 9) -> str:
    """The same size as ``bomb``, but each level spreads the one below once: no blow-up."""
    return fragments(levels, lambda level: [f"L{level - 1}"] + ["L0"] * 9)


@pytest.fixture
async def http(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A hub on SQLite, for requests refused before any database work."""
    shutil.copy(sqlite_template, tmp_path / "hub.sqlite3")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        data_dir=tmp_path,
        exchange_worker=False,
    )
    async with running(settings) as client:
        yield client


def refusal(response: httpx.Response, status: int, code: str = "BAD_REQUEST") -> str:
    """The message of a request refused before GraphQL ran, checked for its shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert errors[0]["extensions"]["code"] == code
    message: str = errors[0]["message"]
    return message


# Fragment bombs and the analysis before execution


def test_the_analysis_of_a_fragment_bomb_is_linear() -> None:
    exploding, flat = parse(bomb()), parse(chain())

    with python_calls() as flat_calls:
        flat_shape = shape(flat)
        flat_cost = estimate(flat, None, {}, frozenset(), 20)
    with python_calls(limit=2 * flat_calls[0]) as bomb_calls:
        bomb_shape = shape(exploding)
        bomb_cost = estimate(exploding, None, {}, frozenset(), 20)

    assert bomb_cost == 10**9, "each fragment counted once per time it is spread"
    assert flat_cost == 82
    assert bomb_shape.depth == flat_shape.depth == 0
    assert bomb_calls[0] <= 2 * flat_calls[0]


async def test_a_fragment_bomb_is_refused_with_linear_work(http: httpx.AsyncClient) -> None:
    given = {"query": chain()}
    await http.post("/graphql", json=given)  # first request: imports and caches warm up
    with python_calls() as flat_calls:
        flat = await http.post("/graphql", json={"query": chain() + " "})

    with python_calls(limit=3 * flat_calls[0]):
        refused = await http.post("/graphql", json={"query": bomb()})

    assert flat.json() == {"data": {"__typename": "Query"}}
    answer = refused.json()
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert answer["errors"][0]["message"].startswith("estimated cost 1000000000 exceeds 2000")


async def test_depth_and_aliases_count_what_fragments_hold(http: httpx.AsyncClient) -> None:
    deep = (
        "{ vehicles { ...V } } fragment V on VehicleConnection { edges { node { ...O } } } "
        "fragment O on Vehicle { operator { vehicles { edges { node { operator { vehicles "
        "{ edges { node { plate } } } } } } } } }"
    )
    aliased = (
        "{ ...A ...B } fragment A on Query { ...F ...F ...F } fragment B on Query { ...F ...F } "
        "fragment F on Query { a: __typename b: __typename c: __typename d: __typename "
        "e: __typename f: __typename g: __typename }"
    )

    too_deep = (await http.post("/graphql", json={"query": deep})).json()
    too_many = (await http.post("/graphql", json={"query": aliased})).json()

    assert too_deep["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "exceeds maximum operation depth of 8" in too_deep["errors"][0]["message"]
    assert too_many["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert too_many["errors"][0]["message"].startswith("35 aliases found")


async def test_an_undefined_fragment_is_a_validation_error(http: httpx.AsyncClient) -> None:
    answer = (await http.post("/graphql", json={"query": "{ ...Nope }"})).json()

    assert answer["data"] is None
    assert answer["errors"][0]["message"] == "Unknown fragment 'Nope'."
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_request_error_is_a_400_for_a_graphql_response_json_client(
    http: httpx.AsyncClient,
) -> None:
    accept = {"Accept": "application/graphql-response+json"}

    invalid = await http.post("/graphql", json={"query": "{ ...Nope }"}, headers=accept)
    unparsable = await http.post("/graphql", json={"query": "{ vehicle("}, headers=accept)
    valid = await http.post("/graphql", json={"query": "{ __typename }"}, headers=accept)

    assert invalid.status_code == 400
    assert invalid.headers["content-type"].startswith("application/graphql-response+json")
    assert invalid.json()["errors"][0]["message"] == "Unknown fragment 'Nope'."
    assert unparsable.status_code == 400
    assert unparsable.json()["errors"][0]["message"].startswith("Syntax Error")
    assert valid.status_code == 200
    assert valid.json() == {"data": {"__typename": "Query"}}


async def test_a_fragment_cycle_is_a_validation_error(http: httpx.AsyncClient) -> None:
    query = "{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }"

    answer = (await http.post("/graphql", json={"query": query})).json()

    assert answer["errors"][0]["message"] == "Cannot spread fragment 'A' within itself via 'B'."
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_many_fields_of_one_name_stop_validation_early(http: httpx.AsyncClient) -> None:
    # graphql-core compares fields of one response name pair by pair: 400 of them once took
    # a second of CPU; its work budget is cut so such a document is refused within 20 000 steps.
    fields = " ".join(["vehicles(first: 1) { totalCount }"] * 400)

    with python_calls(limit=400_000):
        answer = (await http.post("/graphql", json={"query": f"{{ {fields} }}"})).json()

    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert answer["errors"][0]["message"].startswith("validation aborted: checking that fields")


async def test_a_document_over_the_byte_limit_is_refused_unparsed(
    http: httpx.AsyncClient,
) -> None:
    padded = "{ __typename }\n" + "# padding\n" * 4000  # comments are not tokens

    answer = (await http.post("/graphql", json={"query": padded})).json()

    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert answer["errors"][0]["message"] == (
        "the document is 40015 bytes, more than the limit of 32768 bytes"
    )


# Request bodies


async def test_a_body_over_the_limit_is_413_naming_the_limit(http: httpx.AsyncClient) -> None:
    body = {"query": "{ __typename }", "padding": "x" * 1_048_576}

    declared = await http.post("/graphql", json=body)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "padding": "'
        for _ in range(64):
            yield b"x" * 32_768
        yield b'"}'

    streamed = await http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )

    for response in (declared, streamed):
        message = refusal(response, 413, "PAYLOAD_TOO_LARGE")
        assert message == "the request body is larger than the limit of 1048576 bytes"


async def test_a_body_that_is_not_utf8_is_400(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "x": "\xff"}',
        headers={"content-type": "application/json"},
    )

    assert refusal(response, 400) == "the request body is not UTF-8 text: byte 34 is not UTF-8"


async def test_json_nested_too_deep_is_400_naming_the_limit(http: httpx.AsyncClient) -> None:
    deep_body = b'{"query": "{ __typename }", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    deep_variables = '{"a": ' * 5000 + "1" + "}" * 5000
    query = "query ($v: String) { __typename }"

    body = await http.post(
        "/graphql", content=deep_body, headers={"content-type": "application/json"}
    )
    posted = await http.post(
        "/graphql",
        content=f'{{"query": "{query}", "variables": {deep_variables}}}'.encode(),
        headers={"content-type": "application/json"},
    )
    in_url = '{"a": ' * 2000 + "1" + "}" * 2000  # as deep as a URL may carry
    got = await http.get("/graphql", params={"query": query, "variables": in_url})

    assert refusal(body, 400) == (
        "the request's JSON nests 100001 levels deep, more than the limit of 32"
    )
    for response in (posted, got):
        assert refusal(response, 400).endswith("more than the limit of 32")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": ', "the request is not JSON: Expecting value at line 1 column 11"),
        (b"null", 'the request body must be a JSON object: {"query": "..."}'),
        (b'"{ __typename }"', 'the request body must be a JSON object: {"query": "..."}'),
        (b'{"query": 5}', "The GraphQL operation's `query` must be a string or null"),
        (
            b'{"query": "{ __typename }", "variables": [1]}',
            "The GraphQL operation's `variables` must be an object or null",
        ),
        (
            b'{"query": "{ __typename }", "extensions": "x"}',
            "The GraphQL operation's `extensions` must be an object or null",
        ),
        (
            b'{"query": "{ __typename }", "operationName": ["A"]}',
            "operationName must be a string or null",
        ),
        (b'[{"query": "{ __typename }"}]', "Batching is not enabled"),
    ],
)
async def test_a_malformed_body_is_a_400_graphql_error(
    http: httpx.AsyncClient, body: bytes, message: str
) -> None:
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    assert refusal(response, 400).startswith(message)


async def test_a_body_of_another_content_type_is_a_400_graphql_error(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/graphql", content=b"{ __typename }")

    assert refusal(response, 400) == "Unsupported content type"


# Operation selection (GraphQL §6.1, GraphQL over HTTP)

TWO_OPERATIONS = "query A { __typename } query B { t: __typename }"


async def test_several_operations_need_an_operation_name(http: httpx.AsyncClient) -> None:
    posted = await http.post("/graphql", json={"query": TWO_OPERATIONS})
    got = await http.get("/graphql", params={"query": TWO_OPERATIONS})

    for response in (posted, got):
        assert refusal(response, 400) == (
            "the document holds 2 operations (A, B): operationName must name the one to run"
        )


async def test_an_unknown_operation_name_is_a_400_graphql_error(
    http: httpx.AsyncClient,
) -> None:
    given = {"query": TWO_OPERATIONS, "operationName": "C"}

    posted = await http.post("/graphql", json=given)
    got = await http.get("/graphql", params=given)

    for response in (posted, got):
        assert refusal(response, 400) == 'Unknown operation named "C".'


async def test_the_named_operation_runs(http: httpx.AsyncClient) -> None:
    given = {"query": TWO_OPERATIONS, "operationName": "B"}

    posted = await http.post("/graphql", json=given)
    got = await http.get("/graphql", params=given)

    for response in (posted, got):
        assert response.status_code == 200
        assert response.json() == {"data": {"t": "Query"}}


# Global IDs


def global_id(text: bytes) -> str:
    return base64.b64encode(text).decode()


@pytest.mark.parametrize(
    ("forged", "problem"),
    [
        (global_id(b"Vehicle:" + b"9" * 30), "its key is not a whole number from 1 to 2147483647"),
        (global_id(b"Vehicle:2147483648"), "its key is not a whole number from 1 to 2147483647"),
        (global_id(b"Vehicle:-1"), "its key is not a whole number from 1 to 2147483647"),
        (global_id(b"Vehicle:1x"), "its key is not a whole number from 1 to 2147483647"),
        (global_id(b"Vehicle"), "not base64 of type:key"),
        ("%%%not-base64%%%", "not base64 of type:key"),
        (global_id(b"Account:1"), "no type 'Account' has IDs"),
    ],
)
async def test_a_forged_global_id_is_bad_input(
    graphql: GraphQLClient, forged: str, problem: str
) -> None:
    one = await graphql("query ($id: ID!) { node(id: $id) { id } }", {"id": forged})
    many = await graphql("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [forged]})

    for answer, argument in ((one, "id"), (many, "ids[0]")):
        error = answer["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["field"] == argument
        assert error["message"] == (
            f"{argument}: {forged[:60]!r} is not an ID issued by the hub ({problem})"
        )


def test_every_node_type_is_keyed_by_an_integer_the_id_range_covers() -> None:
    for type_name, (model, _published) in NODE_TYPES.items():
        column = model.__table__.c.id
        assert type(column.type) is Integer, f"{type_name}: a wider key needs a wider MAX_PK"
    assert MAX_PK == 2**31 - 1


def test_a_client_gone_before_its_body_came_is_not_an_error(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from starlette.testclient import TestClient

    from hub.app import create_app

    app = create_app(settings)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}  # the client closed mid-request (wrk at its end)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with TestClient(app) as client:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "root_path": "",
            "query_string": b"", "server": ("testserver", 80), "client": ("127.0.0.1", 50000),
            "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                        (b"content-length", b"40")],
            "state": dict(client.app_state),
        }  # fmt: skip
        client.portal.call(app, scope, receive, send)  # type: ignore[union-attr, arg-type]
        assert client.post("/graphql", json={"query": "{ __typename }"}).json() == {
            "data": {"__typename": "Query"}
        }

    assert sent == []  # nothing answered, and no 500 started
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
