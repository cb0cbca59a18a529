"""One log line per request, tied to its request id, and nothing personal or secret in any line."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub import logs
from hub.api.documents import document_hash
from hub.config import Settings
from hub.db import session_factory
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.logs import JsonFormatter, TextFormatter
from hub.metrics import REGISTRY
from hub.request_log import RequestLog
from tests.conftest import PURPOSE, GraphQLClient, fetch_token, register_client, running

PLATES = "query Plates { vehicles(first: 2) { edges { node { plate } } } }"
PEOPLE = "query People { practitioners(first: 5) { edges { node { idNumber name phone } } } }"
PERSON = "query Person($n: String!) { practitioner(idNumber: $n) { name phone } }"


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "hub.request"]


async def test_a_sane_request_id_is_kept_and_returned(anonymous: GraphQLClient) -> None:
    answer = await anonymous.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-Id": "lb-7f3a.91:2"}
    )

    assert answer.status_code == 200
    assert answer.headers["X-Request-Id"] == "lb-7f3a.91:2"


@pytest.mark.parametrize(
    "given", [None, "", "has spaces", "x" * 65, "<script>", "\xe9".encode("latin-1")]
)
async def test_a_missing_or_unusable_request_id_is_replaced(
    anonymous: GraphQLClient, given: str | bytes | None
) -> None:
    headers = {} if given is None else {"X-Request-Id": given}

    answer = await anonymous.http.get("/.well-known/jwks.json", headers=headers)

    generated = answer.headers["X-Request-Id"]
    assert generated != given
    assert len(generated) == 32
    assert int(generated, 16) >= 0, "a new uuid4, as hex"


async def test_each_request_is_logged_once_with_its_fields(
    anonymous: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await anonymous.as_client("registry:read", tier="partner", purpose=None)
    caplog.set_level(logging.INFO)

    answer = await client.http.post(
        "/graphql", json={"query": PLATES}, headers={**client.headers, "X-Request-Id": "req-1"}
    )

    assert answer.status_code == 200, answer.text
    lines = [json.loads(JsonFormatter().format(line)) for line in request_lines(caplog)]
    [logged] = [line for line in lines if line["request_id"] == "req-1"]
    assert logged["message"] == "POST /graphql 200"
    assert logged["client_id"].startswith("test_agency-")
    assert logged["agency"] == "test_agency"
    assert logged["tier"] == "partner"
    assert logged["operation_name"] == "Plates"
    assert logged["operation_type"] == "query"
    assert logged["document_hash"] == document_hash(PLATES)
    assert logged["status"] == 200
    assert logged["duration_ms"] >= 0
    assert logged["sql_statements"] >= 1, "the page was read from the database"


async def test_requests_other_than_graphql_are_logged_by_route(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running(settings) as http:
        await http.get("/exchange/nobody/nothing", headers={"X-Request-Id": "r-404"})
        await http.get("/no/such/320102199001011234")

    known, unknown = (json.loads(JsonFormatter().format(r)) for r in request_lines(caplog))
    assert known["route"] == "/exchange/{agency}/{document}", "the template, not the path"
    assert known["operation_name"] is None
    assert unknown["route"] == "unmatched"
    assert unknown["status"] == 404
    assert "320102199001011234" not in json.dumps(unknown), "a path is never logged"


def appends() -> float:
    return REGISTRY.get_sample_value("hub_audit_appends_total", {"outcome": "ok"}) or 0.0


@pytest.fixture
def everything_logged() -> Iterator[io.StringIO]:
    """Every line any logger writes, at debug level, as a server writes them (JSON lines)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    logs.configure("json", "debug", server=True, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def test_nothing_personal_and_no_secret_is_logged(
    settings: Settings, everything_logged: io.StringIO
) -> None:
    async with running(settings) as http:
        sessions = session_factory(http.app.state.engine)
        await load(sessions, generate(DemoScale.times(0.02), today=TODAY))
        client_id, secret = await register_client(http, "registry:read pii:read")
        assert secret is not None
        token = await fetch_token(http, client_id, secret)
        audited = appends()
        headers = {
            "Authorization": f"Bearer {token}",
            "X-Purpose-Of-Use": PURPOSE,
            "X-Request-Id": "pii-read-1",
        }
        people = await http.post("/graphql", json={"query": PEOPLE}, headers=headers)
        nodes = [edge["node"] for edge in people.json()["data"]["practitioners"]["edges"]]
        person = await http.post(
            "/graphql",
            json={"query": PERSON, "variables": {"n": nodes[0]["idNumber"]}},
            headers={**headers, "X-Request-Id": "pii-read-2"},
        )
        await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_secret": "wrong-" + secret},
            auth=(client_id, "wrong-" + secret),
        )

    assert person.json()["data"]["practitioner"]["name"] == nodes[0]["name"]
    assert appends() - audited == 2, "both reads were audited (and counted)"
    personal = {value for node in nodes for value in node.values() if value}
    assert len(personal) >= 10, "the answers did carry personal data"
    logged = everything_logged.getvalue()
    lines = [json.loads(line) for line in logged.splitlines()]
    assert {"pii-read-1", "pii-read-2"} <= {line.get("request_id") for line in lines}
    leaked = [value for value in personal if value in logged]
    assert leaked == [], f"personal data in the logs: {leaked}"
    assert token not in logged, "the access token is in the logs"
    assert secret not in logged, "the client secret is in the logs"
    assert token.split(".")[2] not in logged, "the token's signature is in the logs"


TODAY = dt.date(2026, 11, 25)


async def test_a_crash_is_answered_500_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(_request: Request) -> Response:
        raise RuntimeError("a bug")

    app = Starlette(routes=[Route("/broken", broken)], middleware=[Middleware(RequestLog)])
    caplog.set_level(logging.INFO)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        answer = await http.get("/broken", headers={"X-Request-Id": "crash-1"})

    assert answer.status_code == 500
    assert answer.headers["X-Request-Id"] == "crash-1"
    assert answer.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    [line] = request_lines(caplog)
    assert json.loads(JsonFormatter().format(line))["status"] == 500


def test_lines_logged_while_serving_carry_the_request_id() -> None:
    record = logging.LogRecord("hub.api", logging.ERROR, __file__, 1, "boom %s", ("x",), None)
    token = logs.request_id.set("abc")
    try:
        line: dict[str, Any] = json.loads(JsonFormatter().format(record))
        text = TextFormatter().format(record)
    finally:
        logs.request_id.reset(token)

    assert line["request_id"] == "abc"
    assert line["message"] == "boom x"
    assert line["level"] == "error"
    assert text.endswith("ERROR   hub.api: boom x  request_id=abc")
