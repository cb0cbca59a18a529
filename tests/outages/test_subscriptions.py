"""Websockets through a Redis outage: a subscription cut off ends with an error naming where
to resume, a new connection is closed with 1013 (try again later), and once Redis is back a
subscriber resuming from that cursor receives what was recorded meanwhile."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import pytest
from anyio.from_thread import start_blocking_portal
from redis import Redis
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from hub.app import create_app
from hub.config import Settings
from tests.conftest import REDIS_URL, bearer, unavailable
from tests.multimodal.test_graphql import SUBSCRIBE
from tests.multimodal.test_resume import _record
from tests.multimodal.test_workers import _book, _listening
from tests.outages.proxy import Proxy

PROTOCOLS = ["graphql-transport-ws"]
RESUME = """subscription { consignmentEvents(reference: "JS-2026-000001", after: $after) {
  cursor sourceEventId } }"""


def test_a_subscription_cut_off_from_redis_ends_resumable_and_the_server_answers_on(
    sqlite_template: Path, tmp_path: Path
) -> None:
    shutil.copy(sqlite_template, tmp_path / "hub.sqlite3")
    with Redis.from_url(REDIS_URL, socket_connect_timeout=2) as redis:
        try:
            redis.ping()
        except Exception as exc:  # a refused or timed-out connection both mean: no server
            unavailable(f"Redis not reachable at {REDIS_URL} ({exc})")
    with start_blocking_portal() as portal:
        proxy = Proxy("127.0.0.1", 6379)
        portal.call(proxy.start)
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
            redis_url=proxy.rewrite(REDIS_URL),
            cache_prefix=f"hub-test:{uuid.uuid4().hex[:10]}:",
            data_dir=tmp_path,
        )
        try:
            with TestClient(create_app(settings)) as http:
                http.portal.call(_book, http.app)  # type: ignore[union-attr]
                reader = bearer(http, "registry:read")
                with http.websocket_connect("/graphql", subprotocols=PROTOCOLS) as ws:
                    ws.send_json({"type": "connection_init", "payload": reader})
                    assert ws.receive_json()["type"] == "connection_ack"
                    ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
                    deadline = time.monotonic() + 60
                    while not _listening(settings, "consignment:JS-2026-000001"):
                        assert time.monotonic() < deadline, "the subscription never started"
                        time.sleep(0.02)
                    portal.call(proxy.cut)
                    ended = ws.receive_json()
                with http.websocket_connect("/graphql", subprotocols=PROTOCOLS) as ws:
                    ws.send_json({"type": "connection_init", "payload": reader})
                    with pytest.raises(WebSocketDisconnect) as refused:
                        ws.receive_json()
                # Recorded while the pub/sub is down: stored, published to no one.
                http.portal.call(_record, http.app, "gap-1")  # type: ignore[union-attr]
                portal.call(proxy.restore)
                with http.websocket_connect("/graphql", subprotocols=PROTOCOLS) as ws:
                    ws.send_json({"type": "connection_init", "payload": reader})
                    assert ws.receive_json()["type"] == "connection_ack"
                    after = ended["payload"][0]["extensions"]["after"]
                    query = RESUME.replace("$after", f'"{after}"')
                    ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": query}})
                    resumed = ws.receive_json()
                live = http.get("/health/live")
                ready = http.get("/health/ready")
        finally:
            portal.call(proxy.close)

    assert ended["id"] == "1"
    assert ended["type"] == "error", ended
    [error] = ended["payload"]
    assert error["extensions"] == {"code": "SUBSCRIPTION_INTERRUPTED", "after": "0"}
    assert error["message"] == (
        "the hub lost its connection to Redis: events may have been missed: subscribe again "
        'with after: "0" to receive them'
    )
    assert resumed["type"] == "next", resumed
    assert resumed["payload"]["data"]["consignmentEvents"] == {
        "cursor": "1",
        "sourceEventId": "gap-1",
    }
    assert refused.value.code == 1013, "try again later: the token cannot be checked"
    assert "Redis" in refused.value.reason
    assert live.status_code == 200
    assert ready.status_code == 200, ready.text
