"""graphql-transport-ws in every corner: malformed messages close with 4400, errors in a
subscribe answer an `error` message with a code, a bad token on the upgrade is 401, limits
answer with a code, a subscriber that falls behind is closed with 1013."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from hub.api.websocket import SLOW_SUBSCRIBER
from hub.app import create_app
from hub.config import Settings
from hub.multimodal import service
from tests.conftest import bearer
from tests.multimodal.test_graphql import SUBSCRIBE, _book, wait_for_subscriber
from tests.multimodal.test_mutations import OTHER_CARRIER

PROTOCOLS = ["graphql-transport-ws"]


@contextmanager
def _opened(client: TestClient, headers: dict[str, str]) -> Iterator[Any]:
    with client.websocket_connect("/graphql", subprotocols=PROTOCOLS) as ws:
        ws.send_json({"type": "connection_init", "payload": headers})
        assert ws.receive_json()["type"] == "connection_ack"
        yield ws


def _answer(ws: Any, query: str, operation_name: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"query": query}
    if operation_name is not None:
        payload["operationName"] = operation_name
    ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
    answer: dict[str, Any] = ws.receive_json()
    return answer


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ([{"type": "connection_init"}], 'a message must be a JSON object with a string "type"'),
        ({"type": 7}, 'a message must be a JSON object with a string "type"'),
        ({"id": "1", "type": "subscribe", "payload": "{}"}, "subscribe: payload must be an object"),
        ({"id": 1, "type": "subscribe", "payload": {"query": "{a}"}}, "subscribe: id must be a"),
        (
            {"id": "1", "type": "subscribe", "payload": {"query": "{a}", "variables": []}},
            "subscribe: payload.variables must be an object or null",
        ),
    ],
)
def test_a_malformed_message_closes_the_socket_with_4400(
    settings: Settings, message: Any, reason: str
) -> None:
    with TestClient(create_app(settings)) as client:
        reader = bearer(client, "registry:read")
        with _opened(client, reader) as ws:
            ws.send_json(message)
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()

    assert closed.value.code == 4400
    assert closed.value.reason.startswith(reason)


def test_errors_in_a_subscribe_answer_an_error_message_with_a_code(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        client.portal.call(_book, client.app)  # type: ignore[union-attr]
        reader = bearer(client, "registry:read")
        carrier = bearer(client, "consignment:write", OTHER_CARRIER)
        with _opened(client, reader) as ws:
            syntax = _answer(ws, "subscription { consignmentEvents(")
            two = "subscription A { a: __typename } subscription B { b: __typename }"
            unnamed = _answer(ws, two)
            unknown = _answer(ws, two, "C")
            missing = _answer(ws, SUBSCRIBE.replace("JS-2026-000001", "JS-2026-999999"))
            malformed = _answer(ws, SUBSCRIBE.replace("JS-2026-000001", "not a reference\\u0000"))
            bad_cursor = _answer(ws, SUBSCRIBE.replace('")', '", after: "x")'))
            future_cursor = _answer(ws, SUBSCRIBE.replace('")', '", after: "5")'))
        with _opened(client, carrier) as other:
            hidden = _answer(other, SUBSCRIBE)

    assert syntax["type"] == "error"
    assert syntax["payload"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert syntax["payload"][0]["message"].startswith("Syntax Error")
    assert unnamed["type"] == "error"
    assert unnamed["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert unnamed["payload"][0]["message"] == (
        "the document holds 2 operations (A, B): operationName must name the one to run"
    )
    assert unknown["type"] == "error"
    assert unknown["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "C" in unknown["payload"][0]["message"]
    for answer, reference in ((missing, "JS-2026-999999"), (hidden, "JS-2026-000001")):
        assert answer["type"] == "error", answer
        assert answer["payload"][0]["extensions"]["code"] == "NOT_FOUND"
        assert answer["payload"][0]["message"] == f"consignment {reference} not found"
    # A malformed reference is refused at once by the waybill rule, as every lookup refuses it.
    assert malformed["type"] == "error"
    assert malformed["payload"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "reference"}
    assert malformed["payload"][0]["message"].startswith("reference: 'not a reference\\x00' must")
    assert bad_cursor["payload"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    assert future_cursor["payload"][0]["message"] == (
        "after: consignment JS-2026-000001 has no event 5 yet (its newest is 0)"
    )


def test_a_bad_token_on_the_upgrade_is_answered_401_as_over_http(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        over_http = client.post(
            "/graphql", json={"query": "{__typename}"}, headers={"Authorization": "Bearer x"}
        )
        with pytest.raises(WebSocketDenialResponse) as denied:
            client.websocket_connect(
                "/graphql", subprotocols=PROTOCOLS, headers={"Authorization": "Bearer x"}
            ).__enter__()

    assert over_http.status_code == 401
    assert denied.value.status_code == 401
    assert denied.value.headers["WWW-Authenticate"] == over_http.headers["WWW-Authenticate"]
    assert denied.value.json() == over_http.json()


def test_the_operations_limit_of_a_connection_answers_an_error_with_a_code(
    settings: Settings,
) -> None:
    limited = dataclasses.replace(settings, max_subscriptions_per_connection=2)
    with TestClient(create_app(limited)) as client:
        client.portal.call(_book, client.app)  # type: ignore[union-attr]
        with _opened(client, bearer(client, "registry:read")) as ws:
            for number in ("1", "2", "3"):
                ws.send_json({"id": number, "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            refused = ws.receive_json()

    assert refused["id"] == "3"
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS"}
    assert refused["payload"][0]["message"].startswith("this connection has 2 operations running")


async def _flood(app: Any, count: int) -> None:
    """Publish ``count`` events at once: the fan-out queues them before the socket can send."""
    pubsub = app.state.pubsub
    for number in range(count):
        await pubsub.publish(service.channel("JS-2026-000001"), b'{"sequence": %d}' % number)


def _read_until_closed(ws: Any) -> None:
    for _ in range(10):
        ws.receive_json()


def test_a_subscriber_that_falls_behind_is_closed_with_1013(settings: Settings) -> None:
    small = dataclasses.replace(settings, subscriber_queue_events=5)
    with TestClient(create_app(small)) as client:
        client.portal.call(_book, client.app)  # type: ignore[union-attr]
        with _opened(client, bearer(client, "registry:read")) as ws:
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            wait_for_subscriber("consignment:JS-2026-000001")
            client.portal.call(_flood, client.app, 6)  # type: ignore[union-attr]
            with pytest.raises(WebSocketDisconnect) as closed:
                _read_until_closed(ws)

    assert closed.value.code == SLOW_SUBSCRIBER == 1013
    assert closed.value.reason == (
        "the subscriber fell behind: more than 5 events or 1048576 bytes were waiting to be sent"
    )


def test_a_waiting_subscription_holds_no_database_connection(settings: Settings) -> None:
    # Given subscriptions that follow a consignment (each looked it up when it started)
    with TestClient(create_app(settings)) as client:
        client.portal.call(_book, client.app)  # type: ignore[union-attr]
        reader = bearer(client, "registry:read")
        engine = client.app.state.engine  # type: ignore[attr-defined]
        with _opened(client, reader) as ws:
            for number in range(3):
                ws.send_json(
                    {"id": str(number), "type": "subscribe", "payload": {"query": SUBSCRIBE}}
                )
            wait_for_subscriber("consignment:JS-2026-000001")
            # When they wait for events (what each read when it started has been read)
            held = engine.pool.checkedout()
            deadline = time.monotonic() + 60
            while held and time.monotonic() < deadline:
                time.sleep(0.01)
                held = engine.pool.checkedout()

    # Then no connection stays checked out of the pool while the sockets are open: a thousand
    # waiting officers cannot starve the requests that record events.
    assert held == 0
