"""Many clients subscribing at once (after a restart, say) take their turns at the database:
at most READS_AT_ONCE of the pool's connections, so recording events is never starved of one,
and each subscriber still gets what it missed — on SQLite and PostgreSQL, in-process and on
Redis pub/sub."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import event as sql_event
from starlette.testclient import TestClient

from hub.api.consignments import subscriptions
from hub.app import create_app
from hub.config import Settings
from tests.conftest import bearer
from tests.multimodal.test_resume import FOLLOW, _book, _record

SUBSCRIBERS = 30


@pytest.fixture
def both(settings: Settings, cache_settings: Settings) -> Settings:
    """Each database with each pub/sub backend."""
    return dataclasses.replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


def test_a_storm_of_subscribes_holds_few_connections_and_each_gets_what_it_missed(
    both: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subscriptions, "READS_AT_ONCE", 2)
    app = create_app(both)
    held = {"now": 0, "most": 0}

    def checked_out(*_args: Any) -> None:
        held["now"] += 1
        held["most"] = max(held["most"], held["now"])

    def checked_in(*_args: Any) -> None:
        held["now"] -= 1

    with TestClient(app) as client:
        client.portal.call(_book, app)  # type: ignore[union-attr]
        client.portal.call(_record, app, "e1", "e2")  # type: ignore[union-attr]
        reader = bearer(client, "registry:read")
        pool = app.state.engine.sync_engine.pool
        sql_event.listen(pool, "checkout", checked_out)
        sql_event.listen(pool, "checkin", checked_in)
        # Given 30 subscriptions sent at once, each from the start of the stream
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": reader})
            assert ws.receive_json()["type"] == "connection_ack"
            follow = {"query": FOLLOW, "variables": {"after": "0"}}
            for number in range(SUBSCRIBERS):
                ws.send_json({"id": str(number), "type": "subscribe", "payload": follow})
            received: dict[str, list[tuple[str, str]]] = {}
            for _ in range(2 * SUBSCRIBERS):
                message = ws.receive_json()
                assert message["type"] == "next", message
                event = message["payload"]["data"]["consignmentEvents"]
                received.setdefault(message["id"], []).append(
                    (event["cursor"], event["sourceEventId"])
                )
        sql_event.remove(pool, "checkout", checked_out)
        sql_event.remove(pool, "checkin", checked_in)

    # Then each got both events it missed, in order, and the subscriptions never held more
    # than their two turns of the pool (one more for a background task of the app)
    assert received == {str(n): [("1", "e1"), ("2", "e2")] for n in range(SUBSCRIBERS)}
    assert 1 <= held["most"] <= 3, held
