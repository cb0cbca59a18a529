"""A live event is executed and encoded once for all the subscribers that asked the same
thing (on each database, in-process and on Redis pub/sub): each subscriber's `next` message
then differs only by its operation id, and is what Strawberry itself would have sent."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.api import shared_results
from hub.app import create_app
from hub.config import Settings
from tests.conftest import bearer
from tests.multimodal.test_graphql import RECORD, SUBSCRIBE, _book, event
from tests.multimodal.test_service import RAIL_CARRIER
from tests.multimodal.test_workers import _listening

OTHER_SELECTION = 'subscription { consignmentEvents(reference: "JS-2026-000001") { kind } }'


@pytest.fixture
def both(settings: Settings, cache_settings: Settings) -> Settings:
    """Each database with each pub/sub backend."""
    return dataclasses.replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


def test_the_same_data_is_encoded_once_and_equal_data_of_another_event_again() -> None:
    data = {"consignmentEvents": {"kind": "LOAD", "location": "连云港东站"}}
    twin = json.loads(json.dumps(data))

    first = shared_results.encoded_payload(data)

    assert shared_results.encoded_payload(data) is first  # not encoded a second time
    assert shared_results.encoded_payload(twin) is not first  # another event's result
    assert shared_results.encoded_payload(twin) == first
    assert json.loads(first) == {"data": data}


def test_subscribers_asking_the_same_thing_share_one_encoding_of_each_event(
    both: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded: list[Any] = []
    original = json.dumps

    def counting(value: Any, **options: Any) -> str:
        # json is one module: HTTP answers are encoded through it too.
        if isinstance(value, dict) and "consignmentEvents" in (value.get("data") or {}):
            encoded.append(value["data"])
        return original(value, **options)

    monkeypatch.setattr(shared_results.json, "dumps", counting)
    app = create_app(both)
    with TestClient(app) as client:
        client.portal.call(_book, app)  # type: ignore[union-attr]
        reader = bearer(client, "registry:read")
        carrier = bearer(client, "consignment:write", RAIL_CARRIER)
        with (
            client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as one,
            client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as two,
        ):
            for ws, ids in ((one, ("a", "b")), (two, ("c",))):
                ws.send_json({"type": "connection_init", "payload": reader})
                assert ws.receive_json()["type"] == "connection_ack"
                for operation_id in ids:
                    ws.send_json(
                        {"id": operation_id, "type": "subscribe", "payload": {"query": SUBSCRIBE}}
                    )
            two.send_json({"id": "d", "type": "subscribe", "payload": {"query": OTHER_SELECTION}})
            deadline = time.monotonic() + 60
            while app.state.pubsub.subscribers("consignment:JS-2026-000001") < 4 or not (
                _listening(both, "consignment:JS-2026-000001")
            ):
                assert time.monotonic() < deadline, "the subscriptions never started"
                time.sleep(0.02)

            answer = client.post(
                "/graphql",
                json={"query": RECORD, "variables": {"e": event("LOAD", 3, "e1")}},
                headers=carrier,
            ).json()
            assert "errors" not in answer, answer
            texts = [one.receive_text(), one.receive_text(), two.receive_text(), two.receive_text()]

    messages = {json.loads(text)["id"]: (text, json.loads(text)) for text in texts}
    assert set(messages) == {"a", "b", "c", "d"}
    shared = {"consignmentEvents": {"kind": "LOAD", "location": "连云港东站"}}
    for operation_id in ("a", "b", "c"):
        text, message = messages[operation_id]
        assert message == {"id": operation_id, "type": "next", "payload": {"data": shared}}
        assert text == json.dumps(message, separators=(",", ":"))  # as Strawberry encodes
    assert messages["d"][1]["payload"] == {"data": {"consignmentEvents": {"kind": "LOAD"}}}
    # One encoding for the three that asked the same thing, one for the other selection.
    assert sorted(encoded, key=lambda data: len(data["consignmentEvents"])) == [
        {"consignmentEvents": {"kind": "LOAD"}},
        shared,
    ]
